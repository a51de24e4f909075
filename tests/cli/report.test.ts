// Rendering status rows as a table, CSV or JSON.
import { expect } from "chai";
import { AUDIT_COLUMNS, AUDIT_STATUSES, type AuditRow } from "../../cli/auditRows";
import { formatCsv, renderReport, summarize } from "../../cli/report";

describe("cli: reports", () => {
  const rows: AuditRow[] = [
    {
      accountId: "111111111111",
      region: "eu-west-1",
      status: "COMPLIANT",
      runAsEnabled: true,
      runAsDefaultUser: "u",
      detail: "",
      defaultVersion: "2",
      latestVersion: "3",
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
    },
  ];
  const spec = { columns: AUDIT_COLUMNS, rows, summary: summarize(AUDIT_STATUSES, rows) };

  it("renders JSON as {results, summary} with every status counted", () => {
    expect(JSON.parse(renderReport("json", spec))).to.deep.equal({
      results: rows,
      summary: {
        COMPLIANT: 1,
        BREAK_GLASS: 0,
        MISSING: 0,
        RUNAS_DISABLED: 0,
        BREAK_GLASS_PENDING: 0,
        WRONG_USER: 0,
        LATEST_DIFFERS: 0,
        BYPASS_DOCUMENT: 0,
        WRITER_UNHEALTHY: 0,
        UNGUARDED: 0,
        UNMANAGED_REGION: 0,
        ERROR: 1,
      },
    });
  });

  it("renders CSV with the JSON field names and RFC 4180 quoting", () => {
    expect(renderReport("csv", spec)).to.equal(
      "accountId,region,status,runAsEnabled,runAsDefaultUser,detail,defaultVersion,latestVersion\r\n" +
        "111111111111,eu-west-1,COMPLIANT,true,u,,2,3\r\n" +
        '222222222222,eu-west-1,ERROR,,,"said ""no"", twice",,\r\n',
    );
    expect(formatCsv(["a"], [["line\nbreak"]])).to.equal('a\r\n"line\nbreak"\r\n');
    expect(formatCsv(["a", "b"], [["carriage\rreturn", false]])).to.equal(
      'a,b\r\n"carriage\rreturn",false\r\n',
    );
  });

  it("renders an aligned table of the table's columns with a summary line", () => {
    const lines = renderReport("table", spec).split("\n");
    expect(lines[0]).to.match(/^ACCOUNT {7}REGION {5}STATUS {5}RUNAS {2}DEFAULT USER {2}DETAIL$/);
    expect(lines[2]).to.equal('222222222222  eu-west-1  ERROR      -      -             said "no", twice');
    expect(lines.at(-2)).to.equal(
      "COMPLIANT 1  BREAK_GLASS 0  MISSING 0  RUNAS_DISABLED 0  BREAK_GLASS_PENDING 0  WRONG_USER 0  " +
        "LATEST_DIFFERS 0  BYPASS_DOCUMENT 0  WRITER_UNHEALTHY 0  UNGUARDED 0  UNMANAGED_REGION 0  ERROR 1",
    );
  });
});
