// The SCP policies: the RunShell SCP denies every write to the document and to the writer, exempts exactly the
// principals that must write, and fits Organizations' size limit.
import type { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import {
  denies,
  exemptionsOf,
  exemptsEveryone,
  exemptsPattern,
  isRoleNamePrefix,
  otherConditions,
  parsePolicyDocument,
  patternWithin,
  unguarded,
  type Statement,
} from "./iam";
import {
  contentText,
  isRunShellScpDocument,
  isSessionScpDocument,
  scpDocumentsOf,
  type ScpDocument,
} from "./resources";
import {
  IDENTITY_CENTER_ROLE_ARN_PATTERN,
  LZA_EXCEPTION_PRINCIPALS,
  RECONCILE_RULE_ARN_PATTERNS,
  RUN_SHELL_DOCUMENT_ARN_PATTERN,
  RUN_SHELL_DOCUMENT_NAME,
  STACKSET_EXECUTION_ROLE_ARN_PATTERN,
  WRITER_FUNCTION_ARN_PATTERN,
  WRITER_ROLE_ARN_PATTERN,
} from "./rules/names";
import {
  DOCUMENT_WRITE_ACTIONS,
  FUNCTION_WRITE_ACTIONS,
  ROLE_WRITE_ACTIONS,
  RULE_WRITE_ACTIONS,
} from "./rules/scpActions";
import { DEFAULT_MAX_SCP_CHARACTERS, SCP_MAX_CHARACTERS } from "./rules/values";

/** Every Deny statement that touches a document write action on the document. */
function documentDenies(statements: readonly Statement[]): Statement[] {
  const found = new Set<Statement>();
  for (const action of DOCUMENT_WRITE_ACTIONS) {
    for (const s of denies(statements, action, RUN_SHELL_DOCUMENT_ARN_PATTERN)) found.add(s);
  }
  return Array.from(found);
}

function describe(statement: Statement, index: number): string {
  return statement.sid ? `statement ${statement.sid}` : `statement #${index + 1}`;
}

/**
 * Runs `check` on the parsed statements of each SCP document of the resource that `applies` to (an
 * Organizations SCP, or a policy of the guardrail's LZA export, whose messages name it); anything else is not
 * applicable. Such a document that is not a JSON policy is itself a violation, unless `quiet`.
 */
function onScpDocuments(
  applies: (document: ScpDocument) => boolean,
  check: (statements: Statement[], args: ResourceValidationArgs, report: ReportViolation) => void,
  quiet = false,
) {
  return (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    for (const document of scpDocumentsOf(args.type, args.props).filter(applies)) {
      const report: ReportViolation = (message) => reportViolation(`${document.label}${message}`);
      let statements: Statement[];
      try {
        statements = parsePolicyDocument(document.content);
      } catch (err) {
        if (!quiet) report(`The SCP's content is not a JSON policy document: ${(err as Error).message}.`);
        continue;
      }
      check(statements, args, report);
    }
  };
}

const onRunShellScp = (
  check: (statements: Statement[], args: ResourceValidationArgs, report: ReportViolation) => void,
) => onScpDocuments(isRunShellScpDocument, check);

export const scpDeniesDocumentWrites: ResourceValidationPolicy = {
  name: "ssm-runas-scp-denies-document-writes",
  description:
    `The RunShell SCP denies ${DOCUMENT_WRITE_ACTIONS.join(", ")} on ${RUN_SHELL_DOCUMENT_ARN_PATTERN}, ` +
    "with no condition but the aws:PrincipalArn exemptions.",
  enforcementLevel: "mandatory",
  validateResource: onRunShellScp((statements, _args, reportViolation) => {
    const missing: string[] = [];
    for (const action of DOCUMENT_WRITE_ACTIONS) {
      const found = denies(statements, action, RUN_SHELL_DOCUMENT_ARN_PATTERN);
      if (found.length === 0) {
        missing.push(action);
      } else if (!found.some((s) => otherConditions(s).length === 0)) {
        const conditions = found.map((s) => otherConditions(s).join(" and ")).join("; or ");
        reportViolation(
          `The Deny of ${action} on the document applies only under ${conditions}: ` +
            "nothing but aws:PrincipalArn exemptions may limit it.",
        );
      }
    }
    if (missing.length > 0) {
      reportViolation(
        `No Deny statement covers ${missing.join(", ")} on ${RUN_SHELL_DOCUMENT_ARN_PATTERN}: ` +
          "an account admin could change or remove the RunAs settings.",
      );
    }
  }),
};

export interface ExceptionPrincipalsConfig {
  requiredExceptionPrincipals?: string[];
  stackSetExecutionRoleArnPattern?: string;
}

export const scpExceptionPrincipals: ResourceValidationPolicy = {
  name: "ssm-runas-scp-exception-principals",
  description:
    "Every Deny of the RunShell document's writes exempts the writer role, the StackSet execution role " +
    "(stackSetExecutionRoleArnPattern) and each requiredExceptionPrincipals pattern (default: LZA's Session Manager " +
    "settings role), " +
    "and no pattern that exempts everyone.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      stackSetExecutionRoleArnPattern: {
        type: "string",
        default: STACKSET_EXECUTION_ROLE_ARN_PATTERN,
        description:
          "aws:PrincipalArn pattern of the role the RunShell StackSet's stacks run as, as the stack config key " +
          "of the same name sets it. A StackSet deployed through Landing Zone Accelerator runs as " +
          "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole (or its executionRoleName).",
      },
      requiredExceptionPrincipals: {
        type: "array",
        items: { type: "string" },
        default: LZA_EXCEPTION_PRINCIPALS.slice(),
        description:
          "aws:PrincipalArn patterns, besides the writer and StackSet execution roles, that must stay able to " +
          "write the document (default: the role Landing Zone Accelerator writes it with). Set [] for an " +
          "organisation without LZA.",
      },
    },
  },
  validateResource: onRunShellScp((statements, args, reportViolation) => {
    const config = args.getConfig<ExceptionPrincipalsConfig>();
    const required = [
      WRITER_ROLE_ARN_PATTERN,
      config.stackSetExecutionRoleArnPattern ?? STACKSET_EXECUTION_ROLE_ARN_PATTERN,
      ...(config.requiredExceptionPrincipals ?? LZA_EXCEPTION_PRINCIPALS),
    ];
    documentDenies(statements).forEach((statement) => {
      const index = statements.indexOf(statement);
      const exemptions = exemptionsOf(statement);
      const missing = required.filter((pattern) => !exemptsPattern(exemptions, pattern));
      if (missing.length > 0) {
        reportViolation(
          `${describe(statement, index)} denies writes to ${RUN_SHELL_DOCUMENT_NAME} without exempting ` +
            `${missing.join(", ")} (aws:PrincipalArn): the writer or the pipelines that own the document would be blocked.`,
        );
      }
      const everyone = exemptions.filter((e) => exemptsEveryone(e)).map((e) => e.pattern);
      if (everyone.length > 0) {
        reportViolation(
          `${describe(statement, index)} exempts ${everyone.join(", ")}, which matches every principal: ` +
            "the guardrail would stop no one.",
        );
      }
    });
  }),
};

