// `ssm-runas audit --format html|markdown` and the context every row carries, end to end: the real bin against
// an organisation of 12 accounts (the management account and 11 members) × 2 regions on moto, IAM enforced,
// seeded so that every status occurs — 12 of them in a normal audit, BREAK_GLASS and BREAK_GLASS_PENDING in a
// break-glass one, all but FALLBACK_USER_PENDING (each cell has the StackSet's fallback-user association and no node: audit.fallbackUser.test.ts counts nodes) — with the RunShell StackSet deployed to some OUs in some regions (the StackSet join). The HTML
// page is opened in a real headless Chromium: one cell per account × region with the right status code, counts
// per status equal to the JSON summary, filters that hide what they should, no network request, no script an
// account name could smuggle in; a screenshot goes to test-output/ for a reviewer.
// The page callbacks (page.evaluate) run in the browser: its types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { SSMClient, UpdateDocumentCommand } from "@aws-sdk/client-ssm";
import type { Browser } from "playwright-core";
import { parse, stringify } from "yaml";
import { AUDIT_STATUSES, type AuditReportRow, type AuditStatus } from "../../../cli/auditRows";
import { STATUS_STYLES } from "../../../cli/reportHtml";
import { chromium } from "../../../testing/chromium";
import { motoEnvironment, resetMoto, startMoto } from "../../../testing/moto";
import { launchChromium, openReport } from "../../../testing/reportBrowser";
import {
  enforceIamPolicies,
  runShellContent,
  seedOrganization,
  sessionDocumentContent,
  type AccountSeed,
  type SeededDocument,
  type SeededOrganization,
} from "../../../testing/seedOrganization";
import { REPO_ROOT, runCli } from "../../support/cli";

const REGIONS = ["eu-west-1", "us-east-1"] as const;
const FALLBACK = "ssm-fallback";
const SANDBOX_USER = "sandbox-user";
/** An account name is anyone's to choose (any printable ASCII): this one must stay text everywhere. */
const HOSTILE_NAME = `<script>pwned=1</script>"'&`;
export const TEST_OUTPUT = path.join(REPO_ROOT, "test-output");

const ok: SeededDocument = { runAsEnabled: true, runAsDefaultUser: FALLBACK };
const off: SeededDocument = { runAsEnabled: false, runAsDefaultUser: "" };
const wrong: SeededDocument = { runAsEnabled: true, runAsDefaultUser: "ec2-user" };
const sandbox: SeededDocument = { runAsEnabled: true, runAsDefaultUser: SANDBOX_USER };

interface Member extends AccountSeed {
  /** Per region, in a normal audit of the stack. */
  expected: [AuditStatus, AuditStatus];
  /** Per region, in a break-glass audit (--expect-runas-disabled), where it differs from the normal one. */
  breakGlass?: [AuditStatus, AuditStatus];
  /** Per region, the RunShell StackSet's instance there. */
  stackInstance: [string, string];
  denied?: boolean;
}

const both = (document: SeededDocument) => ({ [REGIONS[0]]: document, [REGIONS[1]]: document });
const BYPASS = [
  {
    name: "root-shell",
    content: sessionDocumentContent("InteractiveCommands", { properties: { runAsElevated: true } }),
  },
];

