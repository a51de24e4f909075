// The audit's pure classifier: one account × region's RunShell document against the expected fallback user.
import { expect } from "chai";
import { classifyDocument, sortRows } from "../../cli/auditRows";
import { runShellContent } from "../../testing/seedOrganization";
import { AUDIT_ROW_FIELDS } from "../support/cli";

const found = (content: string) => ({ kind: "found" as const, content });

describe("cli: RunShell classification", () => {
  const classify = (content: string, expected = "ssm-fallback") =>
    classifyDocument("111111111111", "eu-west-1", found(content), expected);

  it("is COMPLIANT when RunAs is on with the expected user, in JSON or YAML", () => {
    for (const format of ["JSON", "YAML"] as const) {
      const row = classify(runShellContent({ runAsEnabled: true, runAsDefaultUser: "ssm-fallback", format }));
      expect(row).to.deep.equal({
        accountId: "111111111111",
        region: "eu-west-1",
        status: "COMPLIANT",
        runAsEnabled: true,
        runAsDefaultUser: "ssm-fallback",
        detail: "",
      });
    }
  });

  it("tells RUNAS_DISABLED from WRONG_USER, and an empty user from a different one", () => {
    const off = classify(runShellContent({ runAsEnabled: false, runAsDefaultUser: "" }));
    expect([off.status, off.runAsEnabled, off.detail]).to.deep.equal([
      "RUNAS_DISABLED",
      false,
      "runAsEnabled is false",
    ]);
    expect(Object.keys(off)).to.deep.equal(AUDIT_ROW_FIELDS);
    const wrong = classify(runShellContent({ runAsEnabled: true, runAsDefaultUser: "ec2-user" }));
    expect([wrong.status, wrong.detail]).to.deep.equal([
      "WRONG_USER",
      'runAsDefaultUser is "ec2-user", expected "ssm-fallback"',
    ]);
    const empty = classify(runShellContent({ runAsEnabled: true, runAsDefaultUser: "" }));
    expect([empty.status, empty.detail]).to.deep.equal([
      "WRONG_USER",
      'runAsDefaultUser is empty, expected "ssm-fallback"',
    ]);
  });

  it("counts RunAs as off unless runAsEnabled is the boolean true", () => {
    const row = classify(
      JSON.stringify({ inputs: { runAsEnabled: "true", runAsDefaultUser: "ssm-fallback" } }),
    );
    expect([row.status, row.runAsEnabled, row.detail]).to.deep.equal([
      "RUNAS_DISABLED",
      null,
      "runAsEnabled is not set",
    ]);
  });

  it("reports MISSING and read failures, and unreadable content as ERROR", () => {
    expect(classifyDocument("1", "r", { kind: "missing" }, "u").status).to.equal("MISSING");
    expect(
      classifyDocument("1", "r", { kind: "failed", reason: "GetDocument: AccessDenied" }, "u"),
    ).to.include({
      status: "ERROR",
      detail: "GetDocument: AccessDenied",
    });
    expect(classify("{ not: [json").status).to.equal("ERROR");
    expect(classify('"just a string"').detail).to.equal("content is not a document object");
  });

  it("sorts rows by account, then region", () => {
    const rows = [
      { accountId: "2", region: "a" },
      { accountId: "1", region: "b" },
      { accountId: "1", region: "a" },
    ];
    expect(sortRows(rows).map(({ accountId, region }) => accountId + region)).to.deep.equal([
      "1a",
      "1b",
      "2a",
    ]);
  });
});
