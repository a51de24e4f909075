// Pure classification of one account × region's SSM-SessionManagerRunShell against the expected fallback user.
// A document has versions: the default (what GetDocument returns unasked, and the console's sessions use) and
// the latest (which an `UpdateDocument --document-version $LATEST` writes without making it the default, and
// which sessions started with --document-name may read). Which one a session reads is not documented, so both
// are judged.
import { parse } from "yaml";
import type { Column } from "./report";

export const AUDIT_STATUSES = [
  "COMPLIANT",
  "BREAK_GLASS",
  "OUT_OF_SCOPE",
  "SUSPENDED",
  "MISSING",
  "RUNAS_DISABLED",
  "BREAK_GLASS_PENDING",
  "WRONG_USER",
  "LATEST_DIFFERS",
  "FALLBACK_USER_PENDING",
  "BYPASS_DOCUMENT",
  "WRITER_UNHEALTHY",
  "UNGUARDED",
  "UNMANAGED_REGION",
  "ERROR",
] as const;
export type AuditStatus = (typeof AUDIT_STATUSES)[number];

/** What the audit found in one account × region; the field order is the audit's JSON contract (docs/operations.md). */
export interface AuditRow {
  accountId: string;
  region: string;
  status: AuditStatus;
  /** The default version's. */
  runAsEnabled: boolean | null;
  /** The default version's. */
  runAsDefaultUser: string | null;
  detail: string;
  defaultVersion: string | null;
  latestVersion: string | null;
}

/** The region of an account's row when its enabled regions could not be listed. */
export const ALL_REGIONS = "*";

/** One version of the document, as read. */
export interface VersionRead {
  version: string;
  content: string;
}

/** A found document's default and latest versions (`latest` is `default` when they are one version). */
export type DocumentRead =
  | { kind: "found"; default: VersionRead; latest: VersionRead }
  | { kind: "missing" }
  | { kind: "failed"; reason: string };

interface RunAsSettings {
  runAsEnabled: boolean | null;
  runAsDefaultUser: string | null;
}

/** A document's content, JSON or YAML. */
export function parseContent(content: string): unknown {
  // The audit asks SSM for JSON, which JSON.parse reads several times faster than the YAML parser; YAML (which
  // also reads JSON) is the fallback for content as saved.
  try {
    return JSON.parse(content);
  } catch {
    try {
      return parse(content);
    } catch (err) {
      throw new Error(`content is neither JSON nor YAML: ${(err as Error).message.split("\n")[0]}`);
    }
  }
}

/** The RunAs inputs of a Session document's content, JSON or YAML. */
function readRunAsSettings(content: string): RunAsSettings {
  const document = parseContent(content);
  if (document === null || typeof document !== "object") {
    throw new Error("content is not a document object");
  }
  const inputs = (document as { inputs?: unknown }).inputs;
  const fields = inputs !== null && typeof inputs === "object" ? (inputs as Record<string, unknown>) : {};
  return {
    runAsEnabled: typeof fields.runAsEnabled === "boolean" ? fields.runAsEnabled : null,
    runAsDefaultUser: typeof fields.runAsDefaultUser === "string" ? fields.runAsDefaultUser : null,
  };
}

export function errorRow(accountId: string, region: string, reason: string): AuditRow {
  return {
    accountId,
    region,
    status: "ERROR",
    runAsEnabled: null,
    runAsDefaultUser: null,
    detail: reason,
    defaultVersion: null,
    latestVersion: null,
  };
}

/**
 * The verdict on one version's RunAs values. In break-glass (`runAsEnabled` expected false) RunAs off is the
 * intended state whatever the fallback user, and RunAs still on is a rollout not done yet.
 */
function judge(
  settings: RunAsSettings,
  expectedUser: string,
  expectedRunAsEnabled: boolean,
): { status: AuditStatus; detail: string } {
  if (!expectedRunAsEnabled) {
    return settings.runAsEnabled === true
      ? { status: "BREAK_GLASS_PENDING", detail: "runAsEnabled is true: break-glass has not reached it yet" }
      : {
          status: "BREAK_GLASS",
          detail: `runAsEnabled is ${settings.runAsEnabled === false ? "false" : "not set"}, as break-glass intends`,
        };
  }
  if (settings.runAsEnabled !== true) {
    return {
      status: "RUNAS_DISABLED",
      detail: settings.runAsEnabled === false ? "runAsEnabled is false" : "runAsEnabled is not set",
    };
  }
  if (settings.runAsDefaultUser !== expectedUser) {
    const found = settings.runAsDefaultUser ? JSON.stringify(settings.runAsDefaultUser) : "empty";
    return { status: "WRONG_USER", detail: `runAsDefaultUser is ${found}, expected "${expectedUser}"` };
  }
  return { status: "COMPLIANT", detail: "" };
}

/** `v2: runAsEnabled true, runAsDefaultUser "ec2-user"` */
function describeVersion(version: string, settings: RunAsSettings): string {
  const user = settings.runAsDefaultUser === null ? "not set" : JSON.stringify(settings.runAsDefaultUser);
  return `v${version}: runAsEnabled ${settings.runAsEnabled ?? "not set"}, runAsDefaultUser ${user}`;
}

/**
 * The row for one account × region. Judged on the default version; when the latest is another version with
 * other RunAs values, the row is LATEST_DIFFERS (a session may read either), whatever the default's verdict.
 * `expectedRunAsEnabled` false is break-glass.
 */
