import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { STACK_CONFIG_KEYS } from "../../config/schema";
import * as pulumi from "@pulumi/pulumi";
import runStack from "../../index";
import { runOnMocks } from "../../synth/mockRuntime";
import { synth } from "../../synth/synth";
import { REPO_ROOT, runCli, stackTraceLines } from "../support/cli";
import { EXAMPLE_STACKS, exampleStackConfig } from "../support/exampleStacks";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-synth-"));
}

/** A project folder holding the real Pulumi.yaml and a copy of the dev stack with values replaced (undefined: removed). */
function projectWithValues(values: Record<string, unknown>): string {
  const dir = tempDir();
  fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const dev = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
  const stack = parse(dev) as { config: Record<string, unknown> };
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete stack.config[`ssm-runas-sync:${key}`];
    else stack.config[`ssm-runas-sync:${key}`] = value;
  }
  fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), stringify(stack));
  return dir;
}

const projectWith = (key: string, value: unknown) => projectWithValues({ [key]: value });

/** AWS Organizations' documented limit is 5,120; the project keeps each SCP within 4,500 to leave room. */
const SCP_BUDGET = 4500;
/** Organisations sit near the quota of five SCPs per target: the guardrail takes two at most. */
const MAX_SCPS = 2;

// One bad value per key of the contract; a key added without a case here fails the first test.
const BAD_VALUES: Record<string, unknown> = {
  identityCenterInstanceArn: "arn:aws:sso:::instance/ssoins-tooshort",
  identitySource: "okta",
  accessControlAttributes: [{ key: "Department", source: "${path:enterprise.department}" }],
  importExistingAbac: "maybe",
  runAsDefaultUser: "root",
  runAsEnabled: "no",
  ensureFallbackUser: "yes",
  organizationalUnitOverrides: { "ou-bad": "ops" },
  deploymentTargets: ["123456789012"],
  regions: ["eu-west-9"],
  scpTargets: ["ou-x7k2"],
  scpExceptionPrincipalArns: ["*"],
  deployPrincipalArns: ["arn:aws:iam::*:role/*"],
  exceptionStackArnPatterns: ["arn:aws:cloudformation:*:*:stack/*"],
  allowedSessionDocuments: ["SSM-SessionManagerRunShell"],
  restrictSessionRegions: "no",
  stackSetExecutionRoleArnPattern: "arn:aws:iam::*:role/*",
  stackSetCallAs: "ORG",
  includeManagementAccount: "yes",
  onDelete: "destroy",
  writerRuntime: "nodejs20.x",
  stackSetOperationPreferences: { maxConcurrentPercentage: 0 },
  runShellOwner: "cdk",
  guardrailOwner: "both",
  organizationalUnitPaths: { "ou-t3st-5m1qa8cd": "/Sandbox" },
};

