// Runs .github/scripts/drift-report.sh on step results laid out as the drift workflow's steps leave them.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GITHUB_DIR } from "./workflows";

export const DRIFT_REPORT_SCRIPT = path.join(GITHUB_DIR, "scripts", "drift-report.sh");

/** What the steps of one stack left behind; an absent exit code means that step did not run. */
export interface DriftResults {
  preview?: number;
  previewLog?: string;
  audit?: number;
  /** audit.json's `summary`. */
  summary?: Record<string, number>;
  /** audit.md, the audit's Markdown. */
  markdown?: string;
}

/** A fresh folder holding `results` as the workflow's files; the caller removes it. */
export function driftResultsDir(results: DriftResults): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-drift-"));
  const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
  if (results.preview !== undefined) write("preview-exit", `${results.preview}\n`);
  if (results.previewLog !== undefined) write("preview.txt", results.previewLog);
  if (results.audit !== undefined) write("audit-exit", `${results.audit}\n`);
  if (results.summary) write("audit.json", JSON.stringify({ results: [], summary: results.summary }));
  if (results.markdown !== undefined) write("audit.md", results.markdown);
  return dir;
}

/** Runs the script with `args`, `<dir>` standing for a folder holding `results`. */
export function runDriftReport(args: string[], results: DriftResults) {
  const dir = driftResultsDir(results);
  try {
    const run = spawnSync("bash", [DRIFT_REPORT_SCRIPT, ...args.map((a) => (a === "<dir>" ? dir : a))], {
      encoding: "utf8",
      timeout: 30_000,
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The Markdown `drift-report.sh report` writes for `stack` with the preview on; fails unless it exits 0. */
export function driftReport(stack: string, results: DriftResults, maxBytes = 60_000): string {
  const run = runDriftReport(
    ["report", stack, "<dir>", "true", "https://github.com/o/r/actions/runs/7", String(maxBytes)],
    results,
  );
  if (run.code !== 0) throw new Error(`drift-report.sh exited ${run.code}: ${run.stderr}`);
  return run.stdout;
}
