// A headless Chromium for the tests and the report bench: named by an environment variable, found on PATH, or —
// as root on a Debian-like machine, which CI is — installed from Debian's `chromium` package, once per process.
// Only where none of that works is the answer a reason to skip, which the caller prints loudly.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** Environment variables that may name the browser, first wins (Playwright's own name, then the common one). */
export const CHROMIUM_ENV_VARIABLES = ["PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH", "CHROME_PATH"] as const;
/** Names looked up on PATH, in this order. */
export const CHROMIUM_COMMANDS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
/** What apt installs: Debian's browser, and a font so the screenshot shows text. */
export const APT_PACKAGES = ["chromium", "fonts-dejavu-core"];
/** A first install pulls about 100 MB; a dpkg lock held by another process is waited for within it. */
export const APT_TIMEOUT_MS = 900_000;

export type ChromiumResolution = { ok: true; executablePath: string } | { ok: false; reason: string };

interface Run {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env) {
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

function onPath(command: string, searchPath = process.env.PATH ?? ""): string | undefined {
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

/** The first browser named by the environment or found on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const name of CHROMIUM_ENV_VARIABLES) {
    const value = env[name];
    if (value && fs.existsSync(value)) return value;
  }
  for (const command of CHROMIUM_COMMANDS) {
    const found = onPath(command, env.PATH);
    if (found) return found;
  }
  return undefined;
}

/** `--version` answers: Ubuntu's `chromium-browser`, a snap shim, does not inside a container. */
async function runs(executable: string): Promise<boolean> {
  const { code, output } = await run(executable, ["--headless", "--no-sandbox", "--version"], 60_000);
  return code === 0 && /\d+\.\d+/.test(output);
}

async function aptInstall(log: (line: string) => void): Promise<string | undefined> {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    run(
      "apt-get",
      ["-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", "--no-install-recommends", ...APT_PACKAGES],
      APT_TIMEOUT_MS,
      env,
    );
  log(`installing ${APT_PACKAGES.join(" ")} with apt-get for the browser tests (once; may take minutes)`);
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

const lastLine = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .pop() ?? "no output";

let resolution: Promise<ChromiumResolution> | undefined;

/** Finds, or installs, a Chromium that runs; resolved once per process. */
export function chromium(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
  resolution ??= (async (): Promise<ChromiumResolution> => {
    const found = findChromium();
    if (found && (await runs(found))) return { ok: true, executablePath: found };
    const tried = found ? `${found} does not run` : `none of ${CHROMIUM_COMMANDS.join(", ")} on PATH`;
    if (process.platform !== "linux" || process.getuid?.() !== 0 || !onPath("apt-get")) {
      return {
        ok: false,
        reason: `${tried}, and installing needs root and apt-get: apt-get install chromium, or set ${CHROMIUM_ENV_VARIABLES.join(" or ")}`,
      };
    }
    const failure = await aptInstall(log);
    if (failure) return { ok: false, reason: `${tried}; ${failure}` };
    const installed = findChromium();
    if (installed && (await runs(installed))) return { ok: true, executablePath: installed };
    return { ok: false, reason: `${tried}; apt-get installed chromium but no browser runs` };
  })();
  return resolution;
}

/** Chromium's flags for a root user in a container: its sandbox needs user namespaces a container may lack. */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"];
