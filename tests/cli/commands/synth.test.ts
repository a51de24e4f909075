// `ssm-runas synth` through the real bin: after the files it wrote, the plan in five lines on stdout.
import { expect } from "chai";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli } from "../../support/cli";

describe("ssm-runas synth", function () {
  this.timeout(120_000);

  it("prints what it wrote, plan.md and plan.json included, then the plan's five-line summary", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-synth-cli-"));
    const run = await runCli(["synth", "--stack", "prod", "--out", out]);
    expect(run.code, run.stderr).to.equal(0);
    const lines = run.stdout.trimEnd().split("\n");
    const wrote = lines.filter((line) => line.startsWith("wrote "));
    expect(wrote.map((line) => path.basename(line))).to.include.members(["plan.md", "plan.json"]);
    const summary = lines.slice(wrote.length);
    expect(lines.slice(0, wrote.length), "the summary comes after every wrote line").to.deep.equal(wrote);

    const template = JSON.parse(
      fs.readFileSync(path.join(out, "runshell-stackset.template.json"), "utf8"),
    ) as {
      Resources: Record<
        string,
        { Type: string; Properties: { Runtime?: string; Code?: { ZipFile: string } } }
      >;
    };
    const writer = Object.values(template.Resources).find((r) => r.Type === "AWS::Lambda::Function");
    const sha256 = createHash("sha256")
      .update(writer?.Properties.Code?.ZipFile ?? "")
      .digest("hex");
    const association = Object.values(template.Resources).find((r) => r.Type === "AWS::SSM::Association");
    const associationSha256 = createHash("sha256")
      .update(JSON.stringify(association?.Properties))
      .digest("hex");
    expect(summary).to.deep.equal([
      "StackSet instances: 4 (1 target × 4 regions), fallback user ssm-fallback",
      "SCP attachments:    2 (2 policies × 1 target)",
      "management stacks:  4 (eu-central-1, eu-west-1, us-east-1, us-west-2)",
      "exempt principals:  6 principal patterns, named in 11 statements of 2 SCPs",
      `writer:             RunAs on, ${writer?.Properties.Runtime}, code sha256 ${sha256}, ` +
        `fallback-user association sha256 ${associationSha256}`,
    ]);
  });

  it("--help says it writes the plan and prints its summary", async () => {
    const run = await runCli(["synth", "--help"]);
    expect(run.code).to.equal(0);
    expect(run.stdout.replace(/\s+/g, " ")).to.include("plan.md and plan.json");
    expect(run.stdout.replace(/\s+/g, " ")).to.include("prints the plan in five lines");
  });
});
