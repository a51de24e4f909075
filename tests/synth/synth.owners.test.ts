// synth in each mode, for dev and prod: where LZA owns a piece, the program declares no StackSet (resp. no SCP and
// no attachment), and lza/ holds the export LZA deploys instead, aimed at exactly the stack's OUs by their LZA names
// and accepted by LZA's config schema (as derived in tests/support/lzaConfigSchema.ts). The policy pack passes it.
import Ajv from "ajv";
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import runStack from "../../index";
import { runOnMocks } from "../../synth/mockRuntime";
import { readStackConfig } from "../../synth/stackFiles";
import { offlineInvokes, synth } from "../../synth/synth";
import { REPO_ROOT } from "../support/cli";
import { CUSTOMIZATIONS_FRAGMENT_SCHEMA, ORGANIZATION_FRAGMENT_SCHEMA } from "../support/lzaConfigSchema";

const STACKSET = "aws:cloudformation/stackSet:StackSet";
const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";
const POLICY = "aws:organizations/policy:Policy";
const ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment";
const LZA_ROLE = "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole";

/** dev's one OU, by the LZA name the test organisation gives it. */
const DEV_OU = "ou-t3st-5m1qa8cd";
const DEV_PATHS = { [DEV_OU]: "Sandbox" };

const LZA_OWNED = { runShellOwner: "lza", guardrailOwner: "lza", stackSetExecutionRoleArnPattern: LZA_ROLE };
const MODES: Record<string, Record<string, string>> = {
  "all Pulumi-owned": {},
  "all LZA-owned": LZA_OWNED,
  "writer LZA-owned": { runShellOwner: "lza", stackSetExecutionRoleArnPattern: LZA_ROLE },
  "SCPs LZA-owned": { guardrailOwner: "lza" },
};

/** What the policy pack must be told once the SCP names LZA's execution role (policypack/README.md). */
const LZA_PACK_CONFIG = {
  "ssm-runas-scp-exception-principals": { stackSetExecutionRoleArnPattern: LZA_ROLE },
  "ssm-runas-scp-stackset-role-exemptions": { stackSetExecutionRoleArnPattern: LZA_ROLE },
};

/** A project folder with the real Pulumi.yaml and a copy of `stack` with `values` set. */
function project(stack: string, values: Record<string, unknown>): { dir: string; packConfig?: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-owners-"));
  fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const file = parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  for (const [key, value] of Object.entries(values)) file.config[`ssm-runas-sync:${key}`] = value;
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify(file));
  if (values.stackSetExecutionRoleArnPattern !== LZA_ROLE) return { dir };
  const packConfig = path.join(dir, "policy-config.json");
  fs.writeFileSync(packConfig, JSON.stringify(LZA_PACK_CONFIG));
  return { dir, packConfig };
}

const ajv = new Ajv({ allErrors: true });
const validCustomizations = ajv.compile(CUSTOMIZATIONS_FRAGMENT_SCHEMA);
const validOrganization = ajv.compile(ORGANIZATION_FRAGMENT_SCHEMA);

async function synthesize(stack: string, values: Record<string, unknown>) {
  const { dir, packConfig } = project(stack, values);
  const out = path.join(dir, "out");
  const result = await synth({ stack, projectDir: dir, out, policyPackConfig: packConfig });
  // The same program run synth makes, offline, for the resource list synth does not return.
  const { resources } = await runOnMocks(runStack, {
    stack,
    config: readStackConfig(dir, stack),
    invokes: offlineInvokes({}),
  });
  const read = (file: string) => parse(fs.readFileSync(path.join(out, file), "utf8"));
  return { result, out, types: resources.map((r) => r.type), read };
}

const count = (types: string[], type: string) => types.filter((t) => t === type).length;

