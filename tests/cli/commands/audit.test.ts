// `ssm-runas audit` end to end: the real bin against an organisation of 28 member accounts in two regions on
// moto, with moto's IAM enforcement on so that one account's AssumeRole is really refused, two documents whose
// latest version is not their default (written as LZA does: UpdateDocument --document-version $LATEST), Session
// documents that bypass RunAs, unhealthy writers, and the guardrail SCPs missing from some accounts' paths. No
// RunShell StackSet exists here (the StackSet join has its own fixture: audit.report.test.ts): the audit says so
// once on stderr, and every row's stackInstance is null.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DescribeDocumentCommand, SSMClient, UpdateDocumentCommand } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { DescribeRegionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { parse, stringify } from "yaml";
import type { AuditReportRow, AuditStatus } from "../../../cli/auditRows";
import { startAwsProxy, type AwsProxy } from "../../../testing/awsProxy";
import { AUDIT_METADATA_FIELDS, AUDIT_ROW_FIELDS, REPO_ROOT, runCli } from "../../support/cli";
import { motoEnvironment, resetMoto, startMoto } from "../../../testing/moto";
import {
  enforceIamPolicies,
  runShellContent,
  seedOrganization,
  sessionDocumentContent,
  type GuardrailSeed,
  type SeededDocument,
  type SeededOrganization,
  type SeededSessionDocument,
  type SeededWriter,
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
  /** Per region, the writer (default: healthy, with the OU's user). */
  writers?: [SeededWriter | undefined, SeededWriter | undefined];
  /** In the first region. */
  sessionDocuments?: SeededSessionDocument[];
  /** Per region, the exact detail where the status alone does not tell it (without and with the stack). */
  details?: [string | undefined, string | undefined];
  detailsWithStack?: [string | undefined, string | undefined];
}

const RULE_DAILY = "ssm-runas-sync-reconcile-daily";
const RULE_ON_CHANGE = "ssm-runas-sync-reconcile-on-change";
const BOTH_GUARDRAILS = "ssm-runas-sync-runshell-guardrail, ssm-runas-sync-session-guardrail";
const SANDBOX_WRITER =
  'also WRITER_UNHEALTHY: RUN_AS_DEFAULT_USER is "sandbox-user", expected "ssm-fallback"';
