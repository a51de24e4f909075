// The Markdown report: metadata, counts, the failing cells only (at most MARKDOWN_ROW_LIMIT), every value
// escaped for GitHub's Markdown and HTML.
import { expect } from "chai";
import { AUDIT_STATUSES, type AuditReportRow } from "../../cli/auditRows";
import type { AuditMetadata } from "../../cli/auditMetadata";
import { markdownText, MARKDOWN_ROW_LIMIT, renderMarkdownReport } from "../../cli/reportMarkdown";
import { summarize } from "../../cli/report";

const MANAGEMENT = "999999999999";
const metadata: AuditMetadata = {
  generatedAt: "2026-01-02T03:04:05.000Z",
  caller: "arn:aws:iam::999999999999:user/auditor",
  organizationId: "o-abcdefghij",
  managementAccountId: MANAGEMENT,
  stack: "prod",
  toolVersion: "1.2.3",
  regions: ["eu-west-1"],
  expectedUsers: ["ssm-fallback"],
  expectedRunAsEnabled: true,
  stackSet: "ssm-runas-sync-runshell",
  stackSetCallAs: "SELF",
  stackSetError: null,
};

function row(
  accountId: string,
  status: AuditReportRow["status"],
  changes: Partial<AuditReportRow> = {},
): AuditReportRow {
  return {
    accountId,
    region: "eu-west-1",
    status,
    runAsEnabled: null,
    runAsDefaultUser: null,
    detail: "",
    defaultVersion: null,
    latestVersion: null,
    accountName: `name-${accountId}`,
    ouPath: "Root/Workloads",
    expectedUser: "ssm-fallback",
    managementAccount: accountId === MANAGEMENT,
    stackInstance: null,
    ...changes,
  };
}

const render = (rows: AuditReportRow[], changes: Partial<AuditMetadata> = {}) =>
  renderMarkdownReport({
    metadata: { ...metadata, ...changes },
    rows,
    summary: summarize(AUDIT_STATUSES, rows),
  });

describe("cli: Markdown report", () => {
  it("escapes what Markdown or HTML would read, and keeps a value on one line", () => {
    expect(markdownText("<b>a|b</b> *c* _d_ [e](f) `g` \\ &\nh")).to.equal(
      "&lt;b&gt;a\\|b&lt;/b&gt; \\*c\\* \\_d\\_ \\[e\\](f) \\`g\\` \\\\ &amp; h",
    );
  });

  it("lists the metadata, the counts of the statuses found, and only the cells that fail", () => {
    const text = render([
      row(MANAGEMENT, "UNGUARDED"),
      row(MANAGEMENT, "UNMANAGED_REGION", { region: "ap-south-1" }),
      row("111111111111", "COMPLIANT"),
      row("222222222222", "OUT_OF_SCOPE"),
      row("333333333333", "SUSPENDED"),
      row("444444444444", "MISSING", {
        accountName: "<img src=x>",
        detail: "no document; StackSet instance FAILED: a|b",
        stackInstance: "FAILED: a|b",
      }),
      row("555555555555", "UNGUARDED"),
    ]);
    const lines = text.split("\n");
    expect(lines[0]).to.equal("## ssm-runas audit: 2 of 7 cells fail");
    expect(lines).to.include("| organisation | o-abcdefghij (management account 999999999999) |");
    expect(lines).to.include("| stack | prod |");
    expect(lines).to.include("| expected | RunAs on, fallback user ssm-fallback |");
    expect(lines).to.include("| StackSet | ssm-runas-sync-runshell (call as SELF) |");
    expect(lines).to.include(
      "| COMPLIANT | OUT_OF_SCOPE | SUSPENDED | MISSING | UNGUARDED | UNMANAGED_REGION |",
    );
    expect(lines).to.include("| 1 | 1 | 1 | 1 | 2 | 1 |");
    const header = lines.indexOf("| account | OU | region | status | stack instance | detail |");
    expect(lines.slice(header + 2, lines.indexOf("", header))).to.deep.equal([
      "| &lt;img src=x&gt; 444444444444 | Root/Workloads | eu-west-1 | MISSING | FAILED: a\\|b | no document; StackSet instance FAILED: a\\|b |",
      "| name-555555555555 555555555555 | Root/Workloads | eu-west-1 | UNGUARDED | - | - |",
    ]);
  });

  it("says when every cell passes, and when the StackSet could not be read, and that it is break-glass", () => {
    const text = render([row("111111111111", "BREAK_GLASS")], {
      expectedRunAsEnabled: false,
      stackSetError: "ListStackInstances ssm-runas-sync-runshell: AccessDenied: no",
    });
    expect(text.split("\n")[0]).to.equal("## ssm-runas audit: every cell passes");
    expect(text).to.include("| expected | RunAs off everywhere (break-glass) |");
    expect(text).to.include(
      "| StackSet | ssm-runas-sync-runshell (call as SELF): could not be read: ListStackInstances ssm-runas-sync-runshell: AccessDenied: no |",
    );
    expect(text).not.to.include("| account |");
  });

  it(`lists at most ${MARKDOWN_ROW_LIMIT} failing cells and says how many more there are`, () => {
    const rows = Array.from({ length: MARKDOWN_ROW_LIMIT + 7 }, (_, index) =>
      row(String(100000000000 + index), "MISSING"),
    );
    const lines = render(rows).split("\n");
    expect(lines.filter((line) => /^\| name-\d{12} \d{12} \|/.test(line))).to.have.length(MARKDOWN_ROW_LIMIT);
    expect(lines).to.include(
      "7 more failing cells are not listed here: the JSON and HTML reports hold every row.",
    );
  });
});
