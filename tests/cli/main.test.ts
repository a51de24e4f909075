// `ssm-runas --help` and each subcommand's help through the real bin (and npx); bad options: one line naming
// the option, the value and the rule, exit code 2, no stack trace; and a start-up that leaves Pulumi alone.
import { expect } from "chai";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { forEachWithConcurrency } from "../../cli/concurrency";
import { CLI, REPO_ROOT, runCli, stackTraceLines } from "../support/cli";
import { runCliInProcess } from "../support/cliInProcess";

const QUIET = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

function npx(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile("npx", ["--no-install", ...args], { cwd: REPO_ROOT, timeout: 60_000 }, (error, stdout) =>
      resolve({ code: error ? Number(error.code) : 0, stdout }),
    );
  });
}

describe("ssm-runas help", function () {
  this.timeout(60_000);
  const help: Record<string, string> = {};

  before(async () => {
    const commands = [[], ["audit"], ["audit", "users"], ["abac", "describe"], ["verify"]];
    const runs = await Promise.all(commands.map((command) => runCli([...command, "--help"], { env: QUIET })));
    runs.forEach((run, index) => {
      expect(run.code).to.equal(0);
      help[commands[index].join(" ")] = run.stdout;
    });
  });

  it("npx ssm-runas --help lists every subcommand", async () => {
    const run = await npx(["ssm-runas", "--help"]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal(help[""]);
    expect(run.stdout).to.match(/^Usage: ssm-runas \[options\] \[command\]/);
    for (const command of ["synth", "audit", "verify", "abac"])
      expect(run.stdout).to.match(new RegExp(`\\n  ${command} `));
  });

  it("audit --help shows its options, the users subcommand and the exit codes", () => {
    const text = help.audit;
    expect(text).to.match(/^Usage: ssm-runas audit \[options\] \[command\]/);
    for (const option of [
      "--stack <name>",
      "--project-dir <dir>",
      "--expected-user <name>",
      "--regions <region...>",
      "--ou <id...>",
      "--role <name>",
      "--concurrency <n>",
      "--format <format>",
      "--json",
      "--output <file>",
      "--no-region-scan",
    ]) {
      expect(text).to.include(`  ${option}`);
    }
    for (const status of ["BYPASS_DOCUMENT", "WRITER_UNHEALTHY", "UNGUARDED", "UNMANAGED_REGION"]) {
      expect(text).to.include(status);
    }
    expect(text).to.match(
      /--role <name>\s+role to assume in each member account\s+\(default:\s+"OrganizationAccountAccessRole"\)/,
    );
    expect(text).to.match(/--concurrency <n>\s+accounts read at the same time\s+\(default: 16\)/);
    expect(text).to.match(/\n {2}users \[options\] /);
    expect(text).to.include(
      "Exit codes: 0 every account × region is COMPLIANT (or BREAK_GLASS, while break-glass is on), OUT_OF_SCOPE or\nSUSPENDED; 1 some are",
    );
    expect(text).to.match(/--expect-runas-disabled\s+expect break-glass, RunAs off everywhere/);
  });

  it("audit users --help, abac describe --help and verify --help show their own options", () => {
    expect(help["audit users"]).to.match(/^Usage: ssm-runas audit users \[options\]/);
    for (const option of [
      "--stack <name>",
      "--source <source>",
      "--instance-arn <arn>",
      "--identity-store-id <id>",
      "--idc-region <region>",
      "--format <format>",
      "--json",
    ]) {
      expect(help["audit users"]).to.include(`  ${option}`);
    }
    expect(help["abac describe"]).to.match(/^Usage: ssm-runas abac describe \[options\]/);
    expect(help["abac describe"]).to.include("  --instance-arn <arn>");
    expect(help["abac describe"]).to.include("1 ABAC is not enabled on the instance");
    expect(help.verify).to.match(/^Usage: ssm-runas verify \[options\]/);
    for (const option of [
      "--account <id>",
      "--region <region>",
      "--user <name>",
      "--role <name>",
      "--expected-user <name>",
      "--source <source>",
    ]) {
      expect(help.verify).to.include(`  ${option}`);
    }
    expect(help.verify).to.include("ssm:UpdateDocument of the RunShell document with its own latest content");
    for (const probe of [
      "ssm:StartSession on AWS-StartInteractiveCommand",
      "iam:TagRole",
      "ssm:CreateDocument",
    ]) {
      expect(help.verify).to.include(probe);
    }
    expect(help.verify).to.include("Identity Center sign-in");
  });
});

describe("ssm-runas bad options", () => {
  const cases: [string[], string][] = [
    [
      ["audit", "--expected-user", "x", "--concurrency", "0"],
      "error: option '--concurrency <n>' argument '0' is invalid. must be a whole number from 1 to 256",
    ],
    [
      ["audit", "--expected-user", "x", "--regions", "eu-west-1", "eu-west-9"],
      "error: option '--regions <region...>' argument 'eu-west-9' is invalid. not an AWS region: the AWS SDK's partition data lists no region of that name",
    ],
    [
      ["audit", "--expected-user", "x", "--regions", "cn-north-1"],
      "error: option '--regions <region...>' argument 'cn-north-1' is invalid. a region of the aws-cn partition (China (Beijing)), but the stack is in the aws partition",
    ],
    [
      ["verify", "--account", "111111111111", "--region", "eu-west-9", "--user", "a"],
      "error: option '--region <region>' argument 'eu-west-9' is invalid. not an AWS region",
    ],
    [
      ["audit", "--expected-user", "root"],
      "error: option '--expected-user <name>' argument 'root' is invalid. root is refused: sessions must not fall back to the superuser",
    ],
    [
      ["audit", "--expected-user", "x", "--format", "xml"],
      "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json, csv, html, markdown.",
    ],
    [
      ["audit", "--expected-user", "x", "--ou", "ou-1"],
      "error: option '--ou <id...>' argument 'ou-1' is invalid. must be an organisation root id (r-xxxx) or an OU id (ou-xxxx-xxxxxxxx)",
    ],
    [
      ["audit", "users", "--format", "html"],
      "error: option '--format <format>' argument 'html' is invalid. Allowed choices are table, json, csv.",
    ],
    [
      ["audit", "--regions", "eu-west-1"],
      "error: one of --stack <name> or --expected-user <name> is required",
    ],
    [
      ["audit", "--expected-user", "x"],
      "error: option '--regions <region...>' is required unless --stack is given",
    ],
    [["audit", "--stack", "nosuch"], "error: option '--stack nosuch': "],
    [
      ["audit", "users", "--source", "${samaccountname}"],
      "error: option '--source <source>' argument '${samaccountname}' is invalid. must be an identity-store attribute path such as ${path:userName}",
    ],
    [
      ["verify", "--account", "12345", "--region", "eu-west-1", "--user", "a"],
      "error: option '--account <id>' argument '12345' is invalid. must be a 12-digit AWS account id",
    ],
    [
      ["verify", "--region", "eu-west-1", "--user", "a"],
      "error: required option '--account <id>' not specified",
    ],
    [
      ["abac", "describe", "--instance-arn", "arn:aws:sso:::instance/x"],
      "error: option '--instance-arn <arn>' argument 'arn:aws:sso:::instance/x' is invalid. must match arn:aws:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}",
    ],
  ];
  for (const [args, line] of cases) {
    it(`${args.join(" ")}: exit 2, one line`, async () => {
      const run = await runCliInProcess(args);
      expect(run.code).to.equal(2);
      expect(run.stdout).to.equal("");
      expect(run.stderr.split("\n")).to.have.length(2);
      expect(run.stderr.startsWith(line), run.stderr).to.equal(true);
      expect(stackTraceLines(run.stderr)).to.deep.equal([]);
    });
  }
});

describe("ssm-runas usage errors through the real bin: exit 2, commander's line, no stack trace", function () {
  this.timeout(60_000);
  const cases: [string[], string][] = [
    [["bogus"], "error: unknown command 'bogus'"],
    // Commander checks required options first.
    [["synth", "--bogus"], "error: required option '--stack <name>' not specified"],
    [["synth", "--stack", "dev", "--bogus"], "error: unknown option '--bogus'"],
    [["audit", "--bogus"], "error: unknown option '--bogus'"],
    [["audit", "users", "--bogus"], "error: unknown option '--bogus'"],
    [
      ["verify", "--account", "111111111111", "--region", "eu-west-1", "--user", "a", "--bogus"],
      "error: unknown option '--bogus'",
    ],
    [["abac", "bogus"], "error: unknown command 'bogus'"],
    [["abac", "describe", "--bogus"], "error: unknown option '--bogus'"],
  ];
  for (const [args, line] of cases) {
    it(`ssm-runas ${args.join(" ")}`, async () => {
      const run = await runCli(args, { env: QUIET });
      expect([run.code, run.stdout, run.stderr]).to.deep.equal([2, "", `${line}\n`]);
    });
  }

  it("ssm-runas with no command prints its help on stderr and exits 2", async () => {
    const run = await runCli([], { env: QUIET });
    expect(run.code).to.equal(2);
    expect(run.stdout).to.equal("");
    expect(run.stderr).to.match(/^Usage: ssm-runas \[options\] \[command\]/);
    expect(stackTraceLines(run.stderr)).to.deep.equal([]);
  });
});

// A preload for the child: records every @pulumi/* module the bin asks for or has loaded by the time it exits.
const RECORD_PULUMI_LOADS = `
const Module = require("node:module");
const fs = require("node:fs");
const seen = new Set();
const load = Module._load;
Module._load = function (request) {
  if (request.startsWith("@pulumi/")) seen.add(request);
  return load.apply(this, arguments);
};
process.on("exit", () => {
  for (const file of Object.keys(require.cache)) {
    const match = /node_modules[\\\\/](@pulumi[\\\\/][^\\\\/]+)/.exec(file);
    if (match) seen.add(match[1].replace("\\\\", "/"));
  }
  fs.writeFileSync(process.env.PULUMI_LOADS_FILE, JSON.stringify([...seen].sort()));
});
`;

describe("ssm-runas start-up: only synth's action loads the Pulumi program", function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-pulumi-loads-"));
    fs.writeFileSync(path.join(dir, "record.js"), RECORD_PULUMI_LOADS);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The @pulumi/* modules the real bin loads for `args`, and its exit code. */
  function pulumiLoads(args: string[]): Promise<{ code: number | null; loads: string[] }> {
    const file = path.join(dir, `${args.join("_").replace(/\W/g, "-")}.json`);
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ["--require", path.join(dir, "record.js"), CLI, ...args],
        { cwd: REPO_ROOT, env: { ...process.env, ...QUIET, PULUMI_LOADS_FILE: file }, timeout: 60_000 },
        (error) => {
          try {
            const loads = JSON.parse(fs.readFileSync(file, "utf8")) as string[];
            resolve({ code: error ? Number(error.code) : 0, loads });
          } catch (err) {
            reject(err);
          }
        },
      );
    });
  }

  const WITHOUT_PULUMI = [
    ["--help"],
    ["audit", "--help"],
    ["audit", "users", "--help"],
    ["verify", "--help"],
    ["abac", "--help"],
    ["abac", "describe", "--help"],
    ["entra", "check", "--help"],
    ["doctor", "--help"],
    ["synth", "--help"],
    // Past option parsing into the action: the stack file is read (and refused) without the program.
    ["audit", "--stack", "nosuch"],
    ["bogus"],
  ];

  it("every command but synth (and synth --help) starts without @pulumi/*", async () => {
    // Two at a time: a busy 2-core machine starting all of them at once ran past the per-process deadline.
    const runs: { code: number | null; loads: string[] }[] = [];
    await forEachWithConcurrency(WITHOUT_PULUMI.entries(), 2, async ([index, args]) => {
      runs[index] = await pulumiLoads(args);
    });
    runs.forEach(({ loads }, index) => expect(loads, WITHOUT_PULUMI[index].join(" ")).to.deep.equal([]));
    expect(runs.map(({ code }) => code)).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2]);
  });

  it("synth's action does load it (so the recorder sees a load when there is one)", async () => {
    const run = await pulumiLoads(["synth", "--stack", "nosuch", "--project-dir", dir]);
    expect(run.code).to.equal(1);
    expect(run.loads).to.include("@pulumi/pulumi");
  });
});

