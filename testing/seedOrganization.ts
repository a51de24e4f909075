// Seeds an AWS Organization on the moto emulator: OUs, member accounts, and what each account holds per region —
// the RunShell document, the writer (function and reconcile rules, healthy by default wherever a document is
// seeded) and the fallback-user association beside it, other Session documents — the two guardrail SCPs
// (attached to the root by default), closed (suspended) accounts, and the RunShell StackSet with its instances
// (service-managed, by OU). Optionally an `auditor` IAM user whose own policy refuses AssumeRole into some
// accounts: moto assumes any role ARN (it checks neither that the role exists nor its trust policy), so with its
// IAM enforcement on (`enforceIamPolicies`) the caller's explicit deny is how AssumeRole really fails there.
import {
  CloudFormationClient,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
} from "@aws-sdk/client-cloudformation";
import {
  CloseAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  EnablePolicyTypeCommand,
} from "@aws-sdk/client-organizations";
import { CreateAssociationCommand, CreateDocumentCommand, SSMClient } from "@aws-sdk/client-ssm";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { stringify } from "yaml";
import {
  RECONCILE_DAILY_RULE_NAME,
  RECONCILE_ON_CHANGE_RULE_NAME,
  RUN_AS_DEFAULT_USER_VARIABLE,
  RUN_AS_ENABLED_VARIABLE,
  RUN_SHELL_DOCUMENT_NAME,
  RUNSHELL_GUARDRAIL_POLICY_NAME,
  RUNSHELL_STACKSET_NAME,
  SESSION_GUARDRAIL_POLICY_NAME,
  WRITER_FUNCTION_NAME,
  WRITER_ROLE_PATH,
} from "../policypack/rules/names";
import { forEachWithConcurrency } from "../cli/concurrency";
import { fallbackUserAssociationInput } from "./motoStateManager";
import {
  accountCredentials,
  MEMBER_ROLE,
  MOTO_CREDENTIALS,
  MOTO_DEFAULT_ACCOUNT_ID,
  type StaticCredentials,
} from "./moto";

export interface SeededDocument {
  runAsEnabled: boolean;
  runAsDefaultUser: string;
  format?: "JSON" | "YAML";
}

/** Region → the document there; a region left out has no document. */
export type SeededDocuments = Record<string, SeededDocument>;

/** The writer in one region: healthy (RunAs on, `user`, both rules enabled and targeting it) unless told. */
export interface SeededWriter {
  /** RUN_AS_DEFAULT_USER (default: the organisation's `writerUser`). */
  user?: string;
  /** RUN_AS_ENABLED (default "true"). */
  runAsEnabled?: string;
  /** No function (the rules are still created unless `noRules`). */
  noFunction?: boolean;
  noRules?: boolean;
  /** Rules created DISABLED. */
  disabledRules?: string[];
  /** Rules created without the writer as target. */
  untargetedRules?: string[];
}

/** Another Session document of the account's own. */
export interface SeededSessionDocument {
  name: string;
  content: string;
}

export interface AccountSeed {
  name: string;
  /** Name of the OU the account sits in (default: the root). */
  ou?: string;
  documents: SeededDocuments;
  /** Region → the writer there, or false for none (default: a healthy writer where a document is seeded). */
  writers?: Record<string, SeededWriter | false>;
  /** Region → other Session documents. */
  sessionDocuments?: Record<string, SeededSessionDocument[]>;
  /** Closed after seeding: Organizations then lists it SUSPENDED. */
  closed?: boolean;
}

/**
 * The RunShell StackSet, service-managed, in the management account: one CreateStackInstances per entry, for
 * the named OUs (`root` for the root) × regions. moto deploys an instance to each account directly in an OU or in
 * its child OUs (not deeper), always CURRENT/SUCCEEDED; the template is a placeholder (no writer is deployed).
 */
export interface StackSetSeed {
  region: string;
  instances: { ous: string[]; regions: string[] }[];
}

export type GuardrailPolicy = "runshell" | "session";

export interface GuardrailSeed {
  /** Turn SERVICE_CONTROL_POLICY on at the root (default true). */
  enabled?: boolean;
  /** `root`, an OU name or an account name, with the policies attached there (default both). */
  attach: { target: string; policies?: GuardrailPolicy[] }[];
}

