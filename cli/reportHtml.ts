// Pure: the audit as one self-contained HTML page — a heat map of accounts (rows, grouped by OU path) × regions
// (columns), each cell coloured by its status and carrying a short status code, so that colour is never the only
// signal; a header with the run's metadata, a summary bar that doubles as the status filter, OU and region filters,
// and a tooltip and a detail panel per cell. Nothing is fetched: the CSS and script are inline, and the page's
// Content-Security-Policy allows no other source and only this script, so even a value that escaped its escaping
// could neither load nor run anything. Every value is escaped (account and OU names are anyone's to choose).
//
// Size, for 1,000 accounts × 17 regions: a cell is a bare `<td data-status=…>CODE</td>`; everything a tooltip shows
// sits once in a JSON block, its strings interned (a detail repeats across thousands of cells), and the script
// looks a cell up by its row's account index and its column.
import { createHash } from "node:crypto";
import { ALL_REGIONS, AUDIT_STATUSES, type AuditReportRow, type AuditStatus } from "./auditRows";
import type { AuditReport } from "./auditReport";
import { metadataText } from "./report";

export interface StatusStyle {
  /** What the cell says: readable without colour. */
  code: string;
  background: string;
  foreground: string;
}

/** Every pair has a contrast ratio of at least 4.5:1 (WCAG AA for normal text). */
export const STATUS_STYLES: Record<AuditStatus, StatusStyle> = {
  COMPLIANT: { code: "OK", background: "#1a7f37", foreground: "#ffffff" },
  BREAK_GLASS: { code: "GLASS", background: "#0550ae", foreground: "#ffffff" },
  OUT_OF_SCOPE: { code: "OUT", background: "#eaeef2", foreground: "#424a53" },
  SUSPENDED: { code: "SUSP", background: "#d0d7de", foreground: "#24292f" },
  MISSING: { code: "MISS", background: "#cf222e", foreground: "#ffffff" },
  RUNAS_DISABLED: { code: "OFF", background: "#82071e", foreground: "#ffffff" },
  BREAK_GLASS_PENDING: { code: "PEND", background: "#b6e3ff", foreground: "#0a3069" },
  WRONG_USER: { code: "USER", background: "#bc4c00", foreground: "#ffffff" },
  LATEST_DIFFERS: { code: "LATEST", background: "#fff8c5", foreground: "#4d2d00" },
  FALLBACK_USER_PENDING: { code: "NOUSER", background: "#fbefff", foreground: "#6e40c9" },
  BYPASS_DOCUMENT: { code: "BYPASS", background: "#8250df", foreground: "#ffffff" },
  WRITER_UNHEALTHY: { code: "WRITER", background: "#ffd8b5", foreground: "#762c00" },
  UNGUARDED: { code: "NOSCP", background: "#ffcecb", foreground: "#82071e" },
  UNMANAGED_REGION: { code: "UNMGD", background: "#f6f8fa", foreground: "#57606a" },
  ERROR: { code: "ERR", background: "#24292f", foreground: "#ffffff" },
};

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text or an attribute value, safe in either place. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/** JSON inside `<script type="application/json">`: no `</script>`, no comment or CDATA opener, no line separators. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

const statusCss = AUDIT_STATUSES.map((status) => {
  const { background, foreground } = STATUS_STYLES[status];
  return (
    `[data-status="${status}"],.k-${status}{background:${background};color:${foreground}}\n` +
    `#grid.f-${status} td[data-status="${status}"]{visibility:visible}`
  );
}).join("\n");

/** The region filter's rules: the table's class `r-<column>` hides every other column. */
const regionCss = (columns: number) =>
  Array.from(
    { length: columns },
    (_, column) => `#grid.r-${column} tr>:nth-child(n+2):not(:nth-child(${column + 2})){display:none}`,
  ).join("\n");

