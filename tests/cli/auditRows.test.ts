// The audit's pure classifier: one account × region's RunShell document, its default and its latest version,
// against the expected fallback user.
import { expect } from "chai";
import { auditExitCode, classifyDocument, sortRows, type AuditRow } from "../../cli/auditRows";
import { runShellContent } from "../../testing/seedOrganization";
import { AUDIT_ROW_FIELDS } from "../support/cli";

/** A document whose default version is its latest. */
const found = (content: string, version = "1") => ({
  kind: "found" as const,
  default: { version, content },
  latest: { version, content },
});

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
        defaultVersion: "1",
        latestVersion: "1",
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
    // The contract's first eight fields, in order; the context follows when the row is reported.
    expect(Object.keys(off)).to.deep.equal(AUDIT_ROW_FIELDS.slice(0, 8));
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

  describe("the default and the latest version", () => {
    const ok = runShellContent({ runAsEnabled: true, runAsDefaultUser: "ssm-fallback" });
    const off = runShellContent({ runAsEnabled: false, runAsDefaultUser: "" });
    const wrong = runShellContent({ runAsEnabled: true, runAsDefaultUser: "ec2-user" });
    const versions = (defaultContent: string, latestContent: string) =>
      classifyDocument(
        "111111111111",
        "eu-west-1",
        {
          kind: "found",
          default: { version: "2", content: defaultContent },
          latest: { version: "3", content: latestContent },
        },
        "ssm-fallback",
      );

    it("is LATEST_DIFFERS when the latest turns RunAs off behind a compliant default, naming both", () => {
      expect(versions(ok, off)).to.deep.equal({
        accountId: "111111111111",
        region: "eu-west-1",
        status: "LATEST_DIFFERS",
        runAsEnabled: true,
        runAsDefaultUser: "ssm-fallback",
        detail:
          'default v2: runAsEnabled true, runAsDefaultUser "ssm-fallback"; ' +
          'latest v3: runAsEnabled false, runAsDefaultUser ""',
        defaultVersion: "2",
        latestVersion: "3",
      });
    });

    it("is LATEST_DIFFERS the other way round too, with the default's values in the row", () => {
      const row = versions(wrong, ok);
      expect([row.status, row.runAsEnabled, row.runAsDefaultUser, row.detail]).to.deep.equal([
        "LATEST_DIFFERS",
        true,
        "ec2-user",
        'default v2: runAsEnabled true, runAsDefaultUser "ec2-user"; ' +
          'latest v3: runAsEnabled true, runAsDefaultUser "ssm-fallback"',
      ]);
      const unset = versions(JSON.stringify({ inputs: {} }), ok);
      expect(unset.detail).to.equal(
        "default v2: runAsEnabled not set, runAsDefaultUser not set; " +
          'latest v3: runAsEnabled true, runAsDefaultUser "ssm-fallback"',
      );
    });

    it("is COMPLIANT when both versions hold the expected values, other inputs differing or not", () => {
      const otherTimeout = ok.replace('"idleSessionTimeout": "20"', '"idleSessionTimeout": "60"');
      expect(otherTimeout).to.not.equal(ok);
      for (const latest of [ok, otherTimeout]) {
        const row = versions(ok, latest);
        expect([row.status, row.detail, row.defaultVersion, row.latestVersion]).to.deep.equal([
          "COMPLIANT",
          "",
          "2",
          "3",
        ]);
      }
    });

    it("gives the shared verdict when both versions hold the same non-compliant values", () => {
      expect(versions(off, off).status).to.equal("RUNAS_DISABLED");
      expect(versions(wrong, wrong).status).to.equal("WRONG_USER");
    });

    it("judges one version once when the latest is the default", () => {
      const row = classifyDocument("1", "r", found(off, "7"), "ssm-fallback");
      expect([row.status, row.defaultVersion, row.latestVersion]).to.deep.equal(["RUNAS_DISABLED", "7", "7"]);
    });

    it("reports unreadable content of either version as ERROR, saying which", () => {
      expect(versions(ok, "{ not: [json")).to.include({ status: "ERROR", latestVersion: null });
      expect(versions(ok, '"text"').detail).to.equal("latest v3: content is not a document object");
      expect(versions('"text"', ok).detail).to.equal("default v2: content is not a document object");
    });
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

describe("audit exit code", () => {
  const row = (accountId: string, status: AuditRow["status"]): AuditRow => ({
    accountId,
    region: "eu-west-1",
    status,
    runAsEnabled: null,
    runAsDefaultUser: null,
    detail: "",
    defaultVersion: null,
    latestVersion: null,
  });

  it("is 0 when every row is COMPLIANT, 1 otherwise", () => {
    expect(auditExitCode([row("111111111111", "COMPLIANT")], undefined)).to.equal(0);
    expect(
      auditExitCode([row("111111111111", "COMPLIANT"), row("222222222222", "UNGUARDED")], "111111111111"),
    ).to.equal(1);
  });

  it("lets the management account's UNGUARDED and UNMANAGED_REGION rows pass, not its document statuses", () => {
    const management = "111111111111";
    expect(
      auditExitCode([row(management, "UNGUARDED"), row(management, "UNMANAGED_REGION")], management),
    ).to.equal(0);
    expect(auditExitCode([row(management, "RUNAS_DISABLED")], management)).to.equal(1);
    expect(auditExitCode([row("222222222222", "UNMANAGED_REGION")], management)).to.equal(1);
  });

  it("lets OUT_OF_SCOPE and SUSPENDED rows pass: reported, never judged", () => {
    expect(
      auditExitCode([row("111111111111", "OUT_OF_SCOPE"), row("222222222222", "SUSPENDED")], undefined),
    ).to.equal(0);
    expect(
      auditExitCode([row("111111111111", "OUT_OF_SCOPE"), row("222222222222", "MISSING")], undefined),
    ).to.equal(1);
  });
});
