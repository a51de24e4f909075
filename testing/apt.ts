// What the tests' own tool installers share (Chromium for the report, shellcheck for the fallback-user script):
// finding a command on PATH, running one with a deadline, and installing Debian packages as root with apt-get.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** A first install may pull about 100 MB; a dpkg lock held by another process is waited for within it. */
export const APT_TIMEOUT_MS = 900_000;

export interface Run {
  code: number | null;
  output: string;
}

/** Runs a command to its end or its deadline; keeps the last 4,000 characters of its output. */
export function run(
  command: string,
  args: string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
) {
  return new Promise<Run>((resolve) => {
    let output = "";
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: null, output: err.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export function onPath(command: string, searchPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Installing needs root on Linux with apt-get: CI's Debian-like machines. */
export function canAptInstall(): boolean {
  return process.platform === "linux" && process.getuid?.() === 0 && onPath("apt-get") !== undefined;
}

const lastLine = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .pop() ?? "no output";

/** Installs `packages` non-interactively, `apt-get update` first only when that fails; the failure, or undefined. */
export async function aptInstall(
  packages: readonly string[],
  purpose: string,
  log: (line: string) => void,
): Promise<string | undefined> {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    run(
      "apt-get",
      ["-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", "--no-install-recommends", ...packages],
      APT_TIMEOUT_MS,
      env,
    );
  log(`installing ${packages.join(" ")} with apt-get for ${purpose} (once; may take minutes)`);
  let result = await install();
  if (result.code !== 0) {
    // A machine whose package lists were never fetched (a fresh container) knows no candidate.
    const update = await run(
      "apt-get",
      ["-o", "DPkg::Lock::Timeout=600", "update", "-q"],
      APT_TIMEOUT_MS,
      env,
    );
    if (update.code !== 0) return `apt-get update failed: ${lastLine(update.output)}`;
    result = await install();
  }
  return result.code === 0 ? undefined : `apt-get install failed: ${lastLine(result.output)}`;
}