export function classifyDocument(
  accountId: string,
  region: string,
  read: DocumentRead,
  expectedUser: string,
  expectedRunAsEnabled = true,
): AuditRow {
  if (read.kind === "failed") return errorRow(accountId, region, read.reason);
  if (read.kind === "missing") {
    return {
      accountId,
      region,
      status: "MISSING",
      runAsEnabled: null,
      runAsDefaultUser: null,
      detail: "no SSM-SessionManagerRunShell: Session Manager preferences were never saved in this region",
      defaultVersion: null,
      latestVersion: null,
    };
  }
  const sameVersion = read.latest.version === read.default.version;
  let settings: RunAsSettings;
  let latest: RunAsSettings;
  try {
    settings = readRunAsSettings(read.default.content);
  } catch (err) {
    return errorRow(
      accountId,
      region,
      `${sameVersion ? "" : `default v${read.default.version}: `}${(err as Error).message}`,
    );
  }
  try {
    latest = sameVersion ? settings : readRunAsSettings(read.latest.content);
  } catch (err) {
    return errorRow(accountId, region, `latest v${read.latest.version}: ${(err as Error).message}`);
  }
  // Built in the contract's field order: JSON consumers see the keys as docs/operations.md lists them.
  const row = ({ status, detail }: { status: AuditStatus; detail: string }): AuditRow => ({
    accountId,
    region,
    status,
    runAsEnabled: settings.runAsEnabled,
    runAsDefaultUser: settings.runAsDefaultUser,
    detail,
    defaultVersion: read.default.version,
    latestVersion: read.latest.version,
  });
  const sameValues =
    latest.runAsEnabled === settings.runAsEnabled && latest.runAsDefaultUser === settings.runAsDefaultUser;
  if (sameVersion || sameValues) return row(judge(settings, expectedUser, expectedRunAsEnabled));
  return row({
    status: "LATEST_DIFFERS",
    detail:
      `default ${describeVersion(read.default.version, settings)}; ` +
      `latest ${describeVersion(read.latest.version, latest)}`,
  });
}

/** Deterministic order: by account, then region. */
export function sortRows<Row extends { accountId: string; region: string }>(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region));
}

/** Who the account is and what was expected of it: the context every reported row carries. */
export interface RowContext {
  accountName: string;
  /** OU names from the root down, `/`-separated: "Root/Workloads/Prod". */
  ouPath: string;
  /** The fallback user expected there (per-OU overrides applied); null where nothing is expected (OUT_OF_SCOPE). */
  expectedUser: string | null;
  managementAccount: boolean;
}

/**
 * A row as reported: the findings, the account's context, and the RunShell StackSet instance's status there (see
 * ./stackInstances), null when the StackSet could not be read. Fields in the JSON contract's order.
 */
export interface AuditReportRow extends AuditRow, RowContext {
  stackInstance: string | null;
}

/** JSON and CSV order: the first eight as they always were, the context after them. */
export const AUDIT_COLUMNS: Column<AuditReportRow>[] = [
  { header: "ACCOUNT", field: "accountId" },
  { header: "REGION", field: "region" },
  { header: "STATUS", field: "status" },
  { header: "RUNAS", field: "runAsEnabled" },
  { header: "DEFAULT USER", field: "runAsDefaultUser" },
  { header: "DETAIL", field: "detail" },
  // JSON and CSV only: the table's detail names the versions where they matter (LATEST_DIFFERS).
  { header: "DEFAULT VERSION", field: "defaultVersion", table: false },
  { header: "LATEST VERSION", field: "latestVersion", table: false },
  { header: "NAME", field: "accountName" },
  // JSON and CSV only: the table stays narrow enough to read; the detail says what was expected where it differs.
  { header: "OU PATH", field: "ouPath", table: false },
  { header: "EXPECTED USER", field: "expectedUser", table: false },
  { header: "MANAGEMENT ACCOUNT", field: "managementAccount", table: false },
  { header: "STACK INSTANCE", field: "stackInstance" },
];

/** The table's order: who, where, what, and the long detail last. */
export const AUDIT_TABLE_FIELDS: (keyof AuditReportRow & string)[] = [
  "accountId",
  "accountName",
  "region",
  "status",
  "runAsEnabled",
  "runAsDefaultUser",
  "stackInstance",
  "detail",
];

/** The statuses that never fail the audit: the intended states, and accounts it does not judge. */
const PASSING: readonly AuditStatus[] = ["COMPLIANT", "BREAK_GLASS", "OUT_OF_SCOPE", "SUSPENDED"];

/**
 * Whether a row passes: COMPLIANT, or BREAK_GLASS, the intended state while break-glass is on (only an
 * expectation of break-glass produces it); OUT_OF_SCOPE and SUSPENDED accounts are reported, not judged. The
 * management account's UNGUARDED and UNMANAGED_REGION rows pass too: no SCP can ever apply there, so no one could
 * make them pass, and an exit code that always fails gates nothing. Its document statuses fail like any other
 * account's.
 */
export function rowPasses(row: AuditRow, managementAccountId: string | undefined): boolean {
  return (
    PASSING.includes(row.status) ||
    (row.accountId === managementAccountId &&
      (row.status === "UNGUARDED" || row.status === "UNMANAGED_REGION"))
  );
}

/** The audit's exit code: 0 when every row passes (`rowPasses`), else 1. */
export function auditExitCode(rows: readonly AuditRow[], managementAccountId: string | undefined): 0 | 1 {
  return rows.every((row) => rowPasses(row, managementAccountId)) ? 0 : 1;
}
