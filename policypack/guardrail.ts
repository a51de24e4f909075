// The guardrail-v2 policies: stack policies over every ssm-runas SCP of the stack together (the RunShell
// guardrail and the session guardrail). A statement may sit in either SCP, and an exemption in one is protected
// by a statement in the other (the session guardrail exempts the deploy roles the RunShell guardrail protects),
// so the checks read the union of both documents' statements, as IAM evaluates them for an account both are
// attached to (ssm-runas-stack-complete makes sure both are).
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import {
  arnMatches,
  conditionEntries,
  coversPattern,
  denies,
  exemptionsOf,
  exemptsEveryone,
  exemptsPattern,
  guards,
  instancesOf,
  isExemptionCondition,
  otherConditions,
  parsePolicyDocument,
  patternWithin,
  statementCoversAction,
  statementCoversArn,
  unguarded,
  whyNotGuarding,
  type ConditionEntry,
  type Exemption,
  type Statement,
} from "./iam";
import { isRunShellScpDocument, isSessionScpDocument, scpDocumentsOf } from "./resources";
import {
  IDENTITY_CENTER_INSTANCE_ARN_PATTERN,
  IDENTITY_CENTER_ROLE_ARN_PATTERN,
  LZA_DEPLOY_PRINCIPALS,
  RUN_AS_TAG_KEY,
  RUN_SHELL_DOCUMENT_ARN_PATTERN,
  RUN_SHELL_DOCUMENT_NAME,
  ANY_STACKSET_ARN_PATTERN,
  documentArnPattern,
  STACKSET_EXECUTION_ROLE_ARN_PATTERN,
} from "./rules/names";
import {
  ABAC_WRITE_ACTIONS,
  ROLE_WRITE_ACTIONS,
  RUN_AS_TAGGING_ACTIONS,
  SESSION_ACTIONS,
  SESSION_DOCUMENT_WRITE_ACTIONS,
  SESSION_TARGET_ARN_PATTERNS,
  STACKSET_WRITE_ACTIONS,
} from "./rules/scpActions";

/** A statement of one of the stack's ssm-runas SCPs, with where it comes from (for messages). */
export interface ScpStatement extends Statement {
  /** `<policy name> statement <Sid>` (or `#<n>`). */
  where: string;
}

function policyLabel(name: unknown, urn: string): string {
  return typeof name === "string" ? name : (urn.split("::").pop() ?? urn);
}

/**
 * The statements of every ssm-runas SCP of the stack (both guardrails), or undefined after reporting an SCP
 * that is not a JSON policy. Not applicable to a stack without any (ssm-runas-stack-complete says what is missing).
 */
export function guardrailStatements(
  args: StackValidationArgs,
  reportViolation: ReportViolation,
): ScpStatement[] | undefined {
  // Both kinds of SCP: the Organizations policies, or the policy files of the guardrail's LZA export.
  const scps = args.resources.flatMap((r) =>
    scpDocumentsOf(r.type, r.props)
      .filter((document) => isRunShellScpDocument(document) || isSessionScpDocument(document))
      .map((document) => ({ urn: r.urn, ...document })),
  );
  if (scps.length === 0) args.notApplicable("the stack holds no ssm-runas SCP");
  const statements: ScpStatement[] = [];
  let broken = false;
  for (const scp of scps) {
    const label = policyLabel(scp.name, scp.urn);
    try {
      parsePolicyDocument(scp.content).forEach((statement, index) =>
        statements.push({
          ...statement,
          where: `${label} statement ${statement.sid ?? `#${index + 1}`}`,
        }),
      );
    } catch (err) {
      reportViolation(
        `The SCP ${label}'s content is not a JSON policy document: ${(err as Error).message}.`,
        scp.urn,
      );
      broken = true;
    }
  }
  return broken ? undefined : statements;
}

export function onGuardrails<C extends object = object>(
  check: (statements: ScpStatement[], config: C, reportViolation: ReportViolation) => void,
) {
  return (args: StackValidationArgs, reportViolation: ReportViolation) => {
    const statements = guardrailStatements(args, reportViolation);
    if (statements) check(statements, args.getConfig<C>(), reportViolation);
  };
}

