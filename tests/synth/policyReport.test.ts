import { expect } from "chai";
import { DOCUMENT_WRITE_ACTIONS } from "../../policypack/rules/scpActions";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { scpExceptionPrincipals, scpSize } from "../../policypack/scp";
import { POLICY_REPORT_FILE } from "../../synth/policyReport";
import { PolicyConfigError, resolvePolicyConfig } from "../../synth/policyConfig";
import { runPolicyPack, type PolicyReport } from "../../synth/policyHost";
import { synth } from "../../synth/synth";
import { REPO_ROOT, runCli, stackTraceLines } from "../support/cli";
import { EXAMPLE_STACKS } from "../support/exampleStacks";
import { exampleResources, scpNamed, withScpStatements } from "../support/policyHarness";

/** LZA's Session Manager settings role, the pack's default requiredExceptionPrincipals. */
const LZA = ["arn:aws:iam::*:role/AWSAccelerator-SecurityRe-CustomSessionManagerLogg-*"];
/** LZA's pipeline roles, the example stacks' deployPrincipalArns and the pack's default. */
const DEPLOY = ["arn:aws:iam::*:role/AWSAccelerator-Deployment-Role", "arn:aws:iam::*:role/cdk-accel-*"];

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-policy-"));
}

/** A project folder with the real Pulumi.yaml and Pulumi.<stack>.yaml: the dev stack with `change` applied. */
function projectWith(stack: string, change: Record<string, unknown>): string {
  const dir = tempDir();
  fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const dev = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) delete dev.config[`ssm-runas-sync:${key}`];
    else dev.config[`ssm-runas-sync:${key}`] = value;
  }
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify(dev));
  return dir;
}

function readReport(dir: string): PolicyReport {
  return JSON.parse(fs.readFileSync(path.join(dir, POLICY_REPORT_FILE), "utf8")) as PolicyReport;
}

describe("policy pack config, as --policy-pack-config takes it", () => {
  it("fills in the schema's defaults and keeps the policy's own level", () => {
    expect(resolvePolicyConfig(scpExceptionPrincipals)).to.deep.equal({
      enforcementLevel: "mandatory",
      properties: {
        stackSetExecutionRoleArnPattern: "arn:aws:iam::*:role/stacksets-exec-*",
        requiredExceptionPrincipals: LZA,
      },
    });
  });

  it("takes properties and levels per policy, a bare level, and `all`", () => {
    const custom = {
      stackSetExecutionRoleArnPattern: "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole",
      requiredExceptionPrincipals: ["arn:aws:iam::*:role/pipeline-*"],
    };
    expect(
      resolvePolicyConfig(scpExceptionPrincipals, { "ssm-runas-scp-exception-principals": custom }),
    ).to.deep.equal({ enforcementLevel: "mandatory", properties: custom });
    expect(resolvePolicyConfig(scpSize, { "ssm-runas-scp-size": "mandatory" }).enforcementLevel).to.equal(
      "mandatory",
    );
    expect(resolvePolicyConfig(scpSize, { all: "disabled" }).enforcementLevel).to.equal("disabled");
    const both = { all: "disabled", "ssm-runas-scp-size": { enforcementLevel: "advisory" } };
    expect(resolvePolicyConfig(scpSize, both).enforcementLevel).to.equal("advisory");
  });

  for (const [what, policy, config, message] of [
    [
      "an unknown property",
      scpSize,
      { "ssm-runas-scp-size": { maxChars: 10 } },
      /ssm-runas-scp-size\.maxChars: not a config property/,
    ],
    [
      "a mistyped property",
      scpSize,
      { "ssm-runas-scp-size": { maxCharacters: "4500" } },
      /"4500" is not of type integer/,
    ],
    [
      "a number out of range",
      scpSize,
      { "ssm-runas-scp-size": { maxCharacters: 6000 } },
      /more than the maximum 5120/,
    ],
    [
      "a mistyped list item",
      scpExceptionPrincipals,
      { "ssm-runas-scp-exception-principals": { requiredExceptionPrincipals: [1] } },
      /requiredExceptionPrincipals\[0\]: 1 is not of type string/,
    ],
    ["an unknown level", scpSize, { "ssm-runas-scp-size": "loud" }, /unknown enforcement level loud/],
  ] as const) {
    it(`refuses ${what}`, () => {
      expect(() => resolvePolicyConfig(policy, config)).to.throw(PolicyConfigError, message);
    });
  }
});

