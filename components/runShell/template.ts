// The CloudFormation template the RunShell StackSet deploys into every member account × region: the writer
// Lambda, its role and log group, the custom resource that runs it, the rules that re-run it on drift, and the
// State Manager association that creates the fallback user on every Linux managed node, with the custom resource
// that has the writer tag it for the SCP. Pure: the same code in, the same template out.
import {
  ASSOCIATION_ID_PROPERTY,
  FALLBACK_USER_ASSOCIATION_NAME,
  FALLBACK_USER_ASSOCIATION_TAG_TYPE,
  ON_DELETE_PARAMETER,
  ON_DELETE_PROPERTY,
  RECONCILE_DAILY_RULE_NAME,
  RECONCILE_ON_CHANGE_RULE_NAME,
  RUN_AS_DEFAULT_USER_PARAMETER,
  RUN_AS_DEFAULT_USER_PROPERTY,
  RUN_AS_DEFAULT_USER_VARIABLE,
  RUN_AS_ENABLED_PARAMETER,
  RUN_AS_ENABLED_PROPERTY,
  RUN_AS_ENABLED_VARIABLE,
  RUN_AS_TAG_KEY,
  RUN_SHELL_DOCUMENT_NAME,
  RUN_SHELL_DOCUMENT_RESOURCE_TYPE,
  RUN_SHELL_SCRIPT_DOCUMENT_NAME,
  WRITER_FUNCTION_NAME,
  WRITER_LOG_GROUP_NAME,
  WRITER_ROLE_PATH,
} from "../../policypack/rules/names";
import {
  LINUX_USER_PATTERN,
  ON_DELETE_VALUES,
  SESSION_USER_PATTERN,
  type OnDelete,
} from "../../policypack/rules/values";
import { fallbackUserTemplateCommands } from "./fallbackUserScript";

/** CloudFormation's limit on a template passed as a body rather than from S3 (StackSets included). */
export const TEMPLATE_BODY_LIMIT = 51_200;
/**
 * What the template may grow to, printed by `npm run bench:lambda` and held by a test: 60% of the limit (half,
 * until the association's tag resource and the writer's code for it took the template to 29 KB).
 */
export const TEMPLATE_BUDGET_BYTES = (TEMPLATE_BODY_LIMIT * 3) / 5;

const WRITER_HANDLER = "index.handler";
const WRITER_TIMEOUT_SECONDS = 60;
/** Bounds a custom-resource operation well below CloudFormation's one-hour default, Lambda's retries included. */
const CUSTOM_RESOURCE_TIMEOUT_SECONDS = 300;
const WRITER_LOG_RETENTION_DAYS = 365;
/** CloudTrail-to-EventBridge delivery is best effort: the schedule catches what the change rule misses. */
const RECONCILE_SCHEDULE = "rate(1 day)";
/**
 * A node gets the association when it registers (ApplyOnlyAtCronInterval false); the schedule only puts back a
 * user deleted since, so daily, like the reconcile, rather than State Manager's 30-minute floor.
 */
const FALLBACK_USER_SCHEDULE = "rate(1 day)";
/** Every managed node of the account and region, those that register later included (CreateAssociation.Targets). */
const ALL_MANAGED_NODES = [{ Key: "InstanceIds", Values: ["*"] }];

/** Exactly what the writer calls, on the document alone. */
const WRITER_DOCUMENT_ACTIONS = [
  "ssm:GetDocument",
  "ssm:DescribeDocument",
  "ssm:CreateDocument",
  "ssm:UpdateDocument",
  "ssm:UpdateDocumentDefaultVersion",
] as const;

/** The document writes that make the writer reconcile at once. */
const RECONCILED_EVENT_NAMES = [
  "CreateDocument",
  "UpdateDocument",
  "DeleteDocument",
  "UpdateDocumentDefaultVersion",
] as const;

/** A template parameter's values are strings, so the switch is too. */
export type RunAsEnabledValue = "true" | "false";

