// The context of every audit row: OU paths by name, the stack's scope, and the rows of accounts not read.
import { expect } from "chai";
import {
  outOfScopeReason,
  ouPathName,
  rowContext,
  stackScope,
  suspendedDetail,
  unreadRows,
} from "../../cli/auditContext";
import { parseStackConfig } from "../../config/schema";
import { exampleRawConfig } from "../support/exampleStacks";

const ROOT = "r-aaaa";
const WORKLOADS = "ou-aaaa-11111111";
const PROD = "ou-aaaa-22222222";
const SANDBOX = "ou-aaaa-33333333";
const OTHER = "ou-aaaa-44444444";
const MANAGEMENT = "999999999999";

describe("cli: audit row context", () => {
  it("names an OU path from the root down, an id where the name is unknown", () => {
    expect(
      ouPathName([
        { id: ROOT, name: "Root" },
        { id: WORKLOADS, name: "Workloads" },
        { id: PROD, name: "Prod" },
      ]),
    ).to.equal("Root/Workloads/Prod");
    expect(ouPathName([{ id: ROOT, name: "Root" }, { id: WORKLOADS }])).to.equal(`Root/${WORKLOADS}`);
    expect(ouPathName([{ id: ROOT, name: "" }])).to.equal(ROOT);
  });

  it("takes the stack's scope from deploymentTargets and organizationalUnitOverrides", () => {
    const parsed = parseStackConfig({
      ...exampleRawConfig("prod"),
      deploymentTargets: [WORKLOADS],
      organizationalUnitOverrides: { [SANDBOX]: "sandbox-user" },
      includeManagementAccount: false,
    });
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    expect(stackScope(parsed.config)).to.deep.equal({
      targets: [WORKLOADS, SANDBOX],
      includeManagementAccount: false,
    });
  });

  describe("scope", () => {
    const scope = { targets: [WORKLOADS, SANDBOX], includeManagementAccount: false };
    const reason = (ouPath: string[], id = "111111111111", within = scope) =>
      outOfScopeReason(within, { id, ouPath }, MANAGEMENT);

    it("covers every account under a target, at any depth, and nothing else", () => {
      expect(reason([ROOT, WORKLOADS])).to.equal(undefined);
      expect(reason([ROOT, WORKLOADS, PROD])).to.equal(undefined);
      expect(reason([ROOT, SANDBOX])).to.equal(undefined);
      expect(reason([ROOT, OTHER])).to.match(/^not under the stack's deploymentTargets/);
      expect(reason([ROOT])).to.match(/^not under the stack's deploymentTargets/);
    });

    it("covers every account when the target is the root", () => {
      expect(
        reason([ROOT, OTHER], "111111111111", { targets: [ROOT], includeManagementAccount: false }),
      ).to.equal(undefined);
    });

    it("covers the management account only with includeManagementAccount, wherever the targets are", () => {
      const rootScope = { targets: [ROOT], includeManagementAccount: false };
      expect(reason([ROOT], MANAGEMENT, rootScope)).to.match(/includeManagementAccount is false/);
      expect(reason([ROOT], MANAGEMENT, { ...rootScope, includeManagementAccount: true })).to.equal(
        undefined,
      );
    });

    it("covers every account listed without a stack (--expected-user)", () => {
      expect(outOfScopeReason(undefined, { id: "111111111111", ouPath: [ROOT, OTHER] }, MANAGEMENT)).to.equal(
        undefined,
      );
    });
  });

  it("gives each row the account's name, OU path, expected user (overrides applied) and management marker", () => {
    const expectation = {
      defaultUser: "ssm-fallback",
      overrides: { [SANDBOX]: "sandbox-user" },
      runAsEnabled: true,
    };
    const account = {
      id: "111111111111",
      name: "prod-web",
      ouPath: [ROOT, WORKLOADS, SANDBOX],
      ouSteps: [
        { id: ROOT, name: "Root" },
        { id: WORKLOADS, name: "Workloads" },
        { id: SANDBOX, name: "Sandbox" },
      ],
    };
    expect(rowContext(account, expectation, MANAGEMENT, true)).to.deep.equal({
      accountName: "prod-web",
      ouPath: "Root/Workloads/Sandbox",
      expectedUser: "sandbox-user",
      managementAccount: false,
    });
    expect(rowContext(account, expectation, MANAGEMENT, false).expectedUser).to.equal(null);
    expect(
      rowContext({ ...account, id: MANAGEMENT }, expectation, MANAGEMENT, true).managementAccount,
    ).to.equal(true);
  });

  it("reports an account not read with one row per region, no values", () => {
    expect(
      unreadRows("111111111111", ["eu-west-1", "us-east-1"], "SUSPENDED", suspendedDetail("SUSPENDED")),
    ).to.deep.equal(
      ["eu-west-1", "us-east-1"].map((region) => ({
        accountId: "111111111111",
        region,
        status: "SUSPENDED",
        runAsEnabled: null,
        runAsDefaultUser: null,
        detail: "the account is SUSPENDED: not read",
        defaultVersion: null,
        latestVersion: null,
      })),
    );
    expect(suspendedDetail("PENDING_CLOSURE")).to.equal("the account is PENDING_CLOSURE: not read");
  });
});
