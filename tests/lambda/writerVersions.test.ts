// The writer's goal is the latest version as the default, holding RunAs and the newest settings any
// other writer wrote — also when that writer added a version with `UpdateDocument --document-version $LATEST`
// alone (AWS's documented CLI procedure, LZA's Session Manager settings). The bundled writer on moto; the
// titles state the SSM calls each path makes.
import { expect } from "chai";
import {
  CONSOLE_DOCUMENT,
  Name,
  customResourceEvent,
  lzaResetDocument,
} from "../../testing/runShellFixtures";
import { invokeWriter } from "../../testing/writerInvocation";
import { startResponseUrlServer, type ResponseUrlServer } from "../../testing/responseUrl";
import {
  RUN_AS,
  makeDefault,
  reconcile,
  resetWith,
  settledState,
  startWriterHarness,
  withoutRunAs,
  writeLatestOnly,
  type WriterHarness,
} from "../support/writerHarness";

const WITH_RUN_AS = { ...CONSOLE_DOCUMENT, inputs: { ...CONSOLE_DOCUMENT.inputs, ...RUN_AS } };

/** LZA's document with new logging settings: what a changed LZA configuration deploys. */
function lzaWithNewLogging(bucket = "lza-new-session-logs") {
  const document = lzaResetDocument(bucket);
  return { ...document, inputs: { ...document.inputs, cloudWatchLogGroupName: "/lza/new-session-logs" } };
}

