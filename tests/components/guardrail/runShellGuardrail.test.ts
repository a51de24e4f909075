import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import {
  RunShellGuardrail,
  type RunShellGuardrailArgs,
} from "../../../components/guardrail/runShellGuardrail";
import {
  RUNSHELL_GUARDRAIL_POLICY_NAME,
  SESSION_GUARDRAIL_POLICY_NAME,
  STACKSET_EXECUTION_ROLE_ARN_PATTERN,
} from "../../../policypack/rules/names";
import { COMPONENT_TYPES, TYPES } from "../../../policypack/rules/types";
import { renderScp, scpPolicies, scpSizeError } from "../../../components/guardrail/scpDocument";
import { DEFAULT_MAX_SCP_CHARACTERS } from "../../../policypack/rules/values";
import { runOnMocks, type DeclaredResource } from "../../../synth/mockRuntime";
import { REPO_ROOT, runCli, stackTraceLines } from "../../support/cli";
import { prodScpOptions } from "./prodScpOptions";

const LZA_SETTINGS = ["arn:aws:iam::*:role/AWSAccelerator-SecurityRe-CustomSessionManagerLogg-*"];
const DEPLOY = ["arn:aws:iam::*:role/AWSAccelerator-Deployment-Role", "arn:aws:iam::*:role/cdk-accel-*"];
const ARGS: RunShellGuardrailArgs = {
  targets: ["r-x7k2"],
  exceptionPrincipalArns: LZA_SETTINGS,
  stackSetExecutionRoleArnPattern: STACKSET_EXECUTION_ROLE_ARN_PATTERN,
  deployPrincipalArns: DEPLOY,
  regions: ["eu-west-1", "us-east-1"],
};

/** Enough long, distinct deploy principals to push the RunShell guardrail past its budget. */
const TOO_MANY_DEPLOYERS = Array.from(
  { length: 30 },
  (_, i) => `arn:aws:iam::*:role/team-${i}-session-manager-preferences-deployment-pipeline-role-*`,
);

function declare(args: RunShellGuardrailArgs, name = "runshell-guardrail") {
  return runOnMocks(
    () => {
      const guardrail = new RunShellGuardrail(name, args);
      return { policyIds: guardrail.policyIds, policyArns: guardrail.policyArns };
    },
    { stack: "test", config: {} },
  );
}

const ofType = (resources: DeclaredResource[], type: string) => resources.filter((r) => r.type === type);

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-scp-"));
}

