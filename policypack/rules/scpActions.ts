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

/** What the CloudFormation stack of the writer in each account must keep from an account admin. */
export const STACK_WRITE_ACTIONS: readonly string[] = [
  "cloudformation:DeleteStack",
  "cloudformation:UpdateStack",
  "cloudformation:SetStackPolicy",
  "cloudformation:UpdateTerminationProtection",
  "cloudformation:CreateChangeSet",
  "cloudformation:ExecuteChangeSet",
  "cloudformation:CancelUpdateStack",
  "cloudformation:ContinueUpdateRollback",
  "cloudformation:SignalResource",
];

/**
 * What a delegated administrator must not do to any StackSet: every StackSet's stacks run as the exempt
 * StackSet execution role, so creating one is as good as rewriting the RunShell StackSet.
 */
export const STACKSET_WRITE_ACTIONS: readonly string[] = [
  "cloudformation:CreateStackSet",
  "cloudformation:UpdateStackSet",
  "cloudformation:DeleteStackSet",
  "cloudformation:CreateStackInstances",
  "cloudformation:UpdateStackInstances",
  "cloudformation:DeleteStackInstances",
  "cloudformation:StopStackSetOperation",
  "cloudformation:TagResource",
  "cloudformation:UntagResource",
];

/**
 * The reads a guarded resource stays open to: the renderer denies every action but these (NotAction), so a
 * write AWS adds later is denied too.
 */
export const READ_ACTIONS: readonly string[] = [
  "iam:Get*",
  "iam:List*",
  "iam:Generate*",
  "iam:Simulate*",
  "lambda:Get*",
  "lambda:List*",
  "events:Describe*",
  "events:List*",
  "cloudformation:Describe*",
  "cloudformation:Get*",
  "cloudformation:List*",
  "cloudformation:Detect*",
  "logs:Describe*",
  "logs:Get*",
  "logs:List*",
  "logs:FilterLogEvents",
  "logs:StartQuery",
  "logs:StartLiveTail",
];

/** What would take the fallback user off new nodes, or turn its association into something else. */
export const ASSOCIATION_WRITE_ACTIONS: readonly string[] = [
  "ssm:UpdateAssociation",
  "ssm:DeleteAssociation",
  "ssm:AddTagsToResource",
  "ssm:RemoveTagsFromResource",
];

/** How each node's SSM Agent reports a run of an association, with the node's own credentials. */
export const AGENT_REPORT_ACTION = "ssm:UpdateInstanceAssociationStatus";

/**
 * What a protected association stays open to: reads; running it again at once (it runs the template's script,
 * which only ever creates the fallback user); and each node's report of its run (the audit counts those
 * reports). Everything else, tags included, is denied.
 */
export const ASSOCIATION_OPEN_ACTIONS: readonly string[] = [
  "ssm:Describe*",
  "ssm:List*",
  "ssm:Get*",
  "ssm:StartAssociationsOnce",
  AGENT_REPORT_ACTION,
];

/** Starting a session: the document it runs and the target are its resources. */
export const SESSION_ACTIONS: readonly string[] = ["ssm:StartSession"];

/** The targets a session may have: instances, managed (hybrid) instances and ECS tasks. */
export const SESSION_TARGET_ARN_PATTERNS: readonly string[] = [
  "arn:aws:ec2:*:*:instance/*",
  "arn:aws:ssm:*:*:managed-instance/*",
  "arn:aws:ecs:*:*:task/*",
];

/** Writes of a document whose type (`ssm:DocumentType`) may be Session. */
export const SESSION_DOCUMENT_WRITE_ACTIONS: readonly string[] = [
  "ssm:CreateDocument",
  "ssm:UpdateDocument",
  "ssm:UpdateDocumentDefaultVersion",
];

/** Every way an IAM principal could give itself (or a principal it makes) the SSMSessionRunAs tag. */
export const RUN_AS_TAGGING_ACTIONS: readonly string[] = [
  "iam:TagRole",
  "iam:TagUser",
  "iam:CreateRole",
  "iam:CreateUser",
  "sts:TagSession",
];

/** Changes to IAM Identity Center's ABAC mapping, which decides every engineer's RunAs user. */
export const ABAC_WRITE_ACTIONS: readonly string[] = [
  "sso:CreateInstanceAccessControlAttributeConfiguration",
  "sso:UpdateInstanceAccessControlAttributeConfiguration",
  "sso:DeleteInstanceAccessControlAttributeConfiguration",
];

/** What would let someone replace Identity Center's federation into an account. */
export const IDENTITY_CENTER_FEDERATION_ACTIONS: readonly string[] = [
  "iam:CreateSAMLProvider",
  "iam:UpdateSAMLProvider",
  "iam:DeleteSAMLProvider",
  "iam:TagSAMLProvider",
  "iam:UntagSAMLProvider",
  "iam:CreateRole",
];
