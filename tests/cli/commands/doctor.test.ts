// `ssm-runas doctor` against moto (Organizations, STS, SSM, Lambda, EventBridge, the identity store) and the
// loopback Graph server. moto has no ABAC call (DescribeInstanceAccessControlAttributeConfiguration), so those
// runs go in process with aws-sdk-client-mock answering it, as verify's tests do; bad input and the read-only
// proof run the real bin.
import { expect } from "chai";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { CreateUserCommand, IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { ListCommandsCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import {
  DescribeInstanceAccessControlAttributeConfigurationCommand,
  SSOAdminClient,
  type AccessControlAttribute,
} from "@aws-sdk/client-sso-admin";
import { startAwsProxy } from "../../../testing/awsProxy";
import { startGraphServer, type GraphServer } from "../../../testing/graphServer";
import {
  attributeMapping,
  attributeSource,
  constantSource,
  identityCenterApp,
  identityCenterSchema,
  tenantUser,
} from "../../../testing/graphTenant";
import { motoEnvironment, resetMoto, startMoto, type MotoServer } from "../../../testing/moto";
import { seedOrganization, type SeededOrganization } from "../../../testing/seedOrganization";
import { runCli, stackTraceLines } from "../../support/cli";
import { runCliInProcess } from "../../support/cliInProcess";

const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-6804a3c7d1e2f5b9";
const STORE = "d-3333333333";
const REGION = "eu-west-1";
const QUIET = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
const NICKNAME_ABAC: AccessControlAttribute[] = [
  { Key: "SSMSessionRunAs", Value: { Source: ["${path:nickName}"] } },
];

interface Link {
  link: string;
  verdict: string;
  value: string | null;
  detail: string;
  fix: string;
}

describe("ssm-runas doctor", function () {
  this.timeout(60_000);
  let moto: MotoServer;
  let graph: GraphServer;
  let org: SeededOrganization;
  let ssoAdmin: AwsClientStub<SSOAdminClient>;
  /** SDK settings for the test's own calls to moto. */
  let motoClient: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  const abacMaps = (attributes: AccessControlAttribute[]) =>
    ssoAdmin
      .on(DescribeInstanceAccessControlAttributeConfigurationCommand, { InstanceArn: INSTANCE_ARN })
      .resolves({
        Status: "ENABLED",
        InstanceAccessControlAttributeConfiguration: { AccessControlAttributes: attributes },
      });
  const idc = ["--instance-arn", INSTANCE_ARN, "--identity-store-id", STORE];
  const doctor = (user: string, account: string, ...extra: string[]) =>
    runCliInProcess(
      [
        "doctor",
        "--user",
        user,
        "--account",
        org.accountIds[account] ?? account,
        "--region",
        REGION,
        "--expected-user",
        "ssm-fallback",
        ...idc,
        ...extra,
      ],
      { ...motoEnvironment(moto), ...graph.env },
    );
  /** The JSON report's links and metadata. */
  const doctorJson = async (user: string, account: string, ...extra: string[]) => {
    const result = await doctor(user, account, "--json", ...extra);
    expect(result.stderr).to.equal("");
    const report = JSON.parse(result.stdout) as {
      metadata: { sessionUser: string | null; firstBroken: string | null; conclusion: string };
      results: Link[];
      summary: Record<string, number>;
    };
    return {
      code: result.code,
      ...report,
      verdict: (name: string) => report.results.find((l) => l.link === name),
    };
  };

  before(async () => {
    moto = await startMoto();
    await resetMoto();
    const healthy = { [REGION]: { runAsEnabled: true, runAsDefaultUser: "ssm-fallback" } };
    org = await seedOrganization(moto.endpoint, {
      ous: [{ name: "Workloads" }],
      accounts: [
        { name: "dev-1", ou: "Workloads", documents: healthy },
        {
          name: "runas-off",
          ou: "Workloads",
          documents: { [REGION]: { runAsEnabled: false, runAsDefaultUser: "ssm-fallback" } },
        },
        // Directly under the root, where no guardrail is attached.
        { name: "sandbox", documents: healthy },
      ],
      guardrail: { attach: [{ target: "Workloads" }] },
    });
    motoClient = {
      endpoint: moto.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "t", secretAccessKey: "t" },
    };
    const identityStore = new IdentitystoreClient(motoClient);
    const users: [string, string | undefined][] = [
      ["alice@example.com", "alice"],
      ["bob@example.com", "Bob.Smith"],
      ["carol@example.com", undefined],
    ];
    for (const [userName, nickName] of users) {
      const [local] = userName.split("@");
      await identityStore.send(
        new CreateUserCommand({
          IdentityStoreId: STORE,
          UserName: local,
          NickName: nickName,
          DisplayName: local,
          Name: { GivenName: local, FamilyName: "Example" },
          Emails: [{ Value: userName, Type: "work", Primary: true }],
        }),
      );
    }
    graph = await startGraphServer();
    graph.tenant.servicePrincipals.push(
      // The gallery app, provisioning nickName from mailNickname.
      identityCenterApp({
        schema: identityCenterSchema({
          nickName: attributeMapping("nickName", attributeSource("mailNickname")),
        }),
      }),
      // Another instance's app, which gives everyone the same nickName.
      identityCenterApp({
        displayName: "IAM Identity Center (sandbox)",
        schema: identityCenterSchema({ nickName: attributeMapping("nickName", constantSource("ec2-user")) }),
      }),
    );
    graph.tenant.users.push(
      tenantUser("alice@example.com", { mailNickname: "alice" }),
      tenantUser("carol@example.com", { mailNickname: null }),
    );
  });

  after(() => graph.close());
  beforeEach(() => {
    ssoAdmin = mockClient(SSOAdminClient);
    abacMaps(NICKNAME_ABAC);
  });
  afterEach(() => ssoAdmin.restore());

  it("reports the user sessions start as when every link holds (Entra ID to the guardrail; user found by email)", async () => {
    // The Entra attribute is the one the gallery app's provisioning mapping onto nickName reads.
    const result = await doctor("alice@example.com", "dev-1");
    expect([result.code, result.stderr]).to.deep.equal([0, ""]);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.at(-1)).to.equal("sessions start as `alice`");
    const rows = lines.slice(1, 9).map((line) => line.split(/\s{2,}/));
    expect(rows.map(([link, verdict]) => `${link} ${verdict}`)).to.deep.equal([
      "entra OK",
      "identity-store OK",
      "abac OK",
      "session-tag OK",
      "document OK",
      "session-documents OK",
      "writer OK",
      "guardrail OK",
    ]);
    expect(rows[0].slice(2)).to.deep.equal([
      "alice",
      "mailNickname of alice@example.com; mapping to nickName: [mailNickname], a direct per-user attribute",
    ]);
    expect(rows[1][2]).to.equal("alice");
    expect(rows[2][2]).to.equal("${path:nickName}");
    expect(rows[3].slice(2)).to.deep.equal(["alice", "SSMSessionRunAs=alice"]);
    expect(rows[4][2]).to.equal("runAsEnabled true, runAsDefaultUser ssm-fallback");
  });

  it("says the same in JSON: every link OK, the session user, no broken link", async () => {
    const report = await doctorJson("alice", "dev-1", "--no-entra");
    expect(report.code).to.equal(0);
    expect(report.metadata).to.include({ sessionUser: "alice", firstBroken: null });
    expect(report.summary).to.deep.equal({ OK: 7, BROKEN: 0, WARN: 0, SKIPPED: 1, ERROR: 0 });
    expect(report.verdict("entra")).to.include({ verdict: "SKIPPED", value: null });
  });

  it("finds the Entra ID user by the identity store's email when --user is the userName", async () => {
    const report = await doctorJson("alice", "dev-1");
    expect(report.code).to.equal(0);
    expect(report.verdict("entra")).to.include({ verdict: "OK", value: "alice" });
    expect(report.verdict("entra")?.detail).to.match(/^mailNickname of alice@example\.com; /);
  });

  it("names the identity store for a user with no attribute", async () => {
    const report = await doctorJson("carol", "dev-1", "--no-entra");
    expect(report.code).to.equal(1);
    expect(report.metadata.firstBroken).to.equal("identity-store");
    expect(report.verdict("identity-store")?.detail).to.match(
      /^carol \([^)]+\) has no nickName: IAM Identity Center sends no SSMSessionRunAs tag/,
    );
    expect(report.verdict("identity-store")?.fix).to.include("whose target is nickName");
    expect(report.verdict("session-tag")?.verdict).to.equal("SKIPPED");
    // The account's links are judged all the same.
    expect(report.verdict("document")?.verdict).to.equal("OK");
  });

  it("names Entra ID first when the user has no value there either", async () => {
    const report = await doctorJson("carol@example.com", "dev-1", "--entra-attribute", "mailNickname");
    expect(report.code).to.equal(1);
    expect(report.metadata.firstBroken).to.equal("entra");
    expect(report.verdict("entra")).to.include({
      verdict: "BROKEN",
      detail: "carol@example.com has no mailNickname",
    });
    expect(report.verdict("identity-store")?.verdict).to.equal("BROKEN");
  });

  it("names Entra ID when the provisioning mapping gives everyone the same value (--app)", async () => {
    const report = await doctorJson("alice@example.com", "dev-1", "--app", "IAM Identity Center (sandbox)");
    expect(report.code).to.equal(1);
    expect(report.metadata.firstBroken).to.equal("entra");
    expect(report.verdict("entra")?.detail).to.match(
      /^mapping to nickName: constant "ec2-user": every user gets the same value/,
    );
    expect(report.verdict("entra")?.fix).to.include("map a per-user attribute onto nickName");
  });

  it("names the session tag for a value that is not a Linux user name", async () => {
    const result = await doctor("bob", "dev-1", "--no-entra");
    expect(result.code).to.equal(1);
    expect(result.stdout.trimEnd().split("\n").at(-1)).to.equal(
      'first broken link: session-tag: nickName is "Bob.Smith": not a Linux user name (must match ' +
        "^[a-z_][a-z0-9_-]{0,31}$). Fix: change the value where it comes from (the Entra ID attribute the " +
        "provisioning mapping reads), or map SSMSessionRunAs to a source that holds login names",
    );
  });

  it("names ABAC when it does not map SSMSessionRunAs", async () => {
    ssoAdmin.reset();
    abacMaps([{ Key: "CostCenter", Value: { Source: ["${path:enterprise.costCenter}"] } }]);
    const report = await doctorJson("alice", "dev-1", "--no-entra");
    expect(report.code).to.equal(1);
    expect(report.metadata.firstBroken).to.equal("abac");
    expect(report.verdict("abac")?.detail).to.equal(`${INSTANCE_ARN} has no SSMSessionRunAs attribute`);
    // No source to read: the user is found, their value not judged.
    expect(report.verdict("identity-store")?.verdict).to.equal("SKIPPED");
    expect(report.verdict("session-tag")?.detail).to.equal("ABAC maps no SSMSessionRunAs: no tag");
  });

  it("names the document in an account where RunAs is off", async () => {
    const report = await doctorJson("alice", "runas-off", "--no-entra");
    expect(report.code).to.equal(1);
    expect(report.metadata.firstBroken).to.equal("document");
    expect(report.verdict("document")).to.include({
      verdict: "BROKEN",
      value: "runAsEnabled false, runAsDefaultUser ssm-fallback",
      detail: "RUNAS_DISABLED: runAsEnabled is false",
    });
    expect(report.metadata.conclusion).to.match(
      /^first broken link: document: RUNAS_DISABLED: runAsEnabled is false\. Fix: the writer turns RunAs back on/,
    );
  });

  it("names the guardrail in an account no guardrail SCP reaches", async () => {
    const report = await doctorJson("alice", "sandbox", "--no-entra");
    expect(report.code).to.equal(1);
    expect(report.metadata.firstBroken).to.equal("guardrail");
    expect(report.verdict("guardrail")).to.include({ verdict: "BROKEN", value: "UNGUARDED" });
    expect(report.verdict("guardrail")?.detail).to.match(
      /^not attached to the account, its OUs or the root: /,
    );
    expect(report.results.slice(0, 7).every(({ verdict }) => ["OK", "SKIPPED"].includes(verdict))).to.equal(
      true,
    );
  });

  it("--instance with --run-command asks the node for the session user through Run Command (moto)", async () => {
    const instanceId = "i-0123456789abcdef0";
    const report = await doctorJson(
      "alice",
      "dev-1",
      "--no-entra",
      "--instance",
      instanceId,
      "--run-command",
    );
    expect(report.code).to.equal(0);
    // moto runs nothing: every invocation it reports succeeded, with no output.
    expect(report.verdict("node-user")).to.include({
      verdict: "OK",
      value: "alice",
      detail: `${instanceId} knows alice`,
    });
    const { Credentials } = await new STSClient(motoClient).send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${org.accountIds["dev-1"]}:role/OrganizationAccountAccessRole`,
        RoleSessionName: "check",
      }),
    );
    const memberSsm = new SSMClient({
      ...motoClient,
      region: REGION,
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken,
      },
    });
    const { Commands } = await memberSsm.send(new ListCommandsCommand({ InstanceId: instanceId }));
    expect(
      Commands?.map(({ DocumentName, Parameters, InstanceIds }) => ({
        DocumentName,
        Parameters,
        InstanceIds,
      })),
    ).to.deep.equal([
      {
        DocumentName: "AWS-RunShellScript",
        Parameters: { commands: ["getent passwd 'alice'"] },
        InstanceIds: [instanceId],
      },
    ]);
  });

  it("does not ask the node when there is no session user to look for", async () => {
    const report = await doctorJson(
      "bob",
      "dev-1",
      "--no-entra",
      "--instance",
      "i-0fedcba9876543210",
      "--run-command",
    );
    expect(report.code).to.equal(1);
    expect(report.verdict("node-user")).to.include({ verdict: "SKIPPED", value: null });
  });

  it("stops with one line and exit 2 for an unknown user or account, or a malformed account id (real bin)", async () => {
    const run = (...args: string[]) =>
      runCli(
        ["doctor", ...args, "--region", REGION, "--expected-user", "ssm-fallback", "--no-entra", ...idc],
        {
          env: { ...motoEnvironment(moto), ...QUIET },
        },
      );
    const cases: [string[], string][] = [
      [
        ["--user", "nobody", "--account", org.accountIds["dev-1"]],
        `error: option '--user nobody': no user with that userName or email in identity store ${STORE}\n`,
      ],
      [
        ["--user", "alice", "--account", "999999999999"],
        "error: option '--account 999999999999': no such account in the organisation\n",
      ],
      [
        ["--user", "alice", "--account", org.accountIds["dev-1"], "--instance", "i-0123456789abcdef0"],
        "error: option '--instance i-0123456789abcdef0' runs a command on the node (getent passwd): add " +
          "--run-command to allow it\n",
      ],
      [
        ["--user", "alice", "--account", "12345"],
        "error: option '--account <id>' argument '12345' is invalid. must be a 12-digit AWS account id\n",
      ],
    ];
    for (const [args, line] of cases) {
      const result = await run(...args);
      expect([result.code, result.stdout, result.stderr, stackTraceLines(result.stderr)]).to.deep.equal([
        2,
        "",
        line,
        [],
      ]);
    }
  });

  it("reads and writes nothing: every AWS call it makes is a read (real bin, through a recording proxy)", async () => {
    const proxy = await startAwsProxy(moto.endpoint);
    try {
      const result = await runCli(
        [
          "doctor",
          "--user",
          "alice",
          "--account",
          org.accountIds["dev-1"],
          "--region",
          REGION,
          "--expected-user",
          "ssm-fallback",
          "--no-entra",
          ...idc,
        ],
        { env: { ...motoEnvironment(moto), ...QUIET, AWS_ENDPOINT_URL: proxy.endpoint } },
      );
      // Without the ABAC answer moto cannot give, the abac link could not be read: exit 2, said on the last line.
      expect(result.code).to.equal(2);
      expect(result.stdout.trimEnd().split("\n").at(-1)).to.match(/^cannot tell: abac could not be read: /);
      const operations = [...new Set(proxy.operations())].sort();
      expect(operations).to.include.members(["AssumeRole", "DescribeUser", "GetDocument", "GetUserId"]);
      expect(
        operations.filter((operation) => !/^(Get|List|Describe|AssumeRole$|unknown$)/.test(operation)),
      ).to.deep.equal([]);
      // Lambda's REST calls have no operation name: they are GETs.
      const rest = proxy.requests.filter(({ operation }) => operation === "unknown");
      expect(rest.map(({ method }) => method)).to.satisfy((methods: string[]) =>
        methods.every((m) => m === "GET"),
      );
    } finally {
      await proxy.close();
    }
  });
});
