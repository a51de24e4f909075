// `ssm-runas --help` and each subcommand's help through the real bin (and npx), and bad options: one line
// naming the option, the value and the rule, exit code 2, no stack trace.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { REPO_ROOT, runCli, stackTraceLines } from "../support/cli";
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
    ]) {
      expect(text).to.include(`  ${option}`);
    }
    expect(text).to.match(
      /--role <name>\s+role to assume in each member account\s+\(default:\s+"OrganizationAccountAccessRole"\)/,
    );
    expect(text).to.match(/--concurrency <n>\s+accounts read at the same time\s+\(default: 16\)/);
    expect(text).to.match(/\n {2}users \[options\] /);
    expect(text).to.include("Exit codes: 0 every account × region is COMPLIANT; 1 some are");
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
    expect(help.verify).to.include("UpdateDocument with the document's own latest content");
  });
});

describe("ssm-runas bad options", () => {
  const cases: [string[], string][] = [
    [
      ["audit", "--expected-user", "x", "--concurrency", "0"],
      "error: option '--concurrency <n>' argument '0' is invalid. must be a whole number from 1 to 256",
    ],
    [
      ["audit", "--expected-user", "x", "--regions", "moon-1"],
      "error: option '--regions <region...>' argument 'moon-1' is invalid. must be an AWS region name such as eu-west-1",
    ],
    [
      ["audit", "--expected-user", "root"],
      "error: option '--expected-user <name>' argument 'root' is invalid. root is refused: sessions must not fall back to the superuser",
    ],
    [
      ["audit", "--expected-user", "x", "--format", "xml"],
      "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json, csv.",
    ],
    [
      ["audit", "--expected-user", "x", "--ou", "ou-1"],
      "error: option '--ou <id...>' argument 'ou-1' is invalid. must be an organisation root id (r-xxxx) or an OU id (ou-xxxx-xxxxxxxx)",
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
