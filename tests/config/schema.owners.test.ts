// The owner keys: runShellOwner and guardrailOwner (pulumi by default) and organizationalUnitPaths (LZA's name of
// each OU), with the rules that tie them to the rest of the config.
import { expect } from "chai";
import { parseStackConfig, type RawStackConfig } from "../../config/schema";
import { exampleRawConfig } from "../support/exampleStacks";

const LZA_ROLE = "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole";

function parsed(stack: string, changes: RawStackConfig) {
  return parseStackConfig({ ...exampleRawConfig(stack), ...changes });
}

function oneError(stack: string, changes: RawStackConfig): string {
  const result = parsed(stack, changes);
  if (result.ok) throw new Error("expected the config to be rejected");
  expect(result.errors, result.errors.join("\n")).to.have.length(1);
  return result.errors[0];
}

describe("stack config: who owns the writer and the SCPs", () => {
  it("defaults both owners to pulumi and the OU paths to none", () => {
    const result = parsed("dev", {});
    if (!result.ok) throw new Error(result.errors.join("\n"));
    expect(result.config).to.include({ runShellOwner: "pulumi", guardrailOwner: "pulumi" });
    expect(result.config.organizationalUnitPaths).to.deep.equal({});
  });

  it("takes LZA name paths up to five OUs deep, and nothing else", () => {
    const ok = parsed("dev", {
      organizationalUnitPaths: { "ou-t3st-5m1qa8cd": "Workloads/Prod/Payments/EU/Cards" },
    });
    expect(ok.ok).to.equal(true);
    for (const [path, rule] of [
      ["/Sandbox", /LZA name path/],
      ["Sandbox/", /LZA name path/],
      ["A/B/C/D/E/F", /at most 5 deep/],
      ["Root", /Root is the root's name/],
    ] as const) {
      const error = oneError("dev", { organizationalUnitPaths: { "ou-t3st-5m1qa8cd": path } });
      expect(error).to.match(/^ssm-runas-sync:organizationalUnitPaths\.ou-t3st-5m1qa8cd: /);
      expect(error).to.match(rule);
    }
    expect(oneError("dev", { organizationalUnitPaths: { "r-x7k2": "Root" } })).to.match(
      /^ssm-runas-sync:organizationalUnitPaths\.r-x7k2: "r-x7k2" is invalid: keys must be OU ids/,
    );
  });

  it("with runShellOwner lza, says whether LZA reaches the management account: exactly when the root is a target", () => {
    expect(parsed("prod", { runShellOwner: "lza", stackSetExecutionRoleArnPattern: LZA_ROLE }).ok).to.equal(
      true,
    );
    expect(parsed("dev", { runShellOwner: "lza", stackSetExecutionRoleArnPattern: LZA_ROLE }).ok).to.equal(
      true,
    );
    expect(oneError("prod", { runShellOwner: "lza", includeManagementAccount: false })).to.match(
      /^ssm-runas-sync:includeManagementAccount: false is invalid: .*LZA's Root, which includes the management account/,
    );
    expect(oneError("dev", { runShellOwner: "lza", includeManagementAccount: true })).to.match(
      /^ssm-runas-sync:includeManagementAccount: true is invalid: .*only through LZA's Root/,
    );
    expect(
      parsed("dev", { guardrailOwner: "lza", includeManagementAccount: true }).ok,
      "SCPs never hold there",
    ).to.equal(true);
  });

  it("warns while the writer is LZA's but the SCP still names the service-managed StackSet role", () => {
    const moving = parsed("prod", { runShellOwner: "lza" });
    expect(moving.ok).to.equal(true);
    expect(moving.warnings).to.have.length(1);
    expect(moving.warnings[0]).to.match(
      /^ssm-runas-sync:stackSetExecutionRoleArnPattern: .*runShellOwner is lza.*AWSCloudFormationStackSetExecutionRole/,
    );
    expect(
      parsed("prod", { runShellOwner: "lza", stackSetExecutionRoleArnPattern: LZA_ROLE }).warnings,
    ).to.deep.equal([]);
  });
});