const BASE_CSS = `
*{box-sizing:border-box}
body{margin:0;min-width:max-content;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;background:#fff}
header{padding:12px 16px;border-bottom:1px solid #d0d7de}
h1{font-size:20px;margin:0 0 8px}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
.meta dt{font-weight:600}
.meta dd{margin:0;overflow-wrap:anywhere}
.warn{margin:8px 0 0;padding:6px 10px;border:1px solid #bf8700;background:#fff8c5;color:#4d2d00}
nav{display:flex;flex-wrap:wrap;gap:6px;align-items:center;padding:8px 16px;background:#f6f8fa;border-bottom:1px solid #d0d7de}
.chip{display:inline-flex;gap:6px;align-items:center;font:inherit;padding:3px 8px;border:1px solid #afb8c1;border-radius:12px;background:#fff;color:#1f2328;cursor:pointer}
.chip[aria-pressed=true]{border-color:#0969da;box-shadow:0 0 0 2px #0969da}
.chip .code{font:600 11px/1 ui-monospace,"DejaVu Sans Mono",monospace;padding:3px 4px;border-radius:3px}
.chip b{font-variant-numeric:tabular-nums}
.chip.zero{color:#57606a}
nav label{margin-left:8px}
#shown{margin-left:auto;color:#57606a}
main{padding:0 16px 16px}
table{border-collapse:separate;border-spacing:2px;margin-top:8px}
thead th{position:sticky;top:0;z-index:1;background:#fff;font-weight:600;font-size:12px;padding:4px;white-space:nowrap}
thead th.unmanaged{color:#57606a;font-style:italic}
tbody th{text-align:left;font-weight:normal;white-space:nowrap;padding:2px 8px 2px 0;max-width:420px;overflow:hidden;text-overflow:ellipsis}
tr.ou th{padding:10px 0 2px;font-weight:600;color:#1f2328;border-bottom:1px solid #d0d7de}
.id{color:#57606a;font:12px ui-monospace,"DejaVu Sans Mono",monospace}
.badge{font-size:11px;padding:1px 6px;border-radius:8px;background:#0550ae;color:#fff}
td{min-width:52px;height:24px;text-align:center;font:600 11px/1 ui-monospace,"DejaVu Sans Mono",monospace;border-radius:3px;cursor:pointer}
td:not([data-status]){background:repeating-linear-gradient(45deg,#fff,#fff 3px,#eaeef2 3px,#eaeef2 6px);cursor:default}
#grid.filtering td{visibility:hidden}
td.picked{outline:3px solid #0969da;outline-offset:1px}
#tip{position:fixed;z-index:3;max-width:480px;padding:8px 10px;background:#1f2328;color:#fff;border-radius:6px;pointer-events:none;font-size:12px}
#tip dl,#detail dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:0}
#tip dt,#detail dt{font-weight:600}
#tip dd,#detail dd{margin:0;overflow-wrap:anywhere}
#detail{position:fixed;right:16px;bottom:16px;z-index:3;width:min(560px,calc(100% - 32px));padding:12px 14px;background:#fff;border:1px solid #afb8c1;border-radius:8px;box-shadow:0 8px 24px rgba(0,0,0,.2)}
#detail button{float:right;font:inherit}
${statusCss}
`;