// The stack: deploymentTargets Platform and Workloads (with Prod below it), Sandbox overridden to sandbox-user,
// Outside in neither. The StackSet has instances for Platform and Workloads in both regions, for Sandbox in the
// first only.
const MEMBERS: Member[] = [
  {
    name: "platform-ok",
    ou: "Platform",
    documents: both(ok),
    expected: ["COMPLIANT", "COMPLIANT"],
    breakGlass: ["BREAK_GLASS_PENDING", "BREAK_GLASS_PENDING"],
    stackInstance: ["CURRENT", "CURRENT"],
  },
  {
    name: "prod-half",
    ou: "Prod",
    documents: { [REGIONS[0]]: ok },
    writers: { [REGIONS[1]]: false },
    expected: ["COMPLIANT", "MISSING"],
    breakGlass: ["BREAK_GLASS_PENDING", "MISSING"],
    stackInstance: ["CURRENT", "CURRENT"],
  },
  {
    name: "sandbox-half",
    ou: "Sandbox",
    documents: { [REGIONS[0]]: sandbox },
    writers: { [REGIONS[0]]: { user: SANDBOX_USER }, [REGIONS[1]]: false },
    expected: ["COMPLIANT", "MISSING"],
    breakGlass: ["BREAK_GLASS_PENDING", "MISSING"],
    stackInstance: ["CURRENT", "NOT_TARGETED"],
  },
  {
    // Its first region is already in break-glass: RunAs off, and the writer keeps it so.
    name: "legacy-off",
    ou: "Workloads",
    documents: { [REGIONS[0]]: off, [REGIONS[1]]: ok },
    writers: { [REGIONS[0]]: { runAsEnabled: "false" } },
    expected: ["RUNAS_DISABLED", "COMPLIANT"],
    breakGlass: ["BREAK_GLASS", "BREAK_GLASS_PENDING"],
    stackInstance: ["CURRENT", "CURRENT"],
  },
  {
    name: HOSTILE_NAME,
    ou: "Workloads",
    documents: { [REGIONS[0]]: wrong, [REGIONS[1]]: ok },
    expected: ["WRONG_USER", "COMPLIANT"],
    breakGlass: ["BREAK_GLASS_PENDING", "BREAK_GLASS_PENDING"],
    stackInstance: ["CURRENT", "CURRENT"],
  },
  {
    name: "drifted-latest",
    ou: "Platform",
    documents: both(ok),
    expected: ["LATEST_DIFFERS", "COMPLIANT"],
    breakGlass: ["LATEST_DIFFERS", "BREAK_GLASS_PENDING"],
    stackInstance: ["CURRENT", "CURRENT"],
  },
  {
    name: "bypass",
    ou: "Platform",
    documents: both(ok),
    sessionDocuments: { [REGIONS[0]]: BYPASS },
    expected: ["BYPASS_DOCUMENT", "COMPLIANT"],
    breakGlass: ["BREAK_GLASS_PENDING", "BREAK_GLASS_PENDING"],
    stackInstance: ["CURRENT", "CURRENT"],
  },
  {
    name: "unhealthy",
    ou: "Platform",
    documents: both(ok),
    writers: { [REGIONS[0]]: { disabledRules: ["ssm-runas-sync-reconcile-daily"] } },
    expected: ["WRITER_UNHEALTHY", "COMPLIANT"],
    breakGlass: ["BREAK_GLASS_PENDING", "BREAK_GLASS_PENDING"],
    stackInstance: ["CURRENT", "CURRENT"],
  },
  {
    name: "denied",
    ou: "Platform",
    documents: both(ok),
    denied: true,
    expected: ["ERROR", "ERROR"],
    stackInstance: ["CURRENT", "CURRENT"],
  },
  {
    name: "outside",
    ou: "Outside",
    documents: both(ok),
    expected: ["OUT_OF_SCOPE", "OUT_OF_SCOPE"],
    stackInstance: ["NOT_TARGETED", "NOT_TARGETED"],
  },
  {
    name: "closed",
    ou: "Workloads",
    documents: both(ok),
    closed: true,
    expected: ["SUSPENDED", "SUSPENDED"],
    stackInstance: ["CURRENT", "CURRENT"],
  },
];
const OU_PATHS: Record<string, string> = {
  Platform: "Root/Platform",
  Workloads: "Root/Workloads",
  Prod: "Root/Workloads/Prod",
  Sandbox: "Root/Sandbox",
  Outside: "Root/Outside",
};

/** Every cell of a report, `accountId/region` → status. */
type Cells = Record<string, AuditStatus>;

