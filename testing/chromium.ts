// A headless Chromium for the tests and the report bench: named by an environment variable, found on PATH, or —
// as root on a Debian-like machine, which CI is — installed from Debian's `chromium` package, once per process.
// Only where none of that works is the answer a reason to skip, which the caller prints loudly.
import * as fs from "node:fs";
import { aptInstall, canAptInstall, onPath, run } from "./apt";

/** Environment variables that may name the browser, first wins (Playwright's own name, then the common one). */
export const CHROMIUM_ENV_VARIABLES = ["PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH", "CHROME_PATH"] as const;
/** Names looked up on PATH, in this order. */
export const CHROMIUM_COMMANDS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
/** What apt installs: Debian's browser, and a font so the screenshot shows text. */
export const APT_PACKAGES = ["chromium", "fonts-dejavu-core"];

export type ChromiumResolution = { ok: true; executablePath: string } | { ok: false; reason: string };

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

let resolution: Promise<ChromiumResolution> | undefined;

/** Finds, or installs, a Chromium that runs; resolved once per process. */
export function chromium(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
  resolution ??= (async (): Promise<ChromiumResolution> => {
    const found = findChromium();
    if (found && (await runs(found))) return { ok: true, executablePath: found };
    const tried = found ? `${found} does not run` : `none of ${CHROMIUM_COMMANDS.join(", ")} on PATH`;
    if (!canAptInstall()) {
      return {
        ok: false,
        reason: `${tried}, and installing needs root and apt-get: apt-get install chromium, or set ${CHROMIUM_ENV_VARIABLES.join(" or ")}`,
      };
    }
    const failure = await aptInstall(APT_PACKAGES, "the browser tests", log);
    if (failure) return { ok: false, reason: `${tried}; ${failure}` };
    const installed = findChromium();
    if (installed && (await runs(installed))) return { ok: true, executablePath: installed };
    return { ok: false, reason: `${tried}; apt-get installed chromium but no browser runs` };
  })();
  return resolution;
}

/** Chromium's flags for a root user in a container: its sandbox needs user namespaces a container may lack. */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"];