describe("synth", () => {
  for (const stack of EXAMPLE_STACKS) {
    it(`renders the ${stack} stack with the real CLI: exit 0, abac.json in the CloudFormation shape`, async () => {
      const out = tempDir();
      const run = await runCli(["synth", "--stack", stack, "--out", out]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/wrote .*abac\.json/);
      const abac = JSON.parse(fs.readFileSync(path.join(out, "abac.json"), "utf8"));
      expect(Object.keys(abac)).to.deep.equal(["InstanceArn", "AccessControlAttributes"]);
      expect(abac.InstanceArn).to.match(/^arn:aws:sso:::instance\/ssoins-/);
      const runAs = abac.AccessControlAttributes.filter((a: { Key: string }) => a.Key === "SSMSessionRunAs");
      expect(runAs).to.deep.equal([
        { Key: "SSMSessionRunAs", Value: { Source: ["${path:enterprise.employeeNumber}"] } },
      ]);
    });

    it(`writes the ${stack} stack's SCPs as scp/<name>.json: at most ${MAX_SCPS}, each within ${SCP_BUDGET} characters`, async () => {
      const out = tempDir();
      const result = await synth({ stack, out });
      expect(result.ok, result.errors.join("\n")).to.equal(true);
      expect(fs.existsSync(path.join(out, "scp.json")), "no scp.json any more").to.equal(false);
      const files = fs.readdirSync(path.join(out, "scp"));
      expect(files.length).to.be.within(1, MAX_SCPS);
      for (const file of files) {
        expect(file).to.match(/^ssm-runas-sync-[a-z-]+\.json$/);
        const content = fs.readFileSync(path.join(out, "scp", file), "utf8");
        expect(content, `${file} is minified`).to.equal(JSON.stringify(JSON.parse(content)));
        console.log(
          `      ${stack} scp/${file}: ${content.length} characters (budget ${SCP_BUDGET}, AWS 5120)`,
        );
        expect(content.length, file).to.be.at.most(SCP_BUDGET);
      }
    });
  }

  it("runs the Pulumi entry point (index.ts), whose result is the stack outputs", async () => {
    let returned: Record<string, unknown> = {};
    await runOnMocks(async () => (returned = await runStack()), {
      stack: "dev",
      config: exampleStackConfig("dev"),
    });
    expect(Object.keys(returned)).to.include.members([
      "abacInstanceArn",
      "abacRunAsSource",
      "runShellStackSetName",
      "scpPolicyArns",
    ]);
    // Inputs are known at preview; ids and ARNs AWS assigns are not, which is why only these are compared.
    const known = (value: unknown) =>
      new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve));
    expect(await known(returned.abacInstanceArn)).to.equal("arn:aws:sso:::instance/ssoins-7223b1f0c4d5e6a7");
    expect(await known(returned.abacRunAsSource)).to.equal("${path:enterprise.employeeNumber}");
    expect(await known(returned.runShellStackSetName)).to.equal("ssm-runas-sync-runshell");
  });

  it("writes to out/<stack> by default", async () => {
    const cwd = tempDir();
    const run = await runCli(["synth", "--stack", "dev"], { cwd });
    expect(run.code, run.stderr).to.equal(0);
    expect(fs.existsSync(path.join(cwd, "out", "dev", "abac.json"))).to.equal(true);
  });

  it("has a bad-value case for every config key", () => {
    expect(Object.keys(BAD_VALUES)).to.have.members(STACK_CONFIG_KEYS as string[]);
  });

  for (const [key, value] of Object.entries(BAD_VALUES)) {
    it(`refuses a bad ${key}: one line naming the key, nothing written`, async () => {
      const projectDir = projectWith(key, value);
      const out = path.join(projectDir, "out");
      const result = await synth({ stack: "bad", projectDir, out });
      expect(result.ok).to.equal(false);
      expect(result.errors, result.errors.join("\n")).to.have.length(1);
      expect(result.errors[0]).to.match(new RegExp(`^ssm-runas-sync:${key}\\b`));
      expect(fs.existsSync(out)).to.equal(false);
    });
  }

  it("refuses stackSetCallAs DELEGATED_ADMIN without deployPrincipalArns: one line naming deployPrincipalArns", async () => {
    const projectDir = projectWithValues({
      stackSetCallAs: "DELEGATED_ADMIN",
      deployPrincipalArns: undefined,
      includeManagementAccount: undefined,
    });
    const out = path.join(projectDir, "out");
    const result = await synth({ stack: "bad", projectDir, out });
    expect(result.ok).to.equal(false);
    expect(result.errors, result.errors.join("\n")).to.have.length(1);
    expect(result.errors[0]).to.match(/^ssm-runas-sync:deployPrincipalArns\b.*DELEGATED_ADMIN/);
    expect(fs.existsSync(out)).to.equal(false);
  });

  it("exits 1 from the real CLI on a bad value, with the key on stderr and no stack trace", async () => {
    const projectDir = projectWith("runAsDefaultUser", "root");
    fs.copyFileSync(
      path.join(projectDir, "Pulumi.bad.yaml"),
      path.join(REPO_ROOT, "Pulumi.ci-bad-value.yaml"),
    );
    try {
      const run = await runCli(["synth", "--stack", "ci-bad-value", "--out", path.join(projectDir, "out")]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.contain('ssm-runas-sync:runAsDefaultUser: "root" is invalid: root is refused');
      expect(stackTraceLines(run.stderr)).to.deep.equal([]);
      expect(run.stdout).to.equal("");
    } finally {
      fs.rmSync(path.join(REPO_ROOT, "Pulumi.ci-bad-value.yaml"));
    }
  });

  it("names a missing stack file and exits 1", async () => {
    const run = await runCli(["synth", "--stack", "no-such-stack", "--out", tempDir()]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain("Pulumi.no-such-stack.yaml: not found");
    expect(stackTraceLines(run.stderr)).to.deep.equal([]);
  });

  it("refuses a secret it cannot decrypt offline", async () => {
    const projectDir = projectWith("runAsDefaultUser", { secure: "v1:abc" });
    const result = await synth({ stack: "bad", projectDir, out: path.join(projectDir, "out") });
    expect(result.ok).to.equal(false);
    expect(result.errors[0]).to.contain("ssm-runas-sync:runAsDefaultUser is a secret");
  });

  it("leaves files it did not render in the output folder alone", async () => {
    const out = tempDir();
    fs.writeFileSync(path.join(out, "notes.txt"), "mine");
    const result = await synth({ stack: "dev", out });
    expect(result.ok).to.equal(true);
    expect(fs.readFileSync(path.join(out, "notes.txt"), "utf8")).to.equal("mine");
  });
});
