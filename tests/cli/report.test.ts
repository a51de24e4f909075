// Rendering status rows as a table, CSV or JSON, with and without the run's metadata.
import { expect } from "chai";
import { AUDIT_COLUMNS, AUDIT_STATUSES, AUDIT_TABLE_FIELDS, type AuditReportRow } from "../../cli/auditRows";
import { formatCsv, metadataText, renderReport, summarize, terminalText } from "../../cli/report";
import { formatStep } from "../../cli/verifySteps";

describe("cli: reports", () => {
  const rows: AuditReportRow[] = [
    {
      accountId: "111111111111",
      region: "eu-west-1",
      status: "COMPLIANT",
      runAsEnabled: true,
      runAsDefaultUser: "u",
      detail: "",
      defaultVersion: "2",
      latestVersion: "3",
      accountName: "prod-web",
      ouPath: "Root/Workloads",
      expectedUser: "u",
      managementAccount: false,
      stackInstance: "CURRENT",
    },
    {
      accountId: "222222222222",
      region: "eu-west-1",
      status: "ERROR",
      runAsEnabled: null,
      runAsDefaultUser: null,
      detail: 'said "no", twice',
      defaultVersion: null,
      latestVersion: null,
      accountName: "mgmt",
      ouPath: "Root",
      expectedUser: "u",
      managementAccount: true,
      stackInstance: null,
    },
  ];
  const spec = {
    columns: AUDIT_COLUMNS,
    tableFields: AUDIT_TABLE_FIELDS,
    rows,
    summary: summarize(AUDIT_STATUSES, rows),
  };
  const metadata = {
    generatedAt: "2026-01-02T03:04:05.000Z",
    stack: null,
    regions: ["eu-west-1", "us-east-1"],
  };
  const summary = {
    COMPLIANT: 1,
    BREAK_GLASS: 0,
    OUT_OF_SCOPE: 0,
    SUSPENDED: 0,
    MISSING: 0,
    RUNAS_DISABLED: 0,
    BREAK_GLASS_PENDING: 0,
    WRONG_USER: 0,
    LATEST_DIFFERS: 0,
    FALLBACK_USER_PENDING: 0,
    BYPASS_DOCUMENT: 0,
    WRITER_UNHEALTHY: 0,
    UNGUARDED: 0,
    UNMANAGED_REGION: 0,
    ERROR: 1,
  };

  it("renders JSON as {results, summary} with every status counted, or {metadata, results, summary}", () => {
    expect(JSON.parse(renderReport("json", spec))).to.deep.equal({ results: rows, summary });
    const withMetadata = JSON.parse(renderReport("json", { ...spec, metadata }));
    expect(Object.keys(withMetadata)).to.deep.equal(["metadata", "results", "summary"]);
    expect(withMetadata.metadata).to.deep.equal(metadata);
  });

  it("renders CSV with the JSON field names and RFC 4180 quoting, metadata as # lines first", () => {
    const body =
      "accountId,region,status,runAsEnabled,runAsDefaultUser,detail,defaultVersion,latestVersion," +
      "accountName,ouPath,expectedUser,managementAccount,stackInstance\r\n" +
      "111111111111,eu-west-1,COMPLIANT,true,u,,2,3,prod-web,Root/Workloads,u,false,CURRENT\r\n" +
      '222222222222,eu-west-1,ERROR,,,"said ""no"", twice",,,mgmt,Root,u,true,\r\n';
    expect(renderReport("csv", spec)).to.equal(body);
    expect(renderReport("csv", { ...spec, metadata })).to.equal(
      "# generatedAt: 2026-01-02T03:04:05.000Z\r\n# stack: \r\n# regions: eu-west-1, us-east-1\r\n" + body,
    );
    expect(formatCsv(["a"], [["line\nbreak"]])).to.equal('a\r\n"line\nbreak"\r\n');
    expect(formatCsv(["a", "b"], [["carriage\rreturn", false]])).to.equal(
      'a,b\r\n"carriage\rreturn",false\r\n',
    );
    // A value can never open a second comment line (or end the comments early).
    expect(metadataText("a\r\n# forged: yes")).to.equal("a # forged: yes");
  });

  it("renders an aligned table of the table's columns with a summary line, no metadata", () => {
    const lines = renderReport("table", { ...spec, metadata }).split("\n");
    expect(lines[0]).to.match(
      /^ACCOUNT {7}NAME {6}REGION {5}STATUS {5}RUNAS {2}DEFAULT USER {2}STACK INSTANCE {2}DETAIL$/,
    );
    expect(lines[2]).to.equal(
      '222222222222  mgmt      eu-west-1  ERROR      -      -             -               said "no", twice',
    );
    expect(lines.at(-2)).to.equal(
      "COMPLIANT 1  BREAK_GLASS 0  OUT_OF_SCOPE 0  SUSPENDED 0  MISSING 0  RUNAS_DISABLED 0  " +
        "BREAK_GLASS_PENDING 0  WRONG_USER 0  LATEST_DIFFERS 0  FALLBACK_USER_PENDING 0  BYPASS_DOCUMENT 0  " +
        "WRITER_UNHEALTHY 0  " +
        "UNGUARDED 0  UNMANAGED_REGION 0  ERROR 1",
    );
  });

  it("shows control characters in table cells and step lines as \\uXXXX: a value cannot rewrite the terminal", () => {
    expect(terminalText("alice\u001b[2K\rOK\u009b é")).to.equal("alice\\u001b[2K\\u000dOK\\u009b é");
    const table = renderReport("table", {
      ...spec,
      rows: [{ ...rows[0], accountName: "web\u001b]0;pwned\u0007" }],
    });
    expect(table).to.include("web\\u001b]0;pwned\\u0007");
    expect(table).to.not.include("\u001b").and.not.include("\u0007");
    expect(formatStep({ title: "user x", ok: false, detail: "value \u001b[32mOK" })).to.equal(
      "FAIL  user x: value \\u001b[32mOK\n",
    );
  });
});
