// The pack in each mode, run as synth and the engine run it (synth/policyHost.ts): over the StackSet and SCPs
// where Pulumi owns them, over the LZA export components where LZA does, with the same checks either way.
import { expect } from "chai";
import type { LzaGuardrailExportInputs, LzaRunShellExportInputs } from "../../policypack/rules/lza";
import { RUN_SHELL_DOCUMENT_RESOURCE_TYPE } from "../../policypack/rules/names";
import { COMPONENT_TYPES } from "../../policypack/rules/types";
import type { DeclaredResource } from "../../synth/mockRuntime";
import type { PolicyPackConfig } from "../../synth/policyConfig";
import { runPolicyPack, type PolicyViolation } from "../../synth/policyHost";
import { exampleRawConfig } from "../support/exampleStacks";
import { PROJECT, programResourcesFor, withInputs, type ScpStatement } from "../support/policyHarness";

const LZA_ROLE = "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole";
const LZA_OWNED = { runShellOwner: "lza", guardrailOwner: "lza", stackSetExecutionRoleArnPattern: LZA_ROLE };
const PATHS = { organizationalUnitPaths: { "ou-t3st-5m1qa8cd": "Sandbox" } };
/** The pack's own statement of the execution role, which must follow the stack config's (policypack/README.md). */
const LZA_PACK_CONFIG = {
  "ssm-runas-scp-exception-principals": { stackSetExecutionRoleArnPattern: LZA_ROLE },
  "ssm-runas-scp-stackset-role-exemptions": { stackSetExecutionRoleArnPattern: LZA_ROLE },
};

const lzaResources = (stack: string) =>
  programResourcesFor({ ...exampleRawConfig(stack), ...LZA_OWNED, ...PATHS }, stack);

async function violations(
  resources: DeclaredResource[],
  config: PolicyPackConfig = LZA_PACK_CONFIG,
): Promise<PolicyViolation[]> {
  return (await runPolicyPack(resources, { project: PROJECT, stack: "test", config })).violations;
}

