// Pure: the audit as Markdown for a CI job summary or a pull-request comment — the run's metadata, the count per
// status, and only the cells that fail the audit (at most MARKDOWN_ROW_LIMIT of them: a comment holds 65,536
// characters; the JSON and HTML reports hold every row). Every value is escaped: an account name is anyone's to
// choose, and GitHub renders HTML and Markdown inside a table cell.
import { AUDIT_STATUSES, rowPasses } from "./auditRows";
import type { AuditReport } from "./auditReport";
import { metadataText } from "./report";

export const MARKDOWN_ROW_LIMIT = 100;

/** Text that Markdown and the HTML GitHub allows in it show as written, on one line, inside a table cell. */
export function markdownText(value: string): string {
  return (
    value
      .replace(/[\r\n]+/g, " ")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      // Each cell starts after "| ", so line-start syntax (#, +, >) never applies; `(` only after `]`, escaped.
      .replace(/[\\`*_[\]|~]/g, (character) => `\\${character}`)
  );
}

const cell = (value: string | null) => (value === null || value === "" ? "-" : markdownText(value));

export function renderMarkdownReport(report: AuditReport): string {
  const { metadata, rows, summary } = report;
  const failing = rows.filter((row) => !rowPasses(row, metadata.managementAccountId ?? undefined));
  const expected = metadata.expectedRunAsEnabled
    ? `RunAs on, fallback user ${metadataText(metadata.expectedUsers) || "(none)"}`
    : "RunAs off everywhere (break-glass)";
  const lines = [
    `## ssm-runas audit: ${failing.length === 0 ? "every cell passes" : `${failing.length} of ${rows.length} cells fail`}`,
    "",
    "| | |",
    "| --- | --- |",
    `| organisation | ${cell(metadata.organizationId)} (management account ${cell(metadata.managementAccountId)}) |`,
    `| stack | ${cell(metadata.stack)} |`,
    `| expected | ${markdownText(expected)} |`,
    `| regions | ${cell(metadataText(metadata.regions))} |`,
    `| generated | ${cell(metadata.generatedAt)} by ${cell(metadata.caller)} |`,
    `| tool | ssm-runas ${cell(metadata.toolVersion)} |`,
    `| StackSet | ${cell(metadata.stackSet)} (call as ${cell(metadata.stackSetCallAs)})${
      metadata.stackSetError === null ? "" : `: could not be read: ${markdownText(metadata.stackSetError)}`
    } |`,
    "",
  ];
  const counted = AUDIT_STATUSES.filter((status) => summary[status] > 0);
  if (counted.length > 0) {
    lines.push(
      `| ${counted.join(" | ")} |`,
      `| ${counted.map(() => "---:").join(" | ")} |`,
      `| ${counted.map((status) => summary[status]).join(" | ")} |`,
      "",
    );
  }
  if (failing.length > 0) {
    lines.push(
      "| account | OU | region | status | stack instance | detail |",
      "| --- | --- | --- | --- | --- | --- |",
      ...failing.slice(0, MARKDOWN_ROW_LIMIT).map((row) => {
        const name = row.accountName ? `${markdownText(row.accountName)} ` : "";
        const management = row.managementAccount ? " (management)" : "";
        return (
          `| ${name}${markdownText(row.accountId)}${management} | ${cell(row.ouPath)} | ${cell(row.region)} | ` +
          `${row.status} | ${cell(row.stackInstance)} | ${cell(row.detail)} |`
        );
      }),
    );
    if (failing.length > MARKDOWN_ROW_LIMIT) {
      lines.push(
        "",
        `${failing.length - MARKDOWN_ROW_LIMIT} more failing cells are not listed here: the JSON and HTML reports hold every row.`,
      );
    }
    lines.push("");
  }
  return `${lines.join("\n")}`;
}
