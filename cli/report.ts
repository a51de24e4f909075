// Pure rendering of a list of status rows as a table, CSV or the JSON `{results, summary}` shape.

export const OUTPUT_FORMATS = ["table", "json", "csv"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

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
  /** The rows to list. */
  rows: Row[];
  /** Count per status, every status listed (see `summarize`); it may count more than the rows listed. */
  summary: Record<Status, number>;
}

export function summarize<Status extends string>(
  statuses: readonly Status[],
  rows: { status: Status }[],
): Record<Status, number> {
  const summary = Object.fromEntries(statuses.map((status) => [status, 0])) as Record<Status, number>;
  for (const { status } of rows) summary[status] += 1;
  return summary;
}

function tableCell(value: Cell): string {
  return value === null || value === "" ? "-" : String(value);
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

export function renderReport<Row, Status extends string>(
  format: OutputFormat,
  spec: ReportSpec<Row, Status>,
): string {
  const { summary } = spec;
  const cells = spec.rows.map((row) => spec.columns.map(({ field }) => row[field] as Cell));
  switch (format) {
    case "json":
      return `${JSON.stringify({ results: spec.rows, summary }, null, 2)}\n`;
    case "csv":
      return formatCsv(
        spec.columns.map(({ field }) => field),
        cells,
      );
    case "table": {
      const shown = spec.columns.flatMap((column, index) => (column.table === false ? [] : [index]));
      const table = formatTable(
        shown.map((index) => spec.columns[index].header),
        cells.map((row) => shown.map((index) => tableCell(row[index]))),
      );
      const totals = Object.entries(summary).map(([status, count]) => `${status} ${count}`);
      return `${table}\n${totals.join("  ")}\n`;
    }
  }
}
