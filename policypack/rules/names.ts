// The fixed names of everything ssm-runas-sync deploys, in one place: the StackSet template creates them, the SCP
// exempts or protects exactly them, the writer, the audit and the policy pack look for them. The pack publishes
// on its own (`pulumi policy publish policypack`), so this folder depends on nothing; the program, the CLI and
// the writer import from here. Plain literals, not template strings: esbuild keeps every template string in the
// writer's inline code, used or not, and the reviewer should read only what the writer uses.

export const CONFIG_NAMESPACE = "ssm-runas-sync";

export const RUN_SHELL_DOCUMENT_NAME = "SSM-SessionManagerRunShell";
/** The session tag Session Manager reads the Linux user from (exact casing). */
export const RUN_AS_TAG_KEY = "SSMSessionRunAs";

/** Every writer resource name starts with this. */
export const WRITER_NAME_PREFIX = "ssm-runas-sync";

/**
 * The writer role lives under its own path with a name CloudFormation generates (one per stack, so per region):
 * the SCP exempts and protects the whole path, and no one can squat a fixed name (IAM names ignore case, ARN
 * patterns do not) to make the StackSet fail in an account or region.
 */
export const WRITER_ROLE_PATH = "/ssm-runas-sync/";

/** Lambda functions and EventBridge rules are regional: one fixed name each. */
export const WRITER_FUNCTION_NAME = "ssm-runas-sync-writer";
export const RECONCILE_ON_CHANGE_RULE_NAME = "ssm-runas-sync-reconcile-on-change";
export const RECONCILE_DAILY_RULE_NAME = "ssm-runas-sync-reconcile-daily";
export const WRITER_LOG_GROUP_NAME = "/aws/lambda/ssm-runas-sync-writer";
/** The State Manager association that creates the fallback user on every Linux managed node (one per region). */
export const FALLBACK_USER_ASSOCIATION_NAME = "ssm-runas-sync-fallback-user";
/** The AWS-owned Command document the association runs: a shell script on Linux (and macOS) nodes. */
export const RUN_SHELL_SCRIPT_DOCUMENT_NAME = "AWS-RunShellScript";
/**
 * The tag that marks an association as ssm-runas-sync's, and the SCP protects: CloudFormation cannot tag an
 * association (AWS::SSM::Association has no Tags) and names it by a generated id, so the writer tags the one the
 * stack created, and the SCP keeps every association carrying the key from all but the StackSet role.
 */
export const MANAGED_TAG_KEY = "ssm-runas-sync";
export const FALLBACK_USER_ASSOCIATION_TAG_VALUE = "fallback-user";
/** Every association of every account and region; the ARN's last part is the generated id. */
export const ASSOCIATION_ARN_PATTERN = "arn:aws:ssm:*:*:association/*";
/** The custom resource that has the writer set RunAs in the document. */
export const RUN_SHELL_DOCUMENT_RESOURCE_TYPE = "Custom::RunShellDocument";
/** The custom resource that has the writer tag the association, and its properties besides the association's own. */
export const FALLBACK_USER_ASSOCIATION_TAG_TYPE = "Custom::FallbackUserAssociationTag";
export const ASSOCIATION_ID_PROPERTY = "AssociationId";

export const RUNSHELL_STACKSET_NAME = "ssm-runas-sync-runshell";
/** The plain stack that carries the same template into the management account, which StackSets never reach. */
export const RUNSHELL_MANAGEMENT_STACK_NAME = "ssm-runas-sync-runshell";

/** The two SCPs: the document and its writer; and who may start which session, and the delegated admins. */
export const RUNSHELL_GUARDRAIL_POLICY_NAME = "ssm-runas-sync-runshell-guardrail";
export const SESSION_GUARDRAIL_POLICY_NAME = "ssm-runas-sync-session-guardrail";

/** The stack a service-managed StackSet creates in each member account is named `StackSet-<name>-<id>`. */
export const RUNSHELL_STACK_ARN_PATTERN =
  "arn:aws:cloudformation:*:*:stack/StackSet-ssm-runas-sync-runshell-*";
