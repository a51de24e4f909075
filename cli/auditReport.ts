// Pure: the audit's report in the format asked for — the listings every command shares (table, JSON, CSV), the
// HTML heat map (./reportHtml) and the Markdown summary (./reportMarkdown).
import { AUDIT_COLUMNS, AUDIT_TABLE_FIELDS, type AuditReportRow, type AuditStatus } from "./auditRows";
import type { AuditMetadata } from "./auditMetadata";
import { renderHtmlReport } from "./reportHtml";
import { renderMarkdownReport } from "./reportMarkdown";
import { OUTPUT_FORMATS, renderReport } from "./report";

export const AUDIT_OUTPUT_FORMATS = [...OUTPUT_FORMATS, "html", "markdown"] as const;
export type AuditOutputFormat = (typeof AUDIT_OUTPUT_FORMATS)[number];

export interface AuditReport {
  metadata: AuditMetadata;
  rows: readonly AuditReportRow[];
  summary: Record<AuditStatus, number>;
}

export function renderAuditReport(format: AuditOutputFormat, report: AuditReport): string {
  switch (format) {
    case "html":
      return renderHtmlReport(report);
    case "markdown":
      return renderMarkdownReport(report);
    default:
      return renderReport(format, {
        columns: AUDIT_COLUMNS,
        tableFields: AUDIT_TABLE_FIELDS,
        rows: [...report.rows],
        summary: report.summary,
        // The table stays rows and counts: its reader ran the audit and knows against what.
        metadata: format === "table" ? undefined : report.metadata,
      });
  }
}