const DOCUMENT_OK = "the RunShell document itself is compliant";
const BYPASSING: SeededSessionDocument[] = [
  {
    name: "shell-as-ssm-user",
    content: sessionDocumentContent("Standard_Stream", { inputs: { runAsEnabled: false } }),
  },
  {
    name: "root-shell",
    content: sessionDocumentContent("InteractiveCommands", { properties: { runAsElevated: true } }),
  },
  {
    name: "plain-commands",
    content: sessionDocumentContent("InteractiveCommands", { properties: { runAsElevated: false } }),
  },
];

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
    details: [
      `runAsDefaultUser is "sandbox-user", expected "ssm-fallback"; ${SANDBOX_WRITER}`,
      `runAsDefaultUser is "sandbox-user", expected "ssm-fallback"; ${SANDBOX_WRITER}`,
    ],
    expectedWithStack: ["COMPLIANT", "COMPLIANT"],
  },
  {
    // The writer would turn the document to the Sandbox user: without the stack, the writer is the odd one.
    name: "acct-12",
    ou: "Sandbox",
    documents: [ok, ok],
    expected: ["WRITER_UNHEALTHY", "WRITER_UNHEALTHY"],
    details: [
      `RUN_AS_DEFAULT_USER is "sandbox-user", expected "ssm-fallback"; ${DOCUMENT_OK}`,
      `RUN_AS_DEFAULT_USER is "sandbox-user", expected "ssm-fallback"; ${DOCUMENT_OK}`,
    ],
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
    details: [
      `runAsDefaultUser is "sandbox-user", expected "ssm-fallback"; ${SANDBOX_WRITER}`,
      `no SSM-SessionManagerRunShell: Session Manager preferences were never saved in this region; ${SANDBOX_WRITER}`,
    ],
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
  {
    name: "acct-25",
    ou: "Bypass",
    documents: [ok, ok],
    sessionDocuments: BYPASSING,
    expected: ["BYPASS_DOCUMENT", "COMPLIANT"],
    details: [
      "Session documents that bypass RunAs: root-shell (InteractiveCommands with runAsElevated true), " +
        `shell-as-ssm-user (Standard_Stream with runAsEnabled not true); ${DOCUMENT_OK}`,
      undefined,
    ],
    // The stack allows shell-as-ssm-user (allowedSessionDocuments).
    detailsWithStack: [
      `Session documents that bypass RunAs: root-shell (InteractiveCommands with runAsElevated true); ${DOCUMENT_OK}`,
      undefined,
    ],
  },
  {
    name: "acct-26",
    ou: "Unhealthy",
    documents: [ok, ok],
    writers: [
      { runAsEnabled: "false", disabledRules: [RULE_DAILY] },
      { noFunction: true, untargetedRules: [RULE_ON_CHANGE] },
    ],
    expected: ["WRITER_UNHEALTHY", "WRITER_UNHEALTHY"],
    details: [
      `RUN_AS_ENABLED is "false", expected "true", rule ${RULE_DAILY} is DISABLED; ${DOCUMENT_OK}`,
      `function ssm-runas-sync-writer is missing, rule ${RULE_ON_CHANGE} does not target the writer; ${DOCUMENT_OK}`,
    ],
  },
  {
    name: "acct-27",
    ou: "Unguarded",
    documents: [ok, off],
    expected: ["UNGUARDED", "RUNAS_DISABLED"],
    details: [
      `not attached to the account, its OUs or the root: ${BOTH_GUARDRAILS}; ${DOCUMENT_OK}`,
      `runAsEnabled is false; also UNGUARDED: not attached to the account, its OUs or the root: ${BOTH_GUARDRAILS}`,
    ],
  },
  {
    name: "acct-28",
    ou: "HalfGuarded",
    documents: [ok, ok],
    expected: ["UNGUARDED", "UNGUARDED"],
    details: [
      `not attached to the account, its OUs or the root: ssm-runas-sync-session-guardrail; ${DOCUMENT_OK}`,
      `not attached to the account, its OUs or the root: ssm-runas-sync-session-guardrail; ${DOCUMENT_OK}`,
    ],
  },
];

/** Both SCPs on every OU and every account at the root, but Unguarded (none) and HalfGuarded (one). */
function guardrailSeed(): GuardrailSeed {
  const guardedOus = ["Workloads", "Legacy", "Platform", "Drifted", "Revised", "Bypass", "Unhealthy"];
  return {
    attach: [
      ...guardedOus.map((target) => ({ target })),
      ...SEEDS.filter(({ ou }) => !ou).map(({ name }) => ({ target: name })),
      { target: "HalfGuarded", policies: ["runshell"] },
    ],
  };
}
const MANAGEMENT_DETAIL = `the management account: no service control policy applies there; ${DOCUMENT_OK}`;
const MANAGEMENT: Seed = {
  name: "management",
  documents: [ok, ok],
  expected: ["UNGUARDED", "UNGUARDED"],
  details: [MANAGEMENT_DETAIL, MANAGEMENT_DETAIL],
};

const MISSING_DETAIL =
  "no SSM-SessionManagerRunShell: Session Manager preferences were never saved in this region";
const DENIED_DETAIL =
  /^AssumeRole arn:aws:iam::\d{12}:role\/OrganizationAccountAccessRole: AccessDenied: User: arn:aws:iam::123456789012:user\/auditor is not authorized to perform: sts:AssumeRole$/;

/** With the stack: its deploymentTargets (Legacy, Platform) and organizationalUnitOverrides (Sandbox) OUs. */
const STACK_OUS = ["Legacy", "Platform", "Sandbox"];
const OUT_OF_SCOPE_DETAIL =
  "not under the stack's deploymentTargets or organizationalUnitOverrides: the StackSet does not deploy here";
const MANAGEMENT_OUT_OF_SCOPE_DETAIL =
  "the management account, and the stack's includeManagementAccount is false: nothing deploys the writer here";
/** The OU path by name: Sandbox sits under Workloads. */
const ouPathOf = (ou: string | undefined) =>
  ou === undefined ? "Root" : ou === "Sandbox" ? "Root/Workloads/Sandbox" : `Root/${ou}`;

