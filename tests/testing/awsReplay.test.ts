// The replay server against answers recorded from moto through the proxy: a recorded request gets the recorded
// answer, an unknown one is refused at once and reported, and the scaled organisation's answers carry the
// clones' ids, names and credentials — through the real SDK clients, JSON, query (XML) and REST protocols alike.
import { expect } from "chai";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  ListParentsCommand,
  OrganizationsClient,
  paginateListAccountsForParent,
  type Account,
} from "@aws-sdk/client-organizations";
import { DescribeDocumentCommand, GetDocumentCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { RUN_SHELL_DOCUMENT_NAME, WRITER_FUNCTION_NAME } from "../../policypack/rules/names";
import { startAwsProxy, type AwsExchange } from "../../testing/awsProxy";
import {
  NOT_RECORDED,
  recordedAccessKey,
  recordingOf,
  startAwsReplay,
  type AwsReplay,
  type Recording,
} from "../../testing/awsReplay";
import { resetMoto, startMoto } from "../../testing/moto";
import { scaleOrganization, type ScaledOrganization } from "../../testing/scaledOrganization";
import { runShellContent, seedOrganization, type SeededOrganization } from "../../testing/seedOrganization";

const REGION = "eu-west-1";
const CALLER = { accessKeyId: "testing", secretAccessKey: "testing" };
const ok = { runAsEnabled: true, runAsDefaultUser: "ssm-fallback" };

/** The calls the tests replay, made once against moto through the recording proxy. */
async function recordCalls(endpoint: string, org: SeededOrganization): Promise<AwsExchange[]> {
  const exchanges: AwsExchange[] = [];
  const proxy = await startAwsProxy(endpoint, { onExchange: (exchange) => exchanges.push(exchange) });
  try {
    const config = { endpoint: proxy.endpoint, region: "us-east-1", credentials: CALLER };
    const organizations = new OrganizationsClient(config);
    const listing = paginateListAccountsForParent(
      { client: organizations, pageSize: 20 },
      { ParentId: org.rootId },
    );
    for await (const page of listing) expect(page.NextToken ?? undefined).to.equal(undefined);
    await organizations.send(new ListParentsCommand({ ChildId: org.accountIds["template-a"] }));
    await new SSMClient({ ...config, region: REGION }).send(
      new GetDocumentCommand({ Name: RUN_SHELL_DOCUMENT_NAME }),
    );
    const { Credentials } = await new STSClient(config).send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${org.accountIds["template-a"]}:role/OrganizationAccountAccessRole`,
        RoleSessionName: "record",
      }),
    );
    await new LambdaClient({
      endpoint: proxy.endpoint,
      region: REGION,
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken,
      },
    }).send(new GetFunctionConfigurationCommand({ FunctionName: WRITER_FUNCTION_NAME }));
  } finally {
    await proxy.close();
  }
  return exchanges;
}

describe("the AWS replay server (answers recorded from moto)", () => {
  let org: SeededOrganization;
  let recording: Recording;
  let organization: ScaledOrganization;
  let replay: AwsReplay;
  const refused: string[] = [];
  const clients = () => {
    const config = { endpoint: replay.endpoint, region: "us-east-1", credentials: CALLER, maxAttempts: 1 };
    return { config, organizations: new OrganizationsClient(config), sts: new STSClient(config) };
  };

  before(async () => {
    const moto = await startMoto();
    await resetMoto();
    org = await seedOrganization(moto.endpoint, {
      management: { [REGION]: ok },
      accounts: [
        { name: "template-a", documents: { [REGION]: ok } },
        { name: "template-b", documents: {} },
      ],
      guardrail: false,
    });
    recording = recordingOf(await recordCalls(moto.endpoint, org));
    organization = scaleOrganization(
      ["template-a", "template-b"].map((name) => {
        const id = org.accountIds[name];
        return {
          id,
          name,
          weight: name === "template-a" ? 3 : 1,
          accessKeyId: recordedAccessKey(recording, id),
        };
      }),
      8,
    );
    replay = await startAwsReplay({
      recording,
      organization,
      latencyMs: 1,
      onNotRecorded: (request) => refused.push(request),
    });
  });

  after(() => replay.close());

  it("answers a recorded request with the recorded answer", async () => {
    const recorded = await new SSMClient({ ...clients().config, region: REGION }).send(
      new GetDocumentCommand({ Name: RUN_SHELL_DOCUMENT_NAME }),
    );
    expect(recorded.Name).to.equal(RUN_SHELL_DOCUMENT_NAME);
    expect(JSON.parse(recorded.Content!)).to.deep.equal(JSON.parse(runShellContent(ok)));
  });

  it("refuses a request of a kind never recorded, at once, and reports it", async () => {
    const ssm = new SSMClient({ ...clients().config, region: REGION });
    const before = replay.requests;
    let error: Error | undefined;
    try {
      await ssm.send(new DescribeDocumentCommand({ Name: RUN_SHELL_DOCUMENT_NAME }));
    } catch (err) {
      error = err as Error;
    }
    expect(error?.name).to.equal(NOT_RECORDED);
    expect(replay.requests - before).to.equal(1);
    expect(refused.at(-1)).to.match(
      /^ssm DescribeDocument signed by caller in eu-west-1: POST \/ .*SSM-SessionManagerRunShell/,
    );
  });

  it("lists every clone, page by page, in place of the template accounts", async () => {
    const accounts: Account[] = [];
    let pages = 0;
    for await (const page of paginateListAccountsForParent(
      { client: clients().organizations, pageSize: 3 },
      { ParentId: org.rootId },
    )) {
      pages += 1;
      accounts.push(...(page.Accounts ?? []));
    }
    expect(pages).to.equal(3);
    expect(accounts.map(({ Id }) => Id).sort()).to.deep.equal(
      [org.managementAccountId, ...organization.clones.map(({ id }) => id)].sort(),
    );
    const clone = organization.clones[0];
    const listed = accounts.find(({ Id }) => Id === clone.id)!;
    expect(listed.Name).to.equal(clone.name);
    expect(listed.Email).to.equal(`${clone.name}@example.com`);
    expect(listed.Arn).to.match(new RegExp(`/${clone.id}$`));
    expect(organization.clonesOf.get(org.accountIds["template-a"])).to.have.length(6);
  });

  it("answers about one clone with its template's answer, the clone's id and credentials substituted", async () => {
    const clone = organization.clonesOf.get(org.accountIds["template-a"])![1];
    const { Parents } = await clients().organizations.send(new ListParentsCommand({ ChildId: clone.id }));
    expect(Parents?.[0].Id).to.equal(org.rootId);

    const { Credentials, AssumedRoleUser } = await clients().sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${clone.id}:role/OrganizationAccountAccessRole`,
        RoleSessionName: "record",
      }),
    );
    expect(Credentials?.AccessKeyId).to.equal(clone.accessKeyId);
    expect(AssumedRoleUser?.Arn).to.match(new RegExp(`^arn:aws:sts::${clone.id}:assumed-role/`));

    const writer = await new LambdaClient({
      endpoint: replay.endpoint,
      region: REGION,
      maxAttempts: 1,
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken,
      },
    }).send(new GetFunctionConfigurationCommand({ FunctionName: WRITER_FUNCTION_NAME }));
    expect(writer.FunctionArn).to.equal(
      `arn:aws:lambda:${REGION}:${clone.id}:function:${WRITER_FUNCTION_NAME}`,
    );
  });
});
