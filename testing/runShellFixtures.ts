// Documents, events and an SSM client for the writer's tests and benchmark.
import { randomUUID } from "node:crypto";
import { SSM } from "@aws-sdk/client-ssm";
import { RUN_SHELL_DOCUMENT_NAME, RUN_SHELL_DOCUMENT_RESOURCE_TYPE } from "../policypack/rules/names";

export const Name = RUN_SHELL_DOCUMENT_NAME;

/** What the console writes on a save of preferences with S3, CloudWatch, KMS and shell profiles set. */
export const CONSOLE_DOCUMENT = {
  schemaVersion: "1.0",
  description: "Document to hold regional settings for Session Manager",
  sessionType: "Standard_Stream",
  inputs: {
    s3BucketName: "org-session-logs",
    s3KeyPrefix: "ssm/",
    s3EncryptionEnabled: true,
    cloudWatchLogGroupName: "/org/session-manager",
    cloudWatchEncryptionEnabled: true,
    cloudWatchStreamingEnabled: true,
    kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    runAsEnabled: false,
    runAsDefaultUser: "",
    idleSessionTimeout: "20",
    maxSessionDuration: "60",
    shellProfile: { windows: "", linux: "cd ~ && exec bash -l" },
    futureSetting: { nested: [1, "two", null] },
  },
};

/** How LZA's Session Manager settings custom resource writes the document: whole, with RunAs switched off. */
export function lzaResetDocument(bucket: string) {
  return {
    schemaVersion: "1.0",
    description: "Document to hold regional settings for Session Manager",
    sessionType: "Standard_Stream",
    inputs: {
      s3BucketName: bucket,
      s3KeyPrefix: "session/",
      s3EncryptionEnabled: true,
      cloudWatchLogGroupName: "aws-accelerator-sessionmanager-logs",
      cloudWatchEncryptionEnabled: true,
      cloudWatchStreamingEnabled: false,
      kmsKeyId: "alias/accelerator/sessionmanager-logs/session",
      runAsEnabled: false,
      runAsDefaultUser: "",
      shellProfile: { windows: "", linux: "" },
    },
  };
}

export const YAML_DOCUMENT = `schemaVersion: '1.0'
description: Regional settings, kept in YAML
sessionType: Standard_Stream
inputs:
  s3BucketName: yaml-bucket
  cloudWatchLogGroupName: /yaml/sessions
  idleSessionTimeout: '15'
  runAsEnabled: false
  runAsDefaultUser: ''
  shellProfile:
    linux: exec bash
`;

export const STACK_ID =
  "arn:aws:cloudformation:us-east-1:111122223333:stack/StackSet-runshell/6f1e8a70-1a2b-11ef-9c3d-0a1b2c3d4e5f";

export interface CustomResourceEventInput {
  RequestType: string;
  ResponseURL: string;
  properties?: Record<string, unknown>;
  PhysicalResourceId?: string;
  /** The template's logical id and type (default: the RunShell document's). */
  resource?: { LogicalResourceId: string; ResourceType: string };
}

/** A custom resource's properties as CloudFormation hands them over: booleans and numbers as strings. */
export function asCloudFormationSends(properties: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(properties, (_, value: unknown) =>
      typeof value === "boolean" || typeof value === "number" ? String(value) : value,
    ),
  ) as Record<string, unknown>;
}

export function customResourceEvent({
  RequestType,
  ResponseURL,
  properties,
  PhysicalResourceId,
  resource = { LogicalResourceId: "RunShellDocument", ResourceType: RUN_SHELL_DOCUMENT_RESOURCE_TYPE },
}: CustomResourceEventInput) {
  return {
    RequestType,
    ServiceToken: "arn:aws:lambda:us-east-1:111122223333:function:ssm-runas-sync-writer",
    ResponseURL,
    StackId: STACK_ID,
    RequestId: randomUUID(),
    ...resource,
    ...(PhysicalResourceId === undefined ? {} : { PhysicalResourceId }),
    ResourceProperties: {
      ServiceToken: "arn:aws:lambda:us-east-1:111122223333:function:ssm-runas-sync-writer",
      ...asCloudFormationSends(properties ?? {}),
    },
  };
}

/** What EventBridge delivers for a CloudTrail-recorded write to the document. */
export function cloudTrailEvent(eventName: string) {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.ssm",
    account: "111122223333",
    region: "us-east-1",
    detail: {
      eventSource: "ssm.amazonaws.com",
      eventName,
      userIdentity: {
        arn: "arn:aws:sts::111122223333:assumed-role/AWSAccelerator-SessionManagerLogging/lza",
      },
      requestParameters: { name: Name },
    },
  };
}

export function scheduledEvent() {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    resources: ["arn:aws:events:us-east-1:111122223333:rule/ssm-runas-sync-reconcile-daily"],
    detail: {},
  };
}

/** A client the tests use to set up and inspect the emulator directly. */
export function ssmAt(endpoint: string, region = "us-east-1"): SSM {
  return new SSM({ endpoint, region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
}

/** The default version's content (parsed from JSON) and the document's version numbers. */
export async function inspect(ssm: SSM) {
  const read = await ssm.getDocument({ Name, DocumentFormat: "JSON" });
  const { Document } = await ssm.describeDocument({ Name });
  return {
    content: JSON.parse(read.Content ?? "") as { inputs: Record<string, unknown> } & Record<string, unknown>,
    defaultVersion: Document?.DefaultVersion,
    latestVersion: Document?.LatestVersion,
    format: Document?.DocumentFormat,
    type: Document?.DocumentType,
  };
}

/** An LZA-style writer: a whole new version, made the default. */
/** A new version written the way AWS's CLI procedure and LZA write it: `$LATEST` only, the default unchanged. */
export async function writeLatestOnly(ssm: SSM, document: object | string): Promise<string> {
  const { DocumentDescription } = await ssm.updateDocument({
    Name,
    Content: typeof document === "string" ? document : JSON.stringify(document),
    DocumentVersion: "$LATEST",
  });
  return DocumentDescription?.DocumentVersion as string;
}

/** A new version that is also the default, as the console's "Save" leaves it. */
export async function overwrite(ssm: SSM, document: object): Promise<void> {
  await ssm.updateDocumentDefaultVersion({ Name, DocumentVersion: await writeLatestOnly(ssm, document) });
}
