// LZA names OUs by path. With an owner lza and an OU to name, the program looks the paths up in Organizations
// (walking the tree from the root through the provider's invokes, here answered on the mock runtime as the engine
// would), refuses a given path that is not the organisation's and an OU nested in a writer target that the config
// leaves out (offline synth knows only the config), and stops with one line per OU it cannot name. With both
// owners pulumi it asks nothing.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { GET_ORGANIZATION_INVOKE } from "../../config/awsProvider";
import { CHILD_OUS_INVOKE } from "../../config/organizationalUnitPaths";
import type { LzaGuardrailExportInputs, LzaRunShellExportInputs } from "../../policypack/rules/lza";
import { COMPONENT_TYPES } from "../../policypack/rules/types";
import { runProgram } from "../../program";
import { runOnMocks, type DeclaredResource } from "../../synth/mockRuntime";
import { exampleStackConfig } from "../support/exampleStacks";

// The organisation: r-x7k2 holds Workloads (holding Prod) and Sandbox.
const CHILDREN: Record<string, { id: string; name: string }[]> = {
  "r-x7k2": [
    { id: "ou-x7k2-wk000001", name: "Workloads" },
    { id: "ou-x7k2-sb000001", name: "Sandbox" },
  ],
  "ou-x7k2-wk000001": [{ id: "ou-x7k2-pr000001", name: "Prod" }],
};

interface Run {
  resources: DeclaredResource[];
  asked: string[];
}