const where = (statements: readonly ScpStatement[]) => statements.map((s) => s.where).join("; ");

/** The Identity Center roles: IAM refuses every change to them but Identity Center's own (see below). */
function isIdentityCenterPattern(pattern: string): boolean {
  return patternWithin(pattern, IDENTITY_CENTER_ROLE_ARN_PATTERN);
}

/** A Deny that protects roles: it covers a role write on IAM resources (or on every resource). */
function protectsRoles(statement: Statement): boolean {
  if (statement.effect !== "Deny" || !ROLE_WRITE_ACTIONS.some((a) => statementCoversAction(statement, a)))
    return false;
  if (statement.notResources) return true;
  return (statement.resources ?? []).some((r) => {
    const service = r.split(":")[2];
    return r === "*" || service === "iam" || service === "*" || service === "sts";
  });
}

const list = (values: readonly string[] | undefined): readonly string[] => values ?? [];

function uniquePatterns(exemptions: readonly Exemption[]): string[] {
  return Array.from(new Set(exemptions.map((e) => e.pattern)));
}

// ---------------------------------------------------------------------------------------------------------
// 1. Every exemption is protected.

export const scpExemptionsProtected: StackValidationPolicy = {
  name: "ssm-runas-scp-exemptions-protected",
  description:
    "Every aws:PrincipalArn exemption of a Deny in the ssm-runas SCPs names roles that a Deny without other " +
    "conditions or an exempt-everyone pattern protects from every role write (create, delete, trust, policies, " +
    "boundary, tags, iam:PassRole, sts:AssumeRole), and that Deny exempts only principals that are exempt from " +
    "a Deny protecting something else too: otherwise an account admin becomes the exempt principal, or the " +
    "protection opens a new door. Identity Center's roles (aws-reserved/sso.amazonaws.com) are left out: IAM " +
    "refuses every change to them but Identity Center's, and their trust policy admits only its SAML provider.",
  enforcementLevel: "mandatory",
  validateStack: onGuardrails((statements, _config, reportViolation) => {
    const denyStatements = statements.filter((s) => s.effect === "Deny");
    // Principals exempt from a Deny with another purpose (the document, the writer, the StackSet, ABAC, …).
    const purposeful = denyStatements.filter((s) => !protectsRoles(s)).flatMap((s) => exemptionsOf(s));
    const newDoors = (s: Statement) =>
      uniquePatterns(exemptionsOf(s)).filter((p) => !exemptsPattern(purposeful, p));
    const valid = (s: Statement) => guards(s) && newDoors(s).length === 0;

    const exempted = new Map<string, ScpStatement[]>();
    for (const s of denyStatements) {
      for (const pattern of uniquePatterns(exemptionsOf(s))) {
        if (isIdentityCenterPattern(pattern)) continue;
        exempted.set(pattern, [...(exempted.get(pattern) ?? []), s]);
      }
    }
    for (const [pattern, exemptFrom] of Array.from(exempted.entries())) {
      const missing = ROLE_WRITE_ACTIONS.filter(
        (action) => !denies(denyStatements, action, pattern).some(valid),
      );
      if (missing.length === 0) continue;
      const reasons: string[] = [];
      const candidates = new Set<ScpStatement>();
      for (const action of missing) {
        for (const s of denies(denyStatements, action, pattern) as ScpStatement[]) candidates.add(s);
      }
      // Denies aimed at these roles (not Resource "*" ones such as the RunAs tag Deny) that do not count, and why.
      for (const s of Array.from(candidates).filter((c) => !list(c.resources).includes("*"))) {
        const why = whyNotGuarding(s);
        if (why) reasons.push(`${s.where} ${why}`);
        const doors = newDoors(s);
        if (doors.length > 0) {
          reasons.push(`${s.where} also exempts ${doors.join(", ")}, exempt from nothing else (a new door)`);
        }
      }
      reportViolation(
        `Exemption ${pattern} (${where(exemptFrom)}) is not protected: no Deny without other conditions, ` +
          `exempt-everyone pattern or new exemptions covers ${missing.join(", ")} on it, so an account admin ` +
          "could create, change, pass or assume a role it matches" +
          (reasons.length > 0 ? `; ${reasons.join("; ")}.` : "."),
      );
    }
  }),
};

