// The RunShell StackSet's instances joined to the audit's rows: the column's value, and the reason a failing cell
// gets from its instance.
import { expect } from "chai";
import type { AuditRow, RowContext } from "../../cli/auditRows";
import {
  describeStackInstance,
  indexStackInstances,
  NOT_TARGETED,
  stackInstanceOf,
  withStackInstance,
} from "../../cli/stackInstances";
import { AUDIT_ROW_FIELDS } from "../support/cli";

const ACCOUNT = "111111111111";
const REGION = "eu-west-1";

describe("cli: StackSet instances", () => {
  it("describes an instance by its status, detailed status and reason", () => {
    expect(
      describeStackInstance({
        account: ACCOUNT,
        region: REGION,
        status: "CURRENT",
        detailedStatus: "SUCCEEDED",
      }),
    ).to.equal("CURRENT");
    expect(
      describeStackInstance({
        account: ACCOUNT,
        region: REGION,
        status: "OUTDATED",
        detailedStatus: "FAILED",
        statusReason:
          "ResourceLogicalId:Writer, ResourceType:AWS::Lambda::Function,\n ResourceStatusReason:denied.",
      }),
    ).to.equal(
      "FAILED: ResourceLogicalId:Writer, ResourceType:AWS::Lambda::Function, ResourceStatusReason:denied.",
    );
    expect(
      describeStackInstance({
        account: ACCOUNT,
        region: REGION,
        status: "OUTDATED",
        detailedStatus: "RUNNING",
      }),
    ).to.equal("OUTDATED: detailed status RUNNING");
    expect(
      describeStackInstance({
        account: ACCOUNT,
        region: REGION,
        status: "OUTDATED",
        detailedStatus: "CANCELLED",
        statusReason: "Cancelled since failure tolerance has exceeded",
      }),
    ).to.equal("OUTDATED: Cancelled since failure tolerance has exceeded");
    expect(
      describeStackInstance({
        account: ACCOUNT,
        region: REGION,
        status: "INOPERABLE",
        detailedStatus: "INOPERABLE",
        statusReason: "stack deleted outside the StackSet",
      }),
    ).to.equal("INOPERABLE: stack deleted outside the StackSet");
    expect(describeStackInstance({ account: ACCOUNT, region: REGION, status: "OUTDATED" })).to.equal(
      "OUTDATED",
    );
    expect(describeStackInstance({ account: ACCOUNT, region: REGION })).to.equal("UNKNOWN");
  });

  it("keeps the worst of two instances for one account × region, NOT_TARGETED where there is none", () => {
    const index = indexStackInstances([
      { account: ACCOUNT, region: REGION, status: "CURRENT", detailedStatus: "SUCCEEDED" },
      {
        account: ACCOUNT,
        region: REGION,
        status: "OUTDATED",
        detailedStatus: "FAILED",
        statusReason: "boom",
      },
      { account: ACCOUNT, region: REGION, status: "OUTDATED", detailedStatus: "PENDING" },
      { account: ACCOUNT, region: "us-east-1", status: "CURRENT", detailedStatus: "SUCCEEDED" },
    ]);
    expect(stackInstanceOf(index, ACCOUNT, REGION)).to.equal("FAILED: boom");
    expect(stackInstanceOf(index, ACCOUNT, "us-east-1")).to.equal("CURRENT");
    expect(stackInstanceOf(index, "222222222222", REGION)).to.equal(NOT_TARGETED);
    expect(stackInstanceOf(undefined, ACCOUNT, REGION)).to.equal(null);
  });

  describe("joined to a row", () => {
    const row = (status: AuditRow["status"], management = false): AuditRow & RowContext => ({
      accountId: ACCOUNT,
      region: REGION,
      status,
      runAsEnabled: null,
      runAsDefaultUser: null,
      detail: "no SSM-SessionManagerRunShell",
      defaultVersion: null,
      latestVersion: null,
      accountName: "web",
      ouPath: "Root/Workloads",
      expectedUser: "ssm-fallback",
      managementAccount: management,
    });
    const failed = indexStackInstances([
      {
        account: ACCOUNT,
        region: REGION,
        status: "OUTDATED",
        detailedStatus: "FAILED",
        statusReason: "denied",
      },
    ]);

    it("says why a MISSING cell has no document, the column last in the contract's order", () => {
      const joined = withStackInstance(row("MISSING"), failed);
      expect(joined.detail).to.equal("no SSM-SessionManagerRunShell; StackSet instance FAILED: denied");
      expect(joined.stackInstance).to.equal("FAILED: denied");
      expect(Object.keys(joined)).to.deep.equal(AUDIT_ROW_FIELDS);
      expect(withStackInstance(row("WRITER_UNHEALTHY"), indexStackInstances([])).detail).to.equal(
        "no SSM-SessionManagerRunShell; StackSet instance NOT_TARGETED: the StackSet has no instance in this account × region",
      );
    });

    it("leaves the detail alone where the instance explains nothing", () => {
      for (const status of [
        "COMPLIANT",
        "UNGUARDED",
        "BYPASS_DOCUMENT",
        "OUT_OF_SCOPE",
        "SUSPENDED",
        "UNMANAGED_REGION",
      ] as const) {
        expect(withStackInstance(row(status), failed).detail, status).to.equal(
          "no SSM-SessionManagerRunShell",
        );
      }
      const current = indexStackInstances([{ account: ACCOUNT, region: REGION, status: "CURRENT" }]);
      expect(withStackInstance(row("MISSING"), current).detail).to.equal("no SSM-SessionManagerRunShell");
      // StackSets never deploy to the management account: its NOT_TARGETED explains nothing.
      expect(withStackInstance(row("MISSING", true), indexStackInstances([]))).to.deep.include({
        detail: "no SSM-SessionManagerRunShell",
        stackInstance: NOT_TARGETED,
      });
      // The StackSet could not be read: nothing to say per row (the audit says it once).
      expect(withStackInstance(row("MISSING"), undefined)).to.deep.include({
        detail: "no SSM-SessionManagerRunShell",
        stackInstance: null,
      });
    });
  });
});