describe("ssm-runas audit --format html|markdown (moto, 12 accounts × 2 regions, IAM enforced; Chromium)", function () {
  this.timeout(300_000);
  let org: SeededOrganization;
  let env: Record<string, string>;
  let endpoint: string;
  let projectDir: string;
  /** The normal audit of the stack, as JSON. */
  let report: {
    metadata: Record<string, unknown>;
    results: AuditReportRow[];
    summary: Record<AuditStatus, number>;
  };

  const idOf = (name: string) => (name === "management" ? org.managementAccountId : org.accountIds[name]);

  /** Pulumi.report.yaml: the dev stack aimed at the seeded organisation. */
  function writeStack(name: string, change: (config: Record<string, unknown>) => void = () => {}) {
    const dev = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
    dev.config["aws:region"] = REGIONS[0];
    dev.config["ssm-runas-sync:regions"] = [...REGIONS];
    dev.config["ssm-runas-sync:deploymentTargets"] = [org.ouIds.Platform, org.ouIds.Workloads];
    dev.config["ssm-runas-sync:organizationalUnitOverrides"] = { [org.ouIds.Sandbox]: SANDBOX_USER };
    dev.config["ssm-runas-sync:scpTargets"] = [org.rootId];
    dev.config["ssm-runas-sync:includeManagementAccount"] = true;
    change(dev.config);
    fs.writeFileSync(path.join(projectDir, `Pulumi.${name}.yaml`), stringify(dev));
  }

  const audit = (args: string[], stack = "report") =>
    runCli(["audit", "--stack", stack, "--project-dir", projectDir, ...args], { env, timeoutMs: 120_000 });

  /** The cells an audit must find in the managed regions: two per account. */
  function expectedCells(breakGlass: boolean): Cells {
    const cells: Cells = {};
    for (const member of MEMBERS) {
      REGIONS.forEach((region, index) => {
        cells[`${idOf(member.name!)}/${region}`] = ((breakGlass && member.breakGlass) || member.expected)[
          index
        ];
      });
    }
    // Its document has RunAs on: the break-glass rollout has not reached it (which comes before UNGUARDED).
    for (const region of REGIONS) {
      cells[`${org.managementAccountId}/${region}`] = breakGlass ? "BREAK_GLASS_PENDING" : "UNGUARDED";
    }
    return cells;
  }

  before(async () => {
    endpoint = (await startMoto()).endpoint;
    await resetMoto();
    await enforceIamPolicies(endpoint, false);
    org = await seedOrganization(endpoint, {
      ous: [
        { name: "Platform" },
        { name: "Workloads" },
        { name: "Prod", parent: "Workloads" },
        { name: "Sandbox" },
        { name: "Outside" },
      ],
      management: both(ok),
      accounts: MEMBERS,
      auditor: { deniedAccounts: MEMBERS.filter(({ denied }) => denied).map(({ name }) => name) },
      stackSet: {
        region: REGIONS[0],
        instances: [
          { ous: ["Platform", "Workloads"], regions: [...REGIONS] },
          { ous: ["Sandbox"], regions: [REGIONS[0]] },
        ],
      },
    });
    // drifted-latest: a latest version with RunAs off behind the compliant default, as LZA writes it.
    const testing = { accessKeyId: "testing", secretAccessKey: "testing" };
    const { Credentials } = await new STSClient({ endpoint, region: REGIONS[0], credentials: testing }).send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${idOf("drifted-latest")}:role/OrganizationAccountAccessRole`,
        RoleSessionName: "lza-like-writer",
      }),
    );
    await new SSMClient({
      endpoint,
      region: REGIONS[0],
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken,
      },
    }).send(
      new UpdateDocumentCommand({
        Name: "SSM-SessionManagerRunShell",
        Content: runShellContent(off),
        DocumentFormat: "JSON",
        DocumentVersion: "$LATEST",
      }),
    );
    const { AWS_SESSION_TOKEN: _, ...moto } = motoEnvironment({ endpoint, port: 0 });
    env = {
      ...moto,
      AWS_ACCESS_KEY_ID: org.auditor!.accessKeyId,
      AWS_SECRET_ACCESS_KEY: org.auditor!.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    await enforceIamPolicies(endpoint, true);
    projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-report-"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
    writeStack("report");
    const run = await audit(["--json"]);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.equal(`not audited (suspended or closing): ${idOf("closed")}\n`);
    report = JSON.parse(run.stdout);
  });

  after(async () => {
    await enforceIamPolicies(endpoint, false);
    if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true });
  });

  describe("JSON: the context on every row, and the StackSet join", () => {
    it("finds every seeded status, one row per account × region, the management account's unmanaged regions besides", () => {
      const cells: Cells = {};
      const unmanaged: string[] = [];
      for (const row of report.results) {
        const key = `${row.accountId}/${row.region}`;
        expect(cells, key).not.to.have.property(key);
        if (row.status === "UNMANAGED_REGION") unmanaged.push(row.accountId);
        else cells[key] = row.status;
      }
      expect(cells).to.deep.equal(expectedCells(false));
      // restrictSessionRegions: only where no session guardrail denies other regions, i.e. the management account.
      expect(new Set(unmanaged)).to.deep.equal(new Set([org.managementAccountId]));
      expect(unmanaged.length).to.be.greaterThan(0);
      const seen = new Set(report.results.map(({ status }) => status));
      // The stack counts the fallback user, but no cell has a managed node (audit.fallbackUser.test.ts has them).
      expect(AUDIT_STATUSES.filter((status) => !seen.has(status))).to.deep.equal([
        "BREAK_GLASS",
        "BREAK_GLASS_PENDING",
        "FALLBACK_USER_PENDING",
      ]);
    });

    it("names each account and its OU path, expects each OU's user, and marks the management account", () => {
      for (const member of MEMBERS) {
        for (const row of report.results.filter(({ accountId }) => accountId === idOf(member.name))) {
          expect(row, member.name).to.deep.include({
            accountName: member.name,
            ouPath: OU_PATHS[member.ou!],
            expectedUser: member.ou === "Outside" ? null : member.ou === "Sandbox" ? SANDBOX_USER : FALLBACK,
            managementAccount: false,
          });
        }
      }
      const management = report.results.filter(({ managementAccount }) => managementAccount);
      expect(
        new Set(
          management.map(({ accountId, accountName, ouPath }) => `${accountId} ${accountName} ${ouPath}`),
        ),
      ).to.deep.equal(new Set([`${org.managementAccountId} master Root`]));
      expect(report.metadata).to.deep.include({
        stack: "report",
        managementAccountId: org.managementAccountId,
        regions: [...REGIONS],
        expectedUsers: [SANDBOX_USER, FALLBACK],
        stackSetCallAs: "SELF",
        stackSetError: null,
        toolVersion: JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version,
      });
    });

    it("joins the StackSet's instance to each account × region, and says why a MISSING cell has no writer", () => {
      for (const member of MEMBERS) {
        REGIONS.forEach((region, index) => {
          const row = report.results.find(
            ({ accountId, region: r }) => accountId === idOf(member.name) && r === region,
          )!;
          expect(row.stackInstance, `${member.name} ${region}`).to.equal(member.stackInstance[index]);
        });
      }
      for (const row of report.results.filter(({ managementAccount }) => managementAccount)) {
        expect(row.stackInstance).to.equal("NOT_TARGETED");
      }
      const notTargeted = report.results.find(
        ({ accountId, region }) => accountId === idOf("sandbox-half") && region === REGIONS[1],
      )!;
      expect(notTargeted.status).to.equal("MISSING");
      expect(notTargeted.detail).to.match(
        /; StackSet instance NOT_TARGETED: the StackSet has no instance in this account × region$/,
      );
      // A MISSING cell whose instance is CURRENT is not explained by it.
      const current = report.results.find(
        ({ accountId, region }) => accountId === idOf("prod-half") && region === REGIONS[1],
      )!;
      expect(current.detail).not.to.match(/StackSet instance/);
    });

    it("says once, on stderr and in the metadata, when the StackSet cannot be read; every stackInstance is null", async () => {
      // The stack deploys from another region, where no StackSet of that name exists.
      writeStack("elsewhere", (config) => (config["aws:region"] = REGIONS[1]));
      const run = await audit(["--json"], "elsewhere");
      const problem =
        "ListStackInstances ssm-runas-sync-runshell: StackSetNotFoundException: StackSet ssm-runas-sync-runshell not found";
      expect(run.stderr.split("\n").filter((line) => line.includes("ListStackInstances"))).to.deep.equal([
        `stack instances not read (the stackInstance column is empty): ${problem}`,
      ]);
      const elsewhere = JSON.parse(run.stdout);
      expect(elsewhere.metadata.stackSetError).to.equal(problem);
      expect(
        elsewhere.results.filter(({ stackInstance }: AuditReportRow) => stackInstance !== null),
      ).to.deep.equal([]);
      expect(
        elsewhere.results.filter(({ detail }: AuditReportRow) => detail.includes("StackSet instance")),
      ).to.deep.equal([]);
    });
  });

  describe("scope", () => {
    it("says so on stderr when no account listed is under the stack's targets (a stack of another organisation)", async () => {
      writeStack("stranger", (config) => {
        config["ssm-runas-sync:deploymentTargets"] = ["ou-zzzz-notours1"];
        config["ssm-runas-sync:organizationalUnitOverrides"] = {};
        config["ssm-runas-sync:includeManagementAccount"] = false;
      });
      const run = await audit(["--json"], "stranger");
      expect(run.code).to.equal(0);
      expect(run.stderr).to.include(
        "no account listed is under the stack's deploymentTargets: is this the stack's organisation?\n",
      );
      const stranger = JSON.parse(run.stdout);
      // Suspended accounts stay SUSPENDED; every other one is out of scope, and nothing was read.
      expect(new Set(stranger.results.map(({ status }: AuditReportRow) => status))).to.deep.equal(
        new Set(["OUT_OF_SCOPE", "SUSPENDED"]),
      );
    });
  });

  describe("Markdown", () => {
    it("lists the metadata, the counts and only the failing cells, every value escaped", async () => {
      const run = await audit(["--format", "markdown"]);
      expect(run.code).to.equal(1);
      const lines = run.stdout.split("\n");
      const failing = report.results.filter(
        ({ status, managementAccount }) =>
          !["COMPLIANT", "OUT_OF_SCOPE", "SUSPENDED", "BREAK_GLASS"].includes(status) &&
          !(managementAccount && (status === "UNGUARDED" || status === "UNMANAGED_REGION")),
      );
      expect(lines[0]).to.equal(
        `## ssm-runas audit: ${failing.length} of ${report.results.length} cells fail`,
      );
      expect(lines).to.include("| stack | report |");
      expect(lines).to.include(`| expected | RunAs on, fallback user ${SANDBOX_USER}, ${FALLBACK} |`);
      const counted = AUDIT_STATUSES.filter((status) => report.summary[status] > 0);
      expect(lines).to.include(`| ${counted.join(" | ")} |`);
      expect(lines).to.include(`| ${counted.map((status) => report.summary[status]).join(" | ")} |`);
      const header = lines.indexOf("| account | OU | region | status | stack instance | detail |");
      const end = lines.indexOf("", header);
      const listed = lines.slice(header + 2, end).map((line) => {
        const cells = line.split(" | ");
        return `${/(\d{12})/.exec(cells[0])![1]}/${cells[2]}/${cells[3]}`;
      });
      expect(listed.sort()).to.deep.equal(
        failing.map(({ accountId, region, status }) => `${accountId}/${region}/${status}`).sort(),
      );
      // The hostile name as text: no tag, no table cell broken by a quote or pipe.
      expect(run.stdout).not.to.include("<script>");
      expect(run.stdout).to.include(`&lt;script&gt;pwned=1&lt;/script&gt;"'&amp; ${idOf(HOSTILE_NAME)}`);
    });
  });

  describe("HTML in headless Chromium", function () {
    let browser: Browser | undefined;
    const htmlFile = path.join(TEST_OUTPUT, "audit-report.html");

    before(async function () {
      this.timeout(1_200_000);
      const found = await chromium();
      if (!found.ok) {
        const banner = "!".repeat(100);
        process.stderr.write(
          `\n${banner}\nSKIPPED: the HTML report's browser tests: ${found.reason}\n${banner}\n\n`,
        );
        this.skip();
      }
      browser = await launchChromium(found.executablePath);
      fs.mkdirSync(TEST_OUTPUT, { recursive: true });
    });
    after(async () => browser?.close());

    /** The DOM's cells, `accountId/region` → status code and status, read back from the page. */
    async function domCells(file: string) {
      const opened = await openReport(browser!, file);
      const cells = await opened.page.evaluate(() => {
        const regions = [...document.querySelectorAll("#grid thead th")].map((th) => th.textContent ?? "");
        const found: { key: string; status: string; code: string }[] = [];
        for (const row of document.querySelectorAll("#grid tr[data-a]")) {
          const id = row.querySelector("th .id")?.textContent ?? "";
          for (const td of row.querySelectorAll("td[data-status]")) {
            found.push({
              key: `${id}/${regions[(td as HTMLTableCellElement).cellIndex]}`,
              status: td.getAttribute("data-status") ?? "",
              code: td.textContent ?? "",
            });
          }
        }
        return found;
      });
      return { ...opened, cells };
    }

    it("shows one cell per account × region with its status code, the management account's included", async () => {
      const run = await audit(["--format", "html", "--output", htmlFile]);
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stdout).to.equal("");
      const { page, requests, problems, cells } = await domCells(htmlFile);
      try {
        const byKey: Record<string, AuditStatus> = {};
        for (const { key, status, code } of cells) {
          expect(byKey, key).not.to.have.property(key);
          byKey[key] = status as AuditStatus;
          expect(code, key).to.equal(STATUS_STYLES[status as AuditStatus].code);
        }
        expect(byKey).to.deep.equal(
          Object.fromEntries(
            report.results.map(({ accountId, region, status }) => [`${accountId}/${region}`, status]),
          ),
        );
        for (const [key, status] of Object.entries(expectedCells(false)))
          expect(byKey[key], key).to.equal(status);
        // Counted in the DOM, per status: the JSON summary.
        const counts = await page.evaluate(
          (statuses) =>
            Object.fromEntries(
              statuses.map((status) => [
                status,
                document.querySelectorAll(`td[data-status="${status}"]`).length,
              ]),
            ),
          AUDIT_STATUSES,
        );
        expect(counts).to.deep.equal(report.summary);
        // The management account is a row of its own, marked.
        const management = page.locator("#grid tr[data-a]", { has: page.locator(".badge") });
        expect(await management.count()).to.equal(1);
        expect(await management.locator(".id").textContent()).to.equal(org.managementAccountId);
        // The hostile name is text: shown as written, nothing it says ran.
        const hostile = page.locator("#grid tr[data-a] th .name", { hasText: "pwned" });
        expect(await hostile.textContent()).to.equal(HOSTILE_NAME);
        expect(await page.evaluate(() => "pwned" in window)).to.equal(false);
        expect(await page.locator("#grid script").count()).to.equal(0);
        // Header: organisation, stack, expected users, time, tool version.
        const header = (await page.locator("header").textContent()) ?? "";
        for (const text of [
          String(report.metadata.organizationId),
          "report",
          `fallback user ${SANDBOX_USER}, ${FALLBACK}`,
          "ssm-runas 0.",
          "T",
        ]) {
          expect(header).to.include(text);
        }
        // A tooltip with the document's values and the reason.
        const notTargeted = page
          .locator("#grid tr[data-a]", { hasText: "sandbox-half" })
          .locator("td")
          .nth(1);
        await notTargeted.hover();
        const tip = (await page.locator("#tip").textContent()) ?? "";
        expect(tip).to.include("MISSING").and.to.include("StackSet instanceNOT_TARGETED");
        expect(tip).to.include("the StackSet has no instance in this account × region");
        expect(tip).to.include(`Expected user${SANDBOX_USER}`);
        await page.mouse.move(0, 0);
        await page.screenshot({ path: path.join(TEST_OUTPUT, "audit-report.png"), fullPage: true });
        expect(requests, "network requests").to.deep.equal([]);
        expect(problems, "console errors, CSP violations").to.deep.equal([]);
      } finally {
        await page.close();
      }
    });

    it("filters by status, OU and region", async () => {
      const { page, requests, problems } = await openReport(browser!, htmlFile);
      try {
        const visible = () =>
          page.evaluate(() =>
            [...document.querySelectorAll("#grid td[data-status]")]
              .filter((td) => {
                const box = (td as HTMLElement).getBoundingClientRect();
                return getComputedStyle(td).visibility === "visible" && box.width > 0 && box.height > 0;
              })
              .map((td) => ({
                status: td.getAttribute("data-status")!,
                region:
                  document.querySelectorAll("#grid thead th")[(td as HTMLTableCellElement).cellIndex]
                    .textContent,
                ouPath: td.closest("tbody")!.getAttribute("data-ou"),
              })),
          );
        expect((await visible()).length).to.equal(report.results.length);

        await page.locator('[data-filter-status="MISSING"]').click();
        let shown = await visible();
        expect(shown.map(({ status }) => status)).to.deep.equal(
          Array(report.summary.MISSING).fill("MISSING"),
        );
        expect(await page.locator('[data-filter-status="MISSING"]').getAttribute("aria-pressed")).to.equal(
          "true",
        );
        await page.locator('[data-filter-status="ERROR"]').click();
        shown = await visible();
        expect(new Set(shown.map(({ status }) => status))).to.deep.equal(new Set(["MISSING", "ERROR"]));
        expect(shown.length).to.equal(report.summary.MISSING + report.summary.ERROR);

        await page.locator('[data-filter-status=""]').click();
        await page.locator("#ou-filter").selectOption("Root/Workloads");
        shown = await visible();
        expect(new Set(shown.map(({ ouPath }) => ouPath))).to.deep.equal(
          new Set(["Root/Workloads", "Root/Workloads/Prod"]),
        );
        expect(shown.length).to.equal(
          report.results.filter(({ ouPath }) => ouPath.startsWith("Root/Workloads")).length,
        );

        await page.locator("#ou-filter").selectOption("");
        await page.locator("#region-filter").selectOption({ label: REGIONS[1] });
        shown = await visible();
        expect(new Set(shown.map(({ region }) => region))).to.deep.equal(new Set([REGIONS[1]]));
        expect(shown.length).to.equal(report.results.filter(({ region }) => region === REGIONS[1]).length);
        expect(requests).to.deep.equal([]);
        expect(problems).to.deep.equal([]);
      } finally {
        await page.close();
      }
    });

    it("in break-glass, shows BREAK_GLASS and BREAK_GLASS_PENDING cells as the JSON counts them", async () => {
      const json = await audit(["--expect-runas-disabled", "--json"]);
      const breakGlass = JSON.parse(json.stdout);
      const file = path.join(TEST_OUTPUT, "audit-report-break-glass.html");
      const run = await audit(["--expect-runas-disabled", "--format", "html", "--output", file]);
      expect(run.code).to.equal(1);
      const { page, cells } = await domCells(file);
      try {
        const counts: Record<string, number> = Object.fromEntries(
          AUDIT_STATUSES.map((status) => [status, 0]),
        );
        for (const { status } of cells) counts[status] += 1;
        expect(counts).to.deep.equal(breakGlass.summary);
        const byKey = Object.fromEntries(cells.map(({ key, status }) => [key, status]));
        for (const [key, status] of Object.entries(expectedCells(true)))
          expect(byKey[key], key).to.equal(status);
        expect(counts.BREAK_GLASS).to.equal(1);
        expect(await page.locator("header").textContent()).to.include("RunAs off everywhere (break-glass)");
      } finally {
        await page.close();
      }
    });
  });

  describe("--output", () => {
    it("writes the report whole, leaves nothing beside it, and a file it cannot write is exit 2 with one line", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-output-"));
      try {
        const file = path.join(dir, "report.md");
        fs.writeFileSync(file, "the previous report");
        const run = await audit(["--format", "markdown", "--output", file]);
        expect([run.code, run.stdout]).to.deep.equal([1, ""]);
        expect(fs.readFileSync(file, "utf8")).to.match(/^## ssm-runas audit: /);
        expect(fs.readdirSync(dir)).to.deep.equal(["report.md"]);
        const missing = await audit([
          "--format",
          "markdown",
          "--output",
          path.join(dir, "no", "such", "dir.md"),
        ]);
        expect(missing.code).to.equal(2);
        expect(missing.stderr).to.match(/\nssm-runas: cannot write \S+dir\.md: \S.*\n$/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
