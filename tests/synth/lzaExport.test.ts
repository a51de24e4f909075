// The LZA export: LZA's customizations-config.yaml entry for the StackSet, in the names of LZA's own schema
// (landing-zone-accelerator-on-aws, config/lib/schemas/customizations-config.json: ICloudFormationStackSet,
// ICfnParameter, IDeploymentTargets; common types: IOperationPreferences), and the SCPs for its
// organization-config.yaml (config/lib/models/organization-config.ts: IServiceControlPolicyConfig).
import { expect } from "chai";
import { parse } from "yaml";
import { RUNSHELL_STACKSET_NAME } from "../../policypack/rules/names";
import { RUNSHELL_GUARDRAIL_POLICY_NAME, SESSION_GUARDRAIL_POLICY_NAME } from "../../policypack/rules/names";
import {
  LZA_CUSTOMIZATIONS_FILE,
  LZA_ORGANIZATION_FILE,
  LZA_TEMPLATE_FILE,
  LZA_TEMPLATE_PATH,
  renderLzaExport,
  renderLzaScps,
} from "../../synth/lzaExport";
import { renderScps } from "../../synth/render";
import { prodConfigWith, runStack } from "../support/runShell";

const LZA_STACKSET_PROPERTIES = [
  "administrationRoleArn",
  "capabilities",
  "dependsOn",
  "deploymentTargets",
  "description",
  "executionRoleName",
  "name",
  "operationPreferences",
  "parameters",
  "regions",
  "template",
];
// IServiceControlPolicyConfig: every property, and the required ones (`strategy` is optional, deny-list by default).
const LZA_SCP_PROPERTIES = ["deploymentTargets", "description", "name", "policy", "strategy", "type"];
const LZA_SCP_REQUIRED = ["deploymentTargets", "description", "name", "policy", "type"];
const LZA_STACKSET_REQUIRED = ["deploymentTargets", "name", "regions", "template"];
const LZA_OPERATION_PREFERENCES = [
  "failureToleranceCount",
  "failureTolerancePercentage",
  "maxConcurrentCount",
  "maxConcurrentPercentage",
  "regionConcurrencyType",
  "regionOrder",
];

async function lzaExport(changes: Record<string, unknown> = {}) {
  const files = renderLzaExport((await runStack(prodConfigWith(changes))).resources);
  const file = (name: string) => files.find((f) => f.file === name)!.content;
  const customizations = file(LZA_CUSTOMIZATIONS_FILE);
  const entries = parse(customizations).customizations.cloudFormationStackSets as Record<string, unknown>[];
  return { customizations, entries, template: parse(file(LZA_TEMPLATE_FILE)) };
}

