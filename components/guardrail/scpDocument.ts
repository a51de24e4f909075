// The SCP that keeps SSM-SessionManagerRunShell, and the writer that sets it, as ssm-runas-sync deployed them.
// Pure: exception patterns in, minified policy text out, so the component, synth and the IAM-simulator tests
// all read the very same characters AWS Organizations will store.
import {
  CONFIG_NAMESPACE,
  RECONCILE_RULE_ARN_PATTERNS,
  RUN_SHELL_DOCUMENT_ARN_PATTERN,
  WRITER_FUNCTION_NAME,
  WRITER_ROLE_ARN_PATTERN,
  WRITER_ROLE_NAME_PREFIX,
} from "../../policypack/rules/names";
import {
  DOCUMENT_WRITE_ACTIONS,
  FUNCTION_WRITE_ACTIONS,
  ROLE_WRITE_ACTIONS,
  RULE_WRITE_ACTIONS,
} from "../../policypack/rules/scpActions";
import { SCP_MAX_CHARACTERS } from "../../policypack/rules/values";

// Role names are unique per account whatever the path, so a look-alike anywhere would squat the name the
// StackSet needs. ArnLike's `*` spans `/`: the second pattern is the name in every non-root path, the writer's
// own /ssm-runas-sync/ included.
const WRITER_ROLE_RESOURCE_PATTERNS = [
  `arn:aws:iam::*:role/${WRITER_ROLE_NAME_PREFIX}*`,
  `arn:aws:iam::*:role/*/${WRITER_ROLE_NAME_PREFIX}*`,
];

// The unqualified ARN and every version or alias of it (`function:name:qualifier`).
const WRITER_FUNCTION_RESOURCE_PATTERNS = [
  `arn:aws:lambda:*:*:function:${WRITER_FUNCTION_NAME}`,
  `arn:aws:lambda:*:*:function:${WRITER_FUNCTION_NAME}:*`,
];

export interface ScpOptions {
  /** Further principals that may write the document (LZA's roles); never exempt from the writer statements. */
  exceptionPrincipalArns: readonly string[];
  /**
   * The role the StackSet's stacks run as (stack config `stackSetExecutionRoleArnPattern`): the only principal
   * that manages the writer. `stacksets-exec-*` for service-managed StackSets; LZA's self-managed ones run as
   * `AWSCloudFormationStackSetExecutionRole` or the entry's `executionRoleName`.
   */
  stackSetExecutionRoleArnPattern: string;
}

interface DenyStatement {
  Sid: string;
  Effect: "Deny";
  Action: string[];
  Resource: string[];
  Condition: { ArnNotLike: { "aws:PrincipalArn": string[] } };
}

export interface ScpPolicy {
  Version: "2012-10-17";
  Statement: DenyStatement[];
}

function denyUnlessPrincipal(
  sid: string,
  actions: readonly string[],
  resources: readonly string[],
  exempt: readonly string[],
): DenyStatement {
  return {
    Sid: sid,
    Effect: "Deny",
    Action: [...actions],
    Resource: [...resources],
    // ArnNotLike is true when the key is absent, so a request without aws:PrincipalArn is denied too.
    Condition: { ArnNotLike: { "aws:PrincipalArn": [...new Set(exempt)] } },
  };
}

/** The policy as an object. Who is exempt where is the point of the whole guardrail; see docs/design.md, "The SCP guardrail". */
export function scpPolicy({
  exceptionPrincipalArns,
  stackSetExecutionRoleArnPattern,
}: ScpOptions): ScpPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      // The writer role is the principal that actually writes the document; LZA's roles rewrite it too.
      denyUnlessPrincipal(
        "RunShellDocument",
        DOCUMENT_WRITE_ACTIONS,
        [RUN_SHELL_DOCUMENT_ARN_PATTERN],
        [WRITER_ROLE_ARN_PATTERN, stackSetExecutionRoleArnPattern, ...exceptionPrincipalArns],
      ),
      // Only the StackSet manages the writer. Not the writer itself (a compromised function must not rewrite
      // its own trust policy) and not LZA.
      denyUnlessPrincipal("WriterRole", ROLE_WRITE_ACTIONS, WRITER_ROLE_RESOURCE_PATTERNS, [
        stackSetExecutionRoleArnPattern,
      ]),
      // The StackSet role's own name is protected as well: anyone who could create or change a role matching it
      // would be exempt from everything here. The platform's own pipelines (the configured exceptions) keep
      // managing it: LZA creates and updates AWSCloudFormationStackSetExecutionRole itself.
      denyUnlessPrincipal(
        "StackSetRole",
        ROLE_WRITE_ACTIONS,
        [stackSetExecutionRoleArnPattern],
        [stackSetExecutionRoleArnPattern, ...exceptionPrincipalArns],
      ),
      // CloudFormation invokes the custom resource as the StackSet role; EventBridge invokes through the
      // function's resource policy as a service principal, which SCPs never restrict.
      denyUnlessPrincipal(
        "WriterFunctionAndRules",
        [...FUNCTION_WRITE_ACTIONS, ...RULE_WRITE_ACTIONS],
        [...WRITER_FUNCTION_RESOURCE_PATTERNS, ...RECONCILE_RULE_ARN_PATTERNS],
        [stackSetExecutionRoleArnPattern],
      ),
    ],
  };
}

/** The document exactly as AWS Organizations stores it: minified, since every character counts. */
export function renderScpDocument(options: ScpOptions): string {
  return JSON.stringify(scpPolicy(options));
}

/** One line naming what is too long and the rule, or undefined when the document fits. */
export function scpSizeError(content: string, exceptionCount: number): string | undefined {
  if (content.length <= SCP_MAX_CHARACTERS) return undefined;
  return (
    `the SCP document is ${content.length} characters, above the ${SCP_MAX_CHARACTERS} AWS Organizations ` +
    `allows: shorten or merge the ${exceptionCount} ${CONFIG_NAMESPACE}:scpExceptionPrincipalArns patterns`
  );
}