describe("runPolicyPack (the in-process runner synth uses)", () => {
  it("reports a resource violation with the policy, its level, the message and the resource's URN", async () => {
    const resources = await exampleResources("dev");
    const scp = scpNamed(resources, "ssm-runas-sync-runshell-guardrail");
    const broken = withScpStatements(scp, (statements) =>
      statements.filter((s) => s.Sid !== "RunShellDocument"),
    );
    const report = await runPolicyPack(
      resources.map((r) => (r === scp ? broken : r)),
      { project: "ssm-runas-sync", stack: "dev" },
    );
    const policies = report.violations.map((v) => v.policy);
    expect(policies).to.include("ssm-runas-scp-denies-document-writes");
    const violation = report.violations.find((v) => v.policy === "ssm-runas-scp-denies-document-writes");
    expect(violation).to.deep.equal({
      policy: "ssm-runas-scp-denies-document-writes",
      enforcementLevel: "mandatory",
      message:
        `No Deny statement covers ${DOCUMENT_WRITE_ACTIONS.join(", ")} on ` +
        "arn:aws:ssm:*:*:document/SSM-SessionManagerRunShell: an account admin could change or remove the RunAs settings.",
      resource: scp.urn,
    });
  });

  it("reports a stack violation without a resource, and skips disabled policies", async () => {
    const resources = (await exampleResources("dev")).filter(
      (r) => !r.type.startsWith("aws:cloudformation/"),
    );
    const report = await runPolicyPack(resources, { project: "ssm-runas-sync", stack: "dev" });
    expect(report.violations).to.deep.equal([
      {
        policy: "ssm-runas-stack-complete",
        enforcementLevel: "mandatory",
        message: "The stack is missing the RunShell StackSet (ssm-runas-sync-runshell) or its LZA export.",
        resource: null,
      },
    ]);
    const disabled = await runPolicyPack(resources, {
      project: "ssm-runas-sync",
      stack: "dev",
      config: { "ssm-runas-stack-complete": "disabled" },
    });
    expect(disabled.violations).to.deep.equal([]);
  });
});

