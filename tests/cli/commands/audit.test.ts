// `ssm-runas audit` end to end: the real bin against an organisation of 24 member accounts in two regions on
// moto, with moto's IAM enforcement on so that one account's AssumeRole is really refused, and two documents
// whose latest version is not their default (written as LZA does: UpdateDocument --document-version $LATEST).
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DescribeDocumentCommand, SSMClient, UpdateDocumentCommand } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { parse, stringify } from "yaml";
import type { AuditRow, AuditStatus } from "../../../cli/auditRows";
import { startAwsProxy, type AwsProxy } from "../../../testing/awsProxy";
import { AUDIT_ROW_FIELDS, REPO_ROOT, runCli } from "../../support/cli";
import { motoEnvironment, resetMoto, startMoto } from "../../../testing/moto";
import {
  enforceIamPolicies,
  runShellContent,
  seedOrganization,
  type SeededDocument,
  type SeededOrganization,
} from "../../../testing/seedOrganization";

const REGIONS = ["eu-west-1", "us-east-1"] as const;
const FALLBACK = "ssm-fallback";
const SANDBOX_USER = "sandbox-user";

const ok: SeededDocument = { runAsEnabled: true, runAsDefaultUser: FALLBACK };
const okYaml: SeededDocument = { ...ok, format: "YAML" };
const off: SeededDocument = { runAsEnabled: false, runAsDefaultUser: "" };
const wrong: SeededDocument = { runAsEnabled: true, runAsDefaultUser: "ec2-user" };
const emptyUser: SeededDocument = { runAsEnabled: true, runAsDefaultUser: "" };
const sandbox: SeededDocument = { runAsEnabled: true, runAsDefaultUser: SANDBOX_USER };
const none = undefined;
/** The same RunAs values as `ok` in other content (another idle timeout): a new version that is still compliant. */
const okRevised = (): string => {
  const document = JSON.parse(runShellContent(ok));
  document.inputs.idleSessionTimeout = "60";
  return JSON.stringify(document, null, 2);
};

type Statuses = [AuditStatus, AuditStatus];
interface Seed {
  name: string;
  ou?: string;
  documents: [SeededDocument | undefined, SeededDocument | undefined];
  /** Per region, against --expected-user ssm-fallback. */
  expected: Statuses;
  /** Per region, against the stack (Sandbox OU overridden to sandbox-user), when that differs. */
  expectedWithStack?: Statuses;
  denied?: boolean;
  /** Per region, content written as version 2 with `UpdateDocument --document-version $LATEST`: the default
   * stays version 1. */
  latest?: [string | undefined, string | undefined];
}

