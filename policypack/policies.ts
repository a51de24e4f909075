// The ssm-runas-sync policies, one small named object each (in the style of pulumi-policy-aws's awsguard).
// Everything they need is in this folder: the pack publishes on its own with `pulumi policy publish`.
import type {
  Policies,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { abacAttributes, abacProblems } from "./abac";
import {
  DEFAULT_MAX_SCP_CHARACTERS,
  DOCUMENT_WRITE_ACTIONS,
  LZA_EXCEPTION_PRINCIPALS,
  RECONCILE_RULE_ACTIONS,
  RECONCILE_RULE_ARN_PATTERNS,
  RUN_AS_DEFAULT_USER_PARAMETER,
  RUN_SHELL_DOCUMENT_ARN_PATTERN,
  RUN_SHELL_DOCUMENT_NAME,
  RUNSHELL_STACKSET_NAME,
  STACKSET_EXECUTION_ROLE_ARN_PATTERN,
  TYPES,
  WRITER_FUNCTION_ACTIONS,
  WRITER_FUNCTION_ARN_PATTERN,
  WRITER_FUNCTION_NAME,
  WRITER_ROLE_ACTIONS,
  WRITER_ROLE_ARN_PATTERN,
} from "./constants";
import {
  coversPattern,
  exemptionsOf,
  exemptsEveryone,
  exemptsPattern,
  isRoleNamePrefix,
  otherConditions,
  parsePolicyDocument,
  statementCoversAction,
  statementCoversArn,
} from "./iam";
import type { Statement } from "./iam";
import {
  RUN_AS_DEFAULT_USER_PROPERTY,
  RUN_AS_ENABLED_PROPERTY,
  isDeprecatedRuntime,
  isTrue,
  lambdaRuntimes,
  parseTemplate,
  resolveValue,
  runAsUserProblem,
  writerResources,
} from "./template";
import type { Template } from "./template";

type Props = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------------
// Recognising the pieces

/** An Organizations policy of type SERVICE_CONTROL_POLICY (the provider's default type). */
export function isScp(type: string, props: Props): boolean {
  return (
    type === TYPES.organizationsPolicy &&
    (props.type === undefined || props.type === null || props.type === "SERVICE_CONTROL_POLICY")
  );
}

function contentText(content: unknown): string {
  return typeof content === "string" ? content : JSON.stringify(content ?? "");
}

/** The RunShell SCP: an SCP whose document names the RunShell document or the writer. */
export function isRunShellScp(type: string, props: Props): boolean {
  if (!isScp(type, props)) return false;
  const text = contentText(props.content);
  return text.includes(RUN_SHELL_DOCUMENT_NAME) || text.includes(WRITER_FUNCTION_NAME);
}

function templateOf(props: Props): Template | undefined {
  try {
    return parseTemplate(props.templateBody);
  } catch {
    return undefined;
  }
}

/** The RunShell StackSet: the one with the fixed name, or any StackSet whose template carries the writer. */
export function isRunShellStackSet(type: string, props: Props): boolean {
  if (type !== TYPES.stackSet) return false;
  if (props.name === RUNSHELL_STACKSET_NAME) return true;
  const template = templateOf(props);
  return template !== undefined && writerResources(template).length > 0;
}

export function isAbacConfiguration(type: string): boolean {
  return type === TYPES.nativeAbac || type === TYPES.classicAbac;
}

// ---------------------------------------------------------------------------------------------------------
// SCP statements

/** Deny statements that cover `action` on every ARN `arnPattern` describes. */
function denies(statements: readonly Statement[], action: string, arnPattern: string): Statement[] {
  return statements.filter(
    (s) =>
      s.effect === "Deny" &&
      statementCoversAction(s, action) &&
      coversPattern((arn) => statementCoversArn(s, arn), arnPattern),
  );
}

/** A Deny that holds: no condition but aws:PrincipalArn exemptions, and no exemption that matches everyone. */
function guards(statement: Statement): boolean {
  return otherConditions(statement).length === 0 && !exemptionsOf(statement).some((e) => exemptsEveryone(e));
}

/** The actions of `actions` no guarding Deny covers on `arnPattern`. */
function unguarded(
  statements: readonly Statement[],
  actions: readonly string[],
  arnPattern: string,
): string[] {
  return actions.filter((action) => !denies(statements, action, arnPattern).some(guards));
}

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
 * Runs `check` on the parsed statements of the RunShell SCP; anything else is not applicable. An SCP that
 * names the document but is not a JSON policy is itself a violation.
 */
function onRunShellScp(
  check: (statements: Statement[], args: ResourceValidationArgs, report: ReportViolation) => void,
) {
  return (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    if (!isRunShellScp(args.type, args.props)) return;
    let statements: Statement[];
    try {
      statements = parsePolicyDocument(args.props.content);
    } catch (err) {
      reportViolation(`The SCP's content is not a JSON policy document: ${(err as Error).message}.`);
      return;
    }
    check(statements, args, reportViolation);
  };
}

// ---------------------------------------------------------------------------------------------------------
// Mandatory policies

export const abacRunAsAttribute: ResourceValidationPolicy = {
  name: "ssm-runas-abac-run-as-attribute",
  description:
    "The IAM Identity Center ABAC configuration maps SSMSessionRunAs (exact casing) from exactly one non-empty " +
    "${path:...} or ${attribute} source, with unique keys and at most 50 attributes.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!isAbacConfiguration(args.type)) return;
    for (const problem of abacProblems(abacAttributes(args.type, args.props))) reportViolation(problem);
  },
};

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
    "(stackSetExecutionRoleArnPattern) and each requiredExceptionPrincipals pattern (default: the LZA roles), " +
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
          "write the document (e.g. Landing Zone Accelerator's roles). Set [] for an organisation without LZA.",
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
      [WRITER_ROLE_ARN_PATTERN, unguarded(statements, WRITER_ROLE_ACTIONS, WRITER_ROLE_ARN_PATTERN)],
      [
        WRITER_FUNCTION_ARN_PATTERN,
        unguarded(statements, WRITER_FUNCTION_ACTIONS, WRITER_FUNCTION_ARN_PATTERN),
      ],
      ...RECONCILE_RULE_ARN_PATTERNS.map((rule): [string, string[]] => [
        rule,
        unguarded(statements, RECONCILE_RULE_ACTIONS, rule),
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

function checkWriterTemplate(
  props: Props,
  parameterValues: Record<string, unknown>,
  reportViolation: ReportViolation,
): void {
  if (props.templateBody === undefined || props.templateBody === null) {
    reportViolation("No templateBody: the pack can only verify a template given inline as JSON.");
    return;
  }
  let template: Template;
  try {
    template = parseTemplate(props.templateBody);
  } catch (err) {
    reportViolation(`The templateBody is not a JSON CloudFormation template: ${(err as Error).message}.`);
    return;
  }
  const writers = writerResources(template);
  if (writers.length === 0) {
    reportViolation(
      `The template has no writer custom resource (properties ${RUN_AS_ENABLED_PROPERTY}, ${RUN_AS_DEFAULT_USER_PROPERTY}).`,
    );
  }
  for (const writer of writers) {
    const enabled = resolveValue(writer.properties[RUN_AS_ENABLED_PROPERTY], template, parameterValues);
    if (!enabled.ok) {
      reportViolation(`${writer.logicalId}.${RUN_AS_ENABLED_PROPERTY} ${enabled.reason}.`);
    } else if (!isTrue(enabled.value)) {
      reportViolation(
        `${writer.logicalId}.${RUN_AS_ENABLED_PROPERTY} is ${JSON.stringify(enabled.value)}: it must be "true".`,
      );
    }
    const user = resolveValue(writer.properties[RUN_AS_DEFAULT_USER_PROPERTY], template, parameterValues);
    const problem = user.ok ? runAsUserProblem(user.value) : user.reason;
    if (problem) reportViolation(`${writer.logicalId}.${RUN_AS_DEFAULT_USER_PROPERTY}: ${problem}.`);
  }
}

function stringMap(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export const stackSetWriter: ResourceValidationPolicy = {
  name: "ssm-runas-stackset-writer",
  description:
    "The RunShell StackSet is SERVICE_MANAGED with auto-deployment on (new accounts get the writer), and its " +
    'template carries the writer custom resource with RunAsEnabled "true" and a Linux RunAsDefaultUser other ' +
    "than root; the same template in a management-account stack, and per-OU user overrides, are checked too.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const props = args.props;
    if (args.type === TYPES.stackSetInstance) {
      const overrides = stringMap(props.parameterOverrides);
      if (RUN_AS_DEFAULT_USER_PARAMETER in overrides) {
        const problem = runAsUserProblem(overrides[RUN_AS_DEFAULT_USER_PARAMETER]);
        if (problem) reportViolation(`parameterOverrides.${RUN_AS_DEFAULT_USER_PARAMETER}: ${problem}.`);
      }
      return;
    }
    if (args.type === TYPES.stack) {
      const template = templateOf(props);
      if (template && writerResources(template).length > 0) {
        checkWriterTemplate(props, stringMap(props.parameters), reportViolation);
      }
      return;
    }
    if (!isRunShellStackSet(args.type, props)) return;
    if (props.permissionModel !== "SERVICE_MANAGED") {
      reportViolation(
        `permissionModel is ${JSON.stringify(props.permissionModel ?? "SELF_MANAGED")}: it must be SERVICE_MANAGED ` +
          "so Organizations deploys the writer to every account under the targets.",
      );
    }
    const autoDeployment = stringMap(props.autoDeployment);
    if (autoDeployment.enabled !== true) {
      reportViolation(
        "autoDeployment.enabled is not true: accounts created or moved later would never get RunAs.",
      );
    }
    checkWriterTemplate(props, stringMap(props.parameters), reportViolation);
  },
};

export interface StackCompleteConfig {
  projects?: string[];
}

function linkedTo(attachment: PolicyResource, policy: PolicyResource): boolean {
  const propertyDependencies = attachment.propertyDependencies.policyId ?? [];
  if (propertyDependencies.some((d) => d.urn === policy.urn)) return true;
  if (attachment.dependencies.some((d) => d.urn === policy.urn)) return true;
  const policyId = attachment.props.policyId;
  return policyId !== undefined && policyId === policy.props.id;
}

export const stackComplete: StackValidationPolicy = {
  name: "ssm-runas-stack-complete",
  description:
    "A stack of ssm-runas-sync holds the ABAC configuration, the RunShell StackSet, the RunShell SCP and at " +
    "least one attachment of that SCP together: any one alone leaves RunAs unset or unguarded.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      projects: {
        type: "array",
        items: { type: "string" },
        default: ["ssm-runas-sync"],
        description:
          "Pulumi projects whose stacks must hold all the pieces. Any other stack is checked only when it " +
          "holds the RunShell StackSet or the RunShell SCP.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const projects = args.getConfig<StackCompleteConfig>().projects ?? ["ssm-runas-sync"];
    const abac = args.resources.filter((r) => isAbacConfiguration(r.type));
    const stackSets = args.resources.filter((r) => isRunShellStackSet(r.type, r.props));
    const scps = args.resources.filter((r) => isRunShellScp(r.type, r.props));
    const project = args.stackTags.get("pulumi:project");
    const ours = project !== undefined && projects.includes(project);
    if (!ours && stackSets.length === 0 && scps.length === 0) {
      args.notApplicable("not an ssm-runas-sync stack: no RunShell StackSet or SCP");
    }
    const attachments = args.resources.filter((r) => r.type === TYPES.organizationsPolicyAttachment);
    const attached = scps.filter((scp) => attachments.some((a) => linkedTo(a, scp)));
    const missing: string[] = [];
    if (abac.length === 0) missing.push("an IAM Identity Center ABAC configuration");
    if (stackSets.length === 0) missing.push(`the RunShell StackSet (${RUNSHELL_STACKSET_NAME})`);
    if (scps.length === 0) missing.push(`an SCP guarding ${RUN_SHELL_DOCUMENT_NAME}`);
    else if (attached.length === 0)
      missing.push("an attachment (organizations PolicyAttachment) of that SCP");
    if (missing.length > 0) reportViolation(`The stack is missing ${missing.join(", ")}.`);
  },
};

// ---------------------------------------------------------------------------------------------------------
// Advisory policies

export const lambdaRuntimeSupported: ResourceValidationPolicy = {
  name: "ssm-runas-lambda-runtime-supported",
  description:
    "Lambda functions (in StackSet and stack templates, or declared directly) use a Node.js runtime newer than " +
    "18.x: deprecated runtimes stop receiving patches and later cannot be updated.",
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    if (args.type === TYPES.lambdaFunction) {
      if (isDeprecatedRuntime(args.props.runtime)) {
        reportViolation(`runtime ${String(args.props.runtime)} is deprecated: use nodejs22.x or newer.`);
      }
      return;
    }
    if (args.type !== TYPES.stackSet && args.type !== TYPES.stack) return;
    const template = templateOf(args.props);
    if (!template) return;
    for (const [logicalId, runtime] of lambdaRuntimes(template)) {
      if (isDeprecatedRuntime(runtime)) {
        reportViolation(
          `${logicalId} uses runtime ${String(runtime)}, which is deprecated: use nodejs22.x or newer.`,
        );
      }
    }
  },
};

