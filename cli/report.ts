// Pure rendering of a list of status rows as a table, CSV or the JSON `{results, summary}` shape (with run
// metadata: `{metadata, results, summary}`, and `# key: value` lines before the CSV header).

/** What every listing renders; the audit adds its own (./auditReport). */
export const OUTPUT_FORMATS = ["table", "json", "csv"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export type MetadataValue = string | boolean | null | readonly string[];
/** About the run as a whole: when, by whom, against what. Keys in the order they are shown. */
export type ReportMetadata = Record<string, MetadataValue>;

type Cell = string | boolean | null;

export interface Column<Row> {
  /** Heading in the table. */
  header: string;
  /** Field name in JSON and CSV. */
  field: keyof Row & string;
  /** `false`: JSON and CSV only, left out of the table. */
  table?: false;
}

export interface ReportSpec<Row, Status extends string> {
  columns: Column<Row>[];
  /** The table's columns in the table's order (default: every column not marked `table: false`, in order). */
  tableFields?: (keyof Row & string)[];
  /** The rows to list. */
  rows: Row[];
  /** Count per status, every status listed (see `summarize`); it may count more than the rows listed. */
  summary: Record<Status, number>;
  metadata?: ReportMetadata;
}

export function summarize<Status extends string>(
  statuses: readonly Status[],
  rows: { status: Status }[],
): Record<Status, number> {
  const summary = Object.fromEntries(statuses.map((status) => [status, 0])) as Record<Status, number>;
  for (const { status } of rows) summary[status] += 1;
  return summary;
}

/**
 * Text for a terminal: control characters shown as `\uXXXX`, so a value from a directory (an Entra attribute, an
 * account name) cannot move the cursor, recolour or rewrite the lines an operator reads. JSON escapes them itself.
 */
export function terminalText(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function tableCell(value: Cell): string {
  return value === null || value === "" ? "-" : terminalText(String(value));
}

function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join("  ");
  return [line(headers), ...rows.map(line)].map((text) => `${text}\n`).join("");
}

// RFC 4180 by hand, on purpose: csv-stringify, with the CRLF records this writes, leaves a field holding a bare
// LF or CR unquoted and turns booleans into 1 and an empty field unless configured at more length than this.
function csvField(value: Cell): string {
  const text = value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function formatCsv(fields: string[], rows: Cell[][]): string {
  return [fields, ...rows].map((row) => `${row.map(csvField).join(",")}\r\n`).join("");
}

/** A metadata value on one line: lists comma-separated, null empty. */
export function metadataText(value: MetadataValue): string {
  const text = value === null ? "" : Array.isArray(value) ? value.join(", ") : String(value);
  return text.replace(/[\r\n]+/g, " ");
}

/** `# key: value` lines, for readers that skip comment lines (e.g. pandas' `comment="#"`). */
function csvComments(metadata: ReportMetadata): string {
  return Object.entries(metadata)
    .map(([key, value]) => `# ${key}: ${metadataText(value)}\r\n`)
    .join("");
}

export function renderReport<Row, Status extends string>(
  format: OutputFormat,
  spec: ReportSpec<Row, Status>,
): string {
  const { summary } = spec;
  const cells = spec.rows.map((row) => spec.columns.map(({ field }) => row[field] as Cell));
  switch (format) {
    case "json": {
      const report = spec.metadata
        ? { metadata: spec.metadata, results: spec.rows, summary }
        : { results: spec.rows, summary };
      return `${JSON.stringify(report, null, 2)}\n`;
    }
    case "csv":
      return (
        (spec.metadata ? csvComments(spec.metadata) : "") +
        formatCsv(
          spec.columns.map(({ field }) => field),
          cells,
        )
      );
    case "table": {
      const shown = spec.tableFields
        ? spec.tableFields.map((field) => spec.columns.findIndex((column) => column.field === field))
        : spec.columns.flatMap((column, index) => (column.table === false ? [] : [index]));
      const table = formatTable(
        shown.map((index) => spec.columns[index].header),
        cells.map((row) => shown.map((index) => tableCell(row[index]))),
      );
      const totals = Object.entries(summary).map(([status, count]) => `${status} ${count}`);
      return `${table}\n${totals.join("  ")}\n`;
    }
  }
}
