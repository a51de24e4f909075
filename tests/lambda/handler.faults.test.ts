// Faults around the bundled writer: throttling, a racing writer and an SCP denial (injected by a proxy in front
// of moto, so the SDK's own retry logic runs), a flaky ResponseURL, and a call that hangs past the deadline.
import { expect } from "chai";
import { DescribeDocumentCommand, SSMClient, type SSM } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { lambdaContext } from "../../testing/bundledWriter";
import type { ResponseUrlServer } from "../../testing/responseUrl";
import { startProxiedWriter, type ProxiedWriter } from "../support/writerHarness";
import {
  CONSOLE_DOCUMENT,
  Name,
  customResourceEvent,
  inspect,
  lzaResetDocument,
  overwrite,
} from "../../testing/runShellFixtures";
import { attemptNumber, type AwsProxy } from "../../testing/awsProxy";
import { invokeWriter } from "../../testing/writerInvocation";
import { RESPONSE_RESERVE_MS } from "../../lambda/cfnResponse";

const PROPERTIES = { RunAsEnabled: "true", RunAsDefaultUser: "ec2-user", OnDelete: "retain" };

describe("RunShell writer faults (bundled)", () => {
  let ssm: SSM;
  let proxy: AwsProxy;
  let responses: ResponseUrlServer;
  let writer: ProxiedWriter;

  before(async () => {
    writer = await startProxiedWriter();
    ({ ssm, proxy, responses } = writer);
  });

  after(() => writer.close());

  beforeEach(async () => {
    await writer.reset();
    await ssm.createDocument({ Name, Content: JSON.stringify(CONSOLE_DOCUMENT), DocumentType: "Session" });
  });

  function create(properties = PROPERTIES) {
    return customResourceEvent({ RequestType: "Create", ResponseURL: responses.url, properties });
  }

  it("rides out throttling with the SDK's retries and succeeds", async () => {
    proxy.intercept = (request) =>
      request.operation === "UpdateDocument" && attemptNumber(request) === 1
        ? { status: 400, code: "ThrottlingException" }
        : undefined;

    const { error } = await invokeWriter(create());

    expect(error).to.equal(undefined);
    expect(proxy.operations()).to.deep.equal([
      "DescribeDocument",
      "GetDocument",
      "UpdateDocument",
      "UpdateDocument",
      "UpdateDocumentDefaultVersion",
      "DescribeDocument",
    ]);
    expect(proxy.requests[3].attempt).to.match(/^attempt=2; max=5$/);
    expect(responses.received.map((response) => response.body.Status)).to.deep.equal(["SUCCESS"]);
    expect((await inspect(ssm)).content.inputs).to.include({
      runAsEnabled: true,
      runAsDefaultUser: "ec2-user",
    });
  });

  it("re-reads and writes again when another writer got in between, keeping that writer's settings", async () => {
    let raced = false;
    proxy.intercept = async ({ operation }) => {
      if (operation !== "UpdateDocument" || raced) return;
      raced = true;
      await overwrite(ssm, lzaResetDocument("raced-bucket")); // lands between the writer's read and its write
    };

    const { error, logs } = await invokeWriter(create());

    expect(error).to.equal(undefined);
    expect(logs.map((line) => line.action)).to.deep.equal(["conflict", "updated", "respond"]);
    expect(proxy.operations()).to.deep.equal([
      "DescribeDocument",
      "GetDocument",
      "UpdateDocument", // InvalidDocumentVersion: the read version is no longer the latest
      "DescribeDocument",
      "GetDocument",
      "UpdateDocument",
      "UpdateDocumentDefaultVersion",
      "DescribeDocument",
    ]);
    const stored = await inspect(ssm);
    expect(stored.content.inputs).to.include({
      s3BucketName: "raced-bucket",
      runAsEnabled: true,
      runAsDefaultUser: "ec2-user",
    });
    expect(stored.defaultVersion).to.equal(stored.latestVersion);
  });

  it("answers FAILED with the AWS error when a write is denied", async () => {
    proxy.intercept = ({ operation }) =>
      operation === "UpdateDocument" ? { status: 400, code: "AccessDeniedException" } : undefined;

    await invokeWriter(create());

    expect(responses.received).to.have.length(1);
    expect(responses.received[0].body).to.include({
      Status: "FAILED",
      Reason: "injected AccessDeniedException",
    });
    expect((await inspect(ssm)).latestVersion).to.equal("1");
  });

  it("retries the PUT to ResponseURL when it fails, then succeeds", async () => {
    responses.statuses = [500, 503];

    const { error } = await invokeWriter(create());

    expect(error).to.equal(undefined);
    expect(responses.received).to.have.length(3);
    const bodies = responses.received.map((response) => JSON.stringify(response.body));
    expect(new Set(bodies).size, "the same answer each time").to.equal(1);
    expect(responses.received[2].body.Status).to.equal("SUCCESS");
  });

  it("throws when ResponseURL keeps failing, so that Lambda retries the event", async () => {
    responses.statuses = [500, 500, 500];

    const { error } = await invokeWriter(create());

    expect(error?.message).to.equal("HTTP 500");
    expect(responses.received).to.have.length(3);
  });

  describe("with SSM hanging (aws-sdk-client-mock)", () => {
    let ssmMock: ReturnType<typeof mockClient>;
    before(() => (ssmMock = mockClient(SSMClient)));
    after(() => ssmMock.restore());

    it("sends FAILED before the function's timeout, and only once", async () => {
      const hangMs = 1500;
      const stored = { Document: { LatestVersion: "1", DefaultVersion: "1" } };
      ssmMock
        .on(DescribeDocumentCommand)
        .callsFake(() => new Promise((resolve) => setTimeout(resolve, hangMs, stored)));
      const leftAtStart = RESPONSE_RESERVE_MS + 200;
      const started = Date.now();

      await invokeWriter(create(), lambdaContext(leftAtStart));

      expect(responses.received).to.have.length(1);
      expect(responses.received[0].body).to.include({ Status: "FAILED", Reason: "about to time out" });
      expect(responses.received[0].receivedAt - started).to.be.below(hangMs);
      // The abandoned work finishes in the background; it must not answer a second time.
      await new Promise((resolve) => setTimeout(resolve, hangMs));
      expect(responses.received).to.have.length(1);
    });
  });
});