function groundTruth(org: SeededOrganization, withStack: boolean, names?: string[]): AuditReportRow[] {
  const seeds = [MANAGEMENT, ...SEEDS].filter(({ name }) => !names || names.includes(name));
  const rows = seeds.flatMap((seed) =>
    REGIONS.map((region, index): AuditReportRow => {
      const management = seed.name === "management";
      const accountId = management ? org.managementAccountId : org.accountIds[seed.name];
      const expectedUser = withStack && seed.ou === "Sandbox" ? SANDBOX_USER : FALLBACK;
      const context = {
        // moto names its management account so.
        accountName: management ? "master" : seed.name,
        ouPath: ouPathOf(seed.ou),
        expectedUser,
        managementAccount: management,
        stackInstance: null,
      };
      if (withStack && !STACK_OUS.includes(seed.ou ?? "")) {
        return {
          accountId,
          region,
          status: "OUT_OF_SCOPE",
          runAsEnabled: null,
          runAsDefaultUser: null,
          detail: management ? MANAGEMENT_OUT_OF_SCOPE_DETAIL : OUT_OF_SCOPE_DETAIL,
          defaultVersion: null,
          latestVersion: null,
          ...context,
          expectedUser: null,
        };
      }
      const status = ((withStack && seed.expectedWithStack) || seed.expected)[index];
      const document = seed.documents[index];
      const found = status !== "MISSING" && status !== "ERROR";
      const exact = (
        withStack
          ? (seed.detailsWithStack ?? (seed.expectedWithStack ? undefined : seed.details))
          : seed.details
      )?.[index];
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
      }[status as "COMPLIANT"];
      return {
        accountId,
        region,
        status,
        runAsEnabled: found ? document!.runAsEnabled : null,
        runAsDefaultUser: found ? document!.runAsDefaultUser : null,
        detail: exact ?? detail,
        defaultVersion: found ? "1" : null,
        latestVersion: found ? (latest ? "2" : "1") : null,
        ...context,
      };
    }),
  );
  return rows.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region));
}

/** ERROR rows carry moto's own refusal; everything else must match exactly. */
function expectRows(actual: AuditReportRow[], expected: AuditReportRow[]) {
  const denied = expected.filter(({ status }) => status === "ERROR").map(({ accountId }) => accountId);
  for (const row of actual.filter(({ accountId }) => denied.includes(accountId))) {
    expect(row.detail).to.match(DENIED_DETAIL);
    row.detail = "(see DENIED_DETAIL)";
  }
  expect(actual).to.deep.equal(expected);
}