// The ground truth: what was seeded, and the status each account × region must get.
const SEEDS: Seed[] = [
  { name: "acct-01", documents: [ok, ok], expected: ["COMPLIANT", "COMPLIANT"] },
  { name: "acct-02", documents: [okYaml, ok], expected: ["COMPLIANT", "COMPLIANT"] },
  { name: "acct-03", documents: [ok, okYaml], expected: ["COMPLIANT", "COMPLIANT"] },
  { name: "acct-04", ou: "Workloads", documents: [ok, ok], expected: ["COMPLIANT", "COMPLIANT"] },
  { name: "acct-05", ou: "Workloads", documents: [ok, none], expected: ["COMPLIANT", "MISSING"] },
  { name: "acct-06", ou: "Workloads", documents: [none, none], expected: ["MISSING", "MISSING"] },
  { name: "acct-07", ou: "Legacy", documents: [off, ok], expected: ["RUNAS_DISABLED", "COMPLIANT"] },
  { name: "acct-08", ou: "Legacy", documents: [off, off], expected: ["RUNAS_DISABLED", "RUNAS_DISABLED"] },
  { name: "acct-09", ou: "Legacy", documents: [wrong, ok], expected: ["WRONG_USER", "COMPLIANT"] },
  { name: "acct-10", documents: [ok, wrong], expected: ["COMPLIANT", "WRONG_USER"] },
  {
    name: "acct-11",
    ou: "Sandbox",
    documents: [sandbox, sandbox],
    expected: ["WRONG_USER", "WRONG_USER"],
    expectedWithStack: ["COMPLIANT", "COMPLIANT"],
  },
  {
    name: "acct-12",
    ou: "Sandbox",
    documents: [ok, ok],
    expected: ["COMPLIANT", "COMPLIANT"],
    expectedWithStack: ["WRONG_USER", "WRONG_USER"],
  },
  { name: "acct-13", documents: [ok, ok], expected: ["ERROR", "ERROR"], denied: true },
  { name: "acct-14", ou: "Workloads", documents: [ok, okYaml], expected: ["COMPLIANT", "COMPLIANT"] },
  { name: "acct-15", documents: [emptyUser, emptyUser], expected: ["WRONG_USER", "WRONG_USER"] },
  { name: "acct-16", ou: "Legacy", documents: [none, ok], expected: ["MISSING", "COMPLIANT"] },
  { name: "acct-17", ou: "Workloads", documents: [ok, off], expected: ["COMPLIANT", "RUNAS_DISABLED"] },
  { name: "acct-18", ou: "Platform", documents: [ok, ok], expected: ["COMPLIANT", "COMPLIANT"] },
  { name: "acct-19", ou: "Platform", documents: [okYaml, okYaml], expected: ["COMPLIANT", "COMPLIANT"] },
  {
    name: "acct-20",
    ou: "Sandbox",
    documents: [sandbox, none],
    expected: ["WRONG_USER", "MISSING"],
    expectedWithStack: ["COMPLIANT", "MISSING"],
  },
  { name: "acct-21", ou: "Legacy", documents: [ok, ok], expected: ["COMPLIANT", "COMPLIANT"] },
  { name: "acct-22", documents: [ok, ok], expected: ["COMPLIANT", "COMPLIANT"] },
  {
    name: "acct-23",
    ou: "Drifted",
    documents: [ok, ok],
    latest: [runShellContent(off), none],
    expected: ["LATEST_DIFFERS", "COMPLIANT"],
  },
  {
    name: "acct-24",
    ou: "Revised",
    documents: [ok, ok],
    latest: [okRevised(), none],
    expected: ["COMPLIANT", "COMPLIANT"],
  },
];
const MANAGEMENT: Seed = { name: "management", documents: [ok, ok], expected: ["COMPLIANT", "COMPLIANT"] };

const MISSING_DETAIL =
  "no SSM-SessionManagerRunShell: Session Manager preferences were never saved in this region";
const DENIED_DETAIL =
  /^AssumeRole arn:aws:iam::\d{12}:role\/OrganizationAccountAccessRole: AccessDenied: User: arn:aws:iam::123456789012:user\/auditor is not authorized to perform: sts:AssumeRole$/;

function groundTruth(org: SeededOrganization, withStack: boolean, names?: string[]): AuditRow[] {
  const seeds = [MANAGEMENT, ...SEEDS].filter(({ name }) => !names || names.includes(name));
  const rows = seeds.flatMap((seed) =>
    REGIONS.map((region, index): AuditRow => {
      const accountId = seed.name === "management" ? org.managementAccountId : org.accountIds[seed.name];
      const status = ((withStack && seed.expectedWithStack) || seed.expected)[index];
      const document = seed.documents[index];
      const expectedUser = withStack && seed.ou === "Sandbox" ? SANDBOX_USER : FALLBACK;
      const found = status !== "MISSING" && status !== "ERROR";
      const latest = seed.latest?.[index] !== undefined;
      const detail = {
        COMPLIANT: "",
        MISSING: MISSING_DETAIL,
        RUNAS_DISABLED: "runAsEnabled is false",
        WRONG_USER: document?.runAsDefaultUser
          ? `runAsDefaultUser is "${document.runAsDefaultUser}", expected "${expectedUser}"`
          : `runAsDefaultUser is empty, expected "${expectedUser}"`,
        LATEST_DIFFERS:
          'default v1: runAsEnabled true, runAsDefaultUser "ssm-fallback"; ' +
          'latest v2: runAsEnabled false, runAsDefaultUser ""',
        ERROR: "(see DENIED_DETAIL)",
      }[status];
      return {
        accountId,
        region,
        status,
        runAsEnabled: found ? document!.runAsEnabled : null,
        runAsDefaultUser: found ? document!.runAsDefaultUser : null,
        detail,
        defaultVersion: found ? "1" : null,
        latestVersion: found ? (latest ? "2" : "1") : null,
      };
    }),
  );
  return rows.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region));
}

