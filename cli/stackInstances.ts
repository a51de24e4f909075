// Pure: the RunShell StackSet's instances (ListStackInstances, read once per audit at the edge) joined to the
// audit's rows, so that a cell without a writer or document says why — the instance failed, is outdated, or the
// StackSet does not deploy there at all.
import type { AuditReportRow, AuditRow, AuditStatus, RowContext } from "./auditRows";

/** One `StackInstanceSummary`, as ListStackInstances returns it. */
export interface StackInstanceRead {
  account: string;
  region: string;
  /** CURRENT, OUTDATED or INOPERABLE. */
  status?: string;
  /** `StackInstanceStatus.DetailedStatus`: PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED, INOPERABLE, … */
  detailedStatus?: string;
  statusReason?: string;
}

/** The column's value where the StackSet has no instance for the account × region. */
export const NOT_TARGETED = "NOT_TARGETED";

const FAILED_DETAILED_STATUSES = ["FAILED", "FAILED_IMPORT"];

/**
 * "CURRENT", "OUTDATED: <reason>", "FAILED: <reason>", "INOPERABLE: <reason>". The reason is the instance's
 * StatusReason, or, for an outdated instance without one, its detailed status (an operation pending or running,
 * cancelled, skipped for a suspended account).
 */
export function describeStackInstance(instance: StackInstanceRead): string {
  const { status, detailedStatus, statusReason } = instance;
  if (status === "CURRENT" && !FAILED_DETAILED_STATUSES.includes(detailedStatus ?? "")) return "CURRENT";
  const label = FAILED_DETAILED_STATUSES.includes(detailedStatus ?? "")
    ? detailedStatus!
    : (status ?? detailedStatus ?? "UNKNOWN");
  const reason =
    statusReason?.replace(/\s+/g, " ").trim() ||
    (detailedStatus && detailedStatus !== label && detailedStatus !== "SUCCEEDED"
      ? `detailed status ${detailedStatus}`
      : "");
  return reason ? `${label}: ${reason}` : label;
}

/** Worst first: an account × region with two instances (overlapping targets) shows the one that needs work. */
function severity(description: string): number {
  if (description.startsWith("FAILED")) return 3;
  if (description.startsWith("INOPERABLE")) return 2;
  return description === "CURRENT" ? 0 : 1;
}

export type StackInstanceIndex = ReadonlyMap<string, string>;

const key = (accountId: string, region: string) => `${accountId}/${region}`;

export function indexStackInstances(instances: readonly StackInstanceRead[]): StackInstanceIndex {
  const index = new Map<string, string>();
  for (const instance of instances) {
    const description = describeStackInstance(instance);
    const at = key(instance.account, instance.region);
    const known = index.get(at);
    if (known === undefined || severity(description) > severity(known)) index.set(at, description);
  }
  return index;
}

/** The column's value: the instance's description, NOT_TARGETED, or null when the StackSet could not be read. */
export function stackInstanceOf(
  index: StackInstanceIndex | undefined,
  accountId: string,
  region: string,
): string | null {
  if (!index) return null;
  return index.get(key(accountId, region)) ?? NOT_TARGETED;
}

/** Statuses a missing or broken stack instance can explain: no document, other values, no writer, no access. */
const EXPLAINED: readonly AuditStatus[] = [
  "MISSING",
  "RUNAS_DISABLED",
  "BREAK_GLASS_PENDING",
  "WRONG_USER",
  "LATEST_DIFFERS",
  "FALLBACK_USER_PENDING",
  "WRITER_UNHEALTHY",
  "ERROR",
];

/**
 * The reported row: the stack instance in its own field, and, where it explains the status, in the detail too
 * (`…; StackSet instance FAILED: <reason>`). The management account is left unexplained: StackSets never deploy
 * there (its stacks are plain ones, with includeManagementAccount).
 */
export function withStackInstance(
  row: AuditRow & RowContext,
  index: StackInstanceIndex | undefined,
): AuditReportRow {
  const stackInstance = stackInstanceOf(index, row.accountId, row.region);
  const explains =
    stackInstance !== null &&
    stackInstance !== "CURRENT" &&
    !row.managementAccount &&
    EXPLAINED.includes(row.status);
  const why =
    stackInstance === NOT_TARGETED
      ? `StackSet instance ${NOT_TARGETED}: the StackSet has no instance in this account × region`
      : `StackSet instance ${stackInstance}`;
  return {
    ...row,
    detail: explains ? [row.detail, why].filter(Boolean).join("; ") : row.detail,
    stackInstance,
  };
}
