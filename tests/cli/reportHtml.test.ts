// The HTML report as text: escaping, self-containment, a CSP that matches what is inlined, colours readable
// without relying on colour. (Its behaviour in a browser: tests/cli/commands/audit.report.test.ts.)
import { expect } from "chai";
import { createHash } from "node:crypto";
import { AUDIT_STATUSES, type AuditReportRow } from "../../cli/auditRows";
import type { AuditMetadata } from "../../cli/auditMetadata";
import {
  accountGroups,
  escapeHtml,
  jsonForScript,
  regionColumns,
  renderHtmlReport,
  STATUS_STYLES,
} from "../../cli/reportHtml";
import { summarize } from "../../cli/report";

const HOSTILE = `<img src=x onerror=alert(1)></script><script>alert(2)</script>"'&`;

/** WCAG 2 contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
    const linear = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(bl);
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

const metadata: AuditMetadata = {
  generatedAt: "2026-01-02T03:04:05.000Z",
  caller: `arn:aws:sts::123456789012:assumed-role/${HOSTILE}`,
  organizationId: "o-abcdefghij",
  managementAccountId: "999999999999",
  stack: HOSTILE,
  toolVersion: "1.2.3",
  regions: ["eu-west-1", "us-east-1"],
  expectedUsers: ["ssm-fallback"],
  expectedRunAsEnabled: true,
  stackSet: "ssm-runas-sync-runshell",
  stackSetCallAs: "SELF",
  stackSetError: HOSTILE,
};

function row(accountId: string, region: string, changes: Partial<AuditReportRow> = {}): AuditReportRow {
  return {
    accountId,
    region,
    status: "COMPLIANT",
    runAsEnabled: true,
    runAsDefaultUser: "ssm-fallback",
    detail: "",
    defaultVersion: "1",
    latestVersion: "1",
    accountName: accountId === "999999999999" ? "management" : `account ${accountId}`,
    ouPath: "Root",
    expectedUser: "ssm-fallback",
    managementAccount: accountId === "999999999999",
    stackInstance: "CURRENT",
    ...changes,
  };
}

describe("cli: HTML report", () => {
  it("escapes text and attribute values", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).to.equal(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
  });

  it("embeds JSON that cannot end its script element, and reads back the same", () => {
    const value = { name: "</script><!-- <script>", separators: "\u2028\u2029", amp: "&" };
    const text = jsonForScript(value);
    expect(text).not.to.match(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).to.deep.equal(value);
  });

  it("gives every status its own code and colours with a contrast of at least 4.5:1", () => {
    const codes = AUDIT_STATUSES.map((status) => STATUS_STYLES[status].code);
    expect(new Set(codes).size).to.equal(AUDIT_STATUSES.length);
    for (const status of AUDIT_STATUSES) {
      const { background, foreground } = STATUS_STYLES[status];
      expect(contrast(background, foreground), status).to.be.at.least(4.5);
    }
  });

  it("orders the managed regions first, as given, then the others sorted, `*` last", () => {
    const rows = [
      row("111111111111", "us-east-1"),
      row("111111111111", "*", { status: "ERROR" }),
      row("111111111111", "ap-south-1", { status: "UNMANAGED_REGION" }),
      row("111111111111", "af-south-1", { status: "UNMANAGED_REGION" }),
    ];
    expect(regionColumns(["us-east-1", "eu-west-1"], rows)).to.deep.equal([
      "us-east-1",
      "eu-west-1",
      "af-south-1",
      "ap-south-1",
      "*",
    ]);
  });

  it("groups accounts by OU path, by name then id within a group", () => {
    const rows = [
      row("333333333333", "eu-west-1", { ouPath: "Root/Workloads", accountName: "b" }),
      row("222222222222", "eu-west-1", { ouPath: "Root/Workloads", accountName: "a" }),
      row("111111111111", "eu-west-1", { ouPath: "Root/Workloads", accountName: "a" }),
      row("999999999999", "eu-west-1"),
    ];
    expect(accountGroups(rows).map(([path, accounts]) => [path, accounts.map(({ id }) => id)])).to.deep.equal(
      [
        ["Root", ["999999999999"]],
        ["Root/Workloads", ["111111111111", "222222222222", "333333333333"]],
      ],
    );
  });

  describe("a page with a hostile value in every field", () => {
    const rows = [
      row("999999999999", "eu-west-1", { status: "UNGUARDED" }),
      row("111111111111", "eu-west-1", {
        status: "WRONG_USER",
        accountName: HOSTILE,
        ouPath: `Root/${HOSTILE}`,
        runAsDefaultUser: HOSTILE,
        detail: HOSTILE,
        expectedUser: HOSTILE,
        stackInstance: `FAILED: ${HOSTILE}`,
      }),
      row("111111111111", "us-east-1"),
    ];
    const html = renderHtmlReport({ metadata, rows, summary: summarize(AUDIT_STATUSES, rows) });

    it("carries no markup of a value's: two script elements, both its own", () => {
      expect(html.match(/<script/g)).to.have.length(2);
      expect(html).not.to.include("<img");
      expect(html).not.to.include("alert(1)></");
      expect(html).to.include(escapeHtml(HOSTILE));
    });

    it("refers to nothing outside itself", () => {
      // Only the elements the page builds (a value's `<img …>` is text: its `<` is escaped); none that loads.
      const tags = new Set([...html.matchAll(/<([a-z][a-z0-9]*)/gi)].map(([, tag]) => tag.toLowerCase()));
      expect([...tags].sort()).to.deep.equal([
        "aside",
        "b",
        "body",
        "button",
        "dd",
        "div",
        "dl",
        "dt",
        "h1",
        "head",
        "header",
        "html",
        "label",
        "main",
        "meta",
        "nav",
        "option",
        "p",
        "script",
        "select",
        "span",
        "style",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "title",
        "tr",
      ]);
      expect(html).not.to.match(/https?:\/\/|url\(|@import/i);
    });

    it("allows only its own inline script and style (CSP hashes of exactly what is inlined)", () => {
      const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
      const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
      const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
        .exec(html)![1]
        .replace(/&#39;/g, "'");
      expect(csp.split("; ")).to.deep.equal([
        "default-src 'none'",
        `style-src ${hash(style)}`,
        `script-src ${hash(script)}`,
        "img-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
      ]);
    });

    it("shows one cell per row, with its status code, and a count per status", () => {
      expect(html.match(/<td data-status="/g)).to.have.length(rows.length);
      expect(html).to.include(`<td data-status="WRONG_USER">${STATUS_STYLES.WRONG_USER.code}</td>`);
      expect(html).to.include(`<b data-count="WRONG_USER">1</b>`);
      expect(html).to.include(`<b data-count="COMPLIANT">1</b>`);
      expect(html).to.include('<span class="badge">management</span>');
    });
  });
});