describe("RunShell StackSet LZA export", () => {
  it("is one cloudFormationStackSets entry with LZA's property names and its required ones", async () => {
    const { entries } = await lzaExport();
    expect(entries).to.have.length(1);
    const keys = Object.keys(entries[0]);
    for (const key of keys) expect(LZA_STACKSET_PROPERTIES, key).to.include(key);
    expect(keys).to.include.members(LZA_STACKSET_REQUIRED);
  });

  it("targets the whole organisation (Root) in the stack's regions, with the named-IAM capability", async () => {
    const { entries } = await lzaExport();
    expect(entries[0]).to.deep.include({
      name: RUNSHELL_STACKSET_NAME,
      template: LZA_TEMPLATE_PATH,
      capabilities: ["CAPABILITY_NAMED_IAM"],
      deploymentTargets: { organizationalUnits: ["Root"] },
      regions: ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2"],
    });
    expect(LZA_TEMPLATE_PATH.split("/").pop()).to.equal(LZA_TEMPLATE_FILE.split("/").pop());
  });

  it("passes every template parameter as {name, value}", async () => {
    const { entries, template } = await lzaExport({ onDelete: "restore" });
    expect(entries[0].parameters).to.have.deep.members([
      { name: "RunAsEnabled", value: "true" },
      { name: "RunAsDefaultUser", value: "ssm-fallback" },
      { name: "OnDelete", value: "restore" },
    ]);
    expect(Object.keys(template.Parameters)).to.have.members([
      "RunAsEnabled",
      "RunAsDefaultUser",
      "OnDelete",
    ]);
  });

  it("carries the operation preferences LZA knows, without the concurrencyMode it does not", async () => {
    const { entries } = await lzaExport({
      stackSetOperationPreferences: { maxConcurrentPercentage: 25, failureTolerancePercentage: 2 },
    });
    const preferences = entries[0].operationPreferences as Record<string, unknown>;
    for (const key of Object.keys(preferences)) expect(LZA_OPERATION_PREFERENCES, key).to.include(key);
    expect(preferences).to.deep.equal({
      failureTolerancePercentage: 2,
      maxConcurrentPercentage: 25,
      regionConcurrencyType: "PARALLEL",
    });
  });

  it("says how to use it, and which per-OU defaults it cannot carry", async () => {
    const plain = await lzaExport({ deploymentTargets: ["ou-x7k2-wk000001"] });
    expect(plain.customizations).to.match(/^# .*customizations\.cloudFormationStackSets/);
    expect(plain.customizations).to.contain(`to ${LZA_TEMPLATE_PATH} in the LZA config repository`);
    expect(plain.customizations).not.to.contain("Not exported");
    // Without it, the SCP would refuse LZA's execution role every write on the writer.
    expect(plain.customizations).to.contain(
      "set stackSetExecutionRoleArnPattern to e.g. arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole",
    );
    const withOverride = await lzaExport({
      deploymentTargets: ["ou-x7k2-wk000001"],
      organizationalUnitOverrides: { "ou-x7k2-da000001": "dba" },
    });
    expect(withOverride.customizations).to.match(/# Not exported/);
    expect(withOverride.customizations).to.match(/#\s+ou-x7k2-da000001 -> \{"RunAsDefaultUser":"dba"\}\n/);
    expect(withOverride.customizations.match(/ou-x7k2-da000001/g)).to.have.length(1);
  });
});

async function lzaScps(changes: Record<string, unknown> = {}) {
  const { resources } = await runStack(prodConfigWith(changes));
  const files = renderLzaScps(resources);
  const organization = files.find((f) => f.file === LZA_ORGANIZATION_FILE)!.content;
  return {
    files,
    scps: renderScps(resources),
    organization,
    entries: parse(organization).serviceControlPolicies as Record<string, unknown>[],
  };
}

describe("SCP LZA export", () => {
  it("writes each SCP under service-control-policies/: the scp/ content exactly (minified)", async () => {
    const { files, scps } = await lzaScps();
    expect(scps.map((s) => s.file)).to.deep.equal([
      `scp/${RUNSHELL_GUARDRAIL_POLICY_NAME}.json`,
      `scp/${SESSION_GUARDRAIL_POLICY_NAME}.json`,
    ]);
    for (const scp of scps) {
      const lzaFile = `lza/service-control-policies/${scp.file.slice("scp/".length)}`;
      const lza = files.find((f) => f.file === lzaFile);
      expect(lza, lzaFile).to.not.equal(undefined);
      expect(lza!.content).to.equal(scp.content);
      expect(JSON.parse(lza!.content)).to.deep.equal(JSON.parse(scp.content));
    }
  });

  it("is one serviceControlPolicies entry per SCP in LZA's names, customer-managed, pointing at its file", async () => {
    const { entries, scps } = await lzaScps();
    expect(entries).to.have.length(scps.length);
    for (const entry of entries) {
      const keys = Object.keys(entry);
      for (const key of keys) expect(LZA_SCP_PROPERTIES, key).to.include(key);
      expect(keys).to.include.members(LZA_SCP_REQUIRED);
      expect(entry.type).to.equal("customerManaged");
      expect(entry.policy).to.equal(`service-control-policies/${String(entry.name)}.json`);
      expect(entry.description).to.be.a("string").with.length.within(1, 512);
    }
    expect(entries.map((e) => e.name)).to.deep.equal([
      RUNSHELL_GUARDRAIL_POLICY_NAME,
      SESSION_GUARDRAIL_POLICY_NAME,
    ]);
  });

  it("targets Root for the organisation's root, without YAML aliases", async () => {
    const { entries, organization } = await lzaScps({ scpTargets: ["r-x7k2"] });
    for (const entry of entries)
      expect(entry.deploymentTargets).to.deep.equal({ organizationalUnits: ["Root"] });
    expect(organization).not.to.match(/[&*]a\d/);
    expect(organization).not.to.contain("replace the OU ids");
  });

  it("keeps OU ids as given, with the comment to replace them by LZA's OU names", async () => {
    const ous = ["ou-x7k2-9d3hq5ab", "ou-x7k2-wk000001"];
    const { entries, organization } = await lzaScps({ scpTargets: ous });
    for (const entry of entries) expect(entry.deploymentTargets).to.deep.equal({ organizationalUnits: ous });
    expect(organization).to.match(/^# .*serviceControlPolicies/);
    expect(organization).to.contain(
      "# LZA names OUs by path (e.g. Workloads/Prod): replace the OU ids below with those names.",
    );
  });
});
