import { spawn } from "node:child_process";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../..");
export const CLI = path.join(REPO_ROOT, "cli", "ssm-runas.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `ssm-runas` bin as a child process, the way a user does. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
) {
  return new Promise<CliRun>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The fields of an audit row, in the order of the audit's JSON contract (docs/operations.md; JSON and CSV alike). */
export const AUDIT_ROW_FIELDS = [
  "accountId",
  "region",
  "status",
  "runAsEnabled",
  "runAsDefaultUser",
  "detail",
  "defaultVersion",
  "latestVersion",
  "accountName",
  "ouPath",
  "expectedUser",
  "managementAccount",
  "stackInstance",
];

/** The audit's run metadata fields, in the order of its contract (JSON `metadata`, CSV comment lines). */
export const AUDIT_METADATA_FIELDS = [
  "generatedAt",
  "caller",
  "organizationId",
  "managementAccountId",
  "stack",
  "toolVersion",
  "regions",
  "expectedUsers",
  "expectedRunAsEnabled",
  "stackSet",
  "stackSetCallAs",
  "stackSetError",
];

/** Lines that look like a JavaScript stack trace. */
export function stackTraceLines(text: string): string[] {
  return text.split("\n").filter((line) => /^\s+at .+[(:]/.test(line));
}
