// The fixed names of everything the RunShell writer consists of, in one place: the StackSet template creates
// them and the SCP exempts or protects exactly them. Changing one here changes both sides together.

export const RUN_SHELL_DOCUMENT_NAME = "SSM-SessionManagerRunShell";

/** Every writer resource name starts with this. */
export const WRITER_NAME_PREFIX = "ssm-runas-sync";

/** IAM is global per account and the StackSet deploys once per region, so the role name carries the region. */
export const WRITER_ROLE_PATH = "/ssm-runas-sync/";
export const WRITER_ROLE_NAME_PREFIX = `${WRITER_NAME_PREFIX}-writer-`;
export function writerRoleName(region: string): string {
  return `${WRITER_ROLE_NAME_PREFIX}${region}`;
}

/** Lambda functions and EventBridge rules are regional: one fixed name each. */
export const WRITER_FUNCTION_NAME = `${WRITER_NAME_PREFIX}-writer`;
export const RECONCILE_ON_CHANGE_RULE_NAME = `${WRITER_NAME_PREFIX}-reconcile-on-change`;
export const RECONCILE_DAILY_RULE_NAME = `${WRITER_NAME_PREFIX}-reconcile-daily`;
export const WRITER_LOG_GROUP_NAME = `/aws/lambda/${WRITER_FUNCTION_NAME}`;

export const RUNSHELL_STACKSET_NAME = `${WRITER_NAME_PREFIX}-runshell`;
/** The plain stack that carries the same template into the management account, which StackSets never reach. */
export const RUNSHELL_MANAGEMENT_STACK_NAME = `${WRITER_NAME_PREFIX}-runshell`;

/** aws:PrincipalArn pattern of the writer role, as the SCP exempts it. */
export const WRITER_ROLE_ARN_PATTERN = `arn:aws:iam::*:role${WRITER_ROLE_PATH}${WRITER_ROLE_NAME_PREFIX}*`;
/** The role service-managed StackSets deploy stack instances with, in every member account. */
export const STACKSET_EXECUTION_ROLE_ARN_PATTERN = "arn:aws:iam::*:role/stacksets-exec-*";
