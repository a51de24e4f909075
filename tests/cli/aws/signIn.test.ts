// `verify --sign-in`'s flow against a loopback SSO OIDC / access portal / STS (moto has none of them).
import { expect } from "chai";
import { signIn, SignInUsageError, type SignInInput } from "../../../cli/aws/signIn";
import { startPortal, type Portal, type PortalScript } from "../support/identityCenterPortal";

const ACCOUNT = "111122223333";
const IDC_ROLE = "AWSReservedSSO_SSMRunAsEngineer_0123456789abcdef";
const INPUT: SignInInput = {
  accountId: ACCOUNT,
  region: "eu-west-1",
  startUrl: "https://d-1234567890.awsapps.com/start",
  identityCenterRegion: "eu-west-1",
};
const TITLE = `Identity Center sign-in to ${ACCOUNT} works with the SCPs attached`;

describe("verify --sign-in (loopback Identity Center)", () => {
  let portal: Portal | undefined;
  const saved = { ...process.env };

  async function run(script: Partial<PortalScript>, input: Partial<SignInInput> = {}) {
    portal = await startPortal({
      pendingPolls: 1,
      expiresIn: 600,
      interval: 1,
      roles: [{ accountId: ACCOUNT, roleName: "SSMRunAsEngineer" }],
      callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${IDC_ROLE}/alice@example.com`,
      ...script,
    });
    Object.assign(process.env, portal.env, {
      AWS_ACCESS_KEY_ID: "unused",
      AWS_SECRET_ACCESS_KEY: "unused",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    });
    const prompts: string[] = [];
    const sleeps: number[] = [];
    const step = await signIn(
      { ...INPUT, ...input },
      {
        prompt: (line) => prompts.push(line),
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      },
    );
    return { step, prompts, sleeps, calls: portal.calls };
  }

  afterEach(async () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await portal?.close();
    portal = undefined;
  });

  it("PASS: polls past authorization_pending, and the credentials are the permission set's IdC role", async () => {
    const { step, prompts, sleeps, calls } = await run({});
    expect(step).to.deep.equal({
      ok: true,
      title: TITLE,
      detail:
        `signed in as arn:aws:sts::${ACCOUNT}:assumed-role/${IDC_ROLE}/alice@example.com ` +
        "(/aws-reserved/sso.amazonaws.com/ role of permission set SSMRunAsEngineer): the SCPs did not block the federation",
    });
    expect(prompts).to.deep.equal([
      "Open https://device.sso.eu-west-1.amazonaws.com?user_code=makdfsk83 and sign in,",
      "then confirm the code makdfsk83 (expires in 600 s).",
    ]);
    expect(sleeps).to.deep.equal([1000]);
    expect(calls).to.deep.equal([
      "POST /client/register",
      "POST /device_authorization",
      "POST /token",
      "POST /token",
      "GET /assignment/roles",
      "GET /federation/credentials",
      "POST /",
    ]);
  });

  it("FAIL: credentials for a role outside Identity Center's path", async () => {
    const { step } = await run({
      callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/OrganizationAccountAccessRole/alice`,
    });
    expect(step.ok).to.equal(false);
    expect(step.detail).to.equal(
      "the credentials are for OrganizationAccountAccessRole, not an Identity Center role under " +
        `/aws-reserved/sso.amazonaws.com/: arn:aws:sts::${ACCOUNT}:assumed-role/OrganizationAccountAccessRole/alice`,
    );
  });

  it("FAIL: the device code expires before the sign-in is approved", async () => {
    const { step, calls } = await run({ pendingPolls: Infinity, expiresIn: 1, interval: 1 });
    expect(step.ok).to.equal(false);
    expect(step.detail).to.match(/^the device code expired before the sign-in was approved/);
    expect(calls.filter((call) => call === "POST /token")).to.have.length(1);
    expect(calls).not.to.include("GET /federation/credentials");
  });

  it("a --permission-set that is not assigned is a usage problem listing the assigned ones", async () => {
    const error = await run(
      {
        roles: [
          { accountId: ACCOUNT, roleName: "SSMRunAsEngineer" },
          { accountId: ACCOUNT, roleName: "ReadOnly" },
        ],
      },
      { permissionSet: "Admin" },
    ).catch((err: unknown) => err);
    expect(error).to.be.instanceOf(SignInUsageError);
    expect((error as Error).message).to.equal(
      `--permission-set Admin is not assigned in ${ACCOUNT} (assigned: SSMRunAsEngineer, ReadOnly)`,
    );
  });
});