export interface TemplateParameterValues {
  [RUN_AS_ENABLED_PARAMETER]: RunAsEnabledValue;
  [RUN_AS_DEFAULT_USER_PARAMETER]: string;
  [ON_DELETE_PARAMETER]: OnDelete;
}

export type CloudFormationTemplate = {
  AWSTemplateFormatVersion: "2010-09-09";
  Description: string;
  Parameters: Record<string, Record<string, unknown>>;
  Resources: Record<
    string,
    {
      Type: string;
      DependsOn?: string;
      DeletionPolicy?: string;
      UpdateReplacePolicy?: string;
      Properties: Record<string, unknown>;
    }
  >;
  Outputs: Record<string, { Description: string; Value: unknown }>;
};

const ref = (logicalId: string) => ({ Ref: logicalId });
const arnOf = (logicalId: string) => ({ "Fn::GetAtt": [logicalId, "Arn"] });
const sub = (text: string) => ({ "Fn::Sub": text });

const ACCOUNT_ARN = "arn:${AWS::Partition}:%s:${AWS::Region}:${AWS::AccountId}";
const accountArn = (service: string, resource: string) =>
  sub(`${ACCOUNT_ARN.replace("%s", service)}:${resource}`);

/** The parameter values that a stack of this template takes, by name; `runAsEnabled` false is break-glass. */
export function templateParameters(
  defaultUser: string,
  onDelete: OnDelete,
  runAsEnabled = true,
): TemplateParameterValues {
  return {
    [RUN_AS_ENABLED_PARAMETER]: runAsEnabled ? "true" : "false",
    [RUN_AS_DEFAULT_USER_PARAMETER]: defaultUser,
    [ON_DELETE_PARAMETER]: onDelete,
  };
}

function reconcileRule(name: string, description: string, trigger: Record<string, unknown>) {
  return {
    Type: "AWS::Events::Rule",
    // Deleted before the custom resource: otherwise the delete's own restore write could trigger a
    // reconcile that turns RunAs back on.
    DependsOn: "RunShellDocument",
    Properties: {
      Name: name,
      Description: description,
      State: "ENABLED",
      ...trigger,
      Targets: [{ Id: "writer", Arn: arnOf("WriterFunction") }],
    },
  };
}

function invokedBy(ruleLogicalId: string) {
  return {
    Type: "AWS::Lambda::Permission",
    Properties: {
      Action: "lambda:InvokeFunction",
      FunctionName: ref("WriterFunction"),
      Principal: "events.amazonaws.com",
      SourceArn: arnOf(ruleLogicalId),
    },
  };
}

export interface WriterCode {
  /** The writer's inline code (CommonJS, `index.handler`). */
  code: string;
  /** Lambda runtime id, e.g. nodejs24.x. */
  runtime: string;
}

export interface TemplateOptions {
  /** Carry the association that creates the fallback user on every Linux managed node (default true). */
  ensureFallbackUser?: boolean;
}

/**
 * Runs AWS-RunShellScript on every managed node, whatever RunAs is (break-glass included): the user must be
 * there before RunAs is switched on. State Manager has no platform target key; the document itself is for Linux
 * and macOS only, so its script never runs on Windows nodes.
 */
const FALLBACK_USER_ASSOCIATION_PROPERTIES = {
  AssociationName: FALLBACK_USER_ASSOCIATION_NAME,
  Name: RUN_SHELL_SCRIPT_DOCUMENT_NAME,
  Targets: ALL_MANAGED_NODES,
  ScheduleExpression: FALLBACK_USER_SCHEDULE,
  ApplyOnlyAtCronInterval: false,
  ComplianceSeverity: "HIGH",
  Parameters: { commands: fallbackUserTemplateCommands(RUN_AS_DEFAULT_USER_PARAMETER) },
};

/**
 * The association, and the custom resource that has the writer tag it for the SCP and write the same properties
 * over it (UpdateAssociation: whatever anyone changed before the tag is gone).
 */