async function run(changes: Record<string, unknown>, organisation = CHILDREN): Promise<Run> {
  const config = exampleStackConfig("dev");
  for (const [key, value] of Object.entries(changes)) {
    config[`ssm-runas-sync:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const asked: string[] = [];
  const { resources } = await runOnMocks(runProgram, {
    stack: "dev",
    config,
    invokes: {
      [GET_ORGANIZATION_INVOKE]: () => {
        asked.push("organization");
        return { roots: [{ id: "r-x7k2", name: "Root", arn: "arn:aws:organizations::1:root/o-1/r-x7k2" }] };
      },
      [CHILD_OUS_INVOKE]: ({ parentId }) => {
        asked.push(String(parentId));
        const children = (organisation[String(parentId)] ?? []).map((c) => ({ ...c, arn: `arn:${c.id}` }));
        return { children };
      },
    },
  });
  return { resources, asked };
}

async function refused(changes: Record<string, unknown>, organisation = CHILDREN): Promise<string[]> {
  try {
    await run(changes, organisation);
  } catch (error) {
    expect(error).to.be.instanceOf(pulumi.RunError);
    return (error as Error).message.split("\n");
  }
  throw new Error("expected the program to refuse the config");
}

function inputsOf<T>(resources: DeclaredResource[], type: string): T {
  const found = resources.filter((r) => r.type === type);
  expect(found, type).to.have.length(1);
  return found[0].inputs as unknown as T;
}

const LZA_RUNSHELL = {
  runShellOwner: "lza",
  stackSetExecutionRoleArnPattern: "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole",
};

const WORKLOADS = "ou-x7k2-wk000001";
const PROD = "ou-x7k2-pr000001";
const SANDBOX = "ou-x7k2-sb000001";

describe("OU paths for the LZA export", () => {
  it("asks Organizations nothing while both owners are pulumi", async () => {
    const { asked, resources } = await run({ deploymentTargets: [WORKLOADS] });
    expect(asked).to.deep.equal([]);
    expect(resources.map((r) => r.type)).to.include("aws:cloudformation/stackSet:StackSet");
  });

  it("asks nothing when the export names no OU but the root", async () => {
    const { asked } = await run({
      ...LZA_RUNSHELL,
      deploymentTargets: ["r-x7k2"],
      includeManagementAccount: true,
      stackSetCallAs: "SELF",
    });
    expect(asked).to.deep.equal([]);
  });

  it("walks the organisation from its root, looks up a target's path, and exports the nested OUs the config gives", async () => {
    const { asked, resources } = await run({
      ...LZA_RUNSHELL,
      deploymentTargets: [WORKLOADS],
      organizationalUnitPaths: { [PROD]: "Workloads/Prod" },
    });
    expect(asked).to.deep.equal(["organization", "r-x7k2", WORKLOADS, SANDBOX, PROD]);
    const exported = inputsOf<LzaRunShellExportInputs>(resources, COMPONENT_TYPES.lzaRunShellExport);
    expect(
      exported.cloudFormationStackSets.map((e) => e.deploymentTargets.organizationalUnits),
    ).to.deep.equal([["Workloads", "Workloads/Prod"]]);
  });

  it("starts from a root target without asking for the organisation", async () => {
    const { asked } = await run({
      ...LZA_RUNSHELL,
      guardrailOwner: "lza",
      deploymentTargets: ["r-x7k2"],
      includeManagementAccount: true,
      stackSetCallAs: "SELF",
      scpTargets: [SANDBOX],
    });
    expect(asked[0]).to.equal("r-x7k2");
    expect(asked).not.to.include("organization");
  });

  it("refuses an OU nested in a writer target that the config does not name: one line with the path to add", async () => {
    const lines = await refused({ ...LZA_RUNSHELL, deploymentTargets: [WORKLOADS] });
    expect(lines).to.deep.equal([
      `ssm-runas-sync:organizationalUnitPaths.${PROD}: (not set) is invalid: OU ${PROD} lies in the ` +
        `deploymentTargets OU ${WORKLOADS} and LZA deploys a StackSet only to the OUs it names: add ` +
        `${PROD}: Workloads/Prod, so that synth, which knows only the config, exports it too`,
    ]);
  });

  it("does not ask for the OUs nested in an SCP target (an SCP holds below its OU)", async () => {
    const { resources } = await run({ guardrailOwner: "lza", scpTargets: [WORKLOADS] });
    const exported = inputsOf<LzaGuardrailExportInputs>(resources, COMPONENT_TYPES.lzaGuardrailExport);
    for (const entry of exported.serviceControlPolicies) {
      expect(entry.deploymentTargets.organizationalUnits).to.deep.equal(["Workloads"]);
    }
  });

  it("checks given paths against the organisation even when every SCP target's path is given", async () => {
    const { asked, resources } = await run({
      guardrailOwner: "lza",
      scpTargets: [PROD],
      organizationalUnitPaths: { [PROD]: "Workloads/Prod" },
    });
    expect(asked).to.deep.equal(["organization", "r-x7k2", WORKLOADS, SANDBOX, PROD]);
    const exported = inputsOf<LzaGuardrailExportInputs>(resources, COMPONENT_TYPES.lzaGuardrailExport);
    for (const entry of exported.serviceControlPolicies) {
      expect(entry.deploymentTargets.organizationalUnits).to.deep.equal(["Workloads/Prod"]);
    }
  });

  it("refuses a given path that is not the organisation's, one line per OU, the writer's and the SCPs' alike", async () => {
    const lines = await refused({
      ...LZA_RUNSHELL,
      deploymentTargets: [SANDBOX],
      scpTargets: [PROD],
      guardrailOwner: "lza",
      organizationalUnitPaths: { [SANDBOX]: "Sandboxes", [PROD]: "Prod" },
    });
    expect(lines).to.deep.equal([
      `ssm-runas-sync:organizationalUnitPaths.${SANDBOX}: "Sandboxes" is invalid: the organisation names OU ` +
        `${SANDBOX} "Sandbox", and LZA would deploy to the OU named "Sandboxes": set "Sandbox"`,
      `ssm-runas-sync:organizationalUnitPaths.${PROD}: "Prod" is invalid: the organisation names OU ` +
        `${PROD} "Workloads/Prod", and LZA would deploy to the OU named "Prod": set "Workloads/Prod"`,
    ]);
  });

  it("stops with one line per OU it cannot name, naming organizationalUnitPaths and the OU", async () => {
    const lines = await refused(
      {
        ...LZA_RUNSHELL,
        guardrailOwner: "lza",
        deploymentTargets: [WORKLOADS],
        scpTargets: [WORKLOADS, SANDBOX],
      },
      {},
    );
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(
      /^ssm-runas-sync:organizationalUnitPaths\.ou-x7k2-wk000001: \(not set\) is invalid: /,
    );
    expect(lines[0]).to.contain("deploymentTargets OU ou-x7k2-wk000001");
    expect(lines[1]).to.match(/^ssm-runas-sync:organizationalUnitPaths\.ou-x7k2-sb000001: .*scpTargets OU/);
  });
});
