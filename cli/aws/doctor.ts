// `doctor`'s reads, all read-only: the engineer's Entra ID attribute (Microsoft Graph), the Identity Center
// instance and its ABAC configuration, the identity-store user, and in the account × region what the audit reads
// of a cell (../aws/audit readCell) with the guardrail SCPs on the account's path. A read that fails becomes
// that link's ERROR; only a user or account that does not exist stops the doctor (DoctorUsageError).
import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { STSClient } from "@aws-sdk/client-sts";
import type { CheckRead } from "../auditChecks";
import { guardrailFinding } from "../auditChecks";
import { abacVerdict } from "../chainVerdicts";
import type { CellRead, DoctorReads, EntraRead } from "../doctorLinks";
import { describeError } from "../errors";
import { expectedUserFor, type UserExpectation } from "../expectedUser";
import { graphClient } from "../graph/client";
import { readUserAttribute } from "../graph/users";
import { attributeValue, sourcePath } from "../userAttributes";
import { readCell } from "./audit";
import { guardrailReader } from "./auditChecks";
import { clientConfig, credentialsFor, whoAmI } from "./clients";
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
  /** The Entra ID attribute to read; undefined: --no-entra. */
  entraAttribute?: string;
}

/** The user or the account does not exist: bad input, not a broken link. */
export class DoctorUsageError extends Error {}

const settle = async <Value>(read: () => Promise<Value>): Promise<CheckRead<Value>> => {
  try {
    return { kind: "read", value: await read() };
  } catch (err) {
    if (err instanceof DoctorUsageError) throw err;
    return { kind: "failed", reason: describeError(err) };
  }
};

async function readEntra(user: string, attribute: string): Promise<EntraRead> {
  const found = await readUserAttribute(graphClient(), user, attribute);
  if (!found) return { attribute };
  const userPrincipalName = found.user.userPrincipalName ?? found.user.id;
  return { attribute, user: { userPrincipalName, value: found.value } };
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

async function readAccountCell(input: DoctorInput, org: OrganizationsClient): Promise<CellRead> {
  const { managementAccountId, ouPath } = await locateAccount(org, input.accountId);
  const sts = new STSClient(clientConfig());
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

export async function readChain(input: DoctorInput): Promise<DoctorReads> {
  const ssoAdmin = ssoAdminClient(input.identityCenterRegion);
  const identityStore = identityStoreClient(input.identityCenterRegion);
  const org = new OrganizationsClient(clientConfig());
  const center = resolveIdentityCenter(ssoAdmin, input.identityCenter);
  // Reads that do not depend on each other run side by side.
  const [entra, cell, identityCenter] = await Promise.all([
    input.entraAttribute === undefined
      ? undefined
      : settle(() => readEntra(input.user, input.entraAttribute as string)),
    settle(() => readAccountCell(input, org)),
    settle(async () => {
      const { instanceArn } = await center;
      return { instanceArn, abac: await describeAbac(ssoAdmin, instanceArn) };
    }),
  ]);
  // What ABAC maps, whether or not it is what the stack declares: that is what a session's tag carries.
  const liveSource =
    identityCenter.kind === "read"
      ? abacVerdict(identityCenter.value.abac, identityCenter.value.instanceArn, undefined).source
      : undefined;
  const source = liveSource ?? input.declaredSource;
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
    return {
      userName: user.UserName ?? input.user,
      userId: user.UserId ?? "",
      source,
      value: source === undefined ? undefined : attributeValue(user, path),
    };
  });
  return { entra, identityCenter, declaredSource: input.declaredSource, identityUser, cell };
}