function fallbackUserResources() {
  return {
    FallbackUserAssociation: {
      Type: "AWS::SSM::Association",
      Properties: FALLBACK_USER_ASSOCIATION_PROPERTIES,
    },
    FallbackUserAssociationTag: {
      Type: FALLBACK_USER_ASSOCIATION_TAG_TYPE,
      Properties: {
        ServiceToken: arnOf("WriterFunction"),
        ServiceTimeout: CUSTOM_RESOURCE_TIMEOUT_SECONDS,
        [ASSOCIATION_ID_PROPERTY]: ref("FallbackUserAssociation"),
        ...FALLBACK_USER_ASSOCIATION_PROPERTIES,
      },
    },
  };
}

/**
 * What the writer needs for that, on that one association (its id is known once CloudFormation has created it).
 * UpdateAssociation is also authorised on the document and the targets, as AWS's own Quick Setup policies grant it;
 * the association's ARN still limits it to this one.
 */
function associationStatements() {
  const association = accountArn("ssm", "association/${FallbackUserAssociation}");
  return [
    {
      Sid: "TagFallbackUserAssociation",
      Effect: "Allow",
      Action: ["ssm:AddTagsToResource"],
      Resource: association,
    },
    {
      Sid: "RestoreFallbackUserAssociation",
      Effect: "Allow",
      Action: ["ssm:UpdateAssociation"],
      Resource: [
        association,
        sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}::document/${RUN_SHELL_SCRIPT_DOCUMENT_NAME}`),
        accountArn("ec2", "instance/*"),
        accountArn("ssm", "managed-instance/*"),
      ],
    },
  ];
}

export function runShellTemplate(
  { code, runtime }: WriterCode,
  { ensureFallbackUser = true }: TemplateOptions = {},
): CloudFormationTemplate {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `ssm-runas-sync: keeps ${RUN_SHELL_DOCUMENT_NAME} running sessions as the engineer's own user (RunAs), with a fallback user`,
    Parameters: {
      // One parameter feeds the custom resource and the reconcile's environment: they never disagree.
      [RUN_AS_ENABLED_PARAMETER]: {
        Type: "String",
        Description: "false is break-glass: RunAs off in this account and region, every other setting kept",
        AllowedValues: ["true", "false"],
        Default: "true",
      },
      [RUN_AS_DEFAULT_USER_PARAMETER]: {
        Type: "String",
        Description: `Linux user for sessions whose principal carries no ${RUN_AS_TAG_KEY} tag`,
        AllowedPattern: SESSION_USER_PATTERN.source,
        ConstraintDescription: `a Linux user name matching ${LINUX_USER_PATTERN.source}, not root`,
      },
      [ON_DELETE_PARAMETER]: {
        Type: "String",
        Description:
          "What deleting this stack does to the document: keep it as it is, or put back the RunAs values found",
        AllowedValues: [...ON_DELETE_VALUES],
        Default: "retain",
      },
    },
    Resources: {
      WriterLogGroup: {
        Type: "AWS::Logs::LogGroup",
        // A retained group would make the next stack here fail: its fixed name would already exist.
        DeletionPolicy: "Delete",
        UpdateReplacePolicy: "Delete",
        Properties: { LogGroupName: WRITER_LOG_GROUP_NAME, RetentionInDays: WRITER_LOG_RETENTION_DAYS },
      },
      WriterRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          // No RoleName: CloudFormation generates one per stack (so per region) under the writer's own path,
          // which the SCP exempts and protects whole; a fixed name could be squatted to fail the stack.
          Path: WRITER_ROLE_PATH,
          Description: `Writes RunAs settings into ${RUN_SHELL_DOCUMENT_NAME} in this region`,
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
            ],
          },
          Policies: [
            {
              PolicyName: "write-runshell-document",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [
                  {
                    Sid: "RunShellDocument",
                    Effect: "Allow",
                    Action: [...WRITER_DOCUMENT_ACTIONS],
                    Resource: accountArn("ssm", `document/${RUN_SHELL_DOCUMENT_NAME}`),
                  },
                  {
                    Sid: "OwnLogs",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: accountArn("logs", `log-group:${WRITER_LOG_GROUP_NAME}:*`),
                  },
                  ...(ensureFallbackUser ? associationStatements() : []),
                ],
              },
            },
          ],
        },
      },
      WriterFunction: {
        Type: "AWS::Lambda::Function",
        Properties: {
          FunctionName: WRITER_FUNCTION_NAME,
          Description: `Read-modify-write of the RunAs fields of ${RUN_SHELL_DOCUMENT_NAME}`,
          Runtime: runtime,
          Handler: WRITER_HANDLER,
          Role: arnOf("WriterRole"),
          Timeout: WRITER_TIMEOUT_SECONDS,
          MemorySize: 256,
          Code: { ZipFile: code },
          // What a reconcile (EventBridge) run writes; custom-resource runs take the resource's properties.
          Environment: {
            Variables: {
              [RUN_AS_ENABLED_VARIABLE]: ref(RUN_AS_ENABLED_PARAMETER),
              [RUN_AS_DEFAULT_USER_VARIABLE]: ref(RUN_AS_DEFAULT_USER_PARAMETER),
            },
          },
          // Referencing the group makes it exist before the first run, so Lambda never creates it unbounded.
          LoggingConfig: { LogGroup: ref("WriterLogGroup") },
        },
      },
      RunShellDocument: {
        Type: RUN_SHELL_DOCUMENT_RESOURCE_TYPE,
        Properties: {
          ServiceToken: arnOf("WriterFunction"),
          ServiceTimeout: CUSTOM_RESOURCE_TIMEOUT_SECONDS,
          [RUN_AS_ENABLED_PROPERTY]: ref(RUN_AS_ENABLED_PARAMETER),
          [RUN_AS_DEFAULT_USER_PROPERTY]: ref(RUN_AS_DEFAULT_USER_PARAMETER),
          [ON_DELETE_PROPERTY]: ref(ON_DELETE_PARAMETER),
        },
      },
      ReconcileOnChangeRule: reconcileRule(
        RECONCILE_ON_CHANGE_RULE_NAME,
        `Re-applies RunAs when anyone writes ${RUN_SHELL_DOCUMENT_NAME}`,
        {
          EventPattern: {
            source: ["aws.ssm"],
            "detail-type": ["AWS API Call via CloudTrail"],
            detail: {
              eventSource: ["ssm.amazonaws.com"],
              eventName: [...RECONCILED_EVENT_NAMES],
              // A write may name the document or its ARN.
              requestParameters: {
                name: [RUN_SHELL_DOCUMENT_NAME, { suffix: `:document/${RUN_SHELL_DOCUMENT_NAME}` }],
              },
            },
          },
        },
      ),
      ReconcileOnChangePermission: invokedBy("ReconcileOnChangeRule"),
      ReconcileDailyRule: reconcileRule(
        RECONCILE_DAILY_RULE_NAME,
        `Re-applies RunAs to ${RUN_SHELL_DOCUMENT_NAME} once a day`,
        { ScheduleExpression: RECONCILE_SCHEDULE },
      ),
      ReconcileDailyPermission: invokedBy("ReconcileDailyRule"),
      ...(ensureFallbackUser ? fallbackUserResources() : {}),
    },
    Outputs: {
      WriterRoleArn: { Description: "The role the SCP exempts", Value: arnOf("WriterRole") },
      WriterFunctionArn: { Description: "The writer", Value: arnOf("WriterFunction") },
    },
  };
}

/** The template as the StackSet and the management-account stacks take it. */
export function runShellTemplateBody(writer: WriterCode, options: TemplateOptions = {}): string {
  const body = JSON.stringify(runShellTemplate(writer, options), null, 2);
  const bytes = Buffer.byteLength(body);
  if (bytes > TEMPLATE_BODY_LIMIT) {
    throw new Error(
      `the RunShell template is ${bytes} bytes, above the ${TEMPLATE_BODY_LIMIT} CloudFormation takes as a StackSet TemplateBody`,
    );
  }
  return body;
}
