// The fixed names the pack checks against. The pack publishes on its own (`pulumi policy publish`), so it
// cannot import components/names.ts: these are copies, and tests/policyConstants.test.ts asserts they equal
// the program's own values.

export const RUN_SHELL_DOCUMENT_NAME = "SSM-SessionManagerRunShell";
export const RUN_AS_TAG_KEY = "SSMSessionRunAs";

export const WRITER_NAME_PREFIX = "ssm-runas-sync";
export const WRITER_ROLE_PATH = "/ssm-runas-sync/";
export const WRITER_ROLE_NAME_PREFIX = `${WRITER_NAME_PREFIX}-writer-`;
export const WRITER_FUNCTION_NAME = `${WRITER_NAME_PREFIX}-writer`;
export const RECONCILE_ON_CHANGE_RULE_NAME = `${WRITER_NAME_PREFIX}-reconcile-on-change`;
export const RECONCILE_DAILY_RULE_NAME = `${WRITER_NAME_PREFIX}-reconcile-daily`;
export const RUNSHELL_STACKSET_NAME = `${WRITER_NAME_PREFIX}-runshell`;

/** The template parameter that carries the fallback user (per-OU overrides set it on stack instances). */
export const RUN_AS_DEFAULT_USER_PARAMETER = "RunAsDefaultUser";

/** aws:PrincipalArn pattern of the writer role (the principal that really writes the document). */
export const WRITER_ROLE_ARN_PATTERN = `arn:aws:iam::*:role${WRITER_ROLE_PATH}${WRITER_ROLE_NAME_PREFIX}*`;
/** The role service-managed StackSets deploy stack instances with, in every member account. */
export const STACKSET_EXECUTION_ROLE_ARN_PATTERN = "arn:aws:iam::*:role/stacksets-exec-*";

export const RUN_SHELL_DOCUMENT_ARN_PATTERN = `arn:aws:ssm:*:*:document/${RUN_SHELL_DOCUMENT_NAME}`;
export const WRITER_FUNCTION_ARN_PATTERN = `arn:aws:lambda:*:*:function:${WRITER_FUNCTION_NAME}`;
export const RECONCILE_RULE_ARN_PATTERNS: readonly string[] = [
  `arn:aws:events:*:*:rule/${RECONCILE_ON_CHANGE_RULE_NAME}`,
  `arn:aws:events:*:*:rule/${RECONCILE_DAILY_RULE_NAME}`,
];

/** The roles Landing Zone Accelerator writes the document with (its pipeline and its custom resources). */
export const LZA_EXCEPTION_PRINCIPALS: readonly string[] = [
  "arn:aws:iam::*:role/AWSAccelerator-*",
  "arn:aws:iam::*:role/cdk-accel-*",
];

/** Writes to the document an account admin must not make. */
export const DOCUMENT_WRITE_ACTIONS: readonly string[] = [
  "ssm:CreateDocument",
  "ssm:UpdateDocument",
  "ssm:DeleteDocument",
  "ssm:UpdateDocumentDefaultVersion",
];

/** What would let someone else create, change, use or become the exempt writer role. */
export const WRITER_ROLE_ACTIONS: readonly string[] = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:PassRole",
];

/** What would let someone run their own code as the writer, or switch it off. */
export const WRITER_FUNCTION_ACTIONS: readonly string[] = [
  "lambda:UpdateFunctionCode",
  "lambda:UpdateFunctionConfiguration",
  "lambda:DeleteFunction",
  "lambda:InvokeFunction",
  "lambda:AddPermission",
  "lambda:RemovePermission",
  "lambda:PutFunctionConcurrency",
];

/** What would silence the drift reconcile. */
export const RECONCILE_RULE_ACTIONS: readonly string[] = [
  "events:PutRule",
  "events:DeleteRule",
  "events:DisableRule",
  "events:PutTargets",
  "events:RemoveTargets",
];

/** Resource types, as Pulumi tokens (the pack does not depend on the provider SDKs). */
export const TYPES = {
  nativeAbac: "aws-native:sso:InstanceAccessControlAttributeConfiguration",
  classicAbac: "aws:ssoadmin/instanceAccessControlAttributes:InstanceAccessControlAttributes",
  stackSet: "aws:cloudformation/stackSet:StackSet",
  stackSetInstance: "aws:cloudformation/stackSetInstance:StackSetInstance",
  stack: "aws:cloudformation/stack:Stack",
  organizationsPolicy: "aws:organizations/policy:Policy",
  organizationsPolicyAttachment: "aws:organizations/policyAttachment:PolicyAttachment",
  lambdaFunction: "aws:lambda/function:Function",
} as const;

/** IdC's limit on the number of ABAC attributes. */
export const MAX_ABAC_ATTRIBUTES = 50;
/** Organizations' hard limit on an SCP document is 5,120 characters; this leaves room to grow. */
export const DEFAULT_MAX_SCP_CHARACTERS = 4500;