describe("RunShellGuardrail", () => {
  it("declares the two service control policies holding the rendered documents", async () => {
    const { resources } = await declare(ARGS);
    const policies = ofType(resources, TYPES.organizationsPolicy);
    const expected = scpPolicies({ ...ARGS, restrictSessionRegions: true, allowedSessionDocuments: [] });
    expect(policies.map((p) => p.inputs.name)).to.deep.equal([
      RUNSHELL_GUARDRAIL_POLICY_NAME,
      SESSION_GUARDRAIL_POLICY_NAME,
    ]);
    policies.forEach((policy, i) => {
      expect(policy.inputs).to.include({
        name: expected[i].name,
        description: expected[i].description,
        type: "SERVICE_CONTROL_POLICY",
        content: renderScp(expected[i]),
      });
    });
  });

  it("keeps the logical name runshell-guardrail for the first policy, so existing stacks update it in place", async () => {
    const { resources } = await declare(ARGS);
    expect(ofType(resources, TYPES.organizationsPolicy).map((p) => p.name)).to.deep.equal([
      "runshell-guardrail",
      "runshell-guardrail-sessions",
    ]);
  });

  it("passes restrictSessionRegions and allowedSessionDocuments through", async () => {
    const { resources } = await declare({
      ...ARGS,
      restrictSessionRegions: false,
      allowedSessionDocuments: ["AWS-StartPortForwardingSession"],
    });
    const content = String(ofType(resources, TYPES.organizationsPolicy)[1].inputs.content);
    expect(content).not.to.include("aws:RequestedRegion");
    expect(content).to.include("arn:aws:ssm:*:*:document/AWS-StartPortForwardingSession");
  });

  it("attaches each policy once per target, everything parented to the component", async () => {
    const targets = ["ou-x7k2-9d3hq5ab", "ou-x7k2-4k8wz2cd"];
    const { resources } = await declare({ ...ARGS, targets });
    const [component] = ofType(resources, COMPONENT_TYPES.runShellGuardrail);
    const policies = ofType(resources, TYPES.organizationsPolicy);
    const attachments = ofType(resources, TYPES.organizationsPolicyAttachment);
    expect(attachments.map((a) => [a.name, a.inputs.policyId, a.inputs.targetId])).to.deep.equal([
      ["runshell-guardrail-ou-x7k2-9d3hq5ab", "runshell-guardrail-id", targets[0]],
      ["runshell-guardrail-ou-x7k2-4k8wz2cd", "runshell-guardrail-id", targets[1]],
      ["runshell-guardrail-sessions-ou-x7k2-9d3hq5ab", "runshell-guardrail-sessions-id", targets[0]],
      ["runshell-guardrail-sessions-ou-x7k2-4k8wz2cd", "runshell-guardrail-sessions-id", targets[1]],
    ]);
    for (const child of [...policies, ...attachments])
      expect(child.parent, child.name).to.equal(component.urn);
  });

  it("outputs both policies' ids and ARNs, the RunShell guardrail first (an update, not a preview)", async () => {
    // runOnMocks previews, where ids are unknown: the outputs are read on an update's mocks instead.
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({
          id: `${args.inputs.name}-id`,
          state: {
            ...args.inputs,
            arn: `arn:aws:organizations::111111111111:policy/o-x/${args.inputs.name}`,
          },
        }),
        call: (args) => args.inputs,
      },
      "ssm-runas-sync",
      "outputs",
      false,
    );
    const guardrail = new RunShellGuardrail("runshell-guardrail", ARGS);
    const resolve = <T>(output: pulumi.Output<T>) => new Promise<T>((done) => output.apply(done));
    const names = [RUNSHELL_GUARDRAIL_POLICY_NAME, SESSION_GUARDRAIL_POLICY_NAME];
    expect(await resolve(guardrail.policyIds)).to.deep.equal(names.map((n) => `${n}-id`));
    expect(await resolve(guardrail.policyArns)).to.deep.equal(
      names.map((n) => `arn:aws:organizations::111111111111:policy/o-x/${n}`),
    );
  });

  it("refuses a policy above the budget at preview with one RunError naming that policy", async () => {
    const [runShell] = scpPolicies({
      ...ARGS,
      deployPrincipalArns: TOO_MANY_DEPLOYERS,
      restrictSessionRegions: true,
      allowedSessionDocuments: [],
    });
    const tooLong = scpSizeError(runShell.name, renderScp(runShell));
    expect(tooLong).to.be.a("string");
    let error: unknown;
    try {
      await declare({ ...ARGS, deployPrincipalArns: TOO_MANY_DEPLOYERS });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(pulumi.RunError);
    expect((error as Error).message).to.equal(`RunShellGuardrail runshell-guardrail: ${tooLong}`);
    expect((error as Error).message).to.contain(RUNSHELL_GUARDRAIL_POLICY_NAME);
  });

  it("writes prod's scp/<name>.json through the real synth CLI: exactly the rendered policies, two files", async () => {
    const out = tempDir();
    const run = await runCli(["synth", "--stack", "prod", "--out", out]);
    expect(run.code, run.stderr).to.equal(0);
    const files = fs.readdirSync(path.join(out, "scp")).sort();
    expect(files.length).to.be.at.most(2);
    const expected = scpPolicies(prodScpOptions());
    expect(files).to.deep.equal(expected.map((d) => `${d.name}.json`).sort());
    for (const document of expected) {
      const content = fs.readFileSync(path.join(out, "scp", `${document.name}.json`), "utf8");
      expect(content, document.name).to.equal(renderScp(document));
      console.log(`      prod scp/${document.name}.json: ${content.length} characters`);
      expect(content.length).to.be.at.most(DEFAULT_MAX_SCP_CHARACTERS);
    }
  });

  it("stops synth with exit 1 and one line naming the policy, no stack trace, when a policy overflows", async () => {
    const projectDir = tempDir();
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
    const stack = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8"));
    stack.config["ssm-runas-sync:deployPrincipalArns"] = TOO_MANY_DEPLOYERS;
    fs.writeFileSync(path.join(projectDir, "Pulumi.big.yaml"), stringify(stack));
    const out = path.join(projectDir, "out");
    const run = await runCli(["synth", "--stack", "big", "--project-dir", projectDir, "--out", out]);
    expect(run.code, run.stderr).to.equal(1);
    const [reason] = run.stderr.split("\n");
    expect(reason).to.match(
      new RegExp(
        `^RunShellGuardrail runshell-guardrail: the SCP ${RUNSHELL_GUARDRAIL_POLICY_NAME} is \\d+ characters`,
      ),
    );
    expect(stackTraceLines(run.stderr)).to.deep.equal([]);
    expect(fs.existsSync(out)).to.equal(false);
  });
});
