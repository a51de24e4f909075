// The lza/ files: LZA's customizations-config.yaml entries for the writer and organization-config.yaml entries for
// the SCPs, in the names of LZA's own config types (checked against JSON Schemas derived from them,
// tests/support/lzaConfigSchema.ts), targeting the stack's OUs by LZA's name paths. Whoever owns a piece, the
// files are the same: the LZA-mode components' inputs and the Pulumi resources go through one builder.
import Ajv from "ajv";
import { expect } from "chai";
import { parse } from "yaml";
import { LZA_TEMPLATE_PATH } from "../../policypack/rules/lza";
import {
  RUNSHELL_GUARDRAIL_POLICY_NAME,
  RUNSHELL_STACKSET_NAME,
  SESSION_GUARDRAIL_POLICY_NAME,
} from "../../policypack/rules/names";
import {
  LZA_CUSTOMIZATIONS_FILE,
  LZA_ORGANIZATION_FILE,
  LZA_TEMPLATE_FILE,
  renderLzaExport,
} from "../../synth/lzaExport";
import { renderRunShellTemplate, renderScps } from "../../synth/render";
import { CUSTOMIZATIONS_FRAGMENT_SCHEMA, ORGANIZATION_FRAGMENT_SCHEMA } from "../support/lzaConfigSchema";
import { prodConfigWith, runStack } from "../support/runShell";

const PATHS = {
  "ou-x7k2-wk000001": "Workloads",
  "ou-x7k2-pr000001": "Workloads/Prod",
  "ou-x7k2-sb000001": "Sandbox",
  "ou-x7k2-da000001": "Data",
};

/** Prod with OU targets, a per-OU user and the OU paths given. */
const STAGED = {
  deploymentTargets: ["ou-x7k2-wk000001", "ou-x7k2-sb000001"],
  organizationalUnitOverrides: { "ou-x7k2-da000001": "dba" },
  includeManagementAccount: false,
  scpTargets: ["ou-x7k2-wk000001", "ou-x7k2-sb000001", "ou-x7k2-da000001"],
  organizationalUnitPaths: PATHS,
};

const LZA_OWNED = {
  runShellOwner: "lza",
  guardrailOwner: "lza",
  stackSetExecutionRoleArnPattern: "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole",
};

const ajv = new Ajv({ allErrors: true });
const validCustomizations = ajv.compile(CUSTOMIZATIONS_FRAGMENT_SCHEMA);
const validOrganization = ajv.compile(ORGANIZATION_FRAGMENT_SCHEMA);

async function lza(changes: Record<string, unknown> = {}) {
  const { resources } = await runStack(prodConfigWith(changes));
  const paths = (changes.organizationalUnitPaths ?? {}) as Record<string, string>;
  const files = renderLzaExport(resources, paths);
  const file = (name: string) => {
    const found = files.find((f) => f.file === name);
    if (!found) throw new Error(`no ${name}`);
    return found.content;
  };
  const customizations = parse(file(LZA_CUSTOMIZATIONS_FILE));
  const organization = parse(file(LZA_ORGANIZATION_FILE));
  return {
    resources,
    files,
    file,
    customizations,
    organization,
    stackSets: customizations.customizations.cloudFormationStackSets as Record<string, unknown>[],
    scps: organization.serviceControlPolicies as Record<string, unknown>[],
  };
}