// ---------------------------------------------------------------------------------------------------------
// 2. Sessions run on the RunShell document (or an allowed one) of the account itself.

export interface SessionDocumentsConfig {
  allowedSessionDocuments?: string[];
}

// Documents a session must not run on unless allowed: AWS's own Session documents, a look-alike of the
// RunShell document and documents of arbitrary names (with and without an account).
const PROBE_DOCUMENTS = [
  ...instancesOf("arn:aws:ssm:*:*:document/*"),
  ...[
    "AWS-StartSSHSession",
    "AWS-StartInteractiveCommand",
    "AWS-StartNonInteractiveCommand",
    "AWS-StartPortForwardingSession",
    "AWS-StartPortForwardingSessionToRemoteHost",
    "AWS-StartPortForwardingSessionToSocket",
  ].map((name) => `arn:aws:ssm:eu-west-1::document/${name}`),
  `arn:aws:ssm:eu-west-1:111122223333:document/${RUN_SHELL_DOCUMENT_NAME}-copy`,
  `arn:aws:ssm:eu-west-1:111122223333:document/zq-${RUN_SHELL_DOCUMENT_NAME}`,
];

/** The base operator and key of a condition match (keys are case-insensitive). */
export function hasCondition(
  statement: Statement,
  test: (entry: ConditionEntry) => boolean,
): ConditionEntry | undefined {
  return conditionEntries(statement).find((entry) => !isExemptionCondition(entry) && test(entry));
}

/** A Deny holding under exactly one condition `expected` besides aws:PrincipalArn exemptions (none exempting everyone). */
export function holdsUnder(statement: Statement, expected: ConditionEntry): boolean {
  const other = otherConditions(statement);
  return (
    other.length === 1 &&
    other[0] === `${expected.operator} ${expected.key}` &&
    !exemptionsOf(statement).some((e) => exemptsEveryone(e))
  );
}

function sessionDocumentProblems(statements: readonly Statement[], allowed: readonly string[]): string[] {
  const names = [RUN_SHELL_DOCUMENT_NAME, ...allowed];
  const allowedDocuments = names.map(documentArnPattern);
  const isAllowed = (arn: string) => allowedDocuments.some((p) => arnMatches(p, arn));
  const withinAllowed = (entry: string) =>
    coversPattern(
      (arn) => isAllowed(arn) || SESSION_TARGET_ARN_PATTERNS.some((t) => arnMatches(t, arn)),
      entry,
    );
  const problems: string[] = [];

  const refusesOthers = (s: Statement) =>
    s.effect === "Deny" &&
    guards(s) &&
    SESSION_ACTIONS.every((a) => statementCoversAction(s, a)) &&
    PROBE_DOCUMENTS.filter((arn) => !isAllowed(arn)).every((arn) => statementCoversArn(s, arn)) &&
    (s.notResources ?? []).every(withinAllowed);
  if (!statements.some(refusesOthers)) {
    problems.push(
      `No Deny of ${SESSION_ACTIONS.join(", ")} refuses every document but ${names.join(", ")} ` +
        "(allowedSessionDocuments) and the session targets (NotResource, no condition but aws:PrincipalArn " +
        "exemptions): a session could run on Standard_Stream with RunAs off, AWS-StartSSHSession or a " +
        "document of the account admin's own.",
    );
  }

  const ownDocuments = names.filter((name) => !name.startsWith("AWS-"));
  const foreign = ownDocuments.filter(
    (name) =>
      !statements.some((s) => {
        if (s.effect !== "Deny" || !SESSION_ACTIONS.every((a) => statementCoversAction(s, a))) return false;
        if (!coversPattern((arn) => statementCoversArn(s, arn), documentArnPattern(name))) return false;
        const condition = hasCondition(
          s,
          (c) =>
            c.set === undefined &&
            c.base === "stringnotequals" &&
            c.key.toLowerCase() === "aws:resourceaccount" &&
            c.values.length === 1 &&
            c.values[0] === "${aws:PrincipalAccount}",
        );
        return condition !== undefined && holdsUnder(s, condition);
      }),
  );
  if (foreign.length > 0) {
    problems.push(
      `No Deny of ${SESSION_ACTIONS.join(", ")} on ${foreign.join(", ")} of other accounts ` +
        '(StringNotEquals aws:ResourceAccount "${aws:PrincipalAccount}"): a document of that name shared ' +
        "from another account would run instead.",
    );
  }

  const anyDocument = "arn:aws:ssm:*:*:document/*";
  const untyped = SESSION_DOCUMENT_WRITE_ACTIONS.filter(
    (action) =>
      !denies(statements, action, anyDocument).some((s) => {
        const condition = hasCondition(
          s,
          (c) =>
            c.set === undefined &&
            (c.base === "stringequals" || c.base === "stringequalsignorecase") &&
            c.key.toLowerCase() === "ssm:documenttype" &&
            c.values.includes("Session"),
        );
        return condition !== undefined && holdsUnder(s, condition);
      }),
  );
  if (untyped.length > 0) {
    problems.push(
      `No Deny of ${untyped.join(", ")} on every document with StringEquals ssm:DocumentType "Session": ` +
        "an account admin could create Session documents to try.",
    );
  }
  return problems;
}

