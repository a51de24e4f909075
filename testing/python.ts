// The Python tools the tests run: moto with its server extras (the local AWS emulator, `python -m moto.server`)
// and cfn-lint. Found in the project's `.venv` when it has them, else with the system's python3; else, when a
// package index answers, installed into `.venv` from requirements-dev.txt; else one line says what to install.
// The test run resolves them once (tests/support/rootHooks.ts); fixtures take the result from `pythonTools()`.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..");
export const VENV_DIR = ".venv";
export const REQUIREMENTS_FILE = "requirements-dev.txt";
/** What a machine without the tools is told, before the reason. One line. */
export const MISSING_TOOLS =
  "ssm-runas-sync tests need Python packages moto[server] and cfn-lint: pip install -r requirements-dev.txt (or create .venv with them)";

export interface PythonTools {
  /** Absolute path of an interpreter that imports moto.server (and flask, flask_cors, werkzeug, yaml). */
  python: string;
  /** The command that runs cfn-lint; append its arguments. */
  cfnLint: string[];
  /** `.venv` as found, the system's python3, or `.venv` just installed. */
  origin: "venv" | "system" | "installed";
  /** `.venv/bin`, when the tools live there: put first on PATH so a plain `python3` finds the same packages. */
  binDir?: string;
  motoVersion: string;
  cfnLintVersion: string;
}

export type Resolution = { ok: true; tools: PythonTools } | { ok: false; message: string };

