// Break-glass through the whole pack, as `pulumi preview --policy-pack` and `synth` run it (synth/policyHost.ts):
// the prod stack with `runAsEnabled: false` is refused by the writer policy unless the pack's config allows it,
// and reported by the advisory policy whether allowed or not; the real `synth` CLI exits accordingly.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { breakGlassReported, isFalse, runAsEnabledProblem } from "../../policypack/breakGlass";
import type { LzaRunShellExportInputs } from "../../policypack/rules/lza";
import { COMPONENT_TYPES } from "../../policypack/rules/types";
import type { DeclaredResource } from "../../synth/mockRuntime";
import { runPolicyPack, type PolicyViolation } from "../../synth/policyHost";
import { REPO_ROOT, runCli } from "../support/cli";
import { EXAMPLE_STACKS, exampleRawConfig } from "../support/exampleStacks";
import { exampleResources, programResourcesFor, PROJECT, validateResource } from "../support/policyHarness";

const STACK_SET = "aws:cloudformation/stackSet:StackSet";
const STACK = "aws:cloudformation/stack:Stack";
const ALLOW = { "ssm-runas-stackset-writer": { allowBreakGlass: true } };

const breakGlassProd = () =>
  programResourcesFor({ ...exampleRawConfig("prod"), runAsEnabled: false }, "prod");

const byPolicy = (violations: PolicyViolation[], policy: string) =>
  violations.filter((violation) => violation.policy === policy);

const urnsOf = (resources: DeclaredResource[], type: string) =>
  resources.filter((r) => r.type === type).map((r) => r.urn);

