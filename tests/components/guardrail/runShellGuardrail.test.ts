import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import {
  GUARDRAIL_POLICY_NAME,
  RunShellGuardrail,
  type RunShellGuardrailArgs,
} from "../../../components/guardrail/runShellGuardrail";
import { STACKSET_EXECUTION_ROLE_ARN_PATTERN } from "../../../policypack/rules/names";
import { renderScpDocument } from "../../../components/guardrail/scpDocument";
import { SCP_MAX_CHARACTERS } from "../../../policypack/rules/values";
import { parseStackConfig } from "../../../config/schema";
import { runOnMocks, type DeclaredResource } from "../../../synth/mockRuntime";
import { REPO_ROOT, runCli, stackTraceLines } from "../../support/cli";
import { exampleRawConfig } from "../../support/exampleStacks";

const POLICY_TYPE = "aws:organizations/policy:Policy";
const ATTACHMENT_TYPE = "aws:organizations/policyAttachment:PolicyAttachment";
const COMPONENT_TYPE = "ssm-runas-sync:index:RunShellGuardrail";
const LZA = ["arn:aws:iam::*:role/AWSAccelerator-*", "arn:aws:iam::*:role/cdk-accel-*"];
const STACKSET_ROLE = STACKSET_EXECUTION_ROLE_ARN_PATTERN;
// The size the acceptance allows prod's scp.json, leaving room under AWS's 5,120 for more exceptions.
const PROD_BUDGET = 4500;

/** Enough long, distinct exception patterns to push the document past AWS's limit. */
const TOO_MANY_EXCEPTIONS = Array.from(
  { length: 30 },
  (_, i) => `arn:aws:iam::*:role/team-${i}-session-manager-preferences-deployment-pipeline-role-*`,
);

function declare(args: RunShellGuardrailArgs) {
  return runOnMocks(
    () => {
      const guardrail = new RunShellGuardrail("guardrail", args);
      return { policyId: guardrail.policyId };
    },
    { stack: "test", config: {} },
  );
}

const ofType = (resources: DeclaredResource[], type: string) => resources.filter((r) => r.type === type);

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-scp-"));
}

describe("RunShellGuardrail", () => {
  it("declares one service control policy holding the rendered document", async () => {
    const { resources } = await declare({
      targets: ["r-x7k2"],
      exceptionPrincipalArns: LZA,
      stackSetExecutionRoleArnPattern: STACKSET_ROLE,
    });
    const policies = ofType(resources, POLICY_TYPE);
    expect(policies).to.have.length(1);
    expect(policies[0].inputs).to.include({
      name: GUARDRAIL_POLICY_NAME,
      type: "SERVICE_CONTROL_POLICY",
      content: renderScpDocument({
        exceptionPrincipalArns: LZA,
        stackSetExecutionRoleArnPattern: STACKSET_ROLE,
      }),
    });
  });

  it("attaches the policy once per target, everything parented to the component", async () => {
    const targets = ["ou-x7k2-9d3hq5ab", "ou-x7k2-4k8wz2cd"];
    const { resources, outputs } = await declare({
      targets,
      exceptionPrincipalArns: [],
      stackSetExecutionRoleArnPattern: STACKSET_ROLE,
    });
    const [component] = ofType(resources, COMPONENT_TYPE);
    const [policy] = ofType(resources, POLICY_TYPE);
    const attachments = ofType(resources, ATTACHMENT_TYPE);
    expect(attachments.map((a) => a.inputs.targetId)).to.deep.equal(targets);
    for (const attachment of attachments) expect(attachment.inputs.policyId).to.equal(outputs.policyId);
    for (const child of [policy, ...attachments]) expect(child.parent).to.equal(component.urn);
    expect(outputs.policyId).to.equal(`${policy.name}-id`);
  });

  it("refuses a document above 5,120 characters at preview with one RunError line", async () => {
    const content = renderScpDocument({
      exceptionPrincipalArns: TOO_MANY_EXCEPTIONS,
      stackSetExecutionRoleArnPattern: STACKSET_ROLE,
    });
    expect(content.length).to.be.greaterThan(SCP_MAX_CHARACTERS);
    let error: unknown;
    try {
      await declare({
        targets: ["r-x7k2"],
        exceptionPrincipalArns: TOO_MANY_EXCEPTIONS,
        stackSetExecutionRoleArnPattern: STACKSET_ROLE,
      });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(pulumi.RunError);
    const message = (error as Error).message;
    expect(message).to.equal(
      `RunShellGuardrail guardrail: the SCP document is ${content.length} characters, above the 5120 AWS ` +
        "Organizations allows: shorten or merge the 30 ssm-runas-sync:scpExceptionPrincipalArns patterns",
    );
  });

  it("renders prod's scp.json through the real synth CLI: the rendered document, within budget", async () => {
    const out = tempDir();
    const run = await runCli(["synth", "--stack", "prod", "--out", out]);
    expect(run.code, run.stderr).to.equal(0);
    const content = fs.readFileSync(path.join(out, "scp.json"), "utf8");
    const parsed = parseStackConfig(exampleRawConfig("prod"));
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    expect(content).to.equal(
      renderScpDocument({
        exceptionPrincipalArns: parsed.config.scpExceptionPrincipalArns,
        stackSetExecutionRoleArnPattern: parsed.config.stackSetExecutionRoleArnPattern,
      }),
    );
    console.log(`      prod scp.json: ${content.length} characters (budget ${PROD_BUDGET}, AWS limit 5120)`);
    expect(content.length).to.be.at.most(PROD_BUDGET);
  });

  it("stops synth with exit 1 and one line, no stack trace, when the exceptions overflow the SCP", async () => {
    const projectDir = tempDir();
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
    const stack = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
    stack.config["ssm-runas-sync:scpExceptionPrincipalArns"] = TOO_MANY_EXCEPTIONS;
    fs.writeFileSync(path.join(projectDir, "Pulumi.big.yaml"), stringify(stack));
    const out = path.join(projectDir, "out");
    const run = await runCli(["synth", "--stack", "big", "--project-dir", projectDir, "--out", out]);
    expect(run.code).to.equal(1);
    const [reason] = run.stderr.split("\n");
    expect(reason).to.match(/^RunShellGuardrail runshell-guardrail: the SCP document is \d+ characters/);
    expect(reason).to.contain("ssm-runas-sync:scpExceptionPrincipalArns");
    expect(stackTraceLines(run.stderr)).to.deep.equal([]);
    expect(fs.existsSync(out)).to.equal(false);
  });
});