export const scpProtectsWriter: ResourceValidationPolicy = {
  name: "ssm-runas-scp-protects-writer",
  description:
    "The RunShell SCP denies creating, deleting or changing the writer role (trust, policies, boundary, tags), " +
    "changing, deleting or invoking the writer function and changing its reconcile rules: otherwise an account " +
    "admin gets around the exemption by name.",
  enforcementLevel: "mandatory",
  validateResource: onRunShellScp((statements, _args, reportViolation) => {
    const gaps: [string, string[]][] = [
      [WRITER_ROLE_ARN_PATTERN, unguarded(statements, ROLE_WRITE_ACTIONS, WRITER_ROLE_ARN_PATTERN)],
      [
        WRITER_FUNCTION_ARN_PATTERN,
        unguarded(statements, FUNCTION_WRITE_ACTIONS, WRITER_FUNCTION_ARN_PATTERN),
      ],
      ...RECONCILE_RULE_ARN_PATTERNS.map((rule): [string, string[]] => [
        rule,
        unguarded(statements, RULE_WRITE_ACTIONS, rule),
      ]),
    ];
    for (const [target, actions] of gaps) {
      if (actions.length === 0) continue;
      reportViolation(
        `No Deny statement without other conditions or an exempt-everyone pattern covers ${actions.join(", ")} ` +
          `on ${target}.`,
      );
    }
  }),
};

