// Opens an HTML report in headless Chromium (playwright-core, driving the browser testing/chromium.ts found):
// every request the page makes is recorded, and so is every console error, page error and Content-Security-
// Policy violation, so that a test can hold the page to making none. Shared by the report's test and its bench.
// The page callbacks (page.evaluate) run in the browser: its types.
/// <reference lib="dom" />
import * as path from "node:path";
import { chromium as playwright, type Browser, type Page } from "playwright-core";
import { CHROMIUM_ARGS } from "./chromium";

export interface OpenedReport {
  browser: Browser;
  page: Page;
  /** Every URL the page asked for after the report itself. */
  requests: string[];
  /** Console errors, uncaught exceptions, CSP violations. */
  problems: string[];
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return playwright.launch({ executablePath, args: CHROMIUM_ARGS });
}

export async function openReport(
  browser: Browser,
  file: string,
  viewport = { width: 1600, height: 1000 },
): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport });
  const url = `file://${path.resolve(file)}`;
  const requests: string[] = [];
  const problems: string[] = [];
  page.on("request", (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  await page.goto(url, { waitUntil: "load" });
  return { browser, page, requests, problems };
}

/** When the page first painted (ms after navigation started), from the browser's own paint timing. */
export async function firstPaintMs(page: Page): Promise<number> {
  return page.evaluate(() => {
    const paints = performance.getEntriesByType("paint");
    const first = paints.find(({ name }) => name === "first-paint") ?? paints[0];
    return first ? first.startTime : Number.NaN;
  });
}