/** ERROR rows carry moto's own refusal; everything else must match exactly. */
function expectRows(actual: AuditRow[], expected: AuditRow[]) {
  const denied = expected.filter(({ status }) => status === "ERROR").map(({ accountId }) => accountId);
  for (const row of actual.filter(({ accountId }) => denied.includes(accountId))) {
    expect(row.detail).to.match(DENIED_DETAIL);
    row.detail = "(see DENIED_DETAIL)";
  }
  expect(actual).to.deep.equal(expected);
}

function summaryOf(rows: AuditRow[]) {
  const summary: Record<string, number> = {
    COMPLIANT: 0,
    MISSING: 0,
    RUNAS_DISABLED: 0,
    WRONG_USER: 0,
    LATEST_DIFFERS: 0,
    ERROR: 0,
  };
  for (const { status } of rows) summary[status] += 1;
  return summary;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split("\r\n").filter(Boolean)) {
    const cells = [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map(([, cell]) =>
      cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell,
    );
    rows.push(cells);
  }
  return rows;
}

const READ_ONLY_OPERATIONS = [
  "GetCallerIdentity",
  "AssumeRole",
  "ListRoots",
  "ListParents",
  "ListAccountsForParent",
  "ListOrganizationalUnitsForParent",
  "DescribeDocument",
  "GetDocument",
];

/** Writes `content` as a new version with `--document-version $LATEST`, leaving the default where it is. */
async function writeLatest(endpoint: string, accountId: string, region: string, content: string) {
  const testing = { accessKeyId: "testing", secretAccessKey: "testing" };
  const sts = new STSClient({ endpoint, region, credentials: testing });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
      RoleSessionName: "lza-like-writer",
    }),
  );
  const ssm = new SSMClient({
    endpoint,
    region,
    credentials: {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken,
    },
  });
  await ssm.send(
    new UpdateDocumentCommand({
      Name: "SSM-SessionManagerRunShell",
      Content: content,
      DocumentFormat: "JSON",
      DocumentVersion: "$LATEST",
    }),
  );
  const { Document } = await ssm.send(new DescribeDocumentCommand({ Name: "SSM-SessionManagerRunShell" }));
  expect([Document?.DefaultVersion, Document?.LatestVersion]).to.deep.equal(["1", "2"]);
}

