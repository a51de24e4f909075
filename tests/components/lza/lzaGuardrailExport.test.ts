// The SCPs' LZA export component on Pulumi's mock runtime: it declares no policy, and the engine records as its
// inputs the entries and the policy files, the very contents the guardrail component deploys.
import { expect } from "chai";
import { LzaGuardrailExport } from "../../../components/lza/lzaGuardrailExport";
import { RunShellGuardrail } from "../../../components/guardrail/runShellGuardrail";
import type { LzaGuardrailExportInputs } from "../../../policypack/rules/lza";
import { COMPONENT_TYPES, TYPES } from "../../../policypack/rules/types";
import { runOnMocks } from "../../../synth/mockRuntime";
import { parseStackConfig } from "../../../config/schema";
import { guardrailArgsOf } from "../../../program";
import { exampleRawConfig } from "../../support/exampleStacks";

describe("LzaGuardrailExport", () => {
  it("records the entries and policy files as its inputs: the guardrail's contents, on the targets by name", async () => {
    const parsed = parseStackConfig(exampleRawConfig("prod"));
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const args = { ...guardrailArgsOf(parsed.config), targets: ["r-x7k2", "ou-x7k2-wk000001"] };
    const run = (declare: () => void) =>
      runOnMocks(
        () => {
          declare();
          return {};
        },
        { stack: "test", config: {} },
      );
    const { resources } = await run(
      () =>
        new LzaGuardrailExport("g", {
          ...args,
          organizationalUnitPaths: { "ou-x7k2-wk000001": "Workloads" },
        }),
    );
    expect(resources.map((r) => r.type)).to.deep.equal([COMPONENT_TYPES.lzaGuardrailExport]);
    const exported = resources[0].inputs as unknown as LzaGuardrailExportInputs;
    const policies = (await run(() => new RunShellGuardrail("p", args))).resources.filter(
      (r) => r.type === TYPES.organizationsPolicy,
    );
    expect(exported.policies).to.deep.equal(
      policies.map((p) => ({ name: p.inputs.name, content: p.inputs.content })),
    );
    for (const entry of exported.serviceControlPolicies) {
      expect(entry.deploymentTargets.organizationalUnits).to.deep.equal(["Root", "Workloads"]);
    }
  });
});