const mandatory = (found: PolicyViolation[]) =>
  found.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy}: ${v.message}`);

const only = (resources: DeclaredResource[], type: string) => {
  const found = resources.filter((r) => r.type === type);
  expect(found, type).to.have.length(1);
  return found[0];
};

/** `resources` with the component of `type` changed by `change`. */
function changed<T>(
  resources: DeclaredResource[],
  type: string,
  change: (inputs: T) => void,
): DeclaredResource[] {
  const component = only(resources, type);
  const copy = withInputs(component, (inputs) => change(inputs as unknown as T));
  return resources.map((r) => (r === component ? copy : r));
}

function changeWriter(template: string, property: string, value: string): string {
  const parsed = JSON.parse(template) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  for (const resource of Object.values(parsed.Resources)) {
    if (resource.Type === RUN_SHELL_DOCUMENT_RESOURCE_TYPE) resource.Properties[property] = value;
  }
  return JSON.stringify(parsed);
}

function changePolicy(
  exported: LzaGuardrailExportInputs,
  name: string,
  change: (s: ScpStatement[]) => ScpStatement[],
) {
  const policy = exported.policies.find((p) => p.name === name);
  if (!policy) throw new Error(`no ${name}`);
  const document = JSON.parse(policy.content) as { Statement: ScpStatement[] };
  document.Statement = change(document.Statement);
  policy.content = JSON.stringify(document);
}

describe("policy pack, in each mode", () => {
  for (const stack of ["dev", "prod"]) {
    it(`passes the ${stack} stack Pulumi-owned (StackSet, SCPs) with no mandatory violation`, async () => {
      const resources = await programResourcesFor(exampleRawConfig(stack), stack);
      expect(mandatory(await violations(resources, {}))).to.deep.equal([]);
    });

    it(`passes the ${stack} stack LZA-owned (the two exports) with no mandatory violation`, async () => {
      const resources = await lzaResources(stack);
      expect(resources.map((r) => r.type)).to.include.members([
        COMPONENT_TYPES.lzaRunShellExport,
        COMPONENT_TYPES.lzaGuardrailExport,
      ]);
      expect(mandatory(await violations(resources))).to.deep.equal([]);
    });
  }

  it('checks the export\'s template: RunAsEnabled must be "true"', async () => {
    const resources = changed<LzaRunShellExportInputs>(
      await lzaResources("dev"),
      COMPONENT_TYPES.lzaRunShellExport,
      (e) => {
        e.templateBody = changeWriter(e.templateBody, "RunAsEnabled", "false");
      },
    );
    expect(mandatory(await violations(resources))).to.deep.equal([
      'ssm-runas-stackset-writer: LZA entry ssm-runas-sync-runshell: RunShellDocument.RunAsEnabled is "false" (break-glass: RunAs off everywhere): refused unless the policy pack\'s config sets allowBreakGlass to true for ssm-runas-stackset-writer.',
      'ssm-runas-stackset-writer: LZA entry ssm-runas-sync-runshell: RunAs is switched both ways (RunShellDocument.RunAsEnabled "false", WriterFunction.Environment.Variables.RUN_AS_ENABLED "true"): the writer would undo on every reconcile what a stack update applies.',
    ]);
  });

  it("checks every entry's fallback user, and that its name keeps the guardrail's protection", async () => {
    const resources = changed<LzaRunShellExportInputs>(
      await programResourcesFor(
        {
          ...exampleRawConfig("dev"),
          ...LZA_OWNED,
          organizationalUnitOverrides: { "ou-t3st-da7a0001": "dba" },
          organizationalUnitPaths: { "ou-t3st-5m1qa8cd": "Sandbox", "ou-t3st-da7a0001": "Data" },
        },
        "dev",
      ),
      COMPONENT_TYPES.lzaRunShellExport,
      (e) => {
        const entry = e.cloudFormationStackSets[1];
        entry.parameters = entry.parameters.map((p) =>
          p.name === "RunAsDefaultUser" ? { ...p, value: "root" } : p,
        );
        entry.name = "runas-dba";
      },
    );
    const found = mandatory(await violations(resources));
    expect(found).to.have.length(2);
    expect(found[0]).to.match(
      /^ssm-runas-stackset-writer: LZA entry runas-dba: the name is neither ssm-runas-sync-runshell nor ssm-runas-sync-runshell-<suffix>/,
    );
    expect(found[1]).to.match(
      /^ssm-runas-stackset-writer: LZA entry runas-dba: RunShellDocument.RunAsDefaultUser: "root": root is refused/,
    );
  });

  // A StackSet's stacks are StackSet-<name>-<id>: only the base name, or the base and "-", keeps them under the
  // guardrail's StackSet-ssm-runas-sync-runshell-*.
  for (const [name, protectedName] of [
    ["ssm-runas-sync-runshell", true],
    ["ssm-runas-sync-runshell-dba", true],
    ["ssm-runas-sync-runshellX", false],
    ["ssm-runas-sync-runshell_dba", false],
    ["x-ssm-runas-sync-runshell", false],
  ] as const) {
    it(`${protectedName ? "accepts" : "refuses"} the entry name ${name}`, async () => {
      const resources = changed<LzaRunShellExportInputs>(
        await lzaResources("dev"),
        COMPONENT_TYPES.lzaRunShellExport,
        (e) => {
          e.cloudFormationStackSets[0].name = name;
        },
      );
      const refusals = mandatory(await violations(resources));
      expect(refusals).to.deep.equal(
        protectedName
          ? []
          : [
              `ssm-runas-stackset-writer: LZA entry ${name}: the name is neither ssm-runas-sync-runshell nor ` +
                "ssm-runas-sync-runshell-<suffix>: the guardrail protects only the stacks " +
                "StackSet-ssm-runas-sync-runshell-*, so an account admin could change this one's writer.",
            ],
      );
    });
  }

  it("holds the export's policies to the SCP checks: a resource check and a stack check", async () => {
    const resources = changed<LzaGuardrailExportInputs>(
      await lzaResources("prod"),
      COMPONENT_TYPES.lzaGuardrailExport,
      (e) => {
        changePolicy(e, "ssm-runas-sync-runshell-guardrail", (s) =>
          s.filter((x) => x.Sid !== "RunShellDocument"),
        );
        changePolicy(e, "ssm-runas-sync-session-guardrail", (s) => s.filter((x) => x.Sid !== "RunAsTag"));
      },
    );
    const found = mandatory(await violations(resources));
    expect(
      found.some((m) =>
        m.startsWith(
          "ssm-runas-scp-denies-document-writes: LZA export ssm-runas-sync-runshell-guardrail: No Deny statement covers",
        ),
      ),
    ).to.equal(true);
    expect(found.some((m) => m.startsWith("ssm-runas-scp-run-as-tag: No Deny of iam:TagRole"))).to.equal(
      true,
    );
  });

  it("sizes the export's policies as it sizes SCPs", async () => {
    const found = await violations(await lzaResources("prod"), {
      ...LZA_PACK_CONFIG,
      "ssm-runas-scp-size": { maxCharacters: 100 },
    });
    expect(
      found.filter((v) => v.policy === "ssm-runas-scp-size").map((v) => v.message.split(":")[0]),
    ).to.deep.equal([
      "LZA export ssm-runas-sync-runshell-guardrail",
      "LZA export ssm-runas-sync-session-guardrail",
    ]);
  });

  it("takes the export in place of the StackSet and the SCPs, but not one without targets, and not both", async () => {
    const resources = await lzaResources("dev");
    const untargeted = changed<LzaGuardrailExportInputs>(
      resources,
      COMPONENT_TYPES.lzaGuardrailExport,
      (e) => {
        for (const entry of e.serviceControlPolicies) entry.deploymentTargets.organizationalUnits = [];
      },
    );
    expect(
      mandatory(await violations(untargeted)).filter((m) => m.startsWith("ssm-runas-stack-complete")),
    ).to.deep.equal([
      "ssm-runas-stack-complete: The stack is missing an attachment of the RunShell guardrail SCP (an organizations " +
        "PolicyAttachment, or a target in its LZA export entry), an attachment of the session guardrail SCP (an " +
        "organizations PolicyAttachment, or a target in its LZA export entry).",
    ]);
    const withoutExport = resources.filter((r) => r.type !== COMPONENT_TYPES.lzaRunShellExport);
    expect(mandatory(await violations(withoutExport))).to.deep.equal([
      "ssm-runas-stack-complete: The stack is missing the RunShell StackSet (ssm-runas-sync-runshell) or its LZA export.",
    ]);
    const pulumiOwned = await programResourcesFor(
      { ...exampleRawConfig("dev"), stackSetExecutionRoleArnPattern: LZA_ROLE },
      "dev",
    );
    const both = [
      ...resources,
      ...pulumiOwned.filter(
        (r) => r.type.startsWith("aws:cloudformation/stackSet") || r.type.startsWith("aws:organizations/"),
      ),
    ];
    const found = mandatory(await violations(both)).filter((m) => m.startsWith("ssm-runas-stack-complete"));
    expect(found).to.have.length(2);
    expect(found[0]).to.match(/declares the RunShell StackSet and its LZA export/);
    expect(found[1]).to.match(/declares the guardrail SCPs and their LZA export/);
  });
});