/** Every StackSet (the RunShell one, `stackset/ssm-runas-sync-runshell:*`, included). */
export const ANY_STACKSET_ARN_PATTERN = "arn:aws:cloudformation:*:*:stackset/*";
/** Every StackSet and its targets: each StackSet's stacks run as the exempt StackSet execution role. */
export const STACKSET_ARN_PATTERNS: readonly string[] = [
  ANY_STACKSET_ARN_PATTERN,
  "arn:aws:cloudformation:*:*:stackset-target/*",
];
/** Identity Center's SAML provider in each account, and the path of its permission-set roles. */
export const IDENTITY_CENTER_SAML_PROVIDER_ARN_PATTERN = "arn:aws:iam::*:saml-provider/AWSSSO_*";
export const IDENTITY_CENTER_RESERVED_ROLE_ARN_PATTERN = "arn:aws:iam::*:role/aws-reserved/*";
export const WRITER_LOG_GROUP_ARN_PATTERNS: readonly string[] = [
  "arn:aws:logs:*:*:log-group:/aws/lambda/ssm-runas-sync-writer",
  "arn:aws:logs:*:*:log-group:/aws/lambda/ssm-runas-sync-writer:*",
];

/** Identity Center's permission-set roles: the only principals whose SSMSessionRunAs tag a session may carry. */
export const IDENTITY_CENTER_ROLE_ARN_PATTERN = "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*";

/** The template parameters a stack instance takes (per-OU overrides set the user). */
export const RUN_AS_DEFAULT_USER_PARAMETER = "RunAsDefaultUser";
/** "true", or "false" for break-glass: feeds the writer custom resource and the reconcile's environment alike. */
export const RUN_AS_ENABLED_PARAMETER = "RunAsEnabled";
export const ON_DELETE_PARAMETER = "OnDelete";

/** The writer custom resource's properties (strings, as CloudFormation sends them). */
export const RUN_AS_ENABLED_PROPERTY = "RunAsEnabled";
export const RUN_AS_DEFAULT_USER_PROPERTY = "RunAsDefaultUser";
export const ON_DELETE_PROPERTY = "OnDelete";

/** The writer's environment: what a reconcile (EventBridge) run applies. */
export const RUN_AS_ENABLED_VARIABLE = "RUN_AS_ENABLED";
export const RUN_AS_DEFAULT_USER_VARIABLE = "RUN_AS_DEFAULT_USER";

/** aws:PrincipalArn pattern of the writer role (the principal that really writes the document). */
export const WRITER_ROLE_ARN_PATTERN = "arn:aws:iam::*:role/ssm-runas-sync/*";
/** The role service-managed StackSets deploy stack instances with, in every member account. */
export const STACKSET_EXECUTION_ROLE_ARN_PATTERN = "arn:aws:iam::*:role/stacksets-exec-*";

/** An SSM document of that name in any region and account (`*` also matches the empty account of AWS-owned ones). */
export function documentArnPattern(name: string): string {
  return `arn:aws:ssm:*:*:document/${name}`;
}

export const RUN_SHELL_DOCUMENT_ARN_PATTERN = "arn:aws:ssm:*:*:document/SSM-SessionManagerRunShell";
export const WRITER_FUNCTION_ARN_PATTERN = "arn:aws:lambda:*:*:function:ssm-runas-sync-writer";
export const RECONCILE_RULE_ARN_PATTERNS: readonly string[] = [
  "arn:aws:events:*:*:rule/ssm-runas-sync-reconcile-on-change",
  "arn:aws:events:*:*:rule/ssm-runas-sync-reconcile-daily",
];

/**
 * The role Landing Zone Accelerator writes the document with: the Lambda role of its Session Manager settings
 * custom resource in `AWSAccelerator-SecurityResourcesStack-<account>-<region>`, a name CloudFormation
 * generates from the first 25 characters of the stack name and 24 of the logical id.
 */
export const LZA_EXCEPTION_PRINCIPALS: readonly string[] = [
  "arn:aws:iam::*:role/AWSAccelerator-SecurityRe-CustomSessionManagerLogg-*",
];

/**
 * Landing Zone Accelerator's pipeline roles, as the example stacks list them in `deployPrincipalArns`: they
 * create and update LZA's roles and deploy from the delegated administrator.
 */
export const LZA_DEPLOY_PRINCIPALS: readonly string[] = [
  "arn:aws:iam::*:role/AWSAccelerator-Deployment-Role",
  "arn:aws:iam::*:role/cdk-accel-*",
];

/** An IAM Identity Center instance: the resource of the ABAC configuration's writes. */
export const IDENTITY_CENTER_INSTANCE_ARN_PATTERN = "arn:aws:sso:::instance/*";
