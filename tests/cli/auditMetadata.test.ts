// The run's metadata: the JSON contract's fields in order, and the distinct expected users.
import { expect } from "chai";
import { auditMetadata, distinctExpectedUsers } from "../../cli/auditMetadata";
import { AUDIT_METADATA_FIELDS } from "../support/cli";

describe("cli: audit metadata", () => {
  it("lists the contract's fields in order, null where unknown", () => {
    const metadata = auditMetadata({
      startedAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      callerArn: "arn:aws:sts::123456789012:assumed-role/Auditor/ci",
      toolVersion: "1.2.3",
      regions: ["eu-west-1", "us-east-1"],
      rows: [],
      expectedRunAsEnabled: true,
      stackSetCallAs: "SELF",
    });
    expect(metadata).to.deep.equal({
      generatedAt: "2026-01-02T03:04:05.000Z",
      caller: "arn:aws:sts::123456789012:assumed-role/Auditor/ci",
      organizationId: null,
      managementAccountId: null,
      stack: null,
      toolVersion: "1.2.3",
      regions: ["eu-west-1", "us-east-1"],
      expectedUsers: [],
      expectedRunAsEnabled: true,
      stackSet: "ssm-runas-sync-runshell",
      stackSetCallAs: "SELF",
      stackSetError: null,
    });
    expect(Object.keys(metadata)).to.deep.equal(AUDIT_METADATA_FIELDS);
  });

  it("carries the stack, the organisation and why the StackSet could not be read", () => {
    const metadata = auditMetadata({
      startedAt: new Date(0),
      callerArn: "arn:aws:iam::123456789012:user/auditor",
      organizationId: "o-abcdefghij",
      managementAccountId: "123456789012",
      stack: "prod",
      toolVersion: "1.2.3",
      regions: ["eu-west-1"],
      rows: [{ expectedUser: "ssm-fallback" }],
      expectedRunAsEnabled: false,
      stackSetCallAs: "DELEGATED_ADMIN",
      stackSetProblem: "ListStackInstances ssm-runas-sync-runshell: AccessDenied: no",
    });
    expect(metadata).to.deep.include({
      organizationId: "o-abcdefghij",
      managementAccountId: "123456789012",
      stack: "prod",
      expectedRunAsEnabled: false,
      stackSetCallAs: "DELEGATED_ADMIN",
      stackSetError: "ListStackInstances ssm-runas-sync-runshell: AccessDenied: no",
    });
  });

  it("lists each expected user once, sorted, none for rows that expect no one", () => {
    expect(
      distinctExpectedUsers([
        { expectedUser: "ssm-fallback" },
        { expectedUser: null },
        { expectedUser: "sandbox-user" },
        { expectedUser: "ssm-fallback" },
      ]),
    ).to.deep.equal(["sandbox-user", "ssm-fallback"]);
  });
});