describe("RunShell writer: latest and default versions (bundled, on moto)", () => {
  let harness: WriterHarness;
  let responses: ResponseUrlServer;

  before(async () => {
    harness = await startWriterHarness();
    responses = await startResponseUrlServer();
  });
  after(async () => {
    await harness.close();
    await responses.close();
  });

  const calls = () => harness.proxy.operations();
  const actions = (logs: Record<string, unknown>[]) => logs.map((line) => line.action);

  it("LZA writes $LATEST alone after the writer: one scheduled reconcile makes latest the default, RunAs on, LZA's settings kept (6 calls)", async () => {
    await resetWith(harness, CONSOLE_DOCUMENT);
    await reconcile(); // version 2: RunAs on, the default
    const lza = lzaWithNewLogging();
    expect(await writeLatestOnly(harness.ssm, lza)).to.equal("3"); // RunAs off, new logging; default stays 2
    const reproduced = await settledState(harness.ssm);
    expect([reproduced.defaultVersion, reproduced.latestVersion], "the issue's starting point").to.deep.equal(
      ["2", "3"],
    );
    harness.proxy.requests = [];

    const { error, logs } = await reconcile();

    expect(error).to.equal(undefined);
    expect(actions(logs)).to.deep.equal(["reconcile", "updated"]);
    const stored = await settledState(harness.ssm);
    expect([stored.defaultVersion, stored.latestVersion]).to.deep.equal(["4", "4"]);
    expect(stored.runAs).to.deep.equal(RUN_AS);
    expect(stored.others).to.deep.equal(withoutRunAs(lza.inputs));
    expect(stored.others).to.include({
      s3BucketName: "lza-new-session-logs",
      cloudWatchLogGroupName: "/lza/new-session-logs",
    });
    expect(calls()).to.deep.equal([
      "DescribeDocument",
      "GetDocument", // the latest version, v3
      "GetDocument", // the default, v2: does it already hold v3 + RunAs? (an adopted version would)
      "UpdateDocument",
      "UpdateDocumentDefaultVersion",
      "DescribeDocument", // the re-check
    ]);
  });

  it("a $LATEST-only version that already holds RunAs is made the default, no new version (4 calls)", async () => {
    await resetWith(harness, CONSOLE_DOCUMENT);
    const other = { ...WITH_RUN_AS, inputs: { ...WITH_RUN_AS.inputs, s3BucketName: "other-bucket" } };
    await writeLatestOnly(harness.ssm, other); // v2, default stays 1

    const { logs } = await reconcile();

    expect(actions(logs)).to.deep.equal(["reconcile", "promoted"]);
    const stored = await settledState(harness.ssm);
    expect([stored.defaultVersion, stored.latestVersion]).to.deep.equal(["2", "2"]);
    expect(stored.content).to.deep.equal(other);
    expect(calls()).to.deep.equal([
      "DescribeDocument",
      "GetDocument",
      "UpdateDocumentDefaultVersion",
      "DescribeDocument",
    ]);
  });

  it("no-op when latest = default holds RunAs (2 calls)", async () => {
    await resetWith(harness, WITH_RUN_AS);

    const { logs } = await reconcile();

    expect(actions(logs)).to.deep.equal(["reconcile", "unchanged"]);
    expect(calls()).to.deep.equal(["DescribeDocument", "GetDocument"]);
  });

  it("change when latest = default lacks RunAs (5 calls)", async () => {
    await resetWith(harness, CONSOLE_DOCUMENT);

    const { logs } = await reconcile();

    expect(actions(logs)).to.deep.equal(["reconcile", "updated"]);
    expect(calls()).to.deep.equal([
      "DescribeDocument",
      "GetDocument",
      "UpdateDocument",
      "UpdateDocumentDefaultVersion",
      "DescribeDocument",
    ]);
    const stored = await settledState(harness.ssm);
    expect([stored.defaultVersion, stored.latestVersion, stored.content]).to.deep.equal([
      "2",
      "2",
      WITH_RUN_AS,
    ]);
  });

  it("create when missing (2 calls)", async () => {
    await resetWith(harness);

    const { logs } = await reconcile();

    expect(actions(logs)).to.deep.equal(["reconcile", "created"]);
    expect(calls()).to.deep.equal(["DescribeDocument", "CreateDocument"]);
  });

  it("a redeploy after a restore: content an older version holds is written without indentation, so latest = default (7 calls)", async () => {
    await resetWith(harness, CONSOLE_DOCUMENT);
    await reconcile(); // v2: RunAs on, written by the writer (JSON, 2-space indent)
    // v3: RunAs off again, the default (a restore on Delete does this); v3 + RunAs is v2's very content.
    await makeDefault(
      harness.ssm,
      await writeLatestOnly(harness.ssm, JSON.stringify(CONSOLE_DOCUMENT, null, 2)),
    );
    harness.proxy.requests = [];

    const { logs } = await reconcile();

    expect(actions(logs)).to.deep.equal(["reconcile", "updated"]);
    expect(calls()).to.deep.equal([
      "DescribeDocument",
      "GetDocument",
      "UpdateDocument", // DuplicateDocumentContent
      "UpdateDocument", // the same JSON, compact
      "UpdateDocumentDefaultVersion",
      "DescribeDocument",
    ]);
    const stored = await settledState(harness.ssm);
    expect([stored.defaultVersion, stored.latestVersion, stored.content]).to.deep.equal([
      "4",
      "4",
      WITH_RUN_AS,
    ]);
  });

  it("adoption, when both texts are taken: the older version becomes the default (7 calls); later runs write nothing (3 calls)", async () => {
    await resetWith(harness, CONSOLE_DOCUMENT);
    await reconcile(); // v2: RunAs on, 2-space indent
    await writeLatestOnly(harness.ssm, JSON.stringify(WITH_RUN_AS)); // v3: the same, compact
    await makeDefault(
      harness.ssm,
      await writeLatestOnly(harness.ssm, JSON.stringify(CONSOLE_DOCUMENT, null, 2)), // v4: RunAs off
    );
    harness.proxy.requests = [];

    const adopting = await reconcile();

    expect(actions(adopting.logs)).to.deep.equal(["reconcile", "adopted"]);
    expect(calls()).to.deep.equal([
      "DescribeDocument",
      "GetDocument",
      "UpdateDocument", // DuplicateDocumentContent (v2)
      "UpdateDocument", // DuplicateDocumentContent (v3)
      "GetDocument", // v3: compact, not the same text
      "GetDocument", // v2 holds it
      "UpdateDocumentDefaultVersion",
      "DescribeDocument",
    ]);
    let stored = await settledState(harness.ssm);
    expect([stored.defaultVersion, stored.latestVersion, stored.content]).to.deep.equal([
      "2",
      "4",
      WITH_RUN_AS,
    ]);
    harness.proxy.requests = [];

    const later = await reconcile();

    // No write: a failing UpdateDocument would be a CloudTrail event that triggers the next reconcile, forever.
    expect(actions(later.logs)).to.deep.equal(["reconcile", "unchanged"]);
    expect(calls()).to.deep.equal(["DescribeDocument", "GetDocument", "GetDocument"]);
    stored = await settledState(harness.ssm);
    expect([stored.defaultVersion, stored.latestVersion]).to.deep.equal(["2", "4"]);
  });

  it("budget exhaustion: a writer adding a version before every re-check makes the run throw; one later run settles (d)", async () => {
    await resetWith(harness, CONSOLE_DOCUMENT);
    let added = 0;
    let lastOther: ReturnType<typeof lzaWithNewLogging> | undefined;
    harness.proxy.intercept = async ({ operation }) => {
      if (operation !== "UpdateDocumentDefaultVersion") return;
      lastOther = lzaWithNewLogging(`other-${++added}`);
      await writeLatestOnly(harness.ssm, lastOther);
    };

    const exhausted = await reconcile();

    expect(exhausted.error?.message).to.equal(`${Name} kept changing during 5 attempts`);
    expect(actions(exhausted.logs)).to.deep.equal(["reconcile", ...Array(5).fill("conflict")]);
    harness.proxy.intercept = undefined;
    const settling = await reconcile();
    expect(settling.error).to.equal(undefined);
    const stored = await settledState(harness.ssm);
    expect(stored.defaultVersion).to.equal(stored.latestVersion);
    expect(stored.runAs).to.deep.equal(RUN_AS);
    expect(stored.others).to.deep.equal(
      withoutRunAs((lastOther as { inputs: Record<string, unknown> }).inputs),
    );
  });

  it("a custom-resource Create on a $LATEST-only version returns the latest version's RunAs as the restore point", async () => {
    await resetWith(harness, WITH_RUN_AS);
    await writeLatestOnly(harness.ssm, lzaWithNewLogging()); // v2: RunAs off, default stays 1 (RunAs on)
    responses.reset();

    await invokeWriter(
      customResourceEvent({
        RequestType: "Create",
        ResponseURL: responses.url,
        properties: { RunAsEnabled: "true", RunAsDefaultUser: "ec2-user", OnDelete: "restore" },
      }),
    );

    expect(responses.received[0].body).to.include({
      Status: "SUCCESS",
      PhysicalResourceId: `${Name}:runAs={"runAsEnabled":false,"runAsDefaultUser":""}`,
    });
    const stored = await settledState(harness.ssm);
    expect([stored.defaultVersion, stored.latestVersion, stored.runAs]).to.deep.equal(["3", "3", RUN_AS]);
  });
});
