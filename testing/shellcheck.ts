// shellcheck for the tests of the fallback-user script: on PATH, or — as root on a Debian-like machine, which CI
// is — installed from Debian's `shellcheck` package, once per process. Elsewhere the answer is a reason to fail.
import { aptInstall, canAptInstall, onPath, run } from "./apt";

export type ShellcheckResolution = { ok: true; executablePath: string } | { ok: false; reason: string };

let resolution: Promise<ShellcheckResolution> | undefined;

async function runs(executable: string): Promise<boolean> {
  return (await run(executable, ["--version"], 30_000)).code === 0;
}

/** Finds, or installs, a shellcheck that runs; resolved once per process. */
export function shellcheck(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
  resolution ??= (async (): Promise<ShellcheckResolution> => {
    const found = onPath("shellcheck");
    if (found && (await runs(found))) return { ok: true, executablePath: found };
    const tried = found ? `${found} does not run` : "no shellcheck on PATH";
    if (!canAptInstall()) {
      return {
        ok: false,
        reason: `${tried}, and installing needs root and apt-get: apt-get install shellcheck`,
      };
    }
    const failure = await aptInstall(["shellcheck"], "the fallback-user script's tests", log);
    if (failure) return { ok: false, reason: `${tried}; ${failure}` };
    const installed = onPath("shellcheck");
    if (installed && (await runs(installed))) return { ok: true, executablePath: installed };
    return { ok: false, reason: `${tried}; apt-get installed shellcheck but it does not run` };
  })();
  return resolution;
}