describe("ssm-runas audit (moto, 24 member accounts × 2 regions, IAM enforced)", function () {
  this.timeout(120_000);
  let org: SeededOrganization;
  let proxy: AwsProxy;
  let env: Record<string, string>;
  let endpoint: string;

  before(async () => {
    endpoint = (await startMoto()).endpoint;
    await resetMoto();
    org = await seedOrganization(endpoint, {
      ous: [
        { name: "Workloads" },
        { name: "Sandbox", parent: "Workloads" },
        { name: "Legacy" },
        { name: "Platform" },
        { name: "Drifted" },
        { name: "Revised" },
      ],
      management: { [REGIONS[0]]: ok, [REGIONS[1]]: ok },
      accounts: SEEDS.map(({ name, ou, documents }) => ({
        name,
        ou,
        documents: Object.fromEntries(
          REGIONS.flatMap((region, index) => (documents[index] ? [[region, documents[index]]] : [])),
        ),
      })),
      auditor: { deniedAccounts: SEEDS.filter(({ denied }) => denied).map(({ name }) => name) },
    });
    for (const { name, latest } of SEEDS) {
      for (const [index, content] of (latest ?? []).entries()) {
        if (content !== undefined) await writeLatest(endpoint, org.accountIds[name], REGIONS[index], content);
      }
    }
    proxy = await startAwsProxy(endpoint);
    // The auditor's own long-term key: no session token.
    const { AWS_SESSION_TOKEN: _, ...proxied } = motoEnvironment({ endpoint: proxy.endpoint, port: 0 });
    env = {
      ...proxied,
      AWS_ACCESS_KEY_ID: org.auditor!.accessKeyId,
      AWS_SECRET_ACCESS_KEY: org.auditor!.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    await enforceIamPolicies(endpoint, true);
  });

  after(async () => {
    await enforceIamPolicies(endpoint, false);
    await proxy?.close();
  });

  beforeEach(() => proxy.requests.splice(0));

  it("--json equals the ground truth, exits 1, shows no progress in a pipe, and only reads", async () => {
    const result = await runCli(["audit", "--expected-user", FALLBACK, "--regions", ...REGIONS, "--json"], {
      env,
    });
    expect(result.stderr).to.equal("");
    expect(result.code).to.equal(1);
    const report = JSON.parse(result.stdout);
    const expected = groundTruth(org, false);
    expect(Object.keys(report)).to.deep.equal(["results", "summary"]);
    for (const row of report.results) {
      expect(Object.keys(row)).to.deep.equal(AUDIT_ROW_FIELDS);
    }
    expectRows(report.results, expected);
    expect(report.summary).to.deep.equal(summaryOf(expected));
    expect(report.summary).to.deep.equal({
      COMPLIANT: 31,
      MISSING: 5,
      RUNAS_DISABLED: 4,
      WRONG_USER: 7,
      LATEST_DIFFERS: 1,
      ERROR: 2,
    });

    const operations = new Set(proxy.requests.map(({ operation }) => operation));
    expect([...operations].filter((operation) => !READ_ONLY_OPERATIONS.includes(operation))).to.deep.equal(
      [],
    );
    const count = (name: string) => proxy.requests.filter(({ operation }) => operation === name).length;
    expect(count("AssumeRole")).to.equal(SEEDS.length);
    // Every readable account × region (the management account's too, the refused one's not) is described; a
    // found document's default is read, and its latest where that is another version.
    const readable = SEEDS.length - 1 + 1;
    const missing = expected.filter(({ status }) => status === "MISSING").length;
    const latestDiffers = SEEDS.flatMap(({ latest }) => latest ?? []).filter(Boolean).length;
    expect(count("DescribeDocument")).to.equal(readable * REGIONS.length);
    expect(count("GetDocument")).to.equal(readable * REGIONS.length - missing + latestDiffers);
    expect(count("GetDocument")).to.equal(45);
  });

  it("--stack takes the regions and the per-OU fallback user from Pulumi.<stack>.yaml", async () => {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-audit-"));
    try {
      fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
      const dev = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
      dev.config["ssm-runas-sync:regions"] = [...REGIONS];
      dev.config["ssm-runas-sync:deploymentTargets"] = [org.ouIds.Legacy, org.ouIds.Platform];
      dev.config["ssm-runas-sync:organizationalUnitOverrides"] = { [org.ouIds.Sandbox]: SANDBOX_USER };
      fs.writeFileSync(path.join(projectDir, "Pulumi.audit.yaml"), stringify(dev));

      const result = await runCli(["audit", "--stack", "audit", "--project-dir", projectDir, "--json"], {
        env,
      });
      expect(result.stderr).to.equal("");
      expect(result.code).to.equal(1);
      expectRows(JSON.parse(result.stdout).results, groundTruth(org, true));
    } finally {
      fs.rmSync(projectDir, { recursive: true, force: true });
    }
  });

  it("--ou reads the OU's accounts including child OUs; --format csv carries the same fields", async () => {
    const result = await runCli(
      [
        "audit",
        "--expected-user",
        FALLBACK,
        "--regions",
        ...REGIONS,
        "--ou",
        org.ouIds.Workloads,
        "--format",
        "csv",
      ],
      { env },
    );
    expect(result.code).to.equal(1);
    const [header, ...lines] = parseCsv(result.stdout);
    expect(header).to.deep.equal(AUDIT_ROW_FIELDS);
    const orNull = (cell: string) => (cell === "" ? null : cell);
    const rows = lines.map(
      ([
        accountId,
        region,
        status,
        runAsEnabled,
        runAsDefaultUser,
        detail,
        defaultVersion,
        latestVersion,
      ]) => ({
        accountId,
        region,
        status: status as AuditStatus,
        runAsEnabled: runAsEnabled === "" ? null : runAsEnabled === "true",
        runAsDefaultUser: status === "MISSING" || status === "ERROR" ? null : runAsDefaultUser,
        detail,
        defaultVersion: orNull(defaultVersion),
        latestVersion: orNull(latestVersion),
      }),
    );
    const underWorkloads = SEEDS.filter(({ ou }) => ou === "Workloads" || ou === "Sandbox").map(
      ({ name }) => name,
    );
    expect(underWorkloads).to.have.length(8);
    expectRows(rows, groundTruth(org, false, underWorkloads));
  });

  it("prints a table by default and exits 0 when every account × region is compliant", async () => {
    const result = await runCli(
      ["audit", "--expected-user", FALLBACK, "--regions", ...REGIONS, "--ou", org.ouIds.Platform],
      { env },
    );
    expect(result.code).to.equal(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).to.match(/^ACCOUNT\s+REGION\s+STATUS\s+RUNAS\s+DEFAULT USER\s+DETAIL$/);
    expect(lines.slice(1, 5).map((line) => line.split(/\s+/).slice(0, 5))).to.deep.equal(
      ["acct-18", "acct-19"]
        .map((name) => org.accountIds[name])
        .sort()
        .flatMap((id) => REGIONS.map((region) => [id, region, "COMPLIANT", "true", FALLBACK])),
    );
    expect(lines.at(-1)).to.equal(
      "COMPLIANT 4  MISSING 0  RUNAS_DISABLED 0  WRONG_USER 0  LATEST_DIFFERS 0  ERROR 0",
    );
  });

  it("a latest version that turns RunAs off behind a compliant default is LATEST_DIFFERS, exit 1", async () => {
    const result = await runCli(
      ["audit", "--expected-user", FALLBACK, "--regions", ...REGIONS, "--ou", org.ouIds.Drifted, "--json"],
      { env },
    );
    expect(result.code).to.equal(1);
    const report = JSON.parse(result.stdout);
    expectRows(report.results, groundTruth(org, false, ["acct-23"]));
    expect(report.results[0]).to.deep.include({
      status: "LATEST_DIFFERS",
      runAsEnabled: true,
      runAsDefaultUser: FALLBACK,
      defaultVersion: "1",
      latestVersion: "2",
    });
    expect(report.summary.LATEST_DIFFERS).to.equal(1);
    // The table says it too, versions and values in the detail.
    const table = await runCli(
      ["audit", "--expected-user", FALLBACK, "--regions", REGIONS[0], "--ou", org.ouIds.Drifted],
      { env },
    );
    expect(table.code).to.equal(1);
    expect(table.stdout).to.match(
      /\sLATEST_DIFFERS\s+true\s+ssm-fallback\s+default v1: runAsEnabled true, runAsDefaultUser "ssm-fallback"; latest v2: runAsEnabled false, runAsDefaultUser ""\n/,
    );
  });

  it("a latest version that is not the default but holds the expected values too is COMPLIANT, exit 0", async () => {
    const result = await runCli(
      ["audit", "--expected-user", FALLBACK, "--regions", ...REGIONS, "--ou", org.ouIds.Revised, "--json"],
      { env },
    );
    expect(result.code).to.equal(0);
    const report = JSON.parse(result.stdout);
    expectRows(report.results, groundTruth(org, false, ["acct-24"]));
    expect(
      report.results.map(({ status, defaultVersion, latestVersion }: AuditRow) => [
        status,
        defaultVersion,
        latestVersion,
      ]),
    ).to.deep.equal([
      ["COMPLIANT", "1", "2"],
      ["COMPLIANT", "1", "1"],
    ]);
  });

  it("exits 2 with one line when the accounts cannot be listed", async () => {
    const result = await runCli(
      ["audit", "--expected-user", FALLBACK, "--regions", REGIONS[0], "--ou", "ou-zzzz-nosuchou1"],
      { env },
    );
    expect(result.code).to.equal(2);
    expect(result.stdout).to.equal("");
    expect(result.stderr).to.match(/^ssm-runas: audit failed: \S.*\n$/);
  });
});