export interface ScpSizeConfig {
  maxCharacters?: number;
}

export const scpSize: ResourceValidationPolicy = {
  name: "ssm-runas-scp-size",
  description:
    `An SCP stays under ${DEFAULT_MAX_SCP_CHARACTERS} characters (Organizations documents ${SCP_MAX_CHARACTERS}), leaving room for the ` +
    "exception list to grow.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      maxCharacters: {
        type: "integer",
        minimum: 1,
        maximum: SCP_MAX_CHARACTERS,
        default: DEFAULT_MAX_SCP_CHARACTERS,
        description: `Characters an SCP may hold before this policy warns (the documented limit is ${SCP_MAX_CHARACTERS}).`,
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const max = args.getConfig<ScpSizeConfig>().maxCharacters ?? DEFAULT_MAX_SCP_CHARACTERS;
    for (const { content, label } of scpDocumentsOf(args.type, args.props)) {
      const length = contentText(content).length;
      if (length > max) {
        reportViolation(
          `${label}The SCP holds ${length} characters, above ${max} (Organizations documents a limit of ${SCP_MAX_CHARACTERS}).`,
        );
      }
    }
  },
};

export const scpExceptionPatternsNarrow: ResourceValidationPolicy = {
  name: "ssm-runas-scp-exception-patterns-narrow",
  description:
    "Each aws:PrincipalArn exemption of the ssm-runas SCPs (both guardrails) is a role-name prefix " +
    "(arn:aws:iam::<account or *>:role/<path/>Name*): a wildcard before or inside the name, or in the path, " +
    "exempts roles an account admin can create. Identity Center's roles (aws-reserved/sso.amazonaws.com/*) are " +
    "left out: only Identity Center creates or changes them.",
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    onRunShellScp((statements, _args, report) => narrowCheck(statements, report))(args, reportViolation);
    // A session guardrail that is not a JSON policy: ssm-runas-scp-exemptions-protected reports it.
    onScpDocuments(
      isSessionScpDocument,
      (statements, _args, report) => narrowCheck(statements, report),
      true,
    )(args, reportViolation);
  },
};

// The writer role's path pattern, exactly, is accepted although it has no name prefix: the writer's name is
// generated, so the whole path is the writer's, and the RunShell guardrail's WriterRole statement protects that
// path whole (ssm-runas-scp-protects-writer and ssm-runas-scp-exemptions-protected make sure of it): no account
// admin can create a role under it. Any other path wildcard, or this path in another account field or casing,
// still warns.
function isAcceptedPattern(pattern: string): boolean {
  return (
    isRoleNamePrefix(pattern) ||
    pattern === WRITER_ROLE_ARN_PATTERN ||
    patternWithin(pattern, IDENTITY_CENTER_ROLE_ARN_PATTERN)
  );
}

function narrowCheck(statements: readonly Statement[], reportViolation: ReportViolation): void {
  const broad = new Set<string>();
  for (const statement of statements) {
    for (const { pattern } of exemptionsOf(statement)) {
      if (!isAcceptedPattern(pattern)) {
        broad.add(pattern);
      }
    }
  }
  for (const pattern of Array.from(broad)) {
    reportViolation(
      `Exemption ${pattern} is broader than a role-name prefix: an account admin may be able to create a ` +
        "role it matches. Narrow it, and make sure your own SCPs protect the roles it names.",
    );
  }
}
