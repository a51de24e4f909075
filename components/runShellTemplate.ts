// The CloudFormation template the RunShell StackSet deploys into every member account × region: the writer
// Lambda, its role and log group, the custom resource that runs it, and the rules that re-run it on drift.
// Pure: the same code in, the same template out.
import { INLINE_CODE_LIMIT } from "../lambda/bundle";
import {
  RECONCILE_DAILY_RULE_NAME,
  RECONCILE_ON_CHANGE_RULE_NAME,
  RUN_SHELL_DOCUMENT_NAME,
  WRITER_FUNCTION_NAME,
  WRITER_LOG_GROUP_NAME,
  WRITER_ROLE_NAME_PREFIX,
  WRITER_ROLE_PATH,
} from "./names";
import { LINUX_USER_PATTERN } from "./stackConfig";

/** CloudFormation's limit on a template passed as a body rather than from S3. */
export const TEMPLATE_BODY_LIMIT = 51_200;

export const DEFAULT_USER_PARAMETER = "RunAsDefaultUser";
const ON_DELETE_PARAMETER = "OnDelete";

const WRITER_RUNTIME = "nodejs22.x";
const WRITER_HANDLER = "index.handler";
const WRITER_TIMEOUT_SECONDS = 60;
/** Bounds a custom-resource operation well below CloudFormation's one-hour default, Lambda's retries included. */
const CUSTOM_RESOURCE_TIMEOUT_SECONDS = 300;
const WRITER_LOG_RETENTION_DAYS = 365;
/** CloudTrail-to-EventBridge delivery is best effort: the schedule catches what the change rule misses. */
const RECONCILE_SCHEDULE = "rate(1 day)";

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

export interface TemplateParameterValues {
  [DEFAULT_USER_PARAMETER]: string;
  [ON_DELETE_PARAMETER]: "retain" | "restore";
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

/** The parameter values that a stack of this template takes, by name. */
export function templateParameters(
  defaultUser: string,
  onDelete: "retain" | "restore",
): TemplateParameterValues {
  return { [DEFAULT_USER_PARAMETER]: defaultUser, [ON_DELETE_PARAMETER]: onDelete };
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

export function runShellTemplate(writerCode: string): CloudFormationTemplate {
  if (writerCode.length > INLINE_CODE_LIMIT) {
    throw new Error(
      `the writer's inline code is ${writerCode.length} characters; CloudFormation takes at most ${INLINE_CODE_LIMIT}`,
    );
  }
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `ssm-runas-sync: keeps ${RUN_SHELL_DOCUMENT_NAME} running sessions as the engineer's own user (RunAs), with a fallback user`,
    Parameters: {
      [DEFAULT_USER_PARAMETER]: {
        Type: "String",
        Description: "Linux user for sessions whose principal carries no SSMSessionRunAs tag",
        AllowedPattern: `^(?!root$)${LINUX_USER_PATTERN.source.slice(1)}`,
        ConstraintDescription: `a Linux user name matching ${LINUX_USER_PATTERN.source}, not root`,
      },
      [ON_DELETE_PARAMETER]: {
        Type: "String",
        Description:
          "What deleting this stack does to the document: keep it as it is, or put back the RunAs values found",
        AllowedValues: ["retain", "restore"],
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
          // IAM is global and this template is deployed once per region: the region keeps the names apart.
          RoleName: sub(`${WRITER_ROLE_NAME_PREFIX}\${AWS::Region}`),
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
          Runtime: WRITER_RUNTIME,
          Handler: WRITER_HANDLER,
          Role: arnOf("WriterRole"),
          Timeout: WRITER_TIMEOUT_SECONDS,
          MemorySize: 256,
          Code: { ZipFile: writerCode },
          // What a reconcile (EventBridge) run writes; custom-resource runs take the resource's properties.
          Environment: {
            Variables: { RUN_AS_ENABLED: "true", RUN_AS_DEFAULT_USER: ref(DEFAULT_USER_PARAMETER) },
          },
          // Referencing the group makes it exist before the first run, so Lambda never creates it unbounded.
          LoggingConfig: { LogGroup: ref("WriterLogGroup") },
        },
      },
      RunShellDocument: {
        Type: "Custom::RunShellDocument",
        Properties: {
          ServiceToken: arnOf("WriterFunction"),
          ServiceTimeout: CUSTOM_RESOURCE_TIMEOUT_SECONDS,
          RunAsEnabled: "true",
          RunAsDefaultUser: ref(DEFAULT_USER_PARAMETER),
          OnDelete: ref(ON_DELETE_PARAMETER),
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
              requestParameters: { name: [RUN_SHELL_DOCUMENT_NAME] },
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
    },
    Outputs: {
      WriterRoleArn: { Description: "The role the SCP exempts", Value: arnOf("WriterRole") },
      WriterFunctionArn: { Description: "The writer", Value: arnOf("WriterFunction") },
    },
  };
}

/** The template as the StackSet and the management-account stacks take it. */
export function runShellTemplateBody(writerCode: string): string {
  const body = JSON.stringify(runShellTemplate(writerCode), null, 2);
  if (Buffer.byteLength(body) > TEMPLATE_BODY_LIMIT) {
    throw new Error(
      `the RunShell template is ${Buffer.byteLength(body)} bytes; a template body takes at most ${TEMPLATE_BODY_LIMIT}`,
    );
  }
  return body;
}
