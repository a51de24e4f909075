// The SCP that keeps SSM-SessionManagerRunShell, and the writer that sets it, as ssm-runas-sync deployed them.
// Pure: exception patterns in, minified policy text out, so the component, synth and the IAM-simulator tests
// all read the very same characters AWS Organizations will store.
import {
  RECONCILE_DAILY_RULE_NAME,
  RECONCILE_ON_CHANGE_RULE_NAME,
  RUN_SHELL_DOCUMENT_NAME,
  WRITER_FUNCTION_NAME,
  WRITER_ROLE_ARN_PATTERN,
  WRITER_ROLE_NAME_PREFIX,
} from "./names";
import { CONFIG_NAMESPACE } from "./stackConfig";

/** AWS Organizations refuses a service control policy longer than this many characters. */
export const SCP_MAX_CHARACTERS = 5120;

const RUN_SHELL_DOCUMENT_ARN = `arn:aws:ssm:*:*:document/${RUN_SHELL_DOCUMENT_NAME}`;

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

const RECONCILE_RULE_RESOURCE_PATTERNS = [RECONCILE_ON_CHANGE_RULE_NAME, RECONCILE_DAILY_RULE_NAME].map(
  (rule) => `arn:aws:events:*:*:rule/${rule}`,
);

/** Every write to the document: content, default version (a rollback), metadata, sharing and tags. */
const DOCUMENT_WRITE_ACTIONS = [
  "ssm:CreateDocument",
  "ssm:UpdateDocument",
  "ssm:UpdateDocumentDefaultVersion",
  "ssm:UpdateDocumentMetadata",
  "ssm:DeleteDocument",
  "ssm:ModifyDocumentPermission",
  "ssm:PutResourcePolicy",
  "ssm:DeleteResourcePolicy",
  "ssm:AddTagsToResource",
  "ssm:RemoveTagsFromResource",
];

/**
 * Every write IAM defines on a role but the service-linked ones (AWS names those, under /aws-service-role/):
 * create, delete, trust policy, inline and managed policies, boundary, settings and tags; PassRole (handing the
 * role to another function or service is using it) and AssumeRole (becoming it). Lambda assumes the writer
 * role and StackSets' service-linked role assumes `stacksets-exec-*`: neither is subject to an SCP. A
 * self-managed StackSet's administration role (LZA's) assumes its execution role from the management
 * account, which SCPs never restrict either.
 */
const ROLE_WRITE_ACTIONS = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:PassRole",
  "sts:AssumeRole",
];

/**
 * Every write IAM defines on a function: code, configuration, permissions (who may invoke), URLs, versions,
 * aliases, concurrency, replication, tags, and invocation itself. Reads stay open for audits.
 */
const FUNCTION_WRITE_ACTIONS = [
  "lambda:CreateFunction",
  "lambda:UpdateFunctionCode",
  "lambda:UpdateFunctionConfiguration",
  "lambda:DeleteFunction",
  "lambda:InvokeFunction",
  "lambda:InvokeAsync",
  "lambda:InvokeFunctionUrl",
  "lambda:AddPermission",
  "lambda:RemovePermission",
  "lambda:PutResourcePolicy",
  "lambda:DeleteResourcePolicy",
  "lambda:CreateFunctionUrlConfig",
  "lambda:UpdateFunctionUrlConfig",
  "lambda:DeleteFunctionUrlConfig",
  "lambda:PublishVersion",
  "lambda:CreateAlias",
  "lambda:UpdateAlias",
  "lambda:DeleteAlias",
  "lambda:PutFunctionConcurrency",
  "lambda:DeleteFunctionConcurrency",
  "lambda:PutProvisionedConcurrencyConfig",
  "lambda:DeleteProvisionedConcurrencyConfig",
  "lambda:PutFunctionScalingConfig",
  "lambda:PutFunctionEventInvokeConfig",
  "lambda:UpdateFunctionEventInvokeConfig",
  "lambda:DeleteFunctionEventInvokeConfig",
  "lambda:PutFunctionCodeSigningConfig",
  "lambda:UpdateFunctionCodeSigningConfig",
  "lambda:DeleteFunctionCodeSigningConfig",
  "lambda:PutFunctionRecursionConfig",
  "lambda:PutRuntimeManagementConfig",
  "lambda:EnableReplication",
  "lambda:DisableReplication",
  "lambda:TagResource",
  "lambda:UntagResource",
];

/** Every write IAM defines on a rule: pattern, schedule, state, targets, deletion and tags. */
const RULE_WRITE_ACTIONS = [
  "events:PutRule",
  "events:DeleteRule",
  "events:DisableRule",
  "events:EnableRule",
  "events:PutTargets",
  "events:RemoveTargets",
  "events:TagResource",
  "events:UntagResource",
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
  actions: string[],
  resources: string[],
  exempt: readonly string[],
): DenyStatement {
  return {
    Sid: sid,
    Effect: "Deny",
    Action: actions,
    Resource: resources,
    // ArnNotLike is true when the key is absent, so a request without aws:PrincipalArn is denied too.
    Condition: { ArnNotLike: { "aws:PrincipalArn": [...new Set(exempt)] } },
  };
}

/** The policy as an object. Who is exempt where is the point of the whole guardrail; see README. */
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
        [RUN_SHELL_DOCUMENT_ARN],
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
        [...WRITER_FUNCTION_RESOURCE_PATTERNS, ...RECONCILE_RULE_RESOURCE_PATTERNS],
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