describe("synth: who owns the writer and the SCPs", () => {
  for (const stack of ["dev", "prod"]) {
    for (const [mode, owners] of Object.entries(MODES)) {
      it(`${stack}, ${mode}: no resource for what LZA owns; schema-valid lza/ on the stack's targets`, async () => {
        const values = { ...owners, ...(stack === "dev" ? { organizationalUnitPaths: DEV_PATHS } : {}) };
        const { result, types, read } = await synthesize(stack, values);
        expect(result.ok, result.errors.join("\n")).to.equal(true);
        const lzaWriter = "runShellOwner" in owners;
        const lzaScps = "guardrailOwner" in owners;
        expect(count(types, STACKSET), "StackSets").to.equal(lzaWriter ? 0 : 1);
        expect(count(types, INSTANCE) > 0, "stack instances").to.equal(!lzaWriter);
        expect(count(types, POLICY), "SCPs").to.equal(lzaScps ? 0 : 2);
        expect(count(types, ATTACHMENT) > 0, "attachments").to.equal(!lzaScps);

        const target = stack === "dev" ? "Sandbox" : "Root";
        const customizations = read("lza/customizations-config.yaml");
        expect(validCustomizations(customizations), JSON.stringify(validCustomizations.errors)).to.equal(
          true,
        );
        const entries = customizations.customizations.cloudFormationStackSets;
        expect(entries.map((e: { deploymentTargets: unknown }) => e.deploymentTargets)).to.deep.equal([
          { organizationalUnits: [target] },
        ]);
        const organization = read("lza/organization-config.yaml");
        expect(validOrganization(organization), JSON.stringify(validOrganization.errors)).to.equal(true);
        for (const entry of organization.serviceControlPolicies) {
          expect(entry.deploymentTargets).to.deep.equal({ organizationalUnits: [target] });
        }
      });
    }
  }

  it("an LZA-mode dev stack: zero StackSet resources, its lza/ export targets exactly the stack's OUs", async () => {
    const { result, types, read, out } = await synthesize("dev", {
      ...LZA_OWNED,
      organizationalUnitPaths: DEV_PATHS,
    });
    expect(result.ok, result.errors.join("\n")).to.equal(true);
    expect(count(types, STACKSET)).to.equal(0);
    const [entry] = read("lza/customizations-config.yaml").customizations.cloudFormationStackSets;
    expect(entry.deploymentTargets).to.deep.equal({ organizationalUnits: ["Sandbox"] });
    // What a reviewer still reads: the template and the SCPs, as LZA will deploy them.
    for (const file of ["runshell-stackset.template.json", "scp/ssm-runas-sync-runshell-guardrail.json"]) {
      expect(fs.existsSync(path.join(out, file)), file).to.equal(true);
    }
  });

  it("per-OU fallback users become separate entries, each on its own OU", async () => {
    const { result, read } = await synthesize("dev", {
      ...LZA_OWNED,
      organizationalUnitOverrides: { "ou-t3st-da7a0001": "dba", "ou-t3st-da7a0002": "db_admin" },
      organizationalUnitPaths: { ...DEV_PATHS, "ou-t3st-da7a0001": "Data", "ou-t3st-da7a0002": "Data Lake" },
    });
    expect(result.ok, result.errors.join("\n")).to.equal(true);
    const entries = read("lza/customizations-config.yaml").customizations.cloudFormationStackSets as {
      name: string;
      deploymentTargets: { organizationalUnits: string[] };
      parameters: { name: string; value: string }[];
    }[];
    expect(
      entries.map((e) => [
        e.name.replace(/-[0-9a-f]{8}$/, "-<hash>"),
        e.deploymentTargets.organizationalUnits,
        e.parameters.find((p) => p.name === "RunAsDefaultUser")?.value,
      ]),
    ).to.deep.equal([
      ["ssm-runas-sync-runshell", ["Sandbox"], "ssm-fallback"],
      ["ssm-runas-sync-runshell-dba", ["Data"], "dba"],
      ["ssm-runas-sync-runshell-db-admin-<hash>", ["Data Lake"], "db_admin"],
    ]);
  });

  it("refuses an OU it cannot name offline: one line naming organizationalUnitPaths and the OU, nothing written", async () => {
    const { dir } = project("dev", LZA_OWNED);
    const out = path.join(dir, "out");
    const result = await synth({ stack: "dev", projectDir: dir, out });
    expect(result.ok).to.equal(false);
    expect(result.errors, result.errors.join("\n")).to.have.length(1);
    expect(result.errors[0]).to.match(
      new RegExp(`^ssm-runas-sync:organizationalUnitPaths\\.${DEV_OU}: .*${DEV_OU}`),
    );
    expect(fs.existsSync(out)).to.equal(false);
  });

  it("refuses, offline too, an override OU the given paths show inside a target", async () => {
    const { dir } = project("dev", {
      ...LZA_OWNED,
      organizationalUnitOverrides: { "ou-t3st-5b0000001": "dba" },
      organizationalUnitPaths: { ...DEV_PATHS, "ou-t3st-5b0000001": "Sandbox/Team" },
    });
    const result = await synth({ stack: "dev", projectDir: dir, out: path.join(dir, "out") });
    expect(result.ok).to.equal(false);
    expect(result.errors).to.have.length(1);
    expect(result.errors[0]).to.match(
      /^ssm-runas-sync:organizationalUnitOverrides\.ou-t3st-5b0000001: .*lies under/,
    );
  });
});
