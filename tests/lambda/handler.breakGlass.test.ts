// Break-glass in the writer as it ships (the bundled inline code) on moto: a stack update with RunAsEnabled
// "false" turns RunAs off and keeps every other setting, a reconcile with RUN_AS_ENABLED "false" keeps it off
// whoever turns it on, and an update back to "true" turns it on again.
import { expect } from "chai";
import type { SSM } from "@aws-sdk/client-ssm";
import { motoEnvironment, resetMoto, startMoto } from "../../testing/moto";
import { startResponseUrlServer, type ResponseUrlServer } from "../../testing/responseUrl";
import {
  CONSOLE_DOCUMENT,
  Name,
  customResourceEvent,
  inspect,
  overwrite,
  scheduledEvent,
  ssmAt,
} from "../../testing/runShellFixtures";
import { invokeWriter, setEnvironment } from "../../testing/writerInvocation";

const USER = "ssm-fallback";
const ON = { runAsEnabled: true, runAsDefaultUser: USER };
const OFF = { runAsEnabled: false, runAsDefaultUser: USER };

describe("RunShell writer: break-glass (bundled, on moto)", () => {
  let ssm: SSM;
  let responses: ResponseUrlServer;
  let restoreEnvironment: () => void;

  before(async () => {
    const moto = await startMoto();
    ssm = ssmAt(moto.endpoint);
    responses = await startResponseUrlServer();
    restoreEnvironment = setEnvironment({ ...motoEnvironment(moto), RUN_AS_DEFAULT_USER: USER });
  });

  after(async () => {
    restoreEnvironment();
    await responses.close();
  });

  beforeEach(async () => {
    await resetMoto();
    responses.reset();
    // As the writer leaves a document with RunAs on: every setting of the console's, RunAs on with the user.
    await ssm.createDocument({
      Name,
      Content: JSON.stringify({ ...CONSOLE_DOCUMENT, inputs: { ...CONSOLE_DOCUMENT.inputs, ...ON } }),
      DocumentType: "Session",
    });
  });

  async function update(RunAsEnabled: string) {
    const event = customResourceEvent({
      RequestType: "Update",
      ResponseURL: responses.url,
      properties: { RunAsEnabled, RunAsDefaultUser: USER, OnDelete: "retain" },
      PhysicalResourceId: `${Name}:runAs={}`,
    });
    responses.reset();
    const invocation = await invokeWriter(event);
    expect(invocation.error).to.equal(undefined);
    expect(responses.received.map(({ body }) => [body.Status, body.PhysicalResourceId])).to.deep.equal([
      ["SUCCESS", `${Name}:runAs={}`],
    ]);
    return invocation.logs;
  }

  async function reconcile(RUN_AS_ENABLED: string) {
    const restore = setEnvironment({ RUN_AS_ENABLED });
    try {
      const invocation = await invokeWriter(scheduledEvent());
      expect(invocation.error).to.equal(undefined);
      return invocation.logs;
    } finally {
      restore();
    }
  }

  it('an update to RunAsEnabled "false" turns RunAs off, keeps the user and every other setting', async () => {
    const logs = await update("false");
    const stored = await inspect(ssm);
    expect(stored.content).to.deep.equal({
      ...CONSOLE_DOCUMENT,
      inputs: { ...CONSOLE_DOCUMENT.inputs, ...OFF },
    });
    expect([stored.defaultVersion, stored.latestVersion]).to.deep.equal(["2", "2"]);
    expect(logs[0]).to.deep.equal({ action: "updated", ...OFF });
  });

  it('a reconcile with RUN_AS_ENABLED "false" turns RunAs off again after someone turns it on', async () => {
    await update("false");
    // A console Save: another idle timeout, and RunAs on again.
    const saved = { ...CONSOLE_DOCUMENT.inputs, idleSessionTimeout: "30", ...ON };
    await overwrite(ssm, { ...CONSOLE_DOCUMENT, inputs: saved });
    expect((await inspect(ssm)).content.inputs).to.deep.include(ON);

    const logs = await reconcile("false");
    const stored = await inspect(ssm);
    expect(stored.content.inputs).to.deep.equal({ ...saved, ...OFF });
    expect(stored.defaultVersion).to.equal(stored.latestVersion);
    expect(logs.map((line) => line.action)).to.deep.equal(["reconcile", "updated"]);
    // …and leaves it alone once it is off.
    expect((await reconcile("false")).map((line) => line.action)).to.deep.equal(["reconcile", "unchanged"]);
  });

  it('an update back to "true" turns RunAs on, every other setting still kept', async () => {
    await update("false");
    await update("true");
    const stored = await inspect(ssm);
    expect(stored.content).to.deep.equal({
      ...CONSOLE_DOCUMENT,
      inputs: { ...CONSOLE_DOCUMENT.inputs, ...ON },
    });
    expect((await reconcile("true")).map((line) => line.action)).to.deep.equal(["reconcile", "unchanged"]);
  });
});
