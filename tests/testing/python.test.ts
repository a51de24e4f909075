// The resolver of the Python tools, on stand-ins: a fake `python3` (and `cfn-lint`) first on PATH in a temporary
// folder, answering as the test arranges and recording every call, so that the install path runs with no
// package index in reach. Then the real resolver on this machine, and the one line a machine without the
// tools gets from the test command.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CFN_LINT_MODULE,
  MISSING_TOOLS,
  REQUIREMENTS_FILE,
  ROOT,
  processIO,
  pythonTools,
  resolvePythonTools,
  type PythonIO,
  type Resolution,
} from "../../testing/python";

// One script plays every python: the system's python3 and a venv's python. What it has is a file beside it
// (has-moto, has-cfnlint); whether the package index answers is STUB_INDEX. `-m venv DIR` copies it into
// DIR/bin as a python that has nothing yet; `-m pip install` there gives it moto and a cfn-lint script.
const PYTHON_STUB = `#!/bin/bash
here="$(cd "$(dirname "$0")" && pwd)"
say() { echo "$*" >> "$STUB_LOG"; }
case "$1" in
  -c)
    if [[ "$2" == *moto.server* ]]; then
      say "$0 -c import-moto"
      [ -n "$STUB_HANG" ] && exec sleep 30
      [ -e "$here/has-moto" ] || { echo "ModuleNotFoundError: No module named 'moto'" >&2; exit 1; }
      echo "{\\"executable\\": \\"$0\\", \\"moto\\": \\"5.2.1\\"}"; exit 0
    fi
    say "$0 -c cfnlint-runner \${*:3}"
    [ -e "$here/has-cfnlint" ] || exit 1
    echo "cfn-lint 1.51.0"; exit 0 ;;
  -m)
    say "$0 $*"
    if [ "$2" = venv ]; then
      [ -n "$STUB_NO_VENV" ] && { echo "ensurepip is not available" >&2; exit 1; }
      mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; exit 0
    fi
    if [ "$2 $3" = "pip index" ]; then
      [ "$STUB_INDEX" = reachable ] && { echo "$5 (1.0)"; exit 0; }
      echo "ERROR: No matching distribution found for $5" >&2; exit 1
    fi
    if [ "$2 $3" = "pip install" ]; then
      [ "$STUB_INDEX" = reachable ] || exit 1
      touch "$here/has-moto" "$here/has-cfnlint"
      printf '#!/bin/bash\\necho "$0 $*" >> "$STUB_LOG"\\necho "cfn-lint 1.51.0"\\n' > "$here/cfn-lint"
      chmod +x "$here/cfn-lint"; exit 0
    fi
    exit 2 ;;
esac
exit 2
`;

const CFN_LINT_STUB = `#!/bin/bash
echo "$0 $*" >> "$STUB_LOG"
echo "cfn-lint 1.51.0"
`;

interface Bench {
  root: string;
  venv: string;
  system: string;
  env: NodeJS.ProcessEnv;
  logged: string[];
  /** The calls the stand-ins saw, with the temporary folder written as `<tmp>`. */
  calls(): string[];
  io(): PythonIO;
  resolve(options?: { install?: boolean; probeMs?: number }): Promise<Resolution>;
}

function writeScript(file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o755 });
}

