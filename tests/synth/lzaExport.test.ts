// The LZA export: LZA's customizations-config.yaml entry for the StackSet, in the names of LZA's own schema
// (landing-zone-accelerator-on-aws, config/lib/schemas/customizations-config.json: ICloudFormationStackSet,
// ICfnParameter, IDeploymentTargets; common types: IOperationPreferences).
import { expect } from "chai";
import { parse } from "yaml";
import { RUNSHELL_STACKSET_NAME } from "../../policypack/rules/names";
import {
  LZA_CUSTOMIZATIONS_FILE,
  LZA_TEMPLATE_FILE,
  LZA_TEMPLATE_PATH,
  renderLzaExport,
} from "../../synth/lzaExport";
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
      { name: "RunAsDefaultUser", value: "ssm-fallback" },
      { name: "OnDelete", value: "restore" },
    ]);
    expect(Object.keys(template.Parameters)).to.have.members(["RunAsDefaultUser", "OnDelete"]);
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
