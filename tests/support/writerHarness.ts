// The bundled writer against moto for the version tests: the writer's calls go through an AwsProxy (to count
// them, or to pause the writer between calls), and every call — the writer's and the other writer's — through
// a serial proxy, so that each SSM call is atomic as it is on AWS.
import type { SSM } from "@aws-sdk/client-ssm";
import { startAwsProxy, type AwsProxy } from "../../testing/awsProxy";
import { motoEnvironment, resetMoto, startMoto } from "../../testing/moto";
import { startResponseUrlServer, type ResponseUrlServer } from "../../testing/responseUrl";
import { Name, inspect, scheduledEvent, ssmAt } from "../../testing/runShellFixtures";
export { writeLatestOnly } from "../../testing/runShellFixtures";
import { invokeWriter, setEnvironment, type Invocation } from "../../testing/writerInvocation";

export const RUN_AS = { runAsEnabled: true, runAsDefaultUser: "ec2-user" };

export interface WriterHarness {
  /** The test's own client: setting up, inspecting, and acting as the other writer. */
  ssm: SSM;
  /** In front of the writer's calls only. */
  proxy: AwsProxy;
  close(): Promise<void>;
}

export async function startWriterHarness(): Promise<WriterHarness> {
  const moto = await startMoto();
  const serial = await startAwsProxy(moto.endpoint, { serial: true });
  const proxy = await startAwsProxy(serial.endpoint);
  const restore = setEnvironment({
    ...motoEnvironment(moto),
    AWS_ENDPOINT_URL: proxy.endpoint,
    RUN_AS_ENABLED: "true",
    RUN_AS_DEFAULT_USER: RUN_AS.runAsDefaultUser,
  });
  return {
    ssm: ssmAt(serial.endpoint),
    proxy,
    async close() {
      restore();
      await proxy.close();
      await serial.close();
    },
  };
}

/** A fresh emulator holding `document` as version 1, and a proxy with no record and no hook. */
export async function resetWith(harness: WriterHarness, document?: object): Promise<void> {
  await resetMoto();
  if (document) {
    await harness.ssm.createDocument({ Name, Content: JSON.stringify(document), DocumentType: "Session" });
  }
  harness.proxy.requests = [];
  harness.proxy.intercept = undefined;
}

/** One scheduled reconcile run of the bundled writer. */
export function reconcile(): Promise<Invocation> {
  return invokeWriter(scheduledEvent());
}

/** `UpdateDocument --document-version $LATEST` alone, as AWS's CLI procedure and LZA do; returns the version. */
export async function makeDefault(ssm: SSM, DocumentVersion: string): Promise<void> {
  await ssm.updateDocumentDefaultVersion({ Name, DocumentVersion });
}

/** The goal state: default = latest, RunAs on, and every other input as `settings` has it. */
export async function settledState(ssm: SSM) {
  const stored = await inspect(ssm);
  const { runAsEnabled, runAsDefaultUser, ...others } = stored.content.inputs;
  return { ...stored, runAs: { runAsEnabled, runAsDefaultUser }, others };
}

export function withoutRunAs(inputs: Record<string, unknown>): Record<string, unknown> {
  const { runAsEnabled: _enabled, runAsDefaultUser: _user, ...others } = inputs;
  return others;
}

/** The bundled writer's calls through a proxy in front of moto (to count them, or to inject faults), and a ResponseURL server. */
export interface ProxiedWriter {
  /** The test's own client, straight to moto. */
  ssm: SSM;
  proxy: AwsProxy;
  responses: ResponseUrlServer;
  /** A fresh emulator, no record, no hook, no answer received. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startProxiedWriter(): Promise<ProxiedWriter> {
  const moto = await startMoto();
  const proxy = await startAwsProxy(moto.endpoint);
  const responses = await startResponseUrlServer();
  const restore = setEnvironment({ ...motoEnvironment(moto), AWS_ENDPOINT_URL: proxy.endpoint });
  return {
    ssm: ssmAt(moto.endpoint),
    proxy,
    responses,
    async reset() {
      await resetMoto();
      proxy.requests = [];
      proxy.intercept = undefined;
      responses.reset();
    },
    async close() {
      restore();
      await Promise.all([proxy.close(), responses.close()]);
    },
  };
}