export const scpSessionDocuments: StackValidationPolicy = {
  name: "ssm-runas-scp-session-documents",
  description:
    `The ssm-runas SCPs deny ssm:StartSession on every document but ${RUN_SHELL_DOCUMENT_NAME} and the ` +
    "allowedSessionDocuments (NotResource with the session targets), on that document of another account " +
    "(aws:ResourceAccount ≠ ${aws:PrincipalAccount}), and the writes of Session-type documents (ssm:DocumentType).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedSessionDocuments: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          `Session documents besides ${RUN_SHELL_DOCUMENT_NAME} sessions may use, as the stack config key of ` +
          "the same name lists them.",
      },
    },
  },
  validateStack: onGuardrails<SessionDocumentsConfig>((statements, config, reportViolation) => {
    for (const problem of sessionDocumentProblems(statements, config.allowedSessionDocuments ?? [])) {
      reportViolation(problem);
    }
  }),
};

// ---------------------------------------------------------------------------------------------------------
// 3. The RunAs tag comes from Identity Center alone.

const EVERY_PRINCIPAL_RESOURCE = ["arn:aws:iam::*:role/*", "arn:aws:iam::*:user/*"];

function runAsTagProblems(statements: readonly Statement[]): string[] {
  const problems: string[] = [];
  const tagKey = RUN_AS_TAG_KEY.toLowerCase();
  const untagged = RUN_AS_TAGGING_ACTIONS.filter(
    (action) =>
      !EVERY_PRINCIPAL_RESOURCE.every((resource) =>
        denies(statements, action, resource).some((s) => {
          const condition = hasCondition(
            s,
            (c) =>
              c.set === "foranyvalue" &&
              c.base === "stringequalsignorecase" &&
              c.key.toLowerCase() === "aws:tagkeys" &&
              c.values.some((v) => v.toLowerCase() === tagKey),
          );
          return condition !== undefined && holdsUnder(s, condition);
        }),
      ),
  );
  if (untagged.length > 0) {
    problems.push(
      `No Deny of ${untagged.join(", ")} on every role and user with ForAnyValue:StringEqualsIgnoreCase ` +
        `aws:TagKeys ${RUN_AS_TAG_KEY}: a principal could give itself (or a role it creates) the RunAs user it likes.`,
    );
  }

  const sessionResources = [RUN_SHELL_DOCUMENT_ARN_PATTERN, ...SESSION_TARGET_ARN_PATTERNS];
  const tagged = SESSION_ACTIONS.filter(
    (action) =>
      !sessionResources.every((resource) =>
        denies(statements, action, resource).some((s) => {
          const condition = hasCondition(
            s,
            (c) =>
              c.set === undefined &&
              c.key.toLowerCase() === `aws:principaltag/${tagKey}` &&
              ((c.base === "null" && c.values.length === 1 && c.values[0].toLowerCase() === "false") ||
                (c.base === "stringlike" && c.values.includes("*"))),
          );
          const exemptions = exemptionsOf(s);
          return (
            condition !== undefined &&
            holdsUnder(s, condition) &&
            exemptions.every((e) => e.wildcard && isIdentityCenterPattern(e.pattern)) &&
            exemptsPattern(exemptions, IDENTITY_CENTER_ROLE_ARN_PATTERN)
          );
        }),
      ),
  );
  if (tagged.length > 0) {
    problems.push(
      `No Deny of ${tagged.join(", ")} for principals carrying aws:PrincipalTag/${RUN_AS_TAG_KEY} ` +
        `(Null "false") that exempts ${IDENTITY_CENTER_ROLE_ARN_PATTERN} and nothing else: a role tagged ` +
        "before the SCP could start sessions as the user of its choice.",
    );
  }
  return problems;
}