describe("cli sources: folders say what lives in them", () => {
  const CLI_DIR = path.join(REPO_ROOT, "cli");
  const sources = (fs.readdirSync(CLI_DIR, { recursive: true }) as string[])
    .filter((file) => /\.[jt]s$/.test(file))
    .map((file) => ({
      file: `cli/${file.split(path.sep).join("/")}`,
      text: fs.readFileSync(path.join(CLI_DIR, file), "utf8"),
    }));

  it("only cli/aws/ calls AWS: no other module imports an SDK client (types are fine)", () => {
    const calling = sources
      .filter(({ file }) => !file.startsWith("cli/aws/"))
      .filter(({ text }) => /^import (?!type )[^;]*from "@aws-sdk\//m.test(text))
      .map(({ file }) => file);
    expect(calling).to.deep.equal([]);
    expect(sources.filter(({ file }) => file.startsWith("cli/aws/"))).to.not.deep.equal([]);
  });

  it("only synth's action names synth/synth (the module that loads Pulumi)", () => {
    const naming = sources
      .filter(({ text }) => /["']\.\.\/(\.\.\/)?synth\/synth["']/.test(text))
      .map(({ file }) => file);
    expect(naming).to.deep.equal(["cli/commands/synth.ts"]);
  });

  it("no comment points at a document outside the repository", () => {
    expect(sources.filter(({ text }) => /\bDESIGN\.md\b/.test(text)).map(({ file }) => file)).to.deep.equal(
      [],
    );
  });
});
