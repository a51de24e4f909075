// `ssm-runas verify`: document, STS and identity store on moto; the ABAC call (which moto lacks) and the
// SCP's explicit deny (which moto cannot produce) from aws-sdk-client-mock.
import { expect } from "chai";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { CreateUserCommand, IdentitystoreClient } from "@aws-sdk/client-identitystore";
import {
  DescribeDocumentCommand,
  GetDocumentCommand,
  SSMClient,
  UpdateDocumentCommand,
} from "@aws-sdk/client-ssm";
import {
  DescribeInstanceAccessControlAttributeConfigurationCommand,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { IAMClient, TagRoleCommand } from "@aws-sdk/client-iam";
import { CreateDocumentCommand, DeleteDocumentCommand, StartSessionCommand } from "@aws-sdk/client-ssm";
import { startAwsProxy } from "../../../testing/awsProxy";
import { runCliInProcess } from "../../support/cliInProcess";
import { motoEnvironment, resetMoto, startMoto, type MotoServer } from "../../../testing/moto";
import {
  runShellContent,
  seedOrganization,
  type SeededOrganization,
} from "../../../testing/seedOrganization";

const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-6804a3c7d1e2f5b9";
const STORE = "d-3333333333";
const REGION = "eu-west-1";
const DOCUMENT = "SSM-SessionManagerRunShell";
const ROLE = "OrganizationAccountAccessRole";
const PROBE_TITLES = {
  session: `the SCP refuses a session on AWS-StartInteractiveCommand by ${ROLE}`,
  tag: `the SCP refuses tagging a role with SSMSessionRunAs by ${ROLE}`,
  create: `the SCP refuses creating a Session document by ${ROLE}`,
};
const SCP_DENY = "refused with an explicit deny in a service control policy";
const scpDenied = (action: string, name = "AccessDeniedException") =>
  Object.assign(
    new Error(
      `User: arn:aws:sts::111111111111:assumed-role/${ROLE}/ssm-runas-readonly is not authorized to perform: ` +
        `${action} with an explicit deny in a service control policy`,
    ),
    { name },
  );

describe("ssm-runas verify", function () {
  this.timeout(60_000);
  let moto: MotoServer;
  let org: SeededOrganization;
  let account: string;
  let ssoAdmin: AwsClientStub<SSOAdminClient>;
  const verify = (...extra: string[]) =>
    runCliInProcess(
      [
        "verify",
        "--account",
        account,
        "--region",
        REGION,
        "--instance-arn",
        INSTANCE_ARN,
        "--identity-store-id",
        STORE,
        ...extra,
      ],
      motoEnvironment(moto),
    );

  before(async () => {
    moto = await startMoto();
    await resetMoto();
    org = await seedOrganization(moto.endpoint, {
      accounts: [
        { name: "dev-1", documents: { [REGION]: { runAsEnabled: true, runAsDefaultUser: "ssm-fallback" } } },
      ],
    });
    account = org.accountIds["dev-1"];
    const identityStore = new IdentitystoreClient({
      endpoint: moto.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "t", secretAccessKey: "t" },
    });
    for (const [userName, nickName] of [
      ["alice", "alice"],
      ["bob", "Bob.Smith"],
    ]) {
      await identityStore.send(
        new CreateUserCommand({
          IdentityStoreId: STORE,
          UserName: userName,
          NickName: nickName,
          DisplayName: userName,
          Name: { GivenName: userName, FamilyName: "Example" },
        }),
      );
    }
    ssoAdmin = mockClient(SSOAdminClient);
    ssoAdmin
      .on(DescribeInstanceAccessControlAttributeConfigurationCommand, { InstanceArn: INSTANCE_ARN })
      .resolves({
        Status: "ENABLED",
        InstanceAccessControlAttributeConfiguration: {
          AccessControlAttributes: [{ Key: "SSMSessionRunAs", Value: { Source: ["${path:nickName}"] } }],
        },
      });
  });

  after(() => ssoAdmin.restore());

  it("passes ABAC, the user and the document, and fails every probe where no SCP stops the call (moto)", async () => {
    const result = await verify("--user", "alice", "--expected-user", "ssm-fallback");
    const lines = result.stdout.split("\n");
    // moto has no StartSession: its answer (a 404 page) is no SCP deny either.
    expect(lines[4]).to.match(
      new RegExp(
        `^FAIL  ${PROBE_TITLES.session}: NOT protected: the call got past authorisation, no service control policy denied it \\(`,
      ),
    );
    expect(lines.slice(5)).to.deep.equal([
      `FAIL  ${PROBE_TITLES.tag}: NOT protected: the call got past authorisation, no service control policy ` +
        "denied it (NoSuchEntityException: Role ssm-runas-sync-probe not found)",
      `FAIL  ${PROBE_TITLES.create}: NOT protected: the call was accepted (ssm-runas-sync-probe deleted again)`,
      "",
    ]);
    expect(lines.slice(0, 4)).to.deep.equal([
      "PASS  ABAC maps SSMSessionRunAs: from ${path:nickName} on " + INSTANCE_ARN,
      'PASS  user alice has a valid RunAs value: nickName is "alice"',
      `PASS  ${DOCUMENT} in ${account}/${REGION} has RunAs on: runAsDefaultUser is "ssm-fallback" as expected`,
      "FAIL  the SCP refuses a document write by OrganizationAccountAccessRole: NOT protected: the write reached " +
        "the document and was turned down only because the content is unchanged (DuplicateDocumentContent); no " +
        "service control policy denied it",
    ]);
    expect(result.code).to.equal(1);
  });

  /** SSM in the member account, through the role the probe uses. */
  async function memberSsm(): Promise<SSMClient> {
    const credentials = { accessKeyId: "t", secretAccessKey: "t" };
    const sts = new STSClient({ endpoint: moto.endpoint, region: REGION, credentials });
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`,
        RoleSessionName: "check",
      }),
    );
    return new SSMClient({
      endpoint: moto.endpoint,
      region: REGION,
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken,
      },
    });
  }

  it("changes nothing with its probe: the document keeps its single version", async () => {
    const ssm = await memberSsm();
    const { Document } = await ssm.send(new DescribeDocumentCommand({ Name: DOCUMENT }));
    expect([Document?.LatestVersion, Document?.DefaultVersion]).to.deep.equal(["1", "1"]);
    // The Session document the probe could create was deleted again.
    const probe = await ssm
      .send(new DescribeDocumentCommand({ Name: "ssm-runas-sync-probe" }))
      .catch((err) => err);
    expect((probe as Error).name).to.equal("InvalidDocument");
  });

  it("fails the steps that fail and goes on: another source, an invalid attribute, a wrong default user", async () => {
    const result = await verify(
      "--user",
      "bob",
      "--expected-user",
      "ec2-user",
      "--source",
      "${path:userName}",
    );
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.map((line) => line.slice(0, 4))).to.deep.equal(Array(7).fill("FAIL"));
    expect(lines[0]).to.equal(
      "FAIL  ABAC maps SSMSessionRunAs: it maps ${path:nickName}, but ${path:userName} is declared",
    );
    // The user is checked against what ABAC really maps.
    expect(lines[1]).to.equal(
      'FAIL  user bob has a valid RunAs value: nickName is "Bob.Smith": not a Linux user name (must match ^[a-z_][a-z0-9_-]{0,31}$)',
    );
    expect(lines[2]).to.match(/WRONG_USER: runAsDefaultUser is "ssm-fallback", expected "ec2-user"$/);
    expect(result.code).to.equal(1);
  });

  it("passes the probes when a service control policy denies the calls (aws-sdk-client-mock: SSM, IAM)", async () => {
    const content = runShellContent({ runAsEnabled: true, runAsDefaultUser: "ssm-fallback", format: "YAML" });
    const ssm = mockClient(SSMClient);
    const iam = mockClient(IAMClient);
    try {
      ssm.on(StartSessionCommand).rejects(scpDenied("ssm:StartSession"));
      ssm.on(CreateDocumentCommand).rejects(scpDenied("ssm:CreateDocument"));
      iam.on(TagRoleCommand).rejects(scpDenied("iam:TagRole", "AccessDenied"));
      ssm.on(DescribeDocumentCommand).resolves({ Document: { DefaultVersion: "3", LatestVersion: "3" } });
      ssm
        .on(GetDocumentCommand)
        .resolves({ Name: DOCUMENT, Content: content, DocumentFormat: "YAML", DocumentVersion: "3" });
      ssm
        .on(UpdateDocumentCommand)
        .rejects(
          Object.assign(
            new Error(
              `User: arn:aws:sts::${account}:assumed-role/OrganizationAccountAccessRole/ssm-runas-readonly is not ` +
                `authorized to perform: ssm:UpdateDocument on resource: arn:aws:ssm:${REGION}:${account}:document/${DOCUMENT} ` +
                "with an explicit deny in a service control policy",
            ),
            { name: "AccessDeniedException" },
          ),
        );
      const result = await verify("--user", "alice", "--expected-user", "ssm-fallback");
      expect(result.stdout.trimEnd().split("\n").slice(3)).to.deep.equal([
        "PASS  the SCP refuses a document write by OrganizationAccountAccessRole: refused with an explicit deny in a service control policy",
        `PASS  ${PROBE_TITLES.session}: ${SCP_DENY}`,
        `PASS  ${PROBE_TITLES.tag}: ${SCP_DENY}`,
        `PASS  ${PROBE_TITLES.create}: ${SCP_DENY}`,
      ]);
      expect(ssm.commandCalls(StartSessionCommand)[0].args[0].input).to.deep.equal({
        Target: "i-00000000000000000",
        DocumentName: "AWS-StartInteractiveCommand",
        Parameters: { command: ["true"] },
      });
      expect(iam.commandCalls(TagRoleCommand)[0].args[0].input).to.deep.equal({
        RoleName: "ssm-runas-sync-probe",
        Tags: [{ Key: "SSMSessionRunAs", Value: "probe" }],
      });
      expect(ssm.commandCalls(DeleteDocumentCommand)).to.have.length(0);
      expect(result.code).to.equal(0);
      const [probe] = ssm.commandCalls(UpdateDocumentCommand).map((call) => call.args[0].input);
      expect(probe).to.deep.equal({
        Name: DOCUMENT,
        Content: content,
        DocumentFormat: "YAML",
        DocumentVersion: "$LATEST",
      });
    } finally {
      ssm.restore();
      iam.restore();
    }
  });

  it("passes the probes when a proxy in front of moto answers AccessDenied from an SCP, and fails on another deny", async () => {
    const proxy = await startAwsProxy(moto.endpoint);
    const denied = new Set(["UpdateDocument", "StartSession", "TagRole", "CreateDocument"]);
    try {
      const message = (action: string) =>
        `User: arn:aws:sts::${account}:assumed-role/${ROLE}/ssm-runas-readonly is not authorized to perform: ` +
        `${action} with an explicit deny in a service control policy`;
      proxy.intercept = ({ operation }) =>
        denied.has(operation)
          ? {
              status: 400,
              code: operation === "TagRole" ? "AccessDenied" : "AccessDeniedException",
              message: message(operation),
            }
          : undefined;
      const env = { ...motoEnvironment(moto), AWS_ENDPOINT_URL: proxy.endpoint };
      const args = [
        "verify",
        "--account",
        account,
        "--region",
        REGION,
        "--instance-arn",
        INSTANCE_ARN,
        "--identity-store-id",
        STORE,
        "--user",
        "alice",
        "--expected-user",
        "ssm-fallback",
      ];
      const result = await runCliInProcess(args, env);
      expect(result.stdout.trimEnd().split("\n").slice(4)).to.deep.equal([
        `PASS  ${PROBE_TITLES.session}: ${SCP_DENY}`,
        `PASS  ${PROBE_TITLES.tag}: ${SCP_DENY}`,
        `PASS  ${PROBE_TITLES.create}: ${SCP_DENY}`,
      ]);
      expect(result.code).to.equal(0);
      // An AccessDenied that does not name an SCP (the role's own policy) proves nothing about the SCP.
      proxy.intercept = ({ operation }) =>
        operation === "TagRole"
          ? { status: 403, code: "AccessDenied", message: "not authorized" }
          : undefined;
      const other = await runCliInProcess(args, env);
      expect(other.stdout).to.include(
        `FAIL  ${PROBE_TITLES.tag}: refused, but not by a service control policy: AccessDenied: not authorized`,
      );
      expect(other.code).to.equal(1);
    } finally {
      await proxy.close();
    }
  });

  it("fails the document step when a $LATEST write left the default behind with RunAs on (LATEST_DIFFERS)", async () => {
    const ssm = await memberSsm();
    await ssm.send(
      new UpdateDocumentCommand({
        Name: DOCUMENT,
        Content: runShellContent({ runAsEnabled: false, runAsDefaultUser: "" }),
        DocumentFormat: "JSON",
        DocumentVersion: "$LATEST",
      }),
    );
    const result = await verify("--user", "alice", "--expected-user", "ssm-fallback");
    expect(result.stdout.split("\n")[2]).to.equal(
      `FAIL  ${DOCUMENT} in ${account}/${REGION} has RunAs on: LATEST_DIFFERS: ` +
        'default v1: runAsEnabled true, runAsDefaultUser "ssm-fallback"; ' +
        'latest v2: runAsEnabled false, runAsDefaultUser ""',
    );
    expect(result.code).to.equal(1);
  });
});
