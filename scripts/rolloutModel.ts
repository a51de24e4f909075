// A paper model of how long a StackSet operation takes, from CloudFormation's documented operation rules:
// per region, accounts go in waves of the concurrency CloudFormation allows; regions run one after another
// (SEQUENTIAL) or side by side (PARALLEL). It leaves out API throttling, per-operation start-up and failures.
import type { StackConfig } from "../config/schema";

type Amount = { count: number } | { percentage: number };

export interface OperationPreferences {
  regionConcurrencyType: "SEQUENTIAL" | "PARALLEL";
  maxConcurrent: Amount;
  failureTolerance: Amount;
  concurrencyMode: "STRICT_FAILURE_TOLERANCE" | "SOFT_FAILURE_TOLERANCE";
}

export interface Rollout {
  accounts: number;
  regions: number;
  /** Wall time of one stack instance, from operation start to CREATE_COMPLETE. */
  minutesPerStackInstance: number;
}

/** What CloudFormation does when an operation names no preferences. */
export const CLOUDFORMATION_DEFAULTS: OperationPreferences = {
  regionConcurrencyType: "SEQUENTIAL",
  maxConcurrent: { count: 1 },
  failureTolerance: { count: 0 },
  concurrencyMode: "STRICT_FAILURE_TOLERANCE",
};

/**
 * The emergency path's `aws cloudformation update-stack-set --operation-preferences` (docs/operations.md,
 * "Break-glass"): every account of a region at once, all regions side by side, and no failure stops the others
 * (a failed stack update rolls back to RunAs on, which the audit then shows).
 */
export const BREAK_GLASS_BY_HAND: OperationPreferences = {
  regionConcurrencyType: "PARALLEL",
  maxConcurrent: { percentage: 100 },
  failureTolerance: { percentage: 100 },
  concurrencyMode: "SOFT_FAILURE_TOLERANCE",
};

const amountShorthand = (name: string, amount: Amount) =>
  "count" in amount ? `${name}Count=${amount.count}` : `${name}Percentage=${amount.percentage}`;

/** Preferences as the AWS CLI's shorthand for `--operation-preferences`. */
export function cliShorthand(preferences: OperationPreferences): string {
  return [
    `RegionConcurrencyType=${preferences.regionConcurrencyType}`,
    amountShorthand("MaxConcurrent", preferences.maxConcurrent),
    amountShorthand("FailureTolerance", preferences.failureTolerance),
    `ConcurrencyMode=${preferences.concurrencyMode}`,
  ].join(",");
}

/** The stack config's preferences; `concurrencyMode` given separately where the operation cannot carry it. */
export function fromStackConfig(
  preferences: StackConfig["stackSetOperationPreferences"],
  concurrencyMode: OperationPreferences["concurrencyMode"] = preferences.concurrencyMode,
): OperationPreferences {
  return {
    regionConcurrencyType: preferences.regionConcurrencyType,
    maxConcurrent: { percentage: preferences.maxConcurrentPercentage },
    failureTolerance: { percentage: preferences.failureTolerancePercentage },
    concurrencyMode,
  };
}

// CloudFormation rounds a percentage of the accounts down to a whole number.
const accountsOf = (amount: Amount, accounts: number) =>
  "count" in amount ? amount.count : Math.floor((accounts * amount.percentage) / 100);

/** Accounts worked on at once in one region: strict mode caps them at failure tolerance + 1. */
export function concurrentAccounts(accounts: number, preferences: OperationPreferences): number {
  // A concurrency percentage that rounds down to zero counts as one account.
  const maxConcurrent = Math.max(1, accountsOf(preferences.maxConcurrent, accounts));
  const limit =
    preferences.concurrencyMode === "STRICT_FAILURE_TOLERANCE"
      ? Math.min(maxConcurrent, accountsOf(preferences.failureTolerance, accounts) + 1)
      : maxConcurrent;
  return Math.min(accounts, limit);
}

export function wavesPerRegion(accounts: number, preferences: OperationPreferences): number {
  return Math.ceil(accounts / concurrentAccounts(accounts, preferences));
}

export function rolloutMinutes(rollout: Rollout, preferences: OperationPreferences): number {
  const regionMinutes = wavesPerRegion(rollout.accounts, preferences) * rollout.minutesPerStackInstance;
  return preferences.regionConcurrencyType === "SEQUENTIAL" ? regionMinutes * rollout.regions : regionMinutes;
}
