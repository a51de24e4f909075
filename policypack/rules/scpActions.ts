// The actions the RunShell SCP denies, one list per kind of resource it guards. The renderer writes them and
// the policy pack checks for them: the same lists on both sides.

/** Every write to the document: content, default version (a rollback), metadata, sharing and tags. */
export const DOCUMENT_WRITE_ACTIONS: readonly string[] = [
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
export const ROLE_WRITE_ACTIONS: readonly string[] = [
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
export const FUNCTION_WRITE_ACTIONS: readonly string[] = [
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
export const RULE_WRITE_ACTIONS: readonly string[] = [
  "events:PutRule",
  "events:DeleteRule",
  "events:DisableRule",
  "events:EnableRule",
  "events:PutTargets",
  "events:RemoveTargets",
  "events:TagResource",
  "events:UntagResource",
];
