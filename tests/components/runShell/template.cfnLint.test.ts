// cfn-lint (as testing/python.ts finds or installs it) on what `synth --stack prod` writes: the template as
// JSON and as the YAML of the LZA export. Zero errors and zero warnings.
import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { runShellTemplateBody } from "../../../components/runShell/template";
import { NEWEST_NODEJS_RUNTIME } from "../../../policypack/rules/values";
import { writerInlineCode } from "../../../lambda/bundle";
import { synth } from "../../../synth/synth";
import { pythonTools } from "../../../testing/python";

interface LintRun {
  code: number | null;
  output: string;
}

async function cfnLint(files: string[]): Promise<LintRun> {
  const [command, ...args] = (await pythonTools()).cfnLint;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, "--", ...files], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("RunShell template under cfn-lint", () => {
  let out: string;
  let json: string;
  let yaml: string;

  before(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "runshell-cfn-lint-"));
    const result = await synth({ stack: "prod", out });
    expect(result.ok, result.errors.join("\n")).to.equal(true);
    json = path.join(out, "runshell-stackset.template.json");
    yaml = path.join(out, "lza", "runshell-stackset.template.yaml");
  });

  it("synth writes the deployed template and its YAML twin", () => {
    expect(fs.readFileSync(json, "utf8")).to.equal(
      `${runShellTemplateBody({ code: writerInlineCode(), runtime: NEWEST_NODEJS_RUNTIME })}\n`,
    );
    expect(parse(fs.readFileSync(yaml, "utf8"), { version: "1.1" })).to.deep.equal(
      JSON.parse(fs.readFileSync(json, "utf8")),
    );
  });

  it("passes cfn-lint with no error and no warning, as JSON and as LZA's YAML", async () => {
    const run = await cfnLint([json, yaml]);
    expect(run.output).to.equal("");
    expect(run.code).to.equal(0);
  });

  it("is checked by a cfn-lint that does report a broken template", async () => {
    const broken = JSON.parse(fs.readFileSync(json, "utf8"));
    broken.Resources.WriterFunction.Properties.Runtime = "nodejs8.10";
    delete broken.Resources.WriterRole.Properties.AssumeRolePolicyDocument;
    const file = path.join(out, "broken.template.json");
    fs.writeFileSync(file, JSON.stringify(broken));
    const run = await cfnLint([file]);
    expect(run.code).to.not.equal(0);
    expect(run.output).to.match(/nodejs8\.10/);
    expect(run.output).to.match(/AssumeRolePolicyDocument/);
  });
});
