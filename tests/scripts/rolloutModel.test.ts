// The paper model behind `npm run bench:rollout`: CloudFormation's concurrency rules, not timings.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_STACKSET_OPERATION_PREFERENCES } from "../../config/schema";
import {
  BREAK_GLASS_BY_HAND,
  cliShorthand,
  CLOUDFORMATION_DEFAULTS,
  concurrentAccounts,
  fromStackConfig,
  rolloutMinutes,
  type OperationPreferences,
} from "../../scripts/rolloutModel";

const soft = (maxConcurrentPercentage: number, failureTolerancePercentage: number): OperationPreferences => ({
  regionConcurrencyType: "PARALLEL",
  maxConcurrent: { percentage: maxConcurrentPercentage },
  failureTolerance: { percentage: failureTolerancePercentage },
  concurrencyMode: "SOFT_FAILURE_TOLERANCE",
});

describe("rollout model", () => {
  it("CloudFormation's defaults do one account at a time, one region after another", () => {
    expect(concurrentAccounts(1000, CLOUDFORMATION_DEFAULTS)).to.equal(1);
    expect(
      rolloutMinutes({ accounts: 1000, regions: 4, minutesPerStackInstance: 2 }, CLOUDFORMATION_DEFAULTS),
    ).to.equal(1000 * 4 * 2);
  });

  it("strict mode caps concurrency at failure tolerance + 1; soft mode does not", () => {
    const strict = { ...soft(50, 5), concurrencyMode: "STRICT_FAILURE_TOLERANCE" as const };
    expect(concurrentAccounts(1000, strict)).to.equal(51);
    expect(concurrentAccounts(1000, soft(50, 5))).to.equal(500);
  });

  it("rounds percentages down, a concurrency of zero up to one, and never exceeds the accounts", () => {
    expect(concurrentAccounts(999, soft(50, 0))).to.equal(499);
    expect(concurrentAccounts(10, soft(5, 0))).to.equal(1);
    expect(concurrentAccounts(3, { ...soft(100, 0), maxConcurrent: { count: 10 } })).to.equal(3);
  });

  it("overlaps parallel regions and adds up sequential ones, in whole waves", () => {
    const rollout = { accounts: 1000, regions: 4, minutesPerStackInstance: 2 };
    expect(rolloutMinutes(rollout, soft(30, 0))).to.equal(Math.ceil(1000 / 300) * 2);
    expect(rolloutMinutes(rollout, { ...soft(30, 0), regionConcurrencyType: "SEQUENTIAL" })).to.equal(
      4 * 4 * 2,
    );
  });

  it("reads the project's defaults from the stack config, with an override for operations that cannot carry the mode", () => {
    const ours = fromStackConfig(DEFAULT_STACKSET_OPERATION_PREFERENCES);
    expect(ours).to.deep.equal(soft(50, 5));
    expect(
      fromStackConfig(DEFAULT_STACKSET_OPERATION_PREFERENCES, "STRICT_FAILURE_TOLERANCE").concurrencyMode,
    ).to.equal("STRICT_FAILURE_TOLERANCE");
  });

  it("runs break-glass by hand in one wave per region, with the preferences the documented command passes", () => {
    expect(concurrentAccounts(1000, BREAK_GLASS_BY_HAND)).to.equal(1000);
    expect(
      rolloutMinutes({ accounts: 1000, regions: 4, minutesPerStackInstance: 2 }, BREAK_GLASS_BY_HAND),
    ).to.equal(2);
    expect(cliShorthand(BREAK_GLASS_BY_HAND)).to.equal(
      "RegionConcurrencyType=PARALLEL,MaxConcurrentPercentage=100,FailureTolerancePercentage=100," +
        "ConcurrencyMode=SOFT_FAILURE_TOLERANCE",
    );
    expect(cliShorthand({ ...CLOUDFORMATION_DEFAULTS })).to.equal(
      "RegionConcurrencyType=SEQUENTIAL,MaxConcurrentCount=1,FailureToleranceCount=0,ConcurrencyMode=STRICT_FAILURE_TOLERANCE",
    );
    const operations = fs.readFileSync(path.resolve(__dirname, "../../docs/operations.md"), "utf8");
    expect(operations).to.include(`--operation-preferences ${cliShorthand(BREAK_GLASS_BY_HAND)}`);
  });
});