export interface CommandResult {
  /** null when the command could not start or was killed at its deadline. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The I/O the resolver does, injectable for tests. */
export interface PythonIO {
  run(command: string, args: string[], timeoutMs: number): Promise<CommandResult>;
  exists(file: string): boolean;
  removeDir(dir: string): void;
  log(line: string): void;
}

export const TIMEOUTS = {
  /** one `python -c "import moto.server"` or `cfn-lint --version` */
  probeMs: 30_000,
  /** `python3 -m venv .venv` */
  venvMs: 120_000,
  /** `pip index versions <package>`: does an index answer? */
  indexMs: 45_000,
  /** `pip install -r requirements-dev.txt`, about 70 packages on a first install */
  installMs: 600_000,
};

export interface ResolveOptions {
  /** Where `.venv` and requirements-dev.txt are. */
  root: string;
  io: PythonIO;
  /** Install into `.venv` when the tools are missing (default true). */
  install?: boolean;
  timeouts?: Partial<typeof TIMEOUTS>;
}

const PROBE_PYTHON = [
  "import json, sys",
  "import moto, moto.server, flask, flask_cors, werkzeug, yaml",
  'print(json.dumps({"executable": sys.executable, "moto": moto.__version__}))',
].join("\n");

/** cfn-lint's console entry point, for an interpreter that has the package but no `cfn-lint` script on PATH. */
export const CFN_LINT_MODULE =
  "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())";

function lastLine(result: CommandResult): string {
  const lines = `${result.stderr}\n${result.stdout}`.split("\n").map((line) => line.trim());
  return lines.filter(Boolean).pop() ?? `exit code ${result.code}`;
}

async function probePython(
  io: PythonIO,
  python: string,
  timeoutMs: number,
): Promise<{ executable: string; moto: string } | undefined> {
  const result = await io.run(python, ["-c", PROBE_PYTHON], timeoutMs);
  if (result.code !== 0) return undefined;
  try {
    const found = JSON.parse(result.stdout.trim().split("\n").pop() ?? "") as {
      executable: string;
      moto: string;
    };
    return typeof found.executable === "string" && typeof found.moto === "string" ? found : undefined;
  } catch {
    return undefined;
  }
}

async function probeCfnLint(io: PythonIO, command: string[], timeoutMs: number): Promise<string | undefined> {
  const result = await io.run(command[0], [...command.slice(1), "--version"], timeoutMs);
  if (result.code !== 0) return undefined;
  return /cfn-lint (\S+)/.exec(result.stdout)?.[1];
}

/** Both tools with one interpreter and its cfn-lint candidates (tried in order), or undefined. */
async function probe(
  io: PythonIO,
  python: string,
  cfnLintScript: string,
  timeoutMs: number,
): Promise<Omit<PythonTools, "origin"> | undefined> {
  const [found, scriptVersion] = await Promise.all([
    probePython(io, python, timeoutMs),
    probeCfnLint(io, [cfnLintScript], timeoutMs),
  ]);
  if (!found) return undefined;
  if (scriptVersion)
    return {
      python: found.executable,
      cfnLint: [cfnLintScript],
      motoVersion: found.moto,
      cfnLintVersion: scriptVersion,
    };
  const viaModule = [found.executable, "-c", CFN_LINT_MODULE];
  const moduleVersion = await probeCfnLint(io, viaModule, timeoutMs);
  if (!moduleVersion) return undefined;
  return {
    python: found.executable,
    cfnLint: viaModule,
    motoVersion: found.moto,
    cfnLintVersion: moduleVersion,
  };
}

/**
 * Finds moto[server] and cfn-lint: `.venv` first, then the system's python3, then installs them into `.venv`
 * when a package index answers. Never throws: a machine without them gets `{ ok: false, message }`, one line.
 */
export async function resolvePythonTools(options: ResolveOptions): Promise<Resolution> {
  const { root, io } = options;
  const t = { ...TIMEOUTS, ...options.timeouts };
  const venv = path.join(root, VENV_DIR);
  const binDir = path.join(venv, "bin");
  const venvPython = path.join(binDir, "python");
  const missing = (reason: string): Resolution => ({ ok: false, message: `${MISSING_TOOLS}. ${reason}` });
  const inVenv = async () => {
    const found = await probe(io, venvPython, path.join(binDir, "cfn-lint"), t.probeMs);
    // The venv's own path, not the interpreter it links to: that one does not see the venv's packages.
    return found && { ...found, python: venvPython, binDir };
  };

  if (io.exists(venvPython)) {
    const found = await inVenv();
    if (found) return { ok: true, tools: { ...found, origin: "venv" } };
  }
  const system = await probe(io, "python3", "cfn-lint", t.probeMs);
  if (system) return { ok: true, tools: { ...system, origin: "system" } };

  const looked = `Neither ${VENV_DIR} nor python3 has both`;
  if (options.install === false) return missing(`${looked}.`);
  const requirements = path.join(root, REQUIREMENTS_FILE);
  if (!io.exists(requirements)) return missing(`${looked}, and there is no ${REQUIREMENTS_FILE} to install.`);

  const created = !io.exists(venvPython);
  const giveUp = (reason: string): Resolution => {
    if (created) io.removeDir(venv);
    return missing(`${looked}; ${reason}.`);
  };
  if (created) {
    const made = await io.run("python3", ["-m", "venv", venv], t.venvMs);
    if (made.code !== 0 || !io.exists(venvPython))
      return giveUp(`\`python3 -m venv ${VENV_DIR}\` failed (${lastLine(made)})`);
  }
  const pip = (args: string[], timeoutMs: number) =>
    io.run(venvPython, ["-m", "pip", ...args, "--disable-pip-version-check"], timeoutMs);
  for (const name of ["moto", "cfn-lint"]) {
    const answer = await pip(["index", "versions", name, "--retries", "1", "--timeout", "15"], t.indexMs);
    if (answer.code !== 0) return giveUp(`no package index reachable from here offers ${name}`);
  }
  const started = Date.now();
  io.log(
    `ssm-runas-sync: installing moto[server] and cfn-lint into ${VENV_DIR} from ${REQUIREMENTS_FILE} (once; at most ${Math.round(t.installMs / 60_000)} min)…`,
  );
  const installed = await pip(["install", "-r", requirements], t.installMs);
  if (installed.code !== 0)
    return giveUp(`pip install -r ${REQUIREMENTS_FILE} failed (${lastLine(installed)})`);
  const found = await inVenv();
  if (!found) return giveUp(`${VENV_DIR} still lacks them after pip install`);
  io.log(`ssm-runas-sync: installed in ${VENV_DIR} in ${Math.round((Date.now() - started) / 1000)} s`);
  return { ok: true, tools: { ...found, origin: "installed" } };
}

/** The resolver's I/O on this machine: commands run in `root` with `env` (its PATH finds them). */
export function processIO(root: string, env: NodeJS.ProcessEnv = process.env): PythonIO {
  return {
    run: (command, args, timeoutMs) =>
      new Promise((resolve) => {
        let stdout = "";
        let stderr = "";
        let settled = false;
        const finish = (code: number | null, note = "") => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ code, stdout, stderr: stderr + note });
        };
        const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          finish(null, `\n${command} timed out after ${Math.round(timeoutMs / 1000)} s`);
        }, timeoutMs);
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", (err) => finish(null, `\n${err.message}`));
        child.on("close", (code) => finish(code));
      }),
    exists: (file) => fs.existsSync(file),
    removeDir: (dir) => fs.rmSync(dir, { recursive: true, force: true }),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

/** Raised by `pythonTools()` on a machine without the tools; its message is the one line to show. */
export class MissingPythonTools extends Error {}

let resolved: Promise<PythonTools> | undefined;

/**
 * The tools for this process, resolved on first use (the test run's global setup does it first). When they
 * live in `.venv`, its bin goes first on PATH, so child processes that run a plain `python3` see them too.
 */
export function pythonTools(): Promise<PythonTools> {
  resolved ??= resolvePythonTools({ root: ROOT, io: processIO(ROOT) }).then((result) => {
    if (!result.ok) throw new MissingPythonTools(result.message);
    const { binDir } = result.tools;
    if (binDir) process.env.PATH = [binDir, process.env.PATH].filter(Boolean).join(path.delimiter);
    return result.tools;
  });
  return resolved;
}