describe("synth runs the policy pack", () => {
  for (const stack of EXAMPLE_STACKS) {
    it(`writes policy-report.json for the ${stack} stack with no mandatory violation, exit 0`, async () => {
      const out = tempDir();
      const run = await runCli(["synth", "--stack", stack, "--out", out]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/wrote .*policy-report\.json/);
      const report = readReport(out);
      expect(Object.keys(report)).to.deep.equal(["violations"]);
      expect(report.violations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal([]);
    });
  }

  it("fails a valid config that leaves LZA's settings role out, naming the policy (synth())", async () => {
    const projectDir = projectWith("nolza", { scpExceptionPrincipalArns: undefined });
    const out = path.join(projectDir, "out");
    const result = await synth({ stack: "nolza", projectDir, out });
    expect(result.ok).to.equal(false);
    expect(result.errors).to.have.length(1);
    expect(result.errors[0]).to.match(
      /^policy ssm-runas-scp-exception-principals \[mandatory\]: statement RunShellDocument denies writes to SSM-SessionManagerRunShell without exempting arn:aws:iam::\*:role\/AWSAccelerator-SecurityRe-CustomSessionManagerLogg-\* \(aws:PrincipalArn\)/,
    );
    // The report is written all the same: it is what the reviewer reads.
    const report = readReport(out);
    expect(report.violations).to.have.length(1);
    expect(report.violations[0]).to.include({
      policy: "ssm-runas-scp-exception-principals",
      enforcementLevel: "mandatory",
    });
    expect(report.violations[0].resource).to.match(/aws:organizations\/policy:Policy::runshell-guardrail$/);
  });

  it("exits 1 from the real CLI for that config, the policy named on stderr, no stack trace", async () => {
    const projectDir = projectWith("nolza", { scpExceptionPrincipalArns: [] });
    const run = await runCli(["synth", "--stack", "nolza", "--project-dir", projectDir, "--out", tempDir()]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^policy ssm-runas-scp-exception-principals \[mandatory\]: /m);
    expect(run.stderr).to.contain("synth: stack nolza violates mandatory policies (see policy-report.json)");
    expect(stackTraceLines(run.stderr)).to.deep.equal([]);
  });

  it("passes that config once --policy-pack-config says the organisation has no LZA", async () => {
    const projectDir = projectWith("nolza", { scpExceptionPrincipalArns: [] });
    const config = path.join(projectDir, "policy-config.json");
    fs.writeFileSync(
      config,
      JSON.stringify({ "ssm-runas-scp-exception-principals": { requiredExceptionPrincipals: [] } }),
    );
    const out = tempDir();
    const run = await runCli([
      "synth",
      "--stack",
      "nolza",
      "--project-dir",
      projectDir,
      "--out",
      out,
      "--policy-pack-config",
      config,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(readReport(out)).to.deep.equal({ violations: [] });
  });

  it("refuses a bad --policy-pack-config before rendering anything", async () => {
    const config = path.join(tempDir(), "policy-config.json");
    fs.writeFileSync(config, JSON.stringify({ "ssm-runas-scp-size": { maxCharacters: "many" } }));
    const out = path.join(tempDir(), "out");
    const result = await synth({ stack: "dev", out, policyPackConfig: config });
    expect(result.ok).to.equal(false);
    expect(result.errors).to.deep.equal(['ssm-runas-scp-size.maxCharacters: "many" is not of type integer']);
    expect(fs.existsSync(out)).to.equal(false);
  });

  it("refuses a --policy-pack-config that names a policy the pack does not have", async () => {
    const config = path.join(tempDir(), "policy-config.json");
    fs.writeFileSync(
      config,
      JSON.stringify({ "ssm-runas-scp-exceptions": { requiredExceptionPrincipals: [] } }),
    );
    const result = await synth({ stack: "dev", out: path.join(tempDir(), "out"), policyPackConfig: config });
    expect(result.errors).to.deep.equal(["ssm-runas-scp-exceptions: not a policy of this pack"]);
  });

  it("exits 0 on advisory violations alone, listing them in the report and as warnings on stderr", async () => {
    const broad = "arn:aws:iam::*:role/*AWSAccelerator*";
    const projectDir = projectWith("broad", { scpExceptionPrincipalArns: [...LZA, broad] });
    const out = tempDir();
    const run = await runCli(["synth", "--stack", "broad", "--project-dir", projectDir, "--out", out]);
    expect(run.code, run.stderr).to.equal(0);
    const report = readReport(out);
    // Once per SCP: both guardrails exempt the exception principals (the document and Session-type writes).
    expect(
      report.violations.map((v) => [v.policy, v.enforcementLevel, v.resource?.split("::").pop()]),
    ).to.deep.equal([
      ["ssm-runas-scp-exception-patterns-narrow", "advisory", "runshell-guardrail"],
      ["ssm-runas-scp-exception-patterns-narrow", "advisory", "runshell-guardrail-sessions"],
    ]);
    expect(run.stderr).to.contain(
      `warning: policy ssm-runas-scp-exception-patterns-narrow (advisory): Exemption ${broad}`,
    );
  });
});

describe("synth runs the guardrail stack policies (real CLI)", () => {
  it("warns, exit 0, about a stack that turns the session-regions statement off", async () => {
    const projectDir = projectWith("noregions", { restrictSessionRegions: false });
    const out = tempDir();
    const run = await runCli(["synth", "--stack", "noregions", "--project-dir", projectDir, "--out", out]);
    expect(run.code, run.stderr).to.equal(0);
    expect(readReport(out).violations).to.deep.equal([
      {
        policy: "ssm-runas-scp-session-regions",
        enforcementLevel: "advisory",
        message:
          "No Deny of ssm:StartSession outside the stack's regions (StringNotEquals aws:RequestedRegion): in a " +
          "region without the RunShell document, sessions run as ssm-user. Set restrictSessionRegions: true, or " +
          "make sure another SCP restricts regions.",
        resource: null,
      },
    ]);
    expect(run.stderr).to.contain(
      "warning: policy ssm-runas-scp-session-regions (advisory): No Deny of ssm:StartSession",
    );
  });

  it("exits 1 for a stack that opens the session documents (AWS-StartSSHSession) the pack's config does not allow", async () => {
    const projectDir = projectWith("ssh", { allowedSessionDocuments: ["AWS-StartSSHSession"] });
    const out = tempDir();
    const run = await runCli(["synth", "--stack", "ssh", "--project-dir", projectDir, "--out", out]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(
      /^policy ssm-runas-scp-session-documents \[mandatory\]: No Deny of ssm:StartSession refuses every document but SSM-SessionManagerRunShell /m,
    );
    expect(stackTraceLines(run.stderr)).to.deep.equal([]);
    expect(readReport(out).violations.map((v) => v.policy)).to.deep.equal([
      "ssm-runas-scp-session-documents",
    ]);
    // The same stack passes once the pack's config allows the document too.
    const config = path.join(projectDir, "policy-config.json");
    fs.writeFileSync(
      config,
      JSON.stringify({
        "ssm-runas-scp-session-documents": { allowedSessionDocuments: ["AWS-StartSSHSession"] },
      }),
    );
    const allowed = await runCli([
      "synth",
      "--stack",
      "ssh",
      "--project-dir",
      projectDir,
      "--out",
      tempDir(),
      "--policy-pack-config",
      config,
    ]);
    expect(allowed.code, allowed.stderr).to.equal(0);
  });

  it("exits 1 for a stack that exempts a deploy role the pack's config does not name (delegated admin)", async () => {
    const pipeline = "arn:aws:iam::*:role/team-pipeline";
    const projectDir = projectWith("pipeline", {
      deployPrincipalArns: [...DEPLOY, pipeline],
    });
    const run = await runCli([
      "synth",
      "--stack",
      "pipeline",
      "--project-dir",
      projectDir,
      "--out",
      tempDir(),
    ]);
    expect(run.code).to.equal(1);
    const lines = run.stderr.split("\n").filter((line) => line.startsWith("policy "));
    expect(lines).to.have.length(2);
    for (const line of lines) {
      expect(line).to.match(
        /^policy ssm-runas-scp-delegated-admin \[mandatory\]: No Deny exempting nothing but deployPrincipalArns covers /,
      );
      expect(line).to.include(`exempts ${pipeline}, not in deployPrincipalArns`);
    }
  });
});