export const scpRunAsTag: StackValidationPolicy = {
  name: "ssm-runas-scp-run-as-tag",
  description:
    `The ssm-runas SCPs deny ${RUN_AS_TAGGING_ACTIONS.join(", ")} with ${RUN_AS_TAG_KEY} among aws:TagKeys ` +
    "(ForAnyValue:StringEqualsIgnoreCase), and ssm:StartSession to any principal carrying " +
    `aws:PrincipalTag/${RUN_AS_TAG_KEY} but Identity Center's roles: the RunAs user comes from Identity Center alone.`,
  enforcementLevel: "mandatory",
  validateStack: onGuardrails((statements, _config, reportViolation) => {
    for (const problem of runAsTagProblems(statements)) reportViolation(problem);
  }),
};

// ---------------------------------------------------------------------------------------------------------
// 4. Sessions start only in the regions that have the document (advisory: restrictSessionRegions false).

export const scpSessionRegions: StackValidationPolicy = {
  name: "ssm-runas-scp-session-regions",
  description:
    "The ssm-runas SCPs deny ssm:StartSession outside the stack's regions (StringNotEquals " +
    "aws:RequestedRegion): a region without the RunShell document runs sessions as ssm-user. Advisory, since " +
    "restrictSessionRegions: false is a documented choice (another SCP of the organisation may restrict regions).",
  enforcementLevel: "advisory",
  validateStack: onGuardrails((statements, _config, reportViolation) => {
    const restricted = SESSION_ACTIONS.every((action) =>
      denies(statements, action, RUN_SHELL_DOCUMENT_ARN_PATTERN).some((s) => {
        const condition = hasCondition(
          s,
          (c) =>
            c.set === undefined &&
            ["stringnotequals", "stringnotequalsignorecase", "stringnotlike"].includes(c.base) &&
            c.key.toLowerCase() === "aws:requestedregion",
        );
        return condition !== undefined && holdsUnder(s, condition);
      }),
    );
    if (!restricted) {
      reportViolation(
        `No Deny of ${SESSION_ACTIONS.join(", ")} outside the stack's regions (StringNotEquals ` +
          "aws:RequestedRegion): in a region without the RunShell document, sessions run as ssm-user. Set " +
          "restrictSessionRegions: true, or make sure another SCP restricts regions.",
      );
    }
  }),
};

// ---------------------------------------------------------------------------------------------------------
// 5. The service-managed StackSet role is exempt from its own protection, and nothing else is.

export interface StackSetRoleConfig {
  stackSetExecutionRoleArnPattern?: string;
}

