// Pure verdicts on a provisioning job's status.
import { expect } from "chai";
import { jobSteps } from "../../../cli/graph/jobs";
import { provisioningJob, quarantinedStatus } from "../../../testing/graphTenant";

const verdicts = (steps: ReturnType<typeof jobSteps>) => steps.map(({ ok }) => ok);

describe("cli/graph: provisioning job verdicts", () => {
  it("a running job with a successful cycle passes all three", () => {
    expect(verdicts(jobSteps(provisioningJob("sp")))).to.deep.equal([true, true, true]);
  });

  it("paused: not running", () => {
    const [running] = jobSteps(provisioningJob("sp", { code: "Paused" }));
    expect(running.ok).to.equal(false);
    expect(running.detail).to.match(/is Paused: nothing reaches IAM Identity Center until provisioning runs/);
  });

  it("quarantine: neither running nor out of quarantine", () => {
    expect(verdicts(jobSteps(provisioningJob("sp", quarantinedStatus("TooManyDeletes"))))).to.deep.equal([
      false,
      false,
      true,
    ]);
  });

  it("last cycle: never run and failed fail; entry-level errors pass with a count", () => {
    const never = jobSteps(provisioningJob("sp", { lastExecution: null }))[2];
    expect(never).to.include({ ok: false, detail: "has never run a cycle" });
    const failed = jobSteps(
      provisioningJob("sp", {
        lastExecution: {
          state: "Failed",
          timeEnded: "2026-12-02T10:00:00Z",
          error: { message: "Bad\ntoken" },
        },
      }),
    )[2];
    expect(failed).to.include({ ok: false, detail: "failed at 2026-12-02T10:00:00Z: Bad token" });
    const partial = jobSteps(
      provisioningJob("sp", {
        lastExecution: { state: "EntryLevelErrors", timeEnded: "2026-12-02T10:00:00Z", countEscrowed: 2 },
      }),
    )[2];
    expect(partial).to.include({
      ok: true,
      detail: "ended 2026-12-02T10:00:00Z (EntryLevelErrors), 2 users in error (see the provisioning logs)",
    });
  });
});