function summaryOf(rows: AuditReportRow[]) {
  const summary: Record<string, number> = {
    COMPLIANT: 0,
    BREAK_GLASS: 0,
    OUT_OF_SCOPE: 0,
    SUSPENDED: 0,
    MISSING: 0,
    RUNAS_DISABLED: 0,
    BREAK_GLASS_PENDING: 0,
    WRONG_USER: 0,
    LATEST_DIFFERS: 0,
    FALLBACK_USER_PENDING: 0,
    BYPASS_DOCUMENT: 0,
    WRITER_UNHEALTHY: 0,
    UNGUARDED: 0,
    UNMANAGED_REGION: 0,
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

/** What the audit says on stderr when the RunShell StackSet does not exist (moto's words), once per run. */
const NO_STACKSET =
  "stack instances not read (the stackInstance column is empty): ListStackInstances ssm-runas-sync-runshell: " +
  "StackSetNotFoundException: StackSet ssm-runas-sync-runshell not found\n";

const READ_ONLY_OPERATIONS = [
  "GetCallerIdentity",
  "ListStackInstances",
  "DescribeOrganizationalUnit",
  "AssumeRole",
  "ListRoots",
  "ListParents",
  "ListAccountsForParent",
  "ListOrganizationalUnitsForParent",
  "DescribeOrganization",
  "ListPoliciesForTarget",
  "DescribeDocument",
  "GetDocument",
  "ListDocuments",
  "DescribeRule",
  "ListTargetsByRule",
  "DescribeRegions",
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

describe("ssm-runas audit (moto, 28 member accounts × 2 regions, IAM enforced)", function () {
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
        { name: "Bypass" },
        { name: "Unhealthy" },
        { name: "Unguarded" },
        { name: "HalfGuarded" },
      ],
      management: { [REGIONS[0]]: ok, [REGIONS[1]]: ok },
      accounts: SEEDS.map(({ name, ou, documents, writers, sessionDocuments }) => ({
        name,
        ou,
        documents: Object.fromEntries(
          REGIONS.flatMap((region, index) => (documents[index] ? [[region, documents[index]]] : [])),
        ),
        // A writer in every region, where the document is missing too: those rows stay plain MISSING.
        writers: Object.fromEntries(
          REGIONS.map((region, index) => [
            region,
            writers?.[index] ?? { user: ou === "Sandbox" ? SANDBOX_USER : FALLBACK },
          ]),
        ),
        sessionDocuments: sessionDocuments ? { [REGIONS[0]]: sessionDocuments } : undefined,
      })),
      guardrail: guardrailSeed(),
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
    const result = await runCli(
      ["audit", "--expected-user", FALLBACK, "--regions", ...REGIONS, "--json", "--no-region-scan"],
      {
        env,
      },
    );
    expect(result.stderr).to.equal(NO_STACKSET);
    expect(result.code).to.equal(1);
    const report = JSON.parse(result.stdout);
    const expected = groundTruth(org, false);
    expect(Object.keys(report)).to.deep.equal(["metadata", "results", "summary"]);
    expect(report.metadata).to.deep.include({
      caller: "arn:aws:iam::123456789012:user/auditor",
      managementAccountId: org.managementAccountId,
      stack: null,
      regions: [...REGIONS],
      expectedUsers: [FALLBACK],
      expectedRunAsEnabled: true,
      stackSet: "ssm-runas-sync-runshell",
      stackSetCallAs: "SELF",
      stackSetError: NO_STACKSET.slice(NO_STACKSET.indexOf("ListStackInstances"), -1),
    });
    expect(report.metadata.organizationId).to.match(/^o-[a-z0-9]{10,32}$/);
    for (const row of report.results) {
      expect(Object.keys(row)).to.deep.equal(AUDIT_ROW_FIELDS);
    }
    expectRows(report.results, expected);
    expect(report.summary).to.deep.equal(summaryOf(expected));
    expect(report.summary).to.deep.equal({
      COMPLIANT: 28,
      BREAK_GLASS: 0,
      OUT_OF_SCOPE: 0,
      SUSPENDED: 0,
      MISSING: 5,
      RUNAS_DISABLED: 5,
      BREAK_GLASS_PENDING: 0,
      WRONG_USER: 7,
      LATEST_DIFFERS: 1,
      FALLBACK_USER_PENDING: 0,
      BYPASS_DOCUMENT: 1,
      WRITER_UNHEALTHY: 4,
      UNGUARDED: 5,
      UNMANAGED_REGION: 0,
      ERROR: 2,
    });

    // Lambda's REST protocol names the operation in the method and path alone.
    const lambda = proxy.requests.filter(({ service }) => service === "lambda");
    expect(lambda.length).to.equal((SEEDS.length - 1 + 1) * REGIONS.length);
    for (const { method, path } of lambda) {
      expect(`${method} ${path}`).to.equal("GET /2015-03-31/functions/ssm-runas-sync-writer/configuration");
    }
    const operations = new Set(
      proxy.requests.filter(({ service }) => service !== "lambda").map(({ operation }) => operation),
    );
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
    // …and every other Session document of the account's own is read once.
    const sessionDocuments = SEEDS.flatMap(({ sessionDocuments }) => sessionDocuments ?? []).length;
    expect(count("GetDocument")).to.equal(
      readable * REGIONS.length - missing + latestDiffers + sessionDocuments,
    );
    expect(count("GetDocument")).to.equal(56);
    // Per account × region: the Session documents listed, the writer and its two rules read.
    expect(count("ListDocuments")).to.equal(readable * REGIONS.length);
    expect(count("DescribeRule")).to.equal(readable * REGIONS.length * 2);
    expect(count("ListTargetsByRule")).to.equal(readable * REGIONS.length * 2);
    // Per target, once however many accounts share it: the root, 10 OUs, 28 member accounts (the refused one
    // too: the SCPs are read with the caller's credentials); nothing for the management account.
    expect(count("ListPoliciesForTarget")).to.equal(1 + 10 + SEEDS.length);
    expect([count("DescribeOrganization"), count("DescribeRegions")]).to.deep.equal([1, 0]);
    // The StackSet's instances once for the whole audit; OU names come with the listing, no OU is described.
    expect([count("ListStackInstances"), count("DescribeOrganizationalUnit")]).to.deep.equal([1, 0]);
  });

  it("--stack takes the regions and the per-OU fallback user from Pulumi.<stack>.yaml", async () => {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-audit-"));
    try {
      fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
      const dev = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
      dev.config["ssm-runas-sync:regions"] = [...REGIONS];
      dev.config["ssm-runas-sync:deploymentTargets"] = [org.ouIds.Legacy, org.ouIds.Platform];
      dev.config["ssm-runas-sync:organizationalUnitOverrides"] = { [org.ouIds.Sandbox]: SANDBOX_USER };
      dev.config["ssm-runas-sync:allowedSessionDocuments"] = ["shell-as-ssm-user"];
      fs.writeFileSync(path.join(projectDir, "Pulumi.audit.yaml"), stringify(dev));

      const result = await runCli(
        ["audit", "--stack", "audit", "--project-dir", projectDir, "--json", "--no-region-scan"],
        {
          env,
        },
      );
      expect(result.stderr).to.equal(NO_STACKSET);
      expect(result.code).to.equal(1);
      const report = JSON.parse(result.stdout);
      expectRows(report.results, groundTruth(org, true));
      // Accounts outside the stack's targets are reported, never read, and expect no one.
      expect(report.summary.OUT_OF_SCOPE).to.equal(
        2 * (1 + SEEDS.filter(({ ou }) => !STACK_OUS.includes(ou ?? "")).length),
      );
      expect(report.metadata).to.deep.include({
        stack: "audit",
        expectedUsers: [SANDBOX_USER, FALLBACK].sort(),
      });
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
        "--no-region-scan",
      ],
      { env },
    );
    expect(result.code).to.equal(1);
    // The run's metadata first, as comment lines; the OUs above the --ou scope are named too.
    const comments = result.stdout.split("\r\n").filter((line) => line.startsWith("# "));
    expect(comments.map((line) => line.split(":")[0])).to.deep.equal(
      AUDIT_METADATA_FIELDS.map((key) => `# ${key}`),
    );
    expect(comments).to.include(`# regions: ${REGIONS.join(", ")}`);
    expect(comments).to.include("# stack: ");
    const [header, ...lines] = parseCsv(
      result.stdout
        .split("\r\n")
        .filter((line) => !line.startsWith("# "))
        .join("\r\n"),
    );
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
        accountName,
        ouPath,
        expectedUser,
        managementAccount,
        stackInstance,
      ]): AuditReportRow => ({
        accountId,
        region,
        status: status as AuditStatus,
        runAsEnabled: runAsEnabled === "" ? null : runAsEnabled === "true",
        runAsDefaultUser: status === "MISSING" || status === "ERROR" ? null : runAsDefaultUser,
        detail,
        defaultVersion: orNull(defaultVersion),
        latestVersion: orNull(latestVersion),
        accountName,
        ouPath,
        expectedUser: orNull(expectedUser),
        managementAccount: managementAccount === "true",
        stackInstance: orNull(stackInstance),
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
      [
        "audit",
        "--expected-user",
        FALLBACK,
        "--regions",
        ...REGIONS,
        "--ou",
        org.ouIds.Platform,
        "--no-region-scan",
      ],
      { env },
    );
    expect(result.code).to.equal(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).to.match(
      /^ACCOUNT\s+NAME\s+REGION\s+STATUS\s+RUNAS\s+DEFAULT USER\s+STACK INSTANCE\s+DETAIL$/,
    );
    expect(lines.slice(1, 5).map((line) => line.split(/\s+/).slice(0, 8))).to.deep.equal(
      ["acct-18", "acct-19"]
        .map((name) => [org.accountIds[name], name])
        .sort(([a], [b]) => a.localeCompare(b))
        .flatMap(([id, name]) =>
          REGIONS.map((region) => [id, name, region, "COMPLIANT", "true", FALLBACK, "-", "-"]),
        ),
    );
    expect(lines.at(-1)).to.equal(
      "COMPLIANT 4  BREAK_GLASS 0  OUT_OF_SCOPE 0  SUSPENDED 0  MISSING 0  RUNAS_DISABLED 0  " +
        "BREAK_GLASS_PENDING 0  WRONG_USER 0  LATEST_DIFFERS 0  FALLBACK_USER_PENDING 0  BYPASS_DOCUMENT 0  " +
        "WRITER_UNHEALTHY 0  " +
        "UNGUARDED 0  UNMANAGED_REGION 0  ERROR 0",
    );
  });

  it("a latest version that turns RunAs off behind a compliant default is LATEST_DIFFERS, exit 1", async () => {
    const result = await runCli(
      [
        "audit",
        "--expected-user",
        FALLBACK,
        "--regions",
        ...REGIONS,
        "--ou",
        org.ouIds.Drifted,
        "--json",
        "--no-region-scan",
      ],
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
      [
        "audit",
        "--expected-user",
        FALLBACK,
        "--regions",
        REGIONS[0],
        "--ou",
        org.ouIds.Drifted,
        "--no-region-scan",
      ],
      { env },
    );
    expect(table.code).to.equal(1);
    expect(table.stdout).to.match(
      /\sLATEST_DIFFERS\s+true\s+ssm-fallback\s+-\s+default v1: runAsEnabled true, runAsDefaultUser "ssm-fallback"; latest v2: runAsEnabled false, runAsDefaultUser ""\n/,
    );
  });

  it("a latest version that is not the default but holds the expected values too is COMPLIANT, exit 0", async () => {
    const result = await runCli(
      [
        "audit",
        "--expected-user",
        FALLBACK,
        "--regions",
        ...REGIONS,
        "--ou",
        org.ouIds.Revised,
        "--json",
        "--no-region-scan",
      ],
      { env },
    );
    expect(result.code).to.equal(0);
    const report = JSON.parse(result.stdout);
    expectRows(report.results, groundTruth(org, false, ["acct-24"]));
    expect(
      report.results.map(({ status, defaultVersion, latestVersion }: AuditReportRow) => [
        status,
        defaultVersion,
        latestVersion,
      ]),
    ).to.deep.equal([
      ["COMPLIANT", "1", "2"],
      ["COMPLIANT", "1", "1"],
    ]);
  });

  it("each new status alone makes the audit exit 1: BYPASS_DOCUMENT, WRITER_UNHEALTHY, UNGUARDED", async () => {
    for (const [ou, name] of [
      ["Bypass", "acct-25"],
      ["Unhealthy", "acct-26"],
      ["Unguarded", "acct-27"],
      ["HalfGuarded", "acct-28"],
    ]) {
      const result = await runCli(
        [
          "audit",
          "--expected-user",
          FALLBACK,
          "--regions",
          ...REGIONS,
          "--ou",
          org.ouIds[ou],
          "--json",
          "--no-region-scan",
        ],
        { env },
      );
      expect(result.code, ou).to.equal(1);
      expectRows(JSON.parse(result.stdout).results, groundTruth(org, false, [name]));
    }
  });

  /** What moto answers DescribeRegions with, less the regions not enabled and those of other partitions. */
  async function enabledRegions(): Promise<string[]> {
    const ec2 = new EC2Client({
      endpoint,
      region: REGIONS[0],
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    await enforceIamPolicies(endpoint, false);
    try {
      const { Regions } = await ec2.send(new DescribeRegionsCommand({}));
      return Regions!
        .filter(
          ({ RegionName, OptInStatus }) =>
            OptInStatus !== "not-opted-in" && !/^(cn|us-gov)-/.test(RegionName!),
        )
        .map(({ RegionName }) => RegionName!);
    } finally {
      await enforceIamPolicies(endpoint, true);
    }
  }

  /** Runs the audit with a copy of the dev stack whose config `change` adjusts. */
  async function auditWithStack(change: (config: Record<string, unknown>) => void, args: string[]) {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-audit-"));
    try {
      fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
      const dev = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
      dev.config["ssm-runas-sync:regions"] = [...REGIONS];
      dev.config["ssm-runas-sync:deploymentTargets"] = [
        org.ouIds.Legacy,
        org.ouIds.Platform,
        org.ouIds.HalfGuarded,
      ];
      change(dev.config);
      fs.writeFileSync(path.join(projectDir, "Pulumi.audit.yaml"), stringify(dev));
      return await runCli(["audit", "--stack", "audit", "--project-dir", projectDir, "--json", ...args], {
        env,
      });
    } finally {
      fs.rmSync(projectDir, { recursive: true, force: true });
    }
  }

  const unmanagedRows = (names: string[], regions: string[]): AuditReportRow[] =>
    names.flatMap((name) =>
      regions
        .filter((region) => !(REGIONS as readonly string[]).includes(region))
        .map((region) => ({
          accountId: org.accountIds[name],
          region,
          status: "UNMANAGED_REGION" as const,
          runAsEnabled: null,
          runAsDefaultUser: null,
          detail: "enabled in the account but not a managed region: no writer keeps RunAs on there",
          defaultVersion: null,
          latestVersion: null,
          accountName: name,
          ouPath: ouPathOf(SEEDS.find((seed) => seed.name === name)!.ou),
          expectedUser: FALLBACK,
          managementAccount: false,
          stackInstance: null,
        })),
    );

  it("reports each enabled region outside --regions as UNMANAGED_REGION (exit 1), once per account", async () => {
    const regions = await enabledRegions();
    expect(regions.length).to.be.greaterThan(REGIONS.length);
    proxy.requests.splice(0);
    const result = await runCli(
      ["audit", "--expected-user", FALLBACK, "--regions", ...REGIONS, "--ou", org.ouIds.Platform, "--json"],
      { env },
    );
    expect(result.code).to.equal(1);
    const report = JSON.parse(result.stdout);
    const names = ["acct-18", "acct-19"];
    const expected = [...groundTruth(org, false, names), ...unmanagedRows(names, regions)].sort(
      (a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region),
    );
    expectRows(report.results, expected);
    expect(report.summary.UNMANAGED_REGION).to.equal(2 * (regions.length - REGIONS.length));
    expect(proxy.operations().filter((operation) => operation === "DescribeRegions")).to.have.length(2);
  });

  it("with the stack's restrictSessionRegions, only accounts the session guardrail misses get UNMANAGED_REGION", async () => {
    const regions = await enabledRegions();
    // Platform is guarded: the SCP denies sessions outside the stack's regions there.
    const guarded = await auditWithStack(() => {}, ["--ou", org.ouIds.Platform]);
    expect(guarded.code, guarded.stderr).to.equal(0);
    expectRows(JSON.parse(guarded.stdout).results, groundTruth(org, true, ["acct-18", "acct-19"]));
    // HalfGuarded has the RunShell guardrail only: sessions are not denied anywhere.
    const half = await auditWithStack(() => {}, ["--ou", org.ouIds.HalfGuarded]);
    expect(half.code).to.equal(1);
    const rows: AuditReportRow[] = JSON.parse(half.stdout).results;
    expect(rows.filter(({ status }) => status === "UNMANAGED_REGION")).to.deep.equal(
      unmanagedRows(["acct-28"], regions).sort((a, b) => a.region.localeCompare(b.region)),
    );
    // restrictSessionRegions false: every account's other regions are reported.
    const unrestricted = await auditWithStack(
      (config) => (config["ssm-runas-sync:restrictSessionRegions"] = false),
      ["--ou", org.ouIds.Platform],
    );
    expect(unrestricted.code).to.equal(1);
    expect(JSON.parse(unrestricted.stdout).summary.UNMANAGED_REGION).to.equal(
      2 * (regions.length - REGIONS.length),
    );
  });

  it("--expect-runas-disabled against a stack whose runAsEnabled is true warns in one stderr line naming both", async () => {
    const args = ["--ou", org.ouIds.Platform, "--no-region-scan", "--expect-runas-disabled"];
    const contradicted = await auditWithStack(() => {}, args);
    expect(contradicted.stderr.split("\n").filter((line) => line.startsWith("warning:"))).to.deep.equal([
      "warning: --expect-runas-disabled overrides stack audit, whose runAsEnabled is true: RunAs is expected " +
        "off; the next pulumi up of audit turns it back on unless its runAsEnabled is false",
    ]);
    // The flag still wins: RunAs on everywhere is break-glass not reached yet.
    const rows: AuditReportRow[] = JSON.parse(contradicted.stdout).results;
    expect(rows.map((row) => row.status)).to.include("BREAK_GLASS_PENDING");
    expect(contradicted.code).to.equal(1);
    const agreeing = await auditWithStack((config) => (config["ssm-runas-sync:runAsEnabled"] = false), args);
    expect(agreeing.stderr).to.not.include("--expect-runas-disabled");
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
