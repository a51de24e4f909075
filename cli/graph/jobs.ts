// Pure verdicts on a provisioning job (synchronizationJob): is it running, out of quarantine, and when did
// its last cycle end.
import { fail, pass, type StepResult } from "../verifySteps";

export interface TaskExecution {
  state?: string;
  timeBegan?: string;
  timeEnded?: string;
  countEscrowed?: number;
  error?: { code?: string; message?: string } | null;
}

export interface SynchronizationJob {
  id: string;
  templateId?: string;
  schedule?: { interval?: string; state?: string };
  status?: {
    code?: string;
    lastExecution?: TaskExecution | null;
    quarantine?: {
      reason?: string;
      nextAttempt?: string;
      error?: { code?: string; message?: string } | null;
    } | null;
  };
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** Pure: the job's steps: running, not quarantined, last cycle. `title` names the job. */
export function jobSteps(job: SynchronizationJob, title = "provisioning job"): StepResult[] {
  const code = job.status?.code ?? "NotConfigured";
  const interval = job.schedule?.interval ? `, a cycle every ${job.schedule.interval}` : "";
  const running =
    code === "Active"
      ? pass(`${title} running`, `${job.id} is Active${interval}`)
      : fail(
          `${title} running`,
          `${job.id} is ${code}: nothing reaches IAM Identity Center until provisioning runs ` +
            "(Provisioning > Start provisioning in the Entra admin center)",
        );
  const quarantine = job.status?.quarantine;
  const quarantined =
    quarantine || code === "Quarantine"
      ? fail(
          `${title} not quarantined`,
          `in quarantine (${quarantine?.reason ?? "no reason given"}` +
            `${quarantine?.error?.message ? `: ${oneLine(quarantine.error.message)}` : ""})` +
            `${quarantine?.nextAttempt ? `, next attempt ${quarantine.nextAttempt}` : ""}; ` +
            "fix the cause in the provisioning logs, then Restart provisioning",
        )
      : pass(`${title} not quarantined`, "not in quarantine");
  return [running, quarantined, lastCycleStep(job.status?.lastExecution ?? null, title)];
}

function lastCycleStep(last: TaskExecution | null, title: string): StepResult {
  const name = `${title} last cycle`;
  if (!last || (!last.timeEnded && !last.timeBegan)) return fail(name, "has never run a cycle");
  const when = last.timeEnded ?? last.timeBegan;
  if (last.state === "Failed") {
    return fail(name, `failed at ${when}${last.error?.message ? `: ${oneLine(last.error.message)}` : ""}`);
  }
  const escrowed =
    last.state === "EntryLevelErrors"
      ? `, ${last.countEscrowed ?? "some"} users in error (see the provisioning logs)`
      : "";
  return pass(name, `ended ${when} (${last.state ?? "state unknown"})${escrowed}`);
}
