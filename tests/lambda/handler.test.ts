// The writer as it ships (the bundled inline code) against moto's SSM, with a local server for ResponseURL.
import { expect } from "chai";
import type { SSM } from "@aws-sdk/client-ssm";
import { motoEnvironment, resetMoto, startMoto } from "../../testing/moto";
import { startResponseUrlServer, type ResponseUrlServer } from "../../testing/responseUrl";
import {
  CONSOLE_DOCUMENT,
  Name,
  STACK_ID,
  YAML_DOCUMENT,
  cloudTrailEvent,
  customResourceEvent,
  inspect,
  lzaResetDocument,
  overwrite,
  scheduledEvent,
  ssmAt,
} from "../../testing/runShellFixtures";
import { invokeWriter, setEnvironment } from "../../testing/writerInvocation";

const PROPERTIES = { RunAsEnabled: "true", RunAsDefaultUser: "ec2-user", OnDelete: "restore" };
const RESTORE_POINT_PREFIX = `${Name}:runAs=`;

describe("RunShell writer (bundled, on moto)", () => {
  let ssm: SSM;
  let responses: ResponseUrlServer;
  let restoreEnvironment: () => void;

  before(async () => {
    const moto = await startMoto();
    ssm = ssmAt(moto.endpoint);
    responses = await startResponseUrlServer();
    restoreEnvironment = setEnvironment({
      ...motoEnvironment(moto),
      RUN_AS_ENABLED: "true",
      RUN_AS_DEFAULT_USER: "ec2-user",
    });
  });

  after(async () => {
    restoreEnvironment();
    await responses.close();
  });

  beforeEach(async () => {
    await resetMoto();
    responses.reset();
  });

  async function seed(document: object | string, format: "JSON" | "YAML" = "JSON"): Promise<void> {
    const Content = typeof document === "string" ? document : JSON.stringify(document, null, 4);
    await ssm.createDocument({ Name, Content, DocumentType: "Session", DocumentFormat: format });
  }

  /** Sends a custom-resource event and returns the one response CloudFormation got. */
  async function customResource(
    RequestType: string,
    properties: Record<string, string> = PROPERTIES,
    PhysicalResourceId?: string,
  ) {
    const event = customResourceEvent({
      RequestType,
      ResponseURL: responses.url,
      properties,
      PhysicalResourceId,
    });
    responses.reset();
    const invocation = await invokeWriter(event);
    expect(invocation.error, "the handler resolves once it has answered").to.equal(undefined);
    expect(responses.received, "exactly one answer").to.have.length(1);
    return {
      event,
      response: responses.received[0],
      body: responses.received[0].body,
      logs: invocation.logs,
    };
  }

  describe("Create", () => {
    it("creates a missing document as a Session document with RunAs, and answers SUCCESS", async () => {
      const { event, body, response } = await customResource("Create");

      const stored = await inspect(ssm);
      expect(stored.type).to.equal("Session");
      expect(stored.content.inputs).to.deep.equal({ runAsEnabled: true, runAsDefaultUser: "ec2-user" });
      expect(body).to.deep.equal({
        Status: "SUCCESS",
        PhysicalResourceId: `${RESTORE_POINT_PREFIX}{}`,
        StackId: STACK_ID,
        RequestId: event.RequestId,
        LogicalResourceId: "RunShellDocument",
      });
      expect(
        response.headers["content-type"],
        "pre-signed URLs that sign the content type get none",
      ).to.equal("");
    });

    it("changes only the two RunAs fields of a document with S3, CloudWatch, KMS and shell settings", async () => {
      await seed(CONSOLE_DOCUMENT);

      const { body } = await customResource("Create");

      const stored = await inspect(ssm);
      expect(stored.content).to.deep.equal({
        ...CONSOLE_DOCUMENT,
        inputs: { ...CONSOLE_DOCUMENT.inputs, runAsEnabled: true, runAsDefaultUser: "ec2-user" },
      });
      expect(stored.defaultVersion, "the written version is the default").to.equal("2");
      expect(body.PhysicalResourceId).to.equal(
        `${RESTORE_POINT_PREFIX}{"runAsEnabled":false,"runAsDefaultUser":""}`,
      );
    });

    it("writes no new version when the document already holds the values", async () => {
      await seed({
        ...CONSOLE_DOCUMENT,
        inputs: { ...CONSOLE_DOCUMENT.inputs, runAsEnabled: true, runAsDefaultUser: "ec2-user" },
      });

      const { body, logs } = await customResource("Create");

      expect(body.Status).to.equal("SUCCESS");
      expect((await inspect(ssm)).latestVersion).to.equal("1");
      expect(logs.map((line) => line.action)).to.deep.equal(["unchanged", "respond"]);
    });

    it("handles a YAML-stored document: settings kept, written back as JSON", async () => {
      await seed(YAML_DOCUMENT, "YAML");

      await customResource("Create");

      const stored = await inspect(ssm);
      expect(stored.format).to.equal("JSON");
      expect(stored.content).to.deep.equal({
        schemaVersion: "1.0",
        description: "Regional settings, kept in YAML",
        sessionType: "Standard_Stream",
        inputs: {
          s3BucketName: "yaml-bucket",
          cloudWatchLogGroupName: "/yaml/sessions",
          idleSessionTimeout: "15",
          runAsEnabled: true,
          runAsDefaultUser: "ec2-user",
          shellProfile: { linux: "exec bash" },
        },
      });
    });

    it("leaves a YAML-stored document that already holds the values alone", async () => {
      await seed(
        YAML_DOCUMENT.replace("runAsEnabled: false", "runAsEnabled: true").replace("''", "ec2-user"),
        "YAML",
      );

      await customResource("Create");

      const stored = await inspect(ssm);
      expect([stored.latestVersion, stored.format]).to.deep.equal(["1", "YAML"]);
    });

    it("refuses a document whose inputs are not an object, touching nothing", async () => {
      await seed({ schemaVersion: "1.0", sessionType: "Standard_Stream", inputs: "oops" });

      const { body } = await customResource("Create");

      expect(body).to.include({ Status: "FAILED", Reason: `${Name} is not a Session document` });
      expect((await inspect(ssm)).latestVersion).to.equal("1");
    });
  });

  describe("Update", () => {
    it("changes the user and keeps the physical id", async () => {
      await seed(CONSOLE_DOCUMENT);
      const created = await customResource("Create");

      const { body } = await customResource(
        "Update",
        { ...PROPERTIES, RunAsDefaultUser: "ops" },
        created.body.PhysicalResourceId as string,
      );

      expect(body).to.include({ Status: "SUCCESS", PhysicalResourceId: created.body.PhysicalResourceId });
      const stored = await inspect(ssm);
      expect(stored.content.inputs).to.include({ runAsEnabled: true, runAsDefaultUser: "ops" });
      expect(stored.content.inputs.s3BucketName).to.equal("org-session-logs");
    });
  });

  describe("Delete", () => {
    it("retain: leaves the document as it is", async () => {
      await seed(CONSOLE_DOCUMENT);
      const created = await customResource("Create");
      const before = await inspect(ssm);

      const { body } = await customResource(
        "Delete",
        { ...PROPERTIES, OnDelete: "retain" },
        created.body.PhysicalResourceId as string,
      );

      expect(body).to.include({ Status: "SUCCESS", PhysicalResourceId: created.body.PhysicalResourceId });
      expect(await inspect(ssm)).to.deep.equal(before);
    });

    it("restore: puts back the RunAs values found before the first write, and keeps later settings", async () => {
      await seed(CONSOLE_DOCUMENT);
      const created = await customResource("Create");
      await customResource(
        "Update",
        { ...PROPERTIES, RunAsDefaultUser: "ops" },
        created.body.PhysicalResourceId as string,
      );
      // Someone changes the logging settings while the writer is deployed: a restore must not undo that.
      const current = (await inspect(ssm)).content;
      await overwrite(ssm, { ...current, inputs: { ...current.inputs, s3BucketName: "new-bucket" } });

      const { body } = await customResource("Delete", PROPERTIES, created.body.PhysicalResourceId as string);

      expect(body.Status).to.equal("SUCCESS");
      expect((await inspect(ssm)).content).to.deep.equal({
        ...CONSOLE_DOCUMENT,
        inputs: { ...CONSOLE_DOCUMENT.inputs, s3BucketName: "new-bucket" },
      });
    });

    it("restore of a document the writer created removes the RunAs keys and nothing else", async () => {
      const created = await customResource("Create");
      const current = (await inspect(ssm)).content;
      await overwrite(ssm, { ...current, inputs: { ...current.inputs, cloudWatchLogGroupName: "/later" } });

      await customResource("Delete", PROPERTIES, created.body.PhysicalResourceId as string);

      expect((await inspect(ssm)).content.inputs).to.deep.equal({ cloudWatchLogGroupName: "/later" });
    });

    it("restore when the document is gone leaves it gone", async () => {
      await seed(CONSOLE_DOCUMENT);
      const created = await customResource("Create");
      await ssm.deleteDocument({ Name });

      const { body } = await customResource("Delete", PROPERTIES, created.body.PhysicalResourceId as string);

      expect(body.Status).to.equal("SUCCESS");
      const gone = await ssm.getDocument({ Name }).catch((error: Error) => error.name);
      expect(gone).to.equal("InvalidDocument");
    });

    it("a redeploy after a restore writes the content version 2 already holds as a new, latest default", async () => {
      await seed(CONSOLE_DOCUMENT);
      const first = await customResource("Create"); // version 2: RunAs on
      await customResource("Delete", PROPERTIES, first.body.PhysicalResourceId as string); // version 3: RunAs off

      // The same content as version 2: SSM answers DuplicateDocumentContent, and takes it without indentation.
      const { body, logs } = await customResource("Create");

      expect(body.Status).to.equal("SUCCESS");
      expect(logs.map((line) => line.action)).to.deep.equal(["updated", "respond"]);
      const stored = await inspect(ssm);
      expect([stored.defaultVersion, stored.latestVersion]).to.deep.equal(["4", "4"]);
      expect(stored.content.inputs).to.include({ runAsEnabled: true, runAsDefaultUser: "ec2-user" });
    });

    it("of a failed Create succeeds without touching the document, whatever the properties", async () => {
      await seed(CONSOLE_DOCUMENT);
      const failed = await customResource("Create", { ...PROPERTIES, RunAsDefaultUser: "root" });
      expect(failed.body.Status).to.equal("FAILED");

      const { body } = await customResource(
        "Delete",
        { RunAsDefaultUser: "root", OnDelete: "restore" },
        failed.body.PhysicalResourceId as string,
      );

      expect(body).to.include({ Status: "SUCCESS", PhysicalResourceId: failed.body.PhysicalResourceId });
      expect((await inspect(ssm)).latestVersion).to.equal("1");
    });
  });

  describe("malformed events are answered FAILED with the reason, touching nothing", () => {
    const cases: [string, string, Record<string, string>, RegExp][] = [
      ["unknown RequestType", "Replace", PROPERTIES, /^unknown RequestType Replace$/],
      [
        "missing RunAsDefaultUser",
        "Create",
        { RunAsEnabled: "true", OnDelete: "retain" },
        /^RunAsDefaultUser must match .*, got undefined$/,
      ],
      [
        "missing OnDelete",
        "Create",
        { RunAsEnabled: "true", RunAsDefaultUser: "ec2-user" },
        /^OnDelete must match/,
      ],
      [
        "RunAsEnabled not a boolean",
        "Create",
        { ...PROPERTIES, RunAsEnabled: "yes" },
        /^RunAsEnabled must match \^\(true\|false\)\$, got "yes"$/,
      ],
      [
        "invalid user name",
        "Create",
        { ...PROPERTIES, RunAsDefaultUser: "Bad User" },
        /^RunAsDefaultUser must match .*, got "Bad User"$/,
      ],
      [
        "root",
        "Update",
        { ...PROPERTIES, RunAsDefaultUser: "root" },
        /^RunAsDefaultUser must match \^\(\?!root\$\).*, got "root"$/,
      ],
      [
        "unknown OnDelete",
        "Update",
        { ...PROPERTIES, OnDelete: "destroy" },
        /^OnDelete must match \^\(retain\|restore\)\$, got "destroy"$/,
      ],
    ];
    for (const [what, requestType, properties, reason] of cases) {
      it(what, async () => {
        await seed(CONSOLE_DOCUMENT);
        const physicalId = requestType === "Create" ? undefined : `${RESTORE_POINT_PREFIX}{}`;

        const { event, body } = await customResource(requestType, properties, physicalId);

        expect(body).to.include({
          Status: "FAILED",
          StackId: STACK_ID,
          RequestId: event.RequestId,
          LogicalResourceId: "RunShellDocument",
          // A failed Update keeps the resource's id; a failed Create gets the one its Delete recognises.
          PhysicalResourceId: physicalId ?? `${Name}:create-failed`,
        });
        expect(body.Reason).to.match(reason);
        expect((await inspect(ssm)).latestVersion).to.equal("1");
      });
    }
  });

  describe("reconcile", () => {
    it("restores RunAs after an LZA-style reset and keeps LZA's logging settings", async () => {
      await seed(CONSOLE_DOCUMENT);
      await customResource("Create");
      await overwrite(ssm, lzaResetDocument("lza-session-logs"));

      const { error, logs } = await invokeWriter(cloudTrailEvent("UpdateDocument"));

      expect(error).to.equal(undefined);
      expect(logs[0]).to.deep.equal({ action: "reconcile", trigger: "UpdateDocument" });
      const stored = await inspect(ssm);
      expect(stored.content).to.deep.equal({
        ...lzaResetDocument("lza-session-logs"),
        inputs: {
          ...lzaResetDocument("lza-session-logs").inputs,
          runAsEnabled: true,
          runAsDefaultUser: "ec2-user",
        },
      });
      expect(stored.defaultVersion).to.equal(stored.latestVersion);
    });

    it("on the daily schedule, creates a missing document and then does nothing", async () => {
      const first = await invokeWriter(scheduledEvent());
      const second = await invokeWriter(scheduledEvent());

      expect(first.logs.map((line) => line.action)).to.deep.equal(["reconcile", "created"]);
      expect(second.logs.map((line) => line.action)).to.deep.equal(["reconcile", "unchanged"]);
      expect((await inspect(ssm)).content.inputs).to.deep.equal({
        runAsEnabled: true,
        runAsDefaultUser: "ec2-user",
      });
    });

    it("fails, writing nothing, when the environment holds a bad user", async () => {
      await seed(CONSOLE_DOCUMENT);
      const restore = setEnvironment({ RUN_AS_DEFAULT_USER: "root" });
      try {
        const { error } = await invokeWriter(scheduledEvent());
        expect(error?.message).to.match(/^RUN_AS_DEFAULT_USER must match .*, got "root"$/);
      } finally {
        restore();
      }
      expect((await inspect(ssm)).latestVersion).to.equal("1");
    });
  });

  it("logs one JSON line per action", async () => {
    await seed(CONSOLE_DOCUMENT);
    const { logs } = await customResource("Create");
    expect(logs).to.deep.equal([
      { action: "updated", runAsEnabled: true, runAsDefaultUser: "ec2-user" },
      {
        action: "respond",
        Status: "SUCCESS",
        PhysicalResourceId: `${RESTORE_POINT_PREFIX}{"runAsEnabled":false,"runAsDefaultUser":""}`,
      },
    ]);
  });
});