describe("break-glass in the policy pack (policy host)", () => {
  let resources: DeclaredResource[];
  before(async () => {
    resources = await breakGlassProd();
  });

  for (const stack of EXAMPLE_STACKS) {
    it(`reports nothing for the ${stack} stack, RunAs on`, async () => {
      const report = await runPolicyPack(await exampleResources(stack), { project: PROJECT, stack });
      expect(byPolicy(report.violations, "ssm-runas-break-glass")).to.deep.equal([]);
    });
  }

  it("refuses runAsEnabled false by default: the StackSet and each management-account stack, both switches", async () => {
    const report = await runPolicyPack(resources, { project: PROJECT, stack: "prod" });
    const refused = byPolicy(report.violations, "ssm-runas-stackset-writer");
    const writers = [...urnsOf(resources, STACK_SET), ...urnsOf(resources, STACK)];
    expect(writers).to.have.length(5);
    expect(refused.map((v) => v.resource)).to.have.members(writers.flatMap((urn) => [urn, urn]));
    for (const violation of refused) {
      expect(violation.enforcementLevel).to.equal("mandatory");
      expect(violation.message).to.match(
        /^(RunShellDocument\.RunAsEnabled|WriterFunction\.Environment\.Variables\.RUN_AS_ENABLED) is "false" \(break-glass: RunAs off everywhere\): refused unless the policy pack's config sets allowBreakGlass to true for ssm-runas-stackset-writer\.$/,
      );
    }
    // Nothing else in the stack is refused: break-glass changes the writer's switch and nothing more.
    expect(report.violations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal(refused);
  });

  it("with allowBreakGlass, refuses nothing and still reports each writer (advisory)", async () => {
    const report = await runPolicyPack(resources, { project: PROJECT, stack: "prod", config: ALLOW });
    expect(report.violations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal([]);
    const reported = byPolicy(report.violations, "ssm-runas-break-glass");
    expect(reported.map((v) => v.enforcementLevel)).to.deep.equal(Array(5).fill("advisory"));
    const stackSetUrn = urnsOf(resources, STACK_SET)[0];
    expect(reported.find((v) => v.resource === stackSetUrn)?.message).to.equal(
      'break-glass is on (RunShellDocument.RunAsEnabled, WriterFunction.Environment.Variables.RUN_AS_ENABLED "false"): ' +
        "RunAs goes off, and stays off, in every account and region this StackSet reaches; sessions start as " +
        "ssm-user. Set runAsEnabled: true to return.",
    );
    for (const urn of urnsOf(resources, STACK)) {
      expect(reported.find((v) => v.resource === urn)?.message).to.contain(
        "RunAs goes off, and stays off, in this stack's account and region;",
      );
    }
    expect(report.violations).to.deep.equal(reported);
  });

  it("an organisation that forbids break-glass outright makes the report mandatory", async () => {
    const report = await runPolicyPack(resources, {
      project: PROJECT,
      stack: "prod",
      config: { ...ALLOW, "ssm-runas-break-glass": "mandatory" },
    });
    expect(byPolicy(report.violations, "ssm-runas-break-glass").map((v) => v.enforcementLevel)).to.deep.equal(
      Array(5).fill("mandatory"),
    );
  });

  it("reports a stack instance that overrides RunAsEnabled to false", async () => {
    const instance = resources.find(
      (r) => r.type === "aws:cloudformation/stackSetInstance:StackSetInstance",
    )!;
    const overridden = {
      ...instance,
      inputs: { ...instance.inputs, parameterOverrides: { RunAsEnabled: "false" } },
    };
    expect((await validateResource(breakGlassReported, overridden)).messages).to.deep.equal([
      'break-glass is on (parameterOverrides.RunAsEnabled "false"): RunAs goes off, and stays off, in this ' +
        "stack instance's accounts and region; sessions start as ssm-user. Set runAsEnabled: true to return.",
    ]);
    expect((await validateResource(breakGlassReported, instance)).messages).to.deep.equal([]);
  });

  it("reads true and false as CloudFormation passes them, strings or booleans", () => {
    expect([isFalse("false"), isFalse(false), isFalse("False"), isFalse("")]).to.deep.equal([
      true,
      true,
      false,
      false,
    ]);
    expect(runAsEnabledProblem(true, false)).to.equal(undefined);
    expect(runAsEnabledProblem("true", false)).to.equal(undefined);
    expect(runAsEnabledProblem(false, true)).to.equal(undefined);
    expect(runAsEnabledProblem(undefined, true)).to.equal(
      'is undefined: it must be "true" (or "false" for break-glass)',
    );
  });
});

// runShellOwner lza: the program declares no StackSet, and the export's entries are what LZA deploys, each with
// its own parameters. Break-glass there is refused and reported per entry, as for the StackSet.
describe("break-glass with the writer LZA-owned (policy host)", () => {
  const LZA_ROLE = "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole";
  const LZA_PACK_CONFIG = {
    "ssm-runas-scp-exception-principals": { stackSetExecutionRoleArnPattern: LZA_ROLE },
    "ssm-runas-scp-stackset-role-exemptions": { stackSetExecutionRoleArnPattern: LZA_ROLE },
  };
  const ENTRIES = ["ssm-runas-sync-runshell", "ssm-runas-sync-runshell-dba"];
  const lzaProd = (runAsEnabled: boolean) =>
    programResourcesFor(
      {
        ...exampleRawConfig("prod"),
        runShellOwner: "lza",
        stackSetExecutionRoleArnPattern: LZA_ROLE,
        deploymentTargets: ["ou-x7k2-sb000001"],
        includeManagementAccount: false,
        organizationalUnitOverrides: { "ou-x7k2-da7a0001": "dba" },
        organizationalUnitPaths: { "ou-x7k2-sb000001": "Sandbox", "ou-x7k2-da7a0001": "Data" },
        runAsEnabled,
      },
      "prod",
    );
  const exportUrn = (resources: DeclaredResource[]) => urnsOf(resources, COMPONENT_TYPES.lzaRunShellExport);

  it("reports nothing while RunAs is on", async () => {
    const resources = await lzaProd(true);
    expect(exportUrn(resources)).to.have.length(1);
    expect(urnsOf(resources, STACK_SET)).to.deep.equal([]);
    const report = await runPolicyPack(resources, {
      project: PROJECT,
      stack: "prod",
      config: LZA_PACK_CONFIG,
    });
    expect(report.violations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal([]);
    expect(byPolicy(report.violations, "ssm-runas-break-glass")).to.deep.equal([]);
  });

  it("refuses runAsEnabled false in every entry by default, and reports every entry", async () => {
    const resources = await lzaProd(false);
    const [urn] = exportUrn(resources);
    const report = await runPolicyPack(resources, {
      project: PROJECT,
      stack: "prod",
      config: LZA_PACK_CONFIG,
    });
    const refused = byPolicy(report.violations, "ssm-runas-stackset-writer");
    expect(refused.map((v) => v.resource)).to.deep.equal(Array(4).fill(urn));
    expect(refused.map((v) => v.message.split(": ")[0])).to.deep.equal(
      ENTRIES.flatMap((name) => [`LZA entry ${name}`, `LZA entry ${name}`]),
    );
    const reported = byPolicy(report.violations, "ssm-runas-break-glass");
    expect(reported.map((v) => [v.resource, v.enforcementLevel, v.message])).to.deep.equal(
      ENTRIES.map((name) => [
        urn,
        "advisory",
        `LZA entry ${name}: break-glass is on (RunShellDocument.RunAsEnabled, ` +
          'WriterFunction.Environment.Variables.RUN_AS_ENABLED "false"): RunAs goes off, and stays off, in every ' +
          "account and region of this entry's OUs once LZA's pipeline deploys it; sessions start as ssm-user. " +
          "Set runAsEnabled: true to return.",
      ]),
    );
  });

  it("with allowBreakGlass, refuses nothing and still reports every entry", async () => {
    const report = await runPolicyPack(await lzaProd(false), {
      project: PROJECT,
      stack: "prod",
      config: { ...LZA_PACK_CONFIG, ...ALLOW },
    });
    expect(report.violations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal([]);
    expect(byPolicy(report.violations, "ssm-runas-break-glass")).to.have.length(ENTRIES.length);
  });

  it("reports only the entry whose parameters turn RunAs off", async () => {
    const resources = await lzaProd(true);
    const exported = resources.find((r) => r.type === COMPONENT_TYPES.lzaRunShellExport)!;
    const inputs = exported.inputs as unknown as LzaRunShellExportInputs;
    const second = inputs.cloudFormationStackSets[1];
    const offInSecond = {
      ...exported,
      inputs: {
        ...exported.inputs,
        cloudFormationStackSets: [
          inputs.cloudFormationStackSets[0],
          {
            ...second,
            parameters: second.parameters.map((p) =>
              p.name === "RunAsEnabled" ? { ...p, value: "false" } : p,
            ),
          },
        ],
      },
    } as unknown as DeclaredResource;
    expect((await validateResource(breakGlassReported, offInSecond)).messages).to.deep.equal([
      'LZA entry ssm-runas-sync-runshell-dba: break-glass is on (RunShellDocument.RunAsEnabled, WriterFunction.Environment.Variables.RUN_AS_ENABLED "false"): ' +
        "RunAs goes off, and stays off, in every account and region of this entry's OUs once LZA's pipeline " +
        "deploys it; sessions start as ssm-user. Set runAsEnabled: true to return.",
    ]);
  });
});

describe("break-glass and `synth` (the real CLI)", function () {
  this.timeout(60_000);
  let projectDir: string;

  before(() => {
    projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-breakglass-"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
    const prod = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8"));
    prod.config["ssm-runas-sync:runAsEnabled"] = false;
    fs.writeFileSync(path.join(projectDir, "Pulumi.glass.yaml"), stringify(prod));
  });

  after(() => fs.rmSync(projectDir, { recursive: true, force: true }));

  const synth = (...extra: string[]) =>
    runCli([
      "synth",
      "--stack",
      "glass",
      "--project-dir",
      projectDir,
      "--out",
      path.join(projectDir, "out"),
      ...extra,
    ]);

  it("exits 1 without the pack's allowBreakGlass, naming the policy and the setting", async () => {
    const run = await synth();
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^policy ssm-runas-stackset-writer \[mandatory\]: .*allowBreakGlass/m);
    expect(run.stderr).to.match(/^warning: policy ssm-runas-break-glass \(advisory\): break-glass is on/m);
  });

  it("exits 0 with it, still warning, and the LZA export carries RunAsEnabled false", async () => {
    const config = path.join(projectDir, "policy-config.json");
    fs.writeFileSync(config, JSON.stringify(ALLOW));
    const run = await synth("--policy-pack-config", config);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/^warning: policy ssm-runas-break-glass \(advisory\): break-glass is on/m);
    const report = JSON.parse(fs.readFileSync(path.join(projectDir, "out", "policy-report.json"), "utf8"));
    expect(report.violations.map((v: PolicyViolation) => v.policy)).to.deep.equal(
      Array(5).fill("ssm-runas-break-glass"),
    );
    const lza = fs.readFileSync(path.join(projectDir, "out", "lza", "customizations-config.yaml"), "utf8");
    expect(lza).to.match(/- name: RunAsEnabled\n\s+value: "false"/);
  });
});
