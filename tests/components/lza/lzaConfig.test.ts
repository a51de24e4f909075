// The LZA entries built from what the program deploys: OU ids become LZA's name paths (Root for the root), a
// StackSet target brings its nested OUs along (LZA resolves an OU name to the accounts placed directly in it),
// and each distinct fallback user gets an entry of its own (an LZA entry takes one parameter set).
import { expect } from "chai";
import {
  lzaGuardrailExportInputs,
  lzaOuName,
  lzaStackSetEntries,
  lzaStackSetOus,
  ousBelow,
  type RunShellDeployment,
} from "../../../components/lza/lzaConfig";

const PATHS = {
  "ou-x7k2-wk000001": "Workloads",
  "ou-x7k2-pr000001": "Workloads/Prod",
  "ou-x7k2-pa000001": "Workloads/Prod/Payments",
  "ou-x7k2-sb000001": "Sandbox",
  "ou-x7k2-da000001": "Data",
  "ou-x7k2-dw000001": "Data Warehouse",
};

function deployment(instances: RunShellDeployment["instances"]): RunShellDeployment {
  return {
    description: "d",
    capabilities: ["CAPABILITY_NAMED_IAM"],
    regions: ["eu-west-1", "us-east-1"],
    operationPreferences: {
      regionConcurrencyType: "PARALLEL",
      maxConcurrentPercentage: 50,
      failureTolerancePercentage: 5,
    },
    parameters: { RunAsDefaultUser: "ssm-fallback", OnDelete: "retain" },
    instances,
    templateBody: "{}",
  };
}

describe("LZA config entries", () => {
  it("names the root Root and an OU by its path, or by its id when no path is known", () => {
    expect(lzaOuName("r-x7k2", PATHS)).to.equal("Root");
    expect(lzaOuName("ou-x7k2-pr000001", PATHS)).to.equal("Workloads/Prod");
    expect(lzaOuName("ou-x7k2-zz000001", PATHS)).to.equal("ou-x7k2-zz000001");
  });

  it("finds the OUs nested in an OU by path, not by a shared name prefix", () => {
    expect(ousBelow("ou-x7k2-wk000001", PATHS)).to.have.members(["ou-x7k2-pr000001", "ou-x7k2-pa000001"]);
    expect(ousBelow("ou-x7k2-da000001", PATHS), "Data Warehouse is beside Data").to.deep.equal([]);
    expect(ousBelow("ou-x7k2-zz000001", PATHS)).to.deep.equal([]);
  });

  it("lists a StackSet target's nested OUs after it, each once", () => {
    expect(lzaStackSetOus(["ou-x7k2-wk000001", "ou-x7k2-sb000001"], PATHS)).to.deep.equal([
      "Workloads",
      "Workloads/Prod",
      "Workloads/Prod/Payments",
      "Sandbox",
    ]);
    expect(lzaStackSetOus(["r-x7k2"], PATHS)).to.deep.equal(["Root"]);
  });

  it("gives each distinct fallback user an entry of its own; the default user keeps the StackSet's name", () => {
    const entries = lzaStackSetEntries(
      deployment([
        { target: "ou-x7k2-wk000001" },
        { target: "ou-x7k2-sb000001" },
        { target: "ou-x7k2-da000001", parameterOverrides: { RunAsDefaultUser: "dba" } },
        { target: "ou-x7k2-dw000001", parameterOverrides: { RunAsDefaultUser: "dba" } },
      ]),
      PATHS,
    );
    expect(entries.map((e) => e.name)).to.deep.equal([
      "ssm-runas-sync-runshell",
      "ssm-runas-sync-runshell-dba",
    ]);
    expect(entries.map((e) => e.deploymentTargets.organizationalUnits)).to.deep.equal([
      ["Workloads", "Workloads/Prod", "Workloads/Prod/Payments", "Sandbox"],
      ["Data", "Data Warehouse"],
    ]);
    expect(entries.map((e) => e.parameters)).to.deep.equal([
      [
        { name: "OnDelete", value: "retain" },
        { name: "RunAsDefaultUser", value: "ssm-fallback" },
      ],
      [
        { name: "OnDelete", value: "retain" },
        { name: "RunAsDefaultUser", value: "dba" },
      ],
    ]);
    for (const entry of entries) {
      expect(entry.regions).to.deep.equal(["eu-west-1", "us-east-1"]);
      expect(entry.operationPreferences).to.deep.equal({
        failureTolerancePercentage: 5,
        maxConcurrentPercentage: 50,
        regionConcurrencyType: "PARALLEL",
      });
    }
  });

  it("keeps an override of the default user in the default entry", () => {
    const entries = lzaStackSetEntries(
      deployment([
        { target: "ou-x7k2-wk000001" },
        { target: "ou-x7k2-da000001", parameterOverrides: { RunAsDefaultUser: "ssm-fallback" } },
      ]),
      PATHS,
    );
    expect(entries).to.have.length(1);
    expect(entries[0].deploymentTargets.organizationalUnits).to.include("Data");
  });

  it("names a user with _ (which StackSet names refuse) apart from its look-alike with -", () => {
    const names = lzaStackSetEntries(
      deployment([
        { target: "ou-x7k2-wk000001" },
        { target: "ou-x7k2-da000001", parameterOverrides: { RunAsDefaultUser: "db_admin" } },
        { target: "ou-x7k2-dw000001", parameterOverrides: { RunAsDefaultUser: "db-admin" } },
      ]),
      PATHS,
    ).map((e) => e.name);
    expect(names[1]).to.match(/^ssm-runas-sync-runshell-db-admin-[0-9a-f]{8}$/);
    expect(names[2]).to.equal("ssm-runas-sync-runshell-db-admin");
    for (const name of names) expect(name).to.match(/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/);
  });

  it("attaches the SCPs to the targets as named, without their nested OUs (an SCP holds below its OU)", () => {
    const exported = lzaGuardrailExportInputs(
      [
        { name: "a", description: "A", content: "{}" },
        { name: "b", description: "B", content: "[]" },
      ],
      ["ou-x7k2-wk000001", "r-x7k2"],
      PATHS,
    );
    expect(exported.serviceControlPolicies).to.deep.equal(
      ["a", "b"].map((name) => ({
        name,
        description: name.toUpperCase(),
        policy: `service-control-policies/${name}.json`,
        type: "customerManaged",
        deploymentTargets: { organizationalUnits: ["Workloads", "Root"] },
      })),
    );
    expect(exported.policies).to.deep.equal([
      { name: "a", content: "{}" },
      { name: "b", content: "[]" },
    ]);
  });
});