export interface OrganizationSeed {
  /** Created in order; `parent` names an OU created earlier (default: the root). */
  ous?: { name: string; parent?: string }[];
  management?: SeededDocuments;
  /** The management account's writers and Session documents, as for a member. */
  managementExtras?: Pick<AccountSeed, "writers" | "sessionDocuments">;
  accounts: AccountSeed[];
  /** The default writer user (default: "ssm-fallback"). */
  writerUser?: string;
  /**
   * The RunShell StackSet's fallback-user association wherever a writer is seeded, for the writer's user, with no
   * managed node (default true): what the StackSet deploys, so an audit that counts the fallback user finds it.
   */
  fallbackUserAssociations?: boolean;
  /** The two guardrail SCPs (default: both on the root); false for none at all. */
  guardrail?: GuardrailSeed | false;
  /** Create the `auditor` IAM user (read-only), refused AssumeRole into these accounts (by name). */
  auditor?: { deniedAccounts: string[] };
  stackSet?: StackSetSeed;
}

export interface SeededOrganization {
  rootId: string;
  managementAccountId: string;
  ouIds: Record<string, string>;
  accountIds: Record<string, string>;
  auditor?: StaticCredentials;
}

/** The organisation's management account: moto's default account. */
export const MOTO_MANAGEMENT_ACCOUNT_ID = MOTO_DEFAULT_ACCOUNT_ID;
const TESTING: StaticCredentials = MOTO_CREDENTIALS;

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
/** What the audit reads in a member account. */
const READ_DOCUMENTS = {
  Effect: "Allow",
  Action: [
    "ssm:GetDocument",
    "ssm:DescribeDocument",
    "ssm:ListDocuments",
    "lambda:GetFunctionConfiguration",
    "events:DescribeRule",
    "events:ListTargetsByRule",
    "ec2:DescribeRegions",
    "ssm:ListAssociations",
    "ssm:DescribeAssociation",
    "ssm:DescribeInstanceInformation",
  ],
  Resource: "*",
};

/** The smallest zip there is (an empty archive): moto stores the code, it never runs it here. */
const EMPTY_ZIP = Buffer.from("UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==", "base64");

export const DEFAULT_WRITER_USER = "ssm-fallback";

/** A Session document's content: `Standard_Stream` with `inputs`, or another session type with `properties`. */
export function sessionDocumentContent(
  sessionType: string,
  fields: { inputs?: object; properties?: object },
): string {
  return JSON.stringify({ schemaVersion: "1.0", description: "seeded", sessionType, ...fields }, null, 2);
}

