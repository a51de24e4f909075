// `doctor`'s reads, all read-only: the Identity Center instance and its ABAC configuration, the engineer's
// Entra ID attribute (Microsoft Graph: the one the provisioning mapping onto ABAC's source reads), the
// identity-store user, and in the account × region what the audit reads of a cell (./audit readCell) with the
// guardrail SCPs on the account's path. A read that fails becomes that link's ERROR; only a user or account that
// does not exist stops the doctor (DoctorUsageError). With --run-command, and only then, it also sends one
// command to a node (readNodeUser).
import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { RUN_AS_TAG_KEY, RUN_SHELL_SCRIPT_DOCUMENT_NAME } from "../../policypack/rules/names";
import type { CheckRead } from "../auditChecks";
import { guardrailFinding } from "../auditChecks";
import { abacVerdict } from "../chainVerdicts";
import {
  getentCommand,
  type CellRead,
  type DoctorReads,
  type EntraRead,
  type NodeUserRead,
} from "../doctorLinks";
import { describeError } from "../errors";
import { expectedUserFor, type UserExpectation } from "../expectedUser";
import { findApplication, jobSchema, provisioningJobs } from "../graph/application";
import { graphClient, type GraphClient } from "../graph/client";
import { classifyMapping } from "../graph/schema";
import { readUserAttribute } from "../graph/users";
import { attributeValue, scimTargetAttribute, sourcePath } from "../userAttributes";
import { readCell } from "./audit";
import { guardrailReader } from "./auditChecks";
import { clientConfig, clientFor, managementRegion, credentialsFor, whoAmI } from "./clients";
import { describeAbac, resolveIdentityCenter, ssoAdminClient } from "./identityCenter";
import { findUser, identityStoreClient } from "./identityStore";
import { ancestorsOf } from "./organization";

export interface DoctorInput {
  /** userName or email, as given. */
  user: string;
  accountId: string;
  region: string;
  roleName: string;
  identityCenter: { instanceArn?: string; identityStoreId?: string };
  identityCenterRegion?: string;
  expectation: UserExpectation;
  /** The SSMSessionRunAs source the stack declares. */
  declaredSource?: string;
  allowedSessionDocuments: readonly string[];
  /** false: --no-entra. */
  entra: boolean;
  /** The Entra ID attribute to read (default: the one the provisioning mapping reads). */
  entraAttribute?: string;
  /** The IAM Identity Center enterprise application (default: the gallery app). */
  entraApp?: string;
}

/** The user or the account does not exist: bad input, not a broken link. */
export class DoctorUsageError extends Error {}

/** A read as its link sees it: what was read, or why not; bad input still stops the doctor. */
export const settle = async <Value>(read: () => Promise<Value>): Promise<CheckRead<Value>> => {
  try {
    return { kind: "read", value: await read() };
  } catch (err) {
    if (err instanceof DoctorUsageError) throw err;
    return { kind: "failed", reason: describeError(err) };
  }
};

/**
 * The Entra ID attribute to read: --entra-attribute, else the one the provisioning mapping onto `source`'s SCIM
 * attribute reads (a mapping that gives no per-user value is itself the broken link).
 */
async function entraAttribute(
  graph: GraphClient,
  input: DoctorInput,
  source: string,
): Promise<Pick<EntraRead, "attribute" | "mapping">> {
  if (input.entraAttribute !== undefined) return { attribute: input.entraAttribute };
  const target = scimTargetAttribute(sourcePath(source));
  const app = await findApplication(graph, input.entraApp);
  const verdicts = [];
  for (const job of await provisioningJobs(graph, app)) {
    verdicts.push(classifyMapping(await jobSchema(graph, app, job.id), target));
  }
  const verdict = verdicts.find(({ kind }) => kind !== "MISSING") ?? verdicts[0];
  const mapping = { target, ok: verdict.ok, detail: verdict.detail };
  // An expression of several attributes has no one value to compare with the identity store's.
  return { attribute: verdict.attributes.length === 1 ? verdict.attributes[0] : undefined, mapping };
}

/** The Entra ID user found under the first of `names` (as given, then the identity store's userName and emails). */
async function readEntra(
  input: DoctorInput,
  source: string | undefined,
  names: readonly string[],
): Promise<EntraRead> {
  if (input.entraAttribute === undefined && source === undefined) {
    return {
      skipped: `no ${RUN_AS_TAG_KEY} source to follow into Entra ID (see abac); --entra-attribute names one`,
    };
  }
  const graph = graphClient();
  const chosen = await entraAttribute(graph, input, source as string);
  if (chosen.mapping?.ok === false || chosen.attribute === undefined) return chosen;
  for (const name of names) {
    const found = await readUserAttribute(graph, name, chosen.attribute);
    if (found) {
      const userPrincipalName = found.user.userPrincipalName ?? found.user.id;
      return { ...chosen, user: { userPrincipalName, value: found.value } };
    }
  }
  return chosen;
}

/** The account's place in the organisation; an account the organisation does not have is bad input. */
async function locateAccount(org: OrganizationsClient, accountId: string) {
  const [{ Organization }, ouPath] = await Promise.all([
    org.send(new DescribeOrganizationCommand({})),
    org.send(new DescribeAccountCommand({ AccountId: accountId })).then(
      () => ancestorsOf(org, accountId),
      (err) => {
        if ((err as Error).name === "AccountNotFoundException") {
          throw new DoctorUsageError(`option '--account ${accountId}': no such account in the organisation`);
        }
        throw err;
      },
    ),
  ]);
  return { managementAccountId: Organization?.MasterAccountId, ouPath };
}