const SCRIPT = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("audit-data").textContent);
  var grid = document.getElementById("grid");
  var tip = document.getElementById("tip");
  var panel = document.getElementById("detail");
  var panelBody = document.getElementById("detail-body");
  var ouSelect = document.getElementById("ou-filter");
  var regionSelect = document.getElementById("region-filter");
  var shown = document.getElementById("shown");
  var chips = document.querySelectorAll("[data-filter-status]");
  var selected = {};
  var picked = null;

  function text(index) { return index < 0 ? null : data.strings[index]; }
  function cellOf(td) {
    var row = td.parentNode;
    var accountIndex = Number(row.getAttribute("data-a"));
    var column = td.cellIndex - 1;
    var cell = data.cells[accountIndex][column];
    if (!cell) return null;
    var account = data.accounts[accountIndex];
    var runAs = cell[1] === null ? "not read" : cell[1] ? "enabled" : "disabled";
    var versions = cell[4] === null ? "none read" :
      cell[4] === cell[5] ? "v" + cell[4] : "default v" + cell[4] + ", latest v" + cell[5];
    return [
      ["Account", account.name + " (" + account.id + ")" + (account.management ? ", management account" : "")],
      ["OU path", account.ouPath],
      ["Region", data.regions[column]],
      ["Status", data.statuses[cell[0]]],
      ["RunAs", runAs],
      ["Default user", text(cell[2]) === null ? "not set" : JSON.stringify(text(cell[2]))],
      ["Expected user", account.expectedUser === null ? "none (not in the stack's scope)" : account.expectedUser],
      ["Document", versions],
      ["StackSet instance", text(cell[6]) === null ? "not read" : text(cell[6])],
      ["Detail", text(cell[3]) || "-"]
    ];
  }
  function fill(element, fields) {
    var list = document.createElement("dl");
    fields.forEach(function (field) {
      var term = document.createElement("dt");
      term.textContent = field[0];
      var value = document.createElement("dd");
      value.textContent = field[1];
      list.appendChild(term);
      list.appendChild(value);
    });
    element.textContent = "";
    element.appendChild(list);
  }
  function cellTarget(event) {
    var target = event.target;
    return target && target.closest ? target.closest("td[data-status]") : null;
  }
  grid.addEventListener("mousemove", function (event) {
    var td = cellTarget(event);
    if (!td) { tip.hidden = true; return; }
    if (tip.getAttribute("data-for") !== String(td.parentNode.getAttribute("data-a")) + "/" + td.cellIndex) {
      fill(tip, cellOf(td));
      tip.setAttribute("data-for", td.parentNode.getAttribute("data-a") + "/" + td.cellIndex);
    }
    tip.hidden = false;
    var x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    var y = event.clientY + 14 + tip.offsetHeight > window.innerHeight ? event.clientY - tip.offsetHeight - 10 : event.clientY + 14;
    tip.style.left = Math.max(8, x) + "px";
    tip.style.top = Math.max(8, y) + "px";
  });
  grid.addEventListener("mouseleave", function () { tip.hidden = true; });
  grid.addEventListener("click", function (event) {
    var td = cellTarget(event);
    if (!td) return;
    if (picked) picked.classList.remove("picked");
    picked = td;
    td.classList.add("picked");
    fill(panelBody, cellOf(td));
    panel.hidden = false;
  });
  document.getElementById("detail-close").addEventListener("click", function () {
    panel.hidden = true;
    if (picked) picked.classList.remove("picked");
    picked = null;
  });

  // Filtering changes classes on the table (the stylesheet hides cells by status and columns by region) and the
  // display of rows and groups only: never a write per cell, which at 17,000 cells would take long.
  function apply() {
    var statuses = Object.keys(selected);
    var ou = ouSelect.value;
    var region = regionSelect.value === "" ? -1 : Number(regionSelect.value);
    var classes = statuses.map(function (status) { return "f-" + status; });
    if (statuses.length > 0) classes.push("filtering");
    if (region >= 0) classes.push("r-" + region);
    grid.className = classes.join(" ");
    var wanted = {};
    statuses.forEach(function (status) { wanted[data.statuses.indexOf(status)] = true; });
    var count = 0;
    for (var b = 0; b < grid.tBodies.length; b++) {
      var body = grid.tBodies[b];
      var path = body.getAttribute("data-ou");
      if (ou !== "" && path !== ou && path.indexOf(ou + "/") !== 0) { body.style.display = "none"; continue; }
      var inGroup = 0;
      for (var r = 1; r < body.rows.length; r++) {
        var row = body.rows[r];
        var cells = data.cells[Number(row.getAttribute("data-a"))];
        var inRow = 0;
        for (var c = 0; c < cells.length; c++) {
          var cell = cells[c];
          if (cell && (region < 0 || c === region) && (statuses.length === 0 || wanted[cell[0]])) inRow++;
        }
        row.style.display = inRow > 0 ? "" : "none";
        inGroup += inRow;
      }
      body.style.display = inGroup > 0 ? "" : "none";
      count += inGroup;
    }
    shown.textContent = count + " of " + data.total + " cells shown";
  }
  chips.forEach(function (chip) {
    chip.addEventListener("click", function () {
      var status = chip.getAttribute("data-filter-status");
      if (status === "") selected = {};
      else if (selected[status]) delete selected[status];
      else selected[status] = true;
      chips.forEach(function (other) {
        var value = other.getAttribute("data-filter-status");
        var on = value === "" ? Object.keys(selected).length === 0 : selected[value] === true;
        other.setAttribute("aria-pressed", on ? "true" : "false");
      });
      apply();
    });
  });
  ouSelect.addEventListener("change", apply);
  regionSelect.addEventListener("change", apply);
  shown.textContent = data.total + " of " + data.total + " cells shown";
})();
`;

const cspHash = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** Managed regions in the order given, then any other region a row names (UNMANAGED_REGION), `*` last. */
export function regionColumns(managed: readonly string[], rows: readonly AuditReportRow[]): string[] {
  const others = [...new Set(rows.map(({ region }) => region))]
    .filter((region) => !managed.includes(region) && region !== ALL_REGIONS)
    .sort();
  const anyRegion = rows.some(({ region }) => region === ALL_REGIONS) ? [ALL_REGIONS] : [];
  return [...managed, ...others, ...anyRegion];
}

interface AccountEntry {
  id: string;
  name: string;
  ouPath: string;
  management: boolean;
  expectedUser: string | null;
  rows: Map<string, AuditReportRow>;
}

/** Accounts grouped by OU path (sorted), by name then id within a group. */
export function accountGroups(rows: readonly AuditReportRow[]): [string, AccountEntry[]][] {
  const accounts = new Map<string, AccountEntry>();
  for (const row of rows) {
    let entry = accounts.get(row.accountId);
    if (!entry) {
      entry = {
        id: row.accountId,
        name: row.accountName,
        ouPath: row.ouPath,
        management: row.managementAccount,
        expectedUser: row.expectedUser,
        rows: new Map(),
      };
      accounts.set(row.accountId, entry);
    }
    entry.rows.set(row.region, row);
  }
  const groups = new Map<string, AccountEntry[]>();
  for (const entry of accounts.values()) {
    groups.set(entry.ouPath, [...(groups.get(entry.ouPath) ?? []), entry]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, entries]) => [
      path,
      entries.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
    ]);
}

/** Every OU path with each of its ancestors, for the OU filter: choosing one shows the OUs below it too. */
function ouChoices(paths: readonly string[]): string[] {
  const choices = new Set<string>();
  for (const path of paths) {
    const parts = path.split("/");
    for (let length = 1; length <= parts.length; length++) choices.add(parts.slice(0, length).join("/"));
  }
  return [...choices].sort((a, b) => a.localeCompare(b));
}

function metadataList(report: AuditReport): string {
  const { metadata } = report;
  const expected = metadata.expectedRunAsEnabled
    ? `RunAs on, fallback user ${metadataText(metadata.expectedUsers) || "(none)"}`
    : "RunAs off everywhere (break-glass)";
  const entries: [string, string][] = [
    [
      "Organisation",
      `${metadataText(metadata.organizationId) || "unknown"} (management account ${metadataText(metadata.managementAccountId) || "unknown"})`,
    ],
    ["Stack", metadata.stack ?? "none (--expected-user)"],
    ["Expected", expected],
    ["Regions", metadataText(metadata.regions)],
    ["Generated", `${metadata.generatedAt} by ${metadata.caller}`],
    ["Tool", `ssm-runas ${metadata.toolVersion}`],
    ["StackSet", `${metadata.stackSet} (call as ${metadata.stackSetCallAs})`],
  ];
  return entries.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join("");
}

export function renderHtmlReport(report: AuditReport): string {
  const { metadata, rows, summary } = report;
  const columns = regionColumns(metadata.regions, rows);
  const groups = accountGroups(rows);
  const strings: string[] = [];
  const interned = new Map<string, number>();
  const intern = (value: string | null): number => {
    if (value === null) return -1;
    let index = interned.get(value);
    if (index === undefined) {
      index = strings.length;
      strings.push(value);
      interned.set(value, index);
    }
    return index;
  };
  const accounts: object[] = [];
  const cells: (0 | (string | number | boolean | null)[])[][] = [];
  const bodies: string[] = [];
  for (const [path, entries] of groups) {
    const lines = [
      `<tbody data-ou="${escapeHtml(path)}"><tr class="ou"><th colspan="${columns.length + 1}" scope="rowgroup">${escapeHtml(path)}</th></tr>`,
    ];
    for (const entry of entries) {
      const index = accounts.length;
      accounts.push({
        id: entry.id,
        name: entry.name,
        ouPath: entry.ouPath,
        management: entry.management,
        expectedUser: entry.expectedUser,
      });
      cells.push(
        columns.map((region) => {
          const row = entry.rows.get(region);
          if (!row) return 0;
          return [
            AUDIT_STATUSES.indexOf(row.status),
            row.runAsEnabled,
            intern(row.runAsDefaultUser),
            intern(row.detail),
            row.defaultVersion,
            row.latestVersion,
            intern(row.stackInstance),
          ];
        }),
      );
      const badge = entry.management ? ` <span class="badge">management</span>` : "";
      const tds = columns
        .map((region) => {
          const row = entry.rows.get(region);
          return row ? `<td data-status="${row.status}">${STATUS_STYLES[row.status].code}</td>` : "<td></td>";
        })
        .join("");
      lines.push(
        `<tr data-a="${index}"><th scope="row"><span class="name">${escapeHtml(entry.name)}</span> <span class="id">${escapeHtml(entry.id)}</span>${badge}</th>${tds}</tr>`,
      );
    }
    lines.push("</tbody>");
    bodies.push(lines.join("\n"));
  }
  const data = {
    statuses: AUDIT_STATUSES,
    regions: columns,
    total: rows.length,
    accounts,
    cells,
    strings,
  };
  const chips = [
    `<button type="button" class="chip" data-filter-status="" aria-pressed="true">All <b>${rows.length}</b></button>`,
    ...AUDIT_STATUSES.map((status) => {
      const count = summary[status];
      return (
        `<button type="button" class="chip${count === 0 ? " zero" : ""}" data-filter-status="${status}" aria-pressed="false">` +
        `<span class="code k-${status}">${STATUS_STYLES[status].code}</span>${status} <b data-count="${status}">${count}</b></button>`
      );
    }),
  ].join("\n");
  const ouOptions = ouChoices(groups.map(([path]) => path))
    .map((path) => `<option value="${escapeHtml(path)}">${escapeHtml(path)}</option>`)
    .join("");
  const regionOptions = columns
    .map((region, index) => `<option value="${index}">${escapeHtml(region)}</option>`)
    .join("");
  const headers = columns
    .map(
      (region) =>
        `<th scope="col"${metadata.regions.includes(region) ? "" : ' class="unmanaged" title="not a managed region"'}>${escapeHtml(region)}</th>`,
    )
    .join("");
  const warning =
    metadata.stackSetError === null
      ? ""
      : `<p class="warn" role="status">The StackSet's instances could not be read, so the stack instance of every cell is unknown: ${escapeHtml(metadata.stackSetError)}</p>`;
  const css = `${BASE_CSS}${regionCss(columns.length)}\n`;
  const csp = [
    "default-src 'none'",
    `style-src ${cspHash(css)}`,
    `script-src ${cspHash(SCRIPT)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const title = `RunAs audit ${metadata.organizationId ?? ""} ${metadata.generatedAt}`.replace(/\s+/g, " ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ssm-runas ${escapeHtml(metadata.toolVersion)}">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<header>
<h1>SSM Session Manager RunAs audit</h1>
<dl class="meta">${metadataList(report)}</dl>
${warning}
</header>
<nav aria-label="Filters">
${chips}
<label>OU <select id="ou-filter"><option value="">all</option>${ouOptions}</select></label>
<label>Region <select id="region-filter"><option value="">all</option>${regionOptions}</select></label>
<span id="shown" aria-live="polite"></span>
</nav>
<main>
<table id="grid">
<thead><tr><th scope="col">Account</th>${headers}</tr></thead>
${bodies.join("\n")}
</table>
</main>
<div id="tip" role="tooltip" hidden></div>
<aside id="detail" aria-label="Cell detail" hidden><button type="button" id="detail-close">Close</button><div id="detail-body"></div></aside>
<script type="application/json" id="audit-data">${jsonForScript(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