async function seedWriter(
  endpoint: string,
  credentials: StaticCredentials,
  accountId: string,
  region: string,
  writer: SeededWriter,
  defaultUser: string,
) {
  const config = { endpoint, region, credentials };
  const functionArn = `arn:aws:lambda:${region}:${accountId}:function:${WRITER_FUNCTION_NAME}`;
  // As CloudFormation names it: after the stack, one per region.
  const roleName = `StackSet-ssm-runas-sync-runshell-${region}-WriterRole`;
  if (!writer.noFunction) {
    // moto's Lambda wants the function's role to exist.
    await iam(endpoint, credentials, {
      Action: "CreateRole",
      RoleName: roleName,
      Path: WRITER_ROLE_PATH,
      AssumeRolePolicyDocument: policy([
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]),
    });
    await new LambdaClient(config).send(
      new CreateFunctionCommand({
        FunctionName: WRITER_FUNCTION_NAME,
        Runtime: "nodejs22.x",
        Handler: "index.handler",
        Role: `arn:aws:iam::${accountId}:role${WRITER_ROLE_PATH}${roleName}`,
        Code: { ZipFile: EMPTY_ZIP },
        Environment: {
          Variables: {
            [RUN_AS_ENABLED_VARIABLE]: writer.runAsEnabled ?? "true",
            [RUN_AS_DEFAULT_USER_VARIABLE]: writer.user ?? defaultUser,
          },
        },
      }),
    );
  }
  if (writer.noRules) return;
  const events = new EventBridgeClient(config);
  for (const [name, trigger] of [
    [RECONCILE_ON_CHANGE_RULE_NAME, { EventPattern: JSON.stringify({ source: ["aws.ssm"] }) }],
    [RECONCILE_DAILY_RULE_NAME, { ScheduleExpression: "rate(1 day)" }],
  ] as const) {
    const disabled = writer.disabledRules?.includes(name);
    await events.send(
      new PutRuleCommand({ Name: name, State: disabled ? "DISABLED" : "ENABLED", ...trigger }),
    );
    if (!writer.untargetedRules?.includes(name)) {
      await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: "writer", Arn: functionArn }] }));
    }
  }
}

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
  await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  const rootId = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
  const ouIds: Record<string, string> = {};
  for (const { name, parent } of seed.ous ?? []) {
    const created = await org.send(
      new CreateOrganizationalUnitCommand({ Name: name, ParentId: parent ? ouIds[parent] : rootId }),
    );
    ouIds[name] = created.OrganizationalUnit!.Id!;
  }

  const writerUser = seed.writerUser ?? DEFAULT_WRITER_USER;
  const writeDocuments = async (
    credentials: StaticCredentials,
    accountId: string,
    documents: SeededDocuments,
    extras: Pick<AccountSeed, "writers" | "sessionDocuments"> = {},
  ) => {
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
    const writers: Record<string, SeededWriter | false> = {
      ...Object.fromEntries(Object.keys(documents).map((region) => [region, {}])),
      ...extras.writers,
    };
    for (const [region, writer] of Object.entries(writers)) {
      if (!writer) continue;
      await seedWriter(endpoint, credentials, accountId, region, writer, writerUser);
      if (seed.fallbackUserAssociations !== false) {
        await new SSMClient({ endpoint, region, credentials }).send(
          new CreateAssociationCommand(fallbackUserAssociationInput(writer.user ?? writerUser)),
        );
      }
    }
    for (const [region, sessionDocuments] of Object.entries(extras.sessionDocuments ?? {})) {
      for (const { name, content } of sessionDocuments) {
        await new SSMClient({ endpoint, region, credentials }).send(
          new CreateDocumentCommand({
            Name: name,
            DocumentType: "Session",
            DocumentFormat: "JSON",
            Content: content,
          }),
        );
      }
    }
  };
  await writeDocuments(TESTING, MOTO_MANAGEMENT_ACCOUNT_ID, seed.management ?? {}, seed.managementExtras);

  const accountIds: Record<string, string> = {};
  await forEachWithConcurrency(seed.accounts, 16, async (account) => {
    // Account names may hold any printable character (a test seeds `<script>`); e-mail addresses may not.
    const mailbox = account.name.replace(/[^A-Za-z0-9-]/g, "_");
    const created = await org.send(
      new CreateAccountCommand({ AccountName: account.name, Email: `${mailbox}@example.com` }),
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
    const credentials = await accountCredentials(endpoint, id);
    await writeDocuments(credentials, id, account.documents, account);
    if (seed.auditor) {
      await iam(endpoint, credentials, {
        Action: "PutRolePolicy",
        RoleName: MEMBER_ROLE,
        PolicyName: "read-documents",
        PolicyDocument: policy([READ_DOCUMENTS]),
      });
    }
  });

  if (seed.guardrail !== false) {
    const guardrail = seed.guardrail ?? { attach: [{ target: "root" }] };
    if (guardrail.enabled ?? true) {
      await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: "SERVICE_CONTROL_POLICY" }));
    }
    const policyIds: Record<GuardrailPolicy, string> = { runshell: "", session: "" };
    for (const [key, name] of [
      ["runshell", RUNSHELL_GUARDRAIL_POLICY_NAME],
      ["session", SESSION_GUARDRAIL_POLICY_NAME],
    ] as const) {
      const created = await org.send(
        new CreatePolicyCommand({
          Name: name,
          Description: "seeded",
          Type: "SERVICE_CONTROL_POLICY",
          // The audit reads where the policies are attached, not what they say.
          Content: policy([{ Effect: "Deny", Action: "ssm:CreateDocument", Resource: "*" }]),
        }),
      );
      policyIds[key] = created.Policy!.PolicySummary!.Id!;
    }
    for (const { target, policies = ["runshell", "session"] as GuardrailPolicy[] } of guardrail.attach) {
      const targetId = target === "root" ? rootId : (ouIds[target] ?? accountIds[target]);
      if (!targetId) throw new Error(`guardrail target ${target}: no such OU or account`);
      for (const key of policies) {
        await org.send(new AttachPolicyCommand({ PolicyId: policyIds[key], TargetId: targetId }));
      }
    }
  }

  for (const { name, closed } of seed.accounts) {
    if (closed) await org.send(new CloseAccountCommand({ AccountId: accountIds[name] }));
  }

  if (seed.stackSet) {
    const cloudFormation = new CloudFormationClient({ ...config, region: seed.stackSet.region });
    await cloudFormation.send(
      new CreateStackSetCommand({
        StackSetName: RUNSHELL_STACKSET_NAME,
        PermissionModel: "SERVICE_MANAGED",
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        TemplateBody: JSON.stringify({
          Resources: { Placeholder: { Type: "AWS::CloudFormation::WaitConditionHandle" } },
        }),
      }),
    );
    for (const { ous, regions } of seed.stackSet.instances) {
      const OrganizationalUnitIds = ous.map((name) => (name === "root" ? rootId : ouIds[name]));
      await cloudFormation.send(
        new CreateStackInstancesCommand({
          StackSetName: RUNSHELL_STACKSET_NAME,
          DeploymentTargets: { OrganizationalUnitIds },
          Regions: regions,
        }),
      );
    }
  }

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
          Action: [
            "organizations:List*",
            "organizations:Describe*",
            "sts:AssumeRole",
            "cloudformation:ListStackInstances",
          ],
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