async function readAccountCell(input: DoctorInput): Promise<CellRead> {
  const region = await managementRegion(input.region);
  const org = new OrganizationsClient(clientConfig(region));
  const { managementAccountId, ouPath } = await locateAccount(org, input.accountId);
  const sts = new STSClient(clientConfig(region));
  const caller = await whoAmI(sts);
  const guardrail = guardrailReader(org, managementAccountId)(input.accountId, ouPath);
  const credentials = await credentialsFor(sts, caller, input.accountId, input.roleName);
  const expectedUser = expectedUserFor(input.expectation, ouPath);
  const cell = await readCell({
    accountId: input.accountId,
    region: input.region,
    partition: caller.partition,
    credentials,
    expectedUser,
    runAsEnabled: input.expectation.runAsEnabled,
    allowedSessionDocuments: input.allowedSessionDocuments,
  });
  return {
    expectedUser,
    ...cell,
    guardrail: guardrailFinding(await guardrail),
    managementAccount: input.accountId === managementAccountId,
  };
}

/** The identity side: the ABAC configuration, then the user, then their Entra ID attribute by the source it maps. */
async function readIdentity(
  input: DoctorInput,
): Promise<Pick<DoctorReads, "entra" | "identityCenter" | "identityUser">> {
  const ssoAdmin = ssoAdminClient(input.identityCenterRegion);
  const identityStore = identityStoreClient(input.identityCenterRegion);
  const center = resolveIdentityCenter(ssoAdmin, input.identityCenter);
  const identityCenter = await settle(async () => {
    const { instanceArn } = await center;
    return { instanceArn, abac: await describeAbac(ssoAdmin, instanceArn) };
  });
  // What ABAC maps, whether or not it is what the stack declares: that is what a session's tag carries.
  const liveSource =
    identityCenter.kind === "read"
      ? abacVerdict(identityCenter.value.abac, identityCenter.value.instanceArn, undefined).source
      : undefined;
  const source = liveSource ?? input.declaredSource;
  // Entra ID knows the user by userPrincipalName or mail, which provisioning made the userName and email.
  const names = new Set([input.user]);
  const identityUser = await settle(async () => {
    const { identityStoreId } = await center;
    // userName stands in for the path when no source is known: the user is still looked up.
    const path = source === undefined ? "userName" : sourcePath(source);
    const user = await findUser(identityStore, identityStoreId, input.user, path);
    if (!user) {
      throw new DoctorUsageError(
        `option '--user ${input.user}': no user with that userName or email in identity store ${identityStoreId}`,
      );
    }
    for (const name of [user.UserName, ...(user.Emails ?? []).map(({ Value }) => Value)]) {
      if (name) names.add(name);
    }
    return {
      userName: user.UserName ?? input.user,
      userId: user.UserId ?? "",
      source,
      value: source === undefined ? undefined : attributeValue(user, path),
    };
  });
  const entra = input.entra ? await settle(() => readEntra(input, source, [...names])) : undefined;
  return { entra, identityCenter, identityUser };
}

export async function readChain(input: DoctorInput): Promise<DoctorReads> {
  // The account's reads run beside the identity side's.
  const [identity, cell] = await Promise.all([readIdentity(input), settle(() => readAccountCell(input))]);
  return { ...identity, declaredSource: input.declaredSource, cell };
}

/** GetCommandInvocation's statuses while the command has not finished. */
const RUNNING_STATUSES = ["Pending", "InProgress", "Delayed"];
const POLL_INTERVAL_MS = 2_000;
const POLL_ATTEMPTS = 45;

/**
 * `--run-command`: asks the node whether `user` exists (`getent passwd`, through Run Command's AWS-RunShellScript
 * in the account, with --role), and waits up to a minute and a half for the answer. The doctor's one write.
 */
export async function readNodeUser(
  input: Pick<DoctorInput, "accountId" | "region" | "roleName">,
  instanceId: string,
  user: string,
  sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<NodeUserRead> {
  const sts = new STSClient(clientConfig(await managementRegion(input.region)));
  const credentials = await credentialsFor(sts, await whoAmI(sts), input.accountId, input.roleName);
  const ssm = clientFor(SSMClient, input.region, credentials);
  const { Command } = await ssm.send(
    new SendCommandCommand({
      DocumentName: RUN_SHELL_SCRIPT_DOCUMENT_NAME,
      InstanceIds: [instanceId],
      Parameters: { commands: [getentCommand(user)] },
      Comment: `ssm-runas doctor: does ${user} exist on this node`,
      TimeoutSeconds: 60,
    }),
  );
  const commandId = Command?.CommandId;
  if (!commandId) throw new Error("SendCommand returned no command id");
  for (let attempt = 1; ; attempt++) {
    let answer;
    try {
      answer = await ssm.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
      );
    } catch (err) {
      // The invocation appears a moment after SendCommand returns.
      if ((err as Error).name !== "InvocationDoesNotExist" || attempt >= POLL_ATTEMPTS) throw err;
    }
    if (answer && !RUNNING_STATUSES.includes(answer.Status ?? "")) {
      return {
        instanceId,
        user,
        status: answer.Status ?? "unknown",
        statusDetails: answer.StatusDetails,
        responseCode: answer.ResponseCode,
        stdout: answer.StandardOutputContent ?? "",
        stderr: answer.StandardErrorContent ?? "",
      };
    }
    if (attempt >= POLL_ATTEMPTS) {
      throw new Error(`command ${commandId} on ${instanceId} is still ${answer?.Status ?? "pending"}`);
    }
    await sleep(POLL_INTERVAL_MS);
  }
}