describe("LZA export", () => {
  it("is the same, byte for byte, whether Pulumi or LZA owns the writer and the SCPs", async () => {
    const role = { stackSetExecutionRoleArnPattern: LZA_OWNED.stackSetExecutionRoleArnPattern };
    const pulumiOwned = await lza({ ...STAGED, ...role });
    const lzaOwned = await lza({ ...STAGED, ...LZA_OWNED });
    const types = lzaOwned.resources.map((r) => r.type);
    expect(types).not.to.include.members([
      "aws:cloudformation/stackSet:StackSet",
      "aws:organizations/policy:Policy",
    ]);
    expect(lzaOwned.files.map((f) => f.file)).to.deep.equal(pulumiOwned.files.map((f) => f.file));
    lzaOwned.files.forEach((f, i) =>
      expect(f.content === pulumiOwned.files[i].content, f.file).to.equal(true),
    );
    expect(renderScps(lzaOwned.resources)).to.deep.equal(renderScps(pulumiOwned.resources));
    expect(renderRunShellTemplate(lzaOwned.resources)).to.deep.equal(
      renderRunShellTemplate(pulumiOwned.resources),
    );
  });

  for (const [mode, changes] of [
    ["Pulumi-owned", STAGED],
    ["LZA-owned", { ...STAGED, ...LZA_OWNED }],
    ["Pulumi-owned, root target", {}],
  ] as const) {
    it(`is what LZA's config schema accepts (${mode})`, async () => {
      const { customizations, organization } = await lza(changes);
      expect(validCustomizations(customizations), JSON.stringify(validCustomizations.errors)).to.equal(true);
      expect(validOrganization(organization), JSON.stringify(validOrganization.errors)).to.equal(true);
    });
  }

  it("fails the schema with a misspelt key or a missing required one (so a pass means something)", async () => {
    const { customizations, organization } = await lza();
    const entry = customizations.customizations.cloudFormationStackSets[0];
    const misspelt = { customizations: { cloudFormationStackSets: [{ ...entry, deploymentTarget: {} }] } };
    expect(validCustomizations(misspelt)).to.equal(false);
    const { template: _template, ...withoutTemplate } = entry;
    expect(validCustomizations({ customizations: { cloudFormationStackSets: [withoutTemplate] } })).to.equal(
      false,
    );
    const scp = { ...organization.serviceControlPolicies[0], type: "custom" };
    expect(validOrganization({ serviceControlPolicies: [scp] })).to.equal(false);
  });

  it("targets LZA's Root for the root, in the stack's regions, with the named-IAM capability", async () => {
    const { stackSets, scps } = await lza();
    expect(stackSets).to.have.length(1);
    expect(stackSets[0]).to.deep.include({
      name: RUNSHELL_STACKSET_NAME,
      template: LZA_TEMPLATE_PATH,
      capabilities: ["CAPABILITY_NAMED_IAM"],
      deploymentTargets: { organizationalUnits: ["Root"] },
      regions: ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2"],
    });
    for (const scp of scps) expect(scp.deploymentTargets).to.deep.equal({ organizationalUnits: ["Root"] });
    expect(LZA_TEMPLATE_PATH.split("/").pop()).to.equal(LZA_TEMPLATE_FILE.split("/").pop());
  });

  it("targets exactly the stack's OUs by path, a StackSet target with its nested OUs, one entry per fallback user", async () => {
    const { stackSets, scps } = await lza(STAGED);
    expect(stackSets.map((e) => [e.name, e.deploymentTargets, e.parameters])).to.deep.equal([
      [
        RUNSHELL_STACKSET_NAME,
        { organizationalUnits: ["Workloads", "Workloads/Prod", "Sandbox"] },
        [
          { name: "OnDelete", value: "retain" },
          { name: "RunAsDefaultUser", value: "ssm-fallback" },
          { name: "RunAsEnabled", value: "true" },
        ],
      ],
      [
        `${RUNSHELL_STACKSET_NAME}-dba`,
        { organizationalUnits: ["Data"] },
        [
          { name: "OnDelete", value: "retain" },
          { name: "RunAsDefaultUser", value: "dba" },
          { name: "RunAsEnabled", value: "true" },
        ],
      ],
    ]);
    for (const scp of scps) {
      expect(scp.deploymentTargets).to.deep.equal({ organizationalUnits: ["Workloads", "Sandbox", "Data"] });
    }
  });

  it("keeps an OU id it has no path for (Pulumi-owned), and says to replace it", async () => {
    const { stackSets, file } = await lza({ ...STAGED, organizationalUnitPaths: {} });
    expect(stackSets[0].deploymentTargets).to.deep.equal({
      organizationalUnits: ["ou-x7k2-wk000001", "ou-x7k2-sb000001"],
    });
    for (const name of [LZA_CUSTOMIZATIONS_FILE, LZA_ORGANIZATION_FILE]) {
      expect(file(name)).to.contain(
        "# LZA names OUs by path (e.g. Workloads/Prod): replace ou-x7k2-wk000001, ou-x7k2-sb000001",
      );
    }
    expect((await lza(STAGED)).file(LZA_CUSTOMIZATIONS_FILE)).not.to.contain("replace");
  });

  it("carries the operation preferences LZA knows, without the concurrencyMode it does not", async () => {
    const { stackSets } = await lza({
      stackSetOperationPreferences: { maxConcurrentPercentage: 25, failureTolerancePercentage: 2 },
    });
    expect(stackSets[0].operationPreferences).to.deep.equal({
      failureTolerancePercentage: 2,
      maxConcurrentPercentage: 25,
      regionConcurrencyType: "PARALLEL",
    });
  });

  it("says how to use it: where the template goes, and which execution role the SCP must name", async () => {
    const { file } = await lza();
    const text = file(LZA_CUSTOMIZATIONS_FILE);
    expect(text).to.match(/^# .*customizations\.cloudFormationStackSets/);
    expect(text).to.contain(`to ${LZA_TEMPLATE_PATH} in the LZA config repository`);
    expect(text).to.contain(
      "set stackSetExecutionRoleArnPattern to e.g. arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole",
    );
    expect(text, "no YAML anchors or aliases").not.to.match(/[&*]a\d/);
  });

  it("writes the template as YAML, the same document as the JSON template", async () => {
    const { file, resources } = await lza();
    expect(parse(file(LZA_TEMPLATE_FILE))).to.deep.equal(
      JSON.parse(renderRunShellTemplate(resources).content),
    );
  });

  it("writes each SCP under service-control-policies/ exactly as scp/ (minified), one customer-managed entry each", async () => {
    const { files, scps, resources } = await lza();
    const rendered = renderScps(resources);
    expect(rendered.map((s) => s.file)).to.deep.equal([
      `scp/${RUNSHELL_GUARDRAIL_POLICY_NAME}.json`,
      `scp/${SESSION_GUARDRAIL_POLICY_NAME}.json`,
    ]);
    for (const scp of rendered) {
      const lzaFile = `lza/service-control-policies/${scp.file.slice("scp/".length)}`;
      expect(files.find((f) => f.file === lzaFile)?.content, lzaFile).to.equal(scp.content);
    }
    expect(scps.map((e) => [e.name, e.policy, e.type])).to.deep.equal(
      [RUNSHELL_GUARDRAIL_POLICY_NAME, SESSION_GUARDRAIL_POLICY_NAME].map((name) => [
        name,
        `service-control-policies/${name}.json`,
        "customerManaged",
      ]),
    );
  });
});