export interface ScpSizeConfig {
  maxCharacters?: number;
}

export const scpSize: ResourceValidationPolicy = {
  name: "ssm-runas-scp-size",
  description:
    "An SCP stays under 4,500 characters (Organizations refuses more than 5,120), leaving room for the " +
    "exception list to grow.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      maxCharacters: {
        type: "integer",
        minimum: 1,
        maximum: 5120,
        default: DEFAULT_MAX_SCP_CHARACTERS,
        description: "Characters an SCP may hold before this policy warns (the hard limit is 5,120).",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isScp(args.type, args.props)) return;
    const max = args.getConfig<ScpSizeConfig>().maxCharacters ?? DEFAULT_MAX_SCP_CHARACTERS;
    const length = contentText(args.props.content).length;
    if (length > max) {
      reportViolation(
        `The SCP holds ${length} characters, above ${max} (Organizations' hard limit is 5,120).`,
      );
    }
  },
};

export const scpExceptionPatternsNarrow: ResourceValidationPolicy = {
  name: "ssm-runas-scp-exception-patterns-narrow",
  description:
    "Each aws:PrincipalArn exemption of the RunShell SCP is a role-name prefix (arn:aws:iam::<account or *>:role/" +
    "<path/>Name*): a wildcard before or inside the name, or in the path, exempts roles an account admin can " +
    "create. Protecting the configured roles themselves is the job of the organisation's own guardrails.",
  enforcementLevel: "advisory",
  validateResource: onRunShellScp((statements, _args, reportViolation) => {
    const broad = new Set<string>();
    for (const statement of statements) {
      for (const { pattern } of exemptionsOf(statement)) {
        if (!isRoleNamePrefix(pattern)) broad.add(pattern);
      }
    }
    for (const pattern of Array.from(broad)) {
      reportViolation(
        `Exemption ${pattern} is broader than a role-name prefix: an account admin may be able to create a ` +
          "role it matches. Narrow it, and make sure your own SCPs protect the roles it names.",
      );
    }
  }),
};

export const policies: Policies = [
  abacRunAsAttribute,
  scpDeniesDocumentWrites,
  scpExceptionPrincipals,
  scpProtectsWriter,
  stackSetWriter,
  stackComplete,
  lambdaRuntimeSupported,
  scpSize,
  scpExceptionPatternsNarrow,
];
