// The HTML report at organisation scale: 1,000 accounts × 17 regions (and a few more columns for the regions
// some accounts left unmanaged), rows made by the audit's own classifiers from a synthetic organisation. Prints the
// file's size against 3 MB, and, in headless Chromium (testing/chromium.ts finds or installs it), the first
// paint and the load against 2 s, and how long a status filter takes. The Markdown report's size for the same rows.
// Usage: npm run bench:report [-- --accounts N --regions N --runs N]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { auditMetadata } from "../cli/auditMetadata";
import { AUDIT_STATUSES } from "../cli/auditRows";
import { renderHtmlReport } from "../cli/reportHtml";
import { renderMarkdownReport } from "../cli/reportMarkdown";
import { summarize } from "../cli/report";
import { chromium } from "../testing/chromium";
import { firstPaintMs, launchChromium, openReport } from "../testing/reportBrowser";
import { syntheticAudit } from "./syntheticAudit";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
const accounts = option("--accounts", 1_000);
const regionCount = option("--regions", 17);
const runs = option("--runs", 5);

const MAX_BYTES = 3 * 1024 * 1024;
const MAX_PAINT_MS = 2_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const verdict = (ok: boolean) => (ok ? "within target" : "TARGET MISSED");

async function main() {
  const { rows, regions } = syntheticAudit(accounts, regionCount);
  const report = {
    metadata: auditMetadata({
      startedAt: new Date(),
      callerArn: "arn:aws:sts::123456789012:assumed-role/Auditor/bench",
      organizationId: "o-bench00000",
      managementAccountId: "100000000000",
      stack: "prod",
      toolVersion: "bench",
      regions,
      rows,
      expectedRunAsEnabled: true,
      stackSetCallAs: "SELF",
    }),
    rows,
    summary: summarize(AUDIT_STATUSES, rows),
  };
  const started = process.hrtime.bigint();
  const html = renderHtmlReport(report);
  const renderMs = Number(process.hrtime.bigint() - started) / 1e6;
  const bytes = Buffer.byteLength(html);
  const markdownBytes = Buffer.byteLength(renderMarkdownReport(report));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-bench-report-"));
  const file = path.join(dir, "report.html");
  fs.writeFileSync(file, html);

  console.log(`HTML report of ${accounts} accounts × ${regionCount} regions: ${rows.length} cells`);
  console.log(`  rendered in          ${renderMs.toFixed(0)} ms (Node ${process.version})`);
  console.log(
    `  file size            ${(bytes / 1024 / 1024).toFixed(2)} MB (target ≤ 3 MB: ${verdict(bytes <= MAX_BYTES)})`,
  );
  console.log(
    `  Markdown, same rows  ${(markdownBytes / 1024).toFixed(1)} KB (failing cells, at most 100 listed)`,
  );

  const browser = await chromium();
  if (!browser.ok) {
    console.log(`  first paint          not measured: ${browser.reason}`);
    process.exitCode = 1;
    return;
  }
  const chrome = await launchChromium(browser.executablePath);
  const paints: number[] = [];
  const loads: number[] = [];
  const filters: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const { page, requests, problems } = await openReport(chrome, file);
      paints.push(await firstPaintMs(page));
      loads.push(
        await page.evaluate(() => {
          const [navigation] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
          return navigation.loadEventEnd - navigation.startTime;
        }),
      );
      const clicked = Date.now();
      await page.locator('[data-filter-status="MISSING"]').click();
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
      filters.push(Date.now() - clicked);
      if (requests.length > 0 || problems.length > 0) {
        throw new Error(`the page asked for ${requests.join(", ")} or failed: ${problems.join("; ")}`);
      }
      await page.close();
    }
  } finally {
    await chrome.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const paint = median(paints);
  console.log(
    `  first paint          ${paint.toFixed(0)} ms, median of ${runs} (${paints.map((ms) => ms.toFixed(0)).join(", ")}; ` +
      `target ≤ 2 s: ${verdict(paint <= MAX_PAINT_MS)})`,
  );
  console.log(`  load event           ${median(loads).toFixed(0)} ms, median`);
  console.log(`  status filter click  ${median(filters).toFixed(0)} ms, median, to the next frame`);
  console.log(`machine: ${os.cpus().length} cores; ${browser.executablePath}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
