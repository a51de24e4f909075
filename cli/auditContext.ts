// Pure: the context every audit row carries — the account's name, its OU path by name, the user expected there,
// the management-account marker — and the two verdicts that need no read at all: an account the stack does not
// deploy to (OUT_OF_SCOPE) and a suspended or closing one (SUSPENDED).
import { expectedUserFor, type UserExpectation } from "./expectedUser";
import type { AuditRow, RowContext } from "./auditRows";

/** The root or an OU above an account: its id, and its name where the listing gave one. */
export interface OuStep {
  id: string;
  name?: string;
}

/** "Root/Workloads/Prod": the names from the root down, an id where no name is known. */
export function ouPathName(path: readonly OuStep[]): string {
  return path.map(({ id, name }) => (name ? name : id)).join("/");
}

/**
 * Where the stack deploys the writer: its deploymentTargets and organizationalUnitOverrides OUs (each with every
 * OU below), and the management account only with includeManagementAccount (service-managed StackSets never
 * deploy there).
 */
export interface StackScope {
  targets: readonly string[];
  includeManagementAccount: boolean;
}

export function stackScope(config: {
  deploymentTargets: readonly string[];
  organizationalUnitOverrides: Record<string, string>;
  includeManagementAccount: boolean;
}): StackScope {
  return {
    targets: [...config.deploymentTargets, ...Object.keys(config.organizationalUnitOverrides)],
    includeManagementAccount: config.includeManagementAccount,
  };
}

export interface ScopedAccount {
  id: string;
  /** Ids of the root and OUs above the account, from the root down. */
  ouPath: readonly string[];
}

/**
 * Why the stack does not cover the account, or undefined when it does. Without a scope (--expected-user alone)
 * every account listed is covered.
 */
export function outOfScopeReason(
  scope: StackScope | undefined,
  account: ScopedAccount,
  managementAccountId: string | undefined,
): string | undefined {
  if (!scope) return undefined;
  if (account.id === managementAccountId) {
    return scope.includeManagementAccount
      ? undefined
      : "the management account, and the stack's includeManagementAccount is false: nothing deploys the writer here";
  }
  if (account.ouPath.some((id) => scope.targets.includes(id))) return undefined;
  return "not under the stack's deploymentTargets or organizationalUnitOverrides: the StackSet does not deploy here";
}

export interface ContextInput extends ScopedAccount {
  name: string;
  ouSteps: readonly OuStep[];
}

/** The context of an account's rows; `covered` false leaves the expected user out (nothing is expected there). */
export function rowContext(
  account: ContextInput,
  expectation: UserExpectation,
  managementAccountId: string | undefined,
  covered: boolean,
): RowContext {
  return {
    accountName: account.name,
    ouPath: ouPathName(account.ouSteps),
    expectedUser: covered ? expectedUserFor(expectation, account.ouPath) : null,
    managementAccount: account.id === managementAccountId,
  };
}

/** One row per region for an account the audit does not read: its status, the reason, no values. */
export function unreadRows(
  accountId: string,
  regions: readonly string[],
  status: "OUT_OF_SCOPE" | "SUSPENDED",
  detail: string,
): AuditRow[] {
  return regions.map((region) => ({
    accountId,
    region,
    status,
    runAsEnabled: null,
    runAsDefaultUser: null,
    detail,
    defaultVersion: null,
    latestVersion: null,
  }));
}

/** The detail of a suspended or closing account's rows, from Organizations' account state. */
export function suspendedDetail(state: string | undefined): string {
  return `the account is ${state ?? "not active"}: not read`;
}