const temporaries: string[] = [];
function temporary(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaries.push(dir);
  return dir;
}
after(() => temporaries.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A project root with requirements-dev.txt, a system folder for PATH, and a log of calls. */
function bench(extraEnv: NodeJS.ProcessEnv = {}): Bench {
  const tmp = temporary("python-tools-");
  const root = path.join(tmp, "project");
  const system = path.join(tmp, "system");
  fs.mkdirSync(root);
  fs.mkdirSync(system);
  fs.copyFileSync(path.join(ROOT, REQUIREMENTS_FILE), path.join(root, REQUIREMENTS_FILE));
  const log = path.join(tmp, "calls.log");
  fs.writeFileSync(log, "");
  const env = { PATH: `${system}:/usr/bin:/bin`, STUB_LOG: log, ...extraEnv };
  const logged: string[] = [];
  const result: Bench = {
    root,
    venv: path.join(root, ".venv"),
    system,
    env,
    logged,
    calls: () =>
      fs
        .readFileSync(log, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split(tmp).join("<tmp>")),
    io: () => ({ ...processIO(root, env), log: (line) => logged.push(line) }),
    resolve: (options = {}) =>
      resolvePythonTools({
        root,
        io: result.io(),
        install: options.install,
        timeouts: options.probeMs ? { probeMs: options.probeMs } : undefined,
      }),
  };
  return result;
}

/** A python with the given packages in `dir` (as python3, or as a venv's python). */
function python(file: string, has: { moto?: boolean; cfnLintModule?: boolean; cfnLintScript?: boolean }) {
  writeScript(file, PYTHON_STUB);
  if (has.moto) fs.writeFileSync(path.join(path.dirname(file), "has-moto"), "");
  if (has.cfnLintModule) fs.writeFileSync(path.join(path.dirname(file), "has-cfnlint"), "");
  if (has.cfnLintScript) writeScript(path.join(path.dirname(file), "cfn-lint"), CFN_LINT_STUB);
}

function expectOneLine(result: Resolution): string {
  expect(result.ok).to.equal(false);
  const message = result.ok ? "" : result.message;
  expect(message.startsWith(`${MISSING_TOOLS}. `), message).to.equal(true);
  expect(message).to.not.include("\n");
  return message;
}

describe("Python tools resolver", () => {
  it("takes .venv when it has both tools, before the system's python3", async () => {
    const b = bench();
    python(path.join(b.venv, "bin", "python"), { moto: true, cfnLintScript: true });
    python(path.join(b.system, "python3"), { moto: true, cfnLintScript: true });
    const result = await b.resolve();
    expect(result).to.deep.equal({
      ok: true,
      tools: {
        python: path.join(b.venv, "bin", "python"),
        cfnLint: [path.join(b.venv, "bin", "cfn-lint")],
        origin: "venv",
        binDir: path.join(b.venv, "bin"),
        motoVersion: "5.2.1",
        cfnLintVersion: "1.51.0",
      },
    });
    expect(b.calls()).to.have.members([
      "<tmp>/project/.venv/bin/python -c import-moto",
      "<tmp>/project/.venv/bin/cfn-lint --version",
    ]);
  });

  it("takes the system's python3 and the cfn-lint on PATH when there is no .venv", async () => {
    const b = bench();
    python(path.join(b.system, "python3"), { moto: true, cfnLintScript: true });
    const result = await b.resolve();
    expect(result).to.deep.equal({
      ok: true,
      tools: {
        python: path.join(b.system, "python3"),
        cfnLint: ["cfn-lint"],
        origin: "system",
        motoVersion: "5.2.1",
        cfnLintVersion: "1.51.0",
      },
    });
    expect(b.logged).to.deep.equal([]);
  });

  it("runs cfn-lint through the interpreter when it has the package but no cfn-lint on PATH", async () => {
    const b = bench();
    python(path.join(b.system, "python3"), { moto: true, cfnLintModule: true });
    const result = await b.resolve();
    const system = path.join(b.system, "python3");
    expect(result.ok && result.tools.cfnLint).to.deep.equal([system, "-c", CFN_LINT_MODULE]);
    expect(b.calls()).to.include("<tmp>/system/python3 -c cfnlint-runner --version");
  });

  it("passes over a .venv without moto to the system's python3, installing nothing", async () => {
    const b = bench({ STUB_INDEX: "reachable" });
    python(path.join(b.venv, "bin", "python"), { cfnLintScript: true });
    python(path.join(b.system, "python3"), { moto: true, cfnLintScript: true });
    const result = await b.resolve();
    expect(result.ok && result.tools.origin).to.equal("system");
    expect(b.calls().filter((call) => call.includes(" -m "))).to.deep.equal([]);
  });

  it("creates .venv and installs requirements-dev.txt when they are missing and an index answers", async () => {
    const b = bench({ STUB_INDEX: "reachable" });
    python(path.join(b.system, "python3"), {});
    const result = await b.resolve();
    expect(result).to.deep.equal({
      ok: true,
      tools: {
        python: path.join(b.venv, "bin", "python"),
        cfnLint: [path.join(b.venv, "bin", "cfn-lint")],
        origin: "installed",
        binDir: path.join(b.venv, "bin"),
        motoVersion: "5.2.1",
        cfnLintVersion: "1.51.0",
      },
    });
    const calls = b.calls();
    const venvPython = "<tmp>/project/.venv/bin/python";
    // in order: the probe of the system, the venv, the index, the install; then the venv's two probes, side by side
    expect(calls.slice(0, 5)).to.deep.equal([
      "<tmp>/system/python3 -c import-moto",
      "<tmp>/system/python3 -m venv <tmp>/project/.venv",
      `${venvPython} -m pip index versions moto --retries 1 --timeout 15 --disable-pip-version-check`,
      `${venvPython} -m pip index versions cfn-lint --retries 1 --timeout 15 --disable-pip-version-check`,
      `${venvPython} -m pip install -r <tmp>/project/${REQUIREMENTS_FILE} --disable-pip-version-check`,
    ]);
    expect(calls.slice(5)).to.have.members([
      `${venvPython} -c import-moto`,
      "<tmp>/project/.venv/bin/cfn-lint --version",
    ]);
    expect(b.logged).to.have.length(2);
    expect(b.logged[0]).to.match(/^ssm-runas-sync: installing moto\[server\] and cfn-lint into \.venv/);
    expect(b.logged[1]).to.match(/^ssm-runas-sync: installed in \.venv in \d+ s$/);
  });

  it("stops with one line when they are missing and no index answers, leaving no .venv behind", async () => {
    const b = bench({ STUB_INDEX: "unreachable" });
    python(path.join(b.system, "python3"), {});
    const message = expectOneLine(await b.resolve());
    expect(message).to.equal(
      `${MISSING_TOOLS}. Neither .venv nor python3 has both; no package index reachable from here offers moto.`,
    );
    expect(fs.existsSync(b.venv)).to.equal(false);
    expect(b.calls().some((call) => call.includes("pip install"))).to.equal(false);
  });

  it("keeps a .venv it did not create when it cannot install into it", async () => {
    const b = bench({ STUB_INDEX: "unreachable" });
    python(path.join(b.venv, "bin", "python"), {});
    python(path.join(b.system, "python3"), {});
    expectOneLine(await b.resolve());
    expect(fs.existsSync(path.join(b.venv, "bin", "python"))).to.equal(true);
    expect(b.calls()).to.not.include("<tmp>/system/python3 -m venv <tmp>/project/.venv");
  });

  it("says why when python3 cannot make a venv, or is not there at all", async () => {
    const noVenv = bench({ STUB_INDEX: "reachable", STUB_NO_VENV: "1" });
    python(path.join(noVenv.system, "python3"), {});
    expect(expectOneLine(await noVenv.resolve())).to.match(
      /`python3 -m venv \.venv` failed \(ensurepip is not available\)\.$/,
    );

    const noPython = bench();
    const result = await resolvePythonTools({
      root: noPython.root,
      io: { ...processIO(noPython.root, { PATH: noPython.system }), log: () => undefined },
    });
    expect(expectOneLine(result)).to.match(/`python3 -m venv \.venv` failed \(spawn python3 ENOENT\)\.$/);
  });

  it("installs nothing when told not to", async () => {
    const b = bench({ STUB_INDEX: "reachable" });
    python(path.join(b.system, "python3"), {});
    expect(expectOneLine(await b.resolve({ install: false }))).to.match(
      /Neither \.venv nor python3 has both\.$/,
    );
    expect(fs.existsSync(b.venv)).to.equal(false);
  });

  it("gives up on a python that hangs, within its deadline", async () => {
    const b = bench({ STUB_HANG: "1" });
    python(path.join(b.system, "python3"), { moto: true, cfnLintScript: true });
    const started = Date.now();
    expectOneLine(await b.resolve({ install: false, probeMs: 300 }));
    expect(Date.now() - started).to.be.below(5_000);
  });
});

describe("Python tools on this machine", () => {
  it("the real resolver finds moto[server] and cfn-lint, and both run", async function () {
    this.timeout(120_000);
    const result = await resolvePythonTools({ root: ROOT, io: processIO(ROOT), install: false });
    expect(result.ok, result.ok ? "" : result.message).to.equal(true);
    if (!result.ok) return;
    const { tools } = result;
    expect(path.isAbsolute(tools.python)).to.equal(true);
    expect(tools.motoVersion).to.match(/^\d+\.\d+/);
    const moto = spawnSync(tools.python, ["-m", "moto.server", "--help"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(moto.status, moto.stderr).to.equal(0);
    const [command, ...args] = tools.cfnLint;
    const lint = spawnSync(command, [...args, "--version"], { encoding: "utf8", timeout: 60_000 });
    expect(lint.stdout.trim()).to.equal(`cfn-lint ${tools.cfnLintVersion}`);
    // what the test run's global setup resolved is the same
    expect((await pythonTools()).python).to.equal(tools.python);
  });

  it("a test run on a machine without them stops with one line and a non-zero exit", async function () {
    this.timeout(120_000);
    if (fs.existsSync(path.join(ROOT, ".venv"))) this.skip(); // the run would use .venv
    const tmp = temporary("python-tools-run-");
    // python3 without moto and unable to make a venv; no cfn-lint; node from where it is
    writeScript(path.join(tmp, "bin", "python3"), PYTHON_STUB);
    const spec = path.join(tmp, "never.test.ts");
    fs.writeFileSync(spec, 'it("never runs", () => { throw new Error("ran"); });\n');
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js"), spec],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 100_000,
        env: {
          PATH: `${path.join(tmp, "bin")}:${path.dirname(process.execPath)}:/bin`,
          HOME: process.env.HOME,
          STUB_LOG: path.join(tmp, "calls.log"),
          STUB_NO_VENV: "1",
        },
      },
    );
    expect(run.status).to.equal(1);
    expect(run.stdout).to.equal("");
    expect(run.stderr).to.match(new RegExp(`^${MISSING_TOOLS.replace(/[[\]().]/g, "\\$&")}\\. [^\\n]*\\n$`));
    expect(fs.existsSync(path.join(ROOT, ".venv"))).to.equal(false);
  });
});
