// Starts moto's AWS API emulator (moto.server, with the interpreter testing/python.ts resolves) on 127.0.0.1 at a
// free port, once per test process, and stops it when mocha's root hooks end. Tests get a fresh state with
// `resetMoto()`. It runs with the State Manager moto lacks (testing/motoStateManager.py, which launches
// moto.server); testing/motoStateManager.ts seeds what only real nodes could report.
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { pythonTools } from "./python";

/** The account moto serves requests signed with any key it did not issue. */
export const MOTO_DEFAULT_ACCOUNT_ID = "123456789012";
export const MOTO_CREDENTIALS: StaticCredentials = { accessKeyId: "testing", secretAccessKey: "testing" };
/** The role a member account of a moto organisation is entered through (moto assumes any role ARN). */
export const MEMBER_ROLE = "OrganizationAccountAccessRole";

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** moto.server with State Manager added: takes moto.server's own arguments. */
const LAUNCHER = path.join(__dirname, "motoStateManager.py");

export interface MotoServer {
  endpoint: string;
  port: number;
}

let server: { process: ChildProcess; info: MotoServer } | undefined;
let starting: Promise<MotoServer> | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(
  endpoint: string,
  child: ChildProcess,
  python: string,
  deadlineMs: number,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let exited = false;
  child.once("exit", () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`moto server exited during start-up (\`${python} ${LAUNCHER}\`)`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto server did not answer on ${endpoint} within ${deadlineMs} ms`);
}

/** The shared emulator, started on first use. */
export function startMoto(): Promise<MotoServer> {
  starting ??= (async () => {
    const { python } = await pythonTools();
    const port = await freePort();
    const child = spawn(python, [LAUNCHER, "-H", "127.0.0.1", "-p", String(port)], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: "false" },
    });
    // moto logs every request to stderr: unread, the pipe fills (64 KiB, ~800 requests) and the server stalls.
    child.stderr?.resume();
    const info = { endpoint: `http://127.0.0.1:${port}`, port };
    server = { process: child, info };
    await waitUntilUp(info.endpoint, child, python, 30_000);
    return info;
  })();
  return starting;
}

/** The running emulator's process id, for a bench that reads its CPU time. */
export const motoProcessId = (): number | undefined => server?.process.pid;

/** Forgets every resource the emulator holds. */
export async function resetMoto(): Promise<void> {
  const { endpoint } = await startMoto();
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}

export async function stopMoto(): Promise<void> {
  const running = server;
  server = undefined;
  starting = undefined;
  if (!running || running.process.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      running.process.kill("SIGKILL");
      resolve();
    }, 5_000);
    running.process.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    running.process.kill("SIGTERM");
  });
}

/** Credentials and endpoint for SDK clients and child processes talking to the emulator. */
export function motoEnvironment(info: MotoServer, region = "us-east-1"): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: info.endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_SESSION_TOKEN: "testing",
  };
}

/** Credentials for work in an account on moto: the default account's own, another's through its member role. */
export async function accountCredentials(endpoint: string, accountId: string): Promise<StaticCredentials> {
  if (accountId === MOTO_DEFAULT_ACCOUNT_ID) return MOTO_CREDENTIALS;
  const sts = new STSClient({ endpoint, region: "us-east-1", credentials: MOTO_CREDENTIALS });
  const assumed = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/${MEMBER_ROLE}`,
      RoleSessionName: "seed",
    }),
  );
  return {
    accessKeyId: assumed.Credentials!.AccessKeyId!,
    secretAccessKey: assumed.Credentials!.SecretAccessKey!,
    sessionToken: assumed.Credentials!.SessionToken,
  };
}
