// The writer's LZA export component on Pulumi's mock runtime: it declares nothing below it, and the engine records
// as its inputs (and outputs) the entries and template the StackSet component would deploy for the same arguments.
import { expect } from "chai";
import { lzaRunShellExportInputs } from "../../../components/lza/lzaConfig";
import { LzaRunShellExport } from "../../../components/lza/lzaRunShellExport";
import { RunShellStackSet, runShellDeployment } from "../../../components/runShell/runShellStackSet";
import { COMPONENT_TYPES, TYPES } from "../../../policypack/rules/types";
import { runOnMocks } from "../../../synth/mockRuntime";

const ARGS = {
  defaultUser: "ssm-fallback",
  deploymentTargets: ["ou-x7k2-wk000001"],
  organizationalUnitOverrides: { "ou-x7k2-da000001": "dba" },
  regions: ["eu-west-1", "us-east-1"],
};
const PATHS = { "ou-x7k2-wk000001": "Workloads", "ou-x7k2-da000001": "Data" };

describe("LzaRunShellExport", () => {
  it("records the LZA entries and the template as its inputs, and declares no resource", async () => {
    const { resources } = await runOnMocks(
      () => {
        new LzaRunShellExport("runshell-lza", { ...ARGS, organizationalUnitPaths: PATHS });
        return {};
      },
      { stack: "test", config: {} },
    );
    expect(resources.map((r) => r.type)).to.deep.equal([COMPONENT_TYPES.lzaRunShellExport]);
    expect(resources[0].inputs).to.deep.equal(
      JSON.parse(JSON.stringify(lzaRunShellExportInputs(runShellDeployment("x", ARGS), PATHS))),
    );
    const names = (resources[0].inputs.cloudFormationStackSets as { name: string }[]).map((e) => e.name);
    expect(names).to.deep.equal(["ssm-runas-sync-runshell", "ssm-runas-sync-runshell-dba"]);
  });

  it("carries the very template and parameters the StackSet component deploys", async () => {
    const run = (declare: () => void) =>
      runOnMocks(
        () => {
          declare();
          return {};
        },
        { stack: "test", config: {} },
      );
    const exported = (
      await run(() => new LzaRunShellExport("e", { ...ARGS, organizationalUnitPaths: PATHS }))
    ).resources[0].inputs;
    const stackSet = (await run(() => new RunShellStackSet("s", ARGS))).resources.find(
      (r) => r.type === TYPES.stackSet,
    );
    expect(exported.templateBody).to.equal(stackSet?.inputs.templateBody);
    const [entry] = exported.cloudFormationStackSets as { parameters: { name: string; value: string }[] }[];
    expect(Object.fromEntries(entry.parameters.map((p) => [p.name, p.value]))).to.deep.equal(
      stackSet?.inputs.parameters,
    );
  });
});