export const scpStackSetRoleExemptions: StackValidationPolicy = {
  name: "ssm-runas-scp-stackset-role-exemptions",
  description:
    `With the service-managed StackSet role (${STACKSET_EXECUTION_ROLE_ARN_PATTERN}), a Deny of every role ` +
    "write on that role exempts nothing but the role itself: StackSets create it through their service-linked " +
    "role, which no SCP restricts, so any other exempt principal is a door to everything the role may do.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      stackSetExecutionRoleArnPattern: {
        type: "string",
        default: STACKSET_EXECUTION_ROLE_ARN_PATTERN,
        description:
          "aws:PrincipalArn pattern of the role the RunShell StackSet's stacks run as (the stack config key of " +
          "the same name). Another pattern (a self-managed StackSet's role, managed by the deploy roles) is " +
          "left to ssm-runas-scp-exemptions-protected.",
      },
    },
  },
  validateStack: onGuardrails<StackSetRoleConfig>((statements, config, reportViolation) => {
    const role = config.stackSetExecutionRoleArnPattern ?? STACKSET_EXECUTION_ROLE_ARN_PATTERN;
    if (role !== STACKSET_EXECUTION_ROLE_ARN_PATTERN) return;
    const onlyRole = (s: Statement) =>
      guards(s) && exemptionsOf(s).every((e) => e.wildcard && patternWithin(e.pattern, role));
    const missing = unguarded(statements, ROLE_WRITE_ACTIONS, role, onlyRole);
    if (missing.length === 0) return;
    const others = new Set<string>();
    for (const action of missing) {
      for (const s of denies(statements, action, role) as ScpStatement[]) {
        const extra = uniquePatterns(exemptionsOf(s)).filter((p) => !patternWithin(p, role));
        if (extra.length > 0) others.add(`${s.where} exempts ${extra.join(", ")}`);
      }
    }
    reportViolation(
      `No Deny that exempts nothing but ${role} covers ${missing.join(", ")} on it` +
        (others.size > 0 ? ` (${Array.from(others).join("; ")})` : "") +
        ": whoever else is exempt could change the role the writer trusts, or become it.",
    );
  }),
};

// ---------------------------------------------------------------------------------------------------------
// 6. A delegated administrator changes no StackSet (the RunShell one included) nor the ABAC mapping, but the
// deploy roles.

export interface DelegatedAdminConfig {
  deployPrincipalArns?: string[];
}

export const scpDelegatedAdmin: StackValidationPolicy = {
  name: "ssm-runas-scp-delegated-admin",
  description:
    `The ssm-runas SCPs deny ${STACKSET_WRITE_ACTIONS.join(", ")} on every StackSet (${ANY_STACKSET_ARN_PATTERN}, ` +
    `the RunShell StackSet included) and ${ABAC_WRITE_ACTIONS.join(", ")}, exempting nothing but ` +
    "deployPrincipalArns: a delegated administrator would otherwise rewrite the RunShell StackSet or create " +
    "another (every StackSet's stacks run as the exempt StackSet role), or change every engineer's RunAs user.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      deployPrincipalArns: {
        type: "array",
        items: { type: "string" },
        default: LZA_DEPLOY_PRINCIPALS.slice(),
        description:
          "aws:PrincipalArn patterns of the pipeline roles that deploy ssm-runas-sync (the stack config key of " +
          "the same name): the only principals those Denies may exempt. Defaults to Landing Zone Accelerator's " +
          "pipeline roles, as the example stacks list them; set [] where the stack sets none.",
      },
    },
  },
  validateStack: onGuardrails<DelegatedAdminConfig>((statements, config, reportViolation) => {
    const deploy: Exemption[] = (config.deployPrincipalArns ?? LZA_DEPLOY_PRINCIPALS).map((pattern) => ({
      pattern,
      wildcard: true,
      operator: "ArnNotLike",
    }));
    const onlyDeploy = (s: Statement) =>
      guards(s) && exemptionsOf(s).every((e) => exemptsPattern(deploy, e.pattern));
    for (const [what, actions, target] of [
      ["every StackSet", STACKSET_WRITE_ACTIONS, ANY_STACKSET_ARN_PATTERN],
      ["the ABAC configuration", ABAC_WRITE_ACTIONS, IDENTITY_CENTER_INSTANCE_ARN_PATTERN],
    ] as const) {
      const missing = unguarded(statements, actions, target, onlyDeploy);
      if (missing.length === 0) continue;
      const reasons = new Set<string>();
      for (const action of missing) {
        for (const s of denies(statements, action, target) as ScpStatement[]) {
          const why = whyNotGuarding(s);
          if (why) reasons.add(`${s.where} ${why}`);
          const extra = uniquePatterns(exemptionsOf(s)).filter((p) => !exemptsPattern(deploy, p));
          if (extra.length > 0)
            reasons.add(`${s.where} exempts ${extra.join(", ")}, not in deployPrincipalArns`);
        }
      }
      reportViolation(
        `No Deny exempting nothing but deployPrincipalArns covers ${missing.join(", ")} on ${what} (${target})` +
          (reasons.size > 0 ? `: ${Array.from(reasons).join("; ")}.` : "."),
      );
    }
  }),
};
