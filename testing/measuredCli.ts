// Runs the `ssm-runas` CLI in this process and measures it, for benches that must tell the client's cost from
// the servers' (which run in another process): wall time and CPU time (process.cpuUsage) around the command,
// with the modules already loaded, and the process's peak RSS. Usage, run with tsx's loader:
//   node --require tsx/cjs testing/measuredCli.ts <measure.json> <ssm-runas args...>
// The report goes to stdout as the CLI writes it; the measure to <measure.json>.
import * as fs from "node:fs";
import { run } from "../cli/main";

export interface CliMeasure {
  ms: number;
  /** User + system CPU of this process while the command ran. */
  cpuMs: number;
  /** The process's peak resident set, loading included (resourceUsage().maxRSS). */
  peakRssMb: number;
  /** Resident set once the CLI's modules are loaded, before the command runs. */
  startRssMb: number;
  exitCode: number;
}

async function measure(measureFile: string, args: string[]): Promise<void> {
  const startRssMb = process.memoryUsage().rss / 2 ** 20;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await run(["node", "ssm-runas", ...args]);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const { user, system } = process.cpuUsage(cpu);
  const result: CliMeasure = {
    ms,
    cpuMs: (user + system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    startRssMb,
    exitCode: Number(process.exitCode ?? 0),
  };
  fs.writeFileSync(measureFile, JSON.stringify(result));
}

if (require.main === module) {
  const [measureFile, ...args] = process.argv.slice(2);
  measure(measureFile, args).catch((err) => {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 2;
  });
}
