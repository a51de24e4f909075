// Prints, on paper, how long the RunShell StackSet takes to reach every account × region, under
// CloudFormation's default operation preferences and under this project's (scripts/rolloutModel.ts).
// Usage: npm run bench:rollout [-- --accounts N] [-- --regions N] [-- --minutes-per-instance M]
import { DEFAULT_STACKSET_OPERATION_PREFERENCES } from "../config/schema";
import {
  BREAK_GLASS_BY_HAND,
  CLOUDFORMATION_DEFAULTS,
  concurrentAccounts,
  fromStackConfig,
  rolloutMinutes,
  wavesPerRegion,
  type OperationPreferences,
  type Rollout,
} from "./rolloutModel";

const args = process.argv.slice(2);
function numberArg(name: string, fallback: number): number {
  const index = args.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]);
  if (!(value > 0))
    throw new Error(`${name} takes a positive number, got ${JSON.stringify(args[index + 1])}`);
  return value;
}

const rollout: Rollout = {
  accounts: numberArg("--accounts", 1000),
  regions: numberArg("--regions", 4),
  // An assumption, not a measurement: IAM role, log group, Lambda, one custom-resource run, two rules and two
  // permissions, plus StackSets' own per-instance overhead. Everything below scales linearly with it.
  minutesPerStackInstance: numberArg("--minutes-per-instance", 2),
};

const ours = DEFAULT_STACKSET_OPERATION_PREFERENCES;
const scenarios: [string, OperationPreferences][] = [
  ["CloudFormation defaults (sequential regions, 1 account at a time, 0 failures)", CLOUDFORMATION_DEFAULTS],
  ["ours, stack instances: first rollout, new OUs/regions (soft failure tolerance)", fromStackConfig(ours)],
  [
    "ours, template or parameter update (StackSet-level: strict, provider has no concurrencyMode)",
    fromStackConfig(ours, "STRICT_FAILURE_TOLERANCE"),
  ],
  [
    "break-glass by hand: update-stack-set with every account at once (soft failure tolerance)",
    BREAK_GLASS_BY_HAND,
  ],
];

function duration(minutes: number): string {
  if (minutes < 120) return `${minutes} min`;
  if (minutes < 48 * 60) return `${minutes} min = ${(minutes / 60).toFixed(1)} h`;
  return `${minutes} min = ${(minutes / 60 / 24).toFixed(1)} days`;
}

console.log(
  `Model: per region, ceil(accounts / concurrent accounts) waves × minutes per stack instance; ` +
    `SEQUENTIAL regions add up, PARALLEL regions overlap. Strict mode: concurrent accounts = ` +
    `min(max concurrent, failure tolerance + 1); soft: max concurrent. Percentages round down. ` +
    `No throttling, start-up or failures.`,
);
console.log(
  `Inputs: ${rollout.accounts} accounts × ${rollout.regions} regions, ${rollout.minutesPerStackInstance} min per stack instance; ` +
    `ours = ${JSON.stringify(ours)}`,
);
for (const [label, preferences] of scenarios) {
  console.log(
    `${label}: ${concurrentAccounts(rollout.accounts, preferences)} accounts at once per region, ` +
      `${wavesPerRegion(rollout.accounts, preferences)} waves per region, ${preferences.regionConcurrencyType} ` +
      `regions -> ${duration(rolloutMinutes(rollout, preferences))}`,
  );
}
