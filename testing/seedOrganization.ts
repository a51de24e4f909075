// Seeds an AWS Organization on the moto emulator: OUs, member accounts, and the RunShell document each account
// holds per region. Optionally an `auditor` IAM user whose own policy refuses AssumeRole into some accounts:
// moto assumes any role ARN (it checks neither that the role exists nor its trust policy), so with its IAM
// enforcement on (`enforceIamPolicies`) the caller's explicit deny is how AssumeRole really fails there.
import {
  CreateOrganizationalUnitCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { CreateDocumentCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { stringify } from "yaml";
import { RUN_SHELL_DOCUMENT_NAME } from "../policypack/rules/names";
import { forEachWithConcurrency } from "../cli/concurrency";

export interface SeededDocument {
  runAsEnabled: boolean;
  runAsDefaultUser: string;
  format?: "JSON" | "YAML";
}

/** Region → the document there; a region left out has no document. */
export type SeededDocuments = Record<string, SeededDocument>;

export interface AccountSeed {
  name: string;
  /** Name of the OU the account sits in (default: the root). */
  ou?: string;
  documents: SeededDocuments;
}

export interface OrganizationSeed {
  /** Created in order; `parent` names an OU created earlier (default: the root). */
  ous?: { name: string; parent?: string }[];
  management?: SeededDocuments;
  accounts: AccountSeed[];
  /** Create the `auditor` IAM user (read-only), refused AssumeRole into these accounts (by name). */
  auditor?: { deniedAccounts: string[] };
}

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SeededOrganization {
  rootId: string;
  managementAccountId: string;
  ouIds: Record<string, string>;
  accountIds: Record<string, string>;
  auditor?: StaticCredentials;
}

export const MOTO_MANAGEMENT_ACCOUNT_ID = "123456789012";
const TESTING: StaticCredentials = { accessKeyId: "testing", secretAccessKey: "testing" };
const MEMBER_ROLE = "OrganizationAccountAccessRole";

/** A RunShell document as the console saves it, with the RunAs fields set as given. */
export function runShellContent({ runAsEnabled, runAsDefaultUser, format = "JSON" }: SeededDocument): string {
  const document = {
    schemaVersion: "1.0",
    description: "Document to hold regional settings for Session Manager",
    sessionType: "Standard_Stream",
    inputs: {
      s3BucketName: "",
      s3KeyPrefix: "",
      s3EncryptionEnabled: true,
      cloudWatchLogGroupName: "session-logs",
      cloudWatchEncryptionEnabled: true,
      cloudWatchStreamingEnabled: true,
      idleSessionTimeout: "20",
      maxSessionDuration: "",
      kmsKeyId: "",
      runAsEnabled,
      runAsDefaultUser,
      shellProfile: { windows: "", linux: "" },
    },
  };
  return format === "YAML" ? stringify(document) : JSON.stringify(document, null, 2);
}

// @aws-sdk/client-iam is not a dependency: IAM's query API is called directly. While IAM enforcement is off moto
// does not check signatures; it takes the account from the access key in the Authorization header.
async function iam(endpoint: string, credentials: StaticCredentials, params: Record<string, string>) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20250101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ ...params, Version: "2010-05-08" }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`IAM ${params.Action}: HTTP ${response.status}: ${text}`);
  return text;
}

const policy = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const READ_DOCUMENTS = {
  Effect: "Allow",
  Action: ["ssm:GetDocument", "ssm:DescribeDocument"],
  Resource: "*",
};

/** Turns moto's IAM policy enforcement on or off for every request (a server-wide switch). */
export async function enforceIamPolicies(endpoint: string, on: boolean): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset-auth`, { method: "POST", body: on ? "0" : "inf" });
  if (!response.ok) throw new Error(`moto reset-auth: HTTP ${response.status}`);
}

export async function seedOrganization(
  endpoint: string,
  seed: OrganizationSeed,
): Promise<SeededOrganization> {
  const config = { endpoint, region: "us-east-1", credentials: TESTING };
  const org = new OrganizationsClient(config);
  const sts = new STSClient(config);
  await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  const rootId = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
  const ouIds: Record<string, string> = {};
  for (const { name, parent } of seed.ous ?? []) {
    const created = await org.send(
      new CreateOrganizationalUnitCommand({ Name: name, ParentId: parent ? ouIds[parent] : rootId }),
    );
    ouIds[name] = created.OrganizationalUnit!.Id!;
  }

  const writeDocuments = async (credentials: StaticCredentials, documents: SeededDocuments) => {
    for (const [region, document] of Object.entries(documents)) {
      await new SSMClient({ endpoint, region, credentials }).send(
        new CreateDocumentCommand({
          Name: RUN_SHELL_DOCUMENT_NAME,
          DocumentType: "Session",
          DocumentFormat: document.format ?? "JSON",
          Content: runShellContent(document),
        }),
      );
    }
  };
  await writeDocuments(TESTING, seed.management ?? {});

  const accountIds: Record<string, string> = {};
  await forEachWithConcurrency(seed.accounts, 16, async (account) => {
    const created = await org.send(
      new CreateAccountCommand({ AccountName: account.name, Email: `${account.name}@example.com` }),
    );
    const id = created.CreateAccountStatus!.AccountId!;
    accountIds[account.name] = id;
    if (account.ou) {
      await org.send(
        new MoveAccountCommand({
          AccountId: id,
          SourceParentId: rootId,
          DestinationParentId: ouIds[account.ou],
        }),
      );
    }
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${id}:role/${MEMBER_ROLE}`, RoleSessionName: "seed" }),
    );
    const credentials = {
      accessKeyId: assumed.Credentials!.AccessKeyId!,
      secretAccessKey: assumed.Credentials!.SecretAccessKey!,
      sessionToken: assumed.Credentials!.SessionToken,
    };
    await writeDocuments(credentials, account.documents);
    if (seed.auditor) {
      await iam(endpoint, credentials, {
        Action: "PutRolePolicy",
        RoleName: MEMBER_ROLE,
        PolicyName: "read-documents",
        PolicyDocument: policy([READ_DOCUMENTS]),
      });
    }
  });

  const seeded: SeededOrganization = {
    rootId,
    managementAccountId: MOTO_MANAGEMENT_ACCOUNT_ID,
    ouIds,
    accountIds,
  };
  if (seed.auditor) {
    await iam(endpoint, TESTING, { Action: "CreateUser", UserName: "auditor" });
    const denied = seed.auditor.deniedAccounts.map(
      (name) => `arn:aws:iam::${accountIds[name]}:role/${MEMBER_ROLE}`,
    );
    await iam(endpoint, TESTING, {
      Action: "PutUserPolicy",
      UserName: "auditor",
      PolicyName: "audit",
      PolicyDocument: policy([
        {
          Effect: "Allow",
          Action: ["organizations:List*", "organizations:Describe*", "sts:AssumeRole"],
          Resource: "*",
        },
        READ_DOCUMENTS,
        ...(denied.length > 0 ? [{ Effect: "Deny", Action: "sts:AssumeRole", Resource: denied }] : []),
      ]),
    });
    const key = await iam(endpoint, TESTING, { Action: "CreateAccessKey", UserName: "auditor" });
    seeded.auditor = {
      accessKeyId: /<AccessKeyId>([^<]+)</.exec(key)![1],
      secretAccessKey: /<SecretAccessKey>([^<]+)</.exec(key)![1],
    };
  }
  return seeded;
}
