// Resource type tokens, as the Pulumi engine reports them (the pack does not depend on the provider SDKs).

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

/** The program's own components. */
export const COMPONENT_TYPES = {
  abacConfiguration: "ssm-runas-sync:index:AbacConfiguration",
  runShellStackSet: "ssm-runas-sync:index:RunShellStackSet",
  runShellGuardrail: "ssm-runas-sync:index:RunShellGuardrail",
  /** runShellOwner lza: the writer's Landing Zone Accelerator export, in place of the StackSet. */
  lzaRunShellExport: "ssm-runas-sync:index:LzaRunShellExport",
  /** guardrailOwner lza: the SCPs' Landing Zone Accelerator export, in place of the SCPs and attachments. */
  lzaGuardrailExport: "ssm-runas-sync:index:LzaGuardrailExport",
} as const;
