// The audit's I/O shell on its own: an account whose AssumeRole is throttled past every retry becomes ERROR rows
// while the rest is audited (aws-sdk-client-mock for STS: moto cannot throttle).
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { runAudit } from "../../../cli/aws/audit";
import { motoEnvironment, resetMoto, startMoto } from "../../../testing/moto";
import {
  seedOrganization,
  type SeededDocument,
  type SeededOrganization,
} from "../../../testing/seedOrganization";

const REGIONS = ["eu-west-1"] as const;
const FALLBACK = "ssm-fallback";
const ok: SeededDocument = { runAsEnabled: true, runAsDefaultUser: FALLBACK };

describe("runAudit: throttled AssumeRole (aws-sdk-client-mock: moto cannot throttle)", function () {
  this.timeout(60_000);
  const savedEnv = { ...process.env };
  let org: SeededOrganization;
  const realCredentials = new Map<
    string,
    { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }
  >();

  before(async () => {
    const moto = await startMoto();
    await resetMoto();
    org = await seedOrganization(moto.endpoint, {
      accounts: ["t-1", "t-2", "t-3"].map((name) => ({ name, documents: { [REGIONS[0]]: ok } })),
    });
    Object.assign(process.env, motoEnvironment(moto));
    // Real moto credentials for the accounts that are not throttled, fetched before STS is mocked.
    const sts = new STSClient({});
    for (const id of Object.values(org.accountIds)) {
      const { Credentials } = await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`,
          RoleSessionName: "t",
        }),
      );
      realCredentials.set(
        id,
        Credentials as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string },
      );
    }
  });

  after(() => {
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  });

  it("turns an account throttled past every retry into ERROR rows and audits the rest", async () => {
    const throttledId = org.accountIds["t-2"];
    const stsMock = mockClient(STSClient);
    try {
      stsMock.on(GetCallerIdentityCommand).resolves({
        Account: org.managementAccountId,
        Arn: `arn:aws:iam::${org.managementAccountId}:user/auditor`,
      });
      stsMock.on(AssumeRoleCommand).callsFake(({ RoleArn }: { RoleArn: string }) => {
        const accountId = RoleArn.split(":")[4];
        if (accountId === throttledId) {
          throw Object.assign(new Error("Rate exceeded"), {
            name: "Throttling",
            $metadata: { httpStatusCode: 400 },
          });
        }
        return { Credentials: realCredentials.get(accountId) };
      });
      const { rows } = await runAudit({
        regions: [REGIONS[0]],
        roleName: "OrganizationAccountAccessRole",
        expectation: { defaultUser: FALLBACK, overrides: {}, runAsEnabled: true },
        concurrency: 2,
        regionScan: false,
        assumeRoleBackoff: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      });
      const byAccount = Object.fromEntries(rows.map((row) => [row.accountId, row]));
      expect(byAccount[throttledId]).to.deep.include({ status: "ERROR", runAsEnabled: null });
      expect(byAccount[throttledId].detail).to.equal(
        `AssumeRole arn:aws:iam::${throttledId}:role/OrganizationAccountAccessRole: ` +
          "Throttling: Rate exceeded (gave up after 3 attempts)",
      );
      const throttledCalls = stsMock
        .commandCalls(AssumeRoleCommand)
        .filter((call) => call.args[0].input.RoleArn?.includes(throttledId));
      expect(throttledCalls).to.have.length(3);
      for (const name of ["t-1", "t-3"]) expect(byAccount[org.accountIds[name]].status).to.equal("COMPLIANT");
      // The management account has no document in this organisation: read with the caller's own credentials.
      expect(byAccount[org.managementAccountId].status).to.equal("MISSING");
    } finally {
      stsMock.restore();
    }
  });
});
