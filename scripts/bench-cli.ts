// Start-up time of the `ssm-runas` bin: `audit --help` (no Pulumi) beside `synth --help`, and what loading the
// Pulumi program costs on its own (which every command paid while the CLI loaded it at start-up).
// Usage: npm run bench:cli [-- --runs N]
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 11;
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

const MEASURES: { label: string; args: string[] }[] = [
  { label: "ssm-runas audit --help", args: ["cli/ssm-runas.js", "audit", "--help"] },
  { label: "ssm-runas synth --help", args: ["cli/ssm-runas.js", "synth", "--help"] },
  {
    label: "loading the Pulumi program (synth/synth)",
    args: ["-e", 'require("tsx/cjs"); require("./synth/synth")'],
  },
];

/** Seconds for one cold process: Node, tsx and every module the command loads. */
function timed(nodeArgs: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, nodeArgs, {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(`node ${nodeArgs.join(" ")} exited ${result.status}: ${result.stderr.toString()}`);
  }
  return seconds;
}

// Interleaved, so a slow moment of the machine does not fall on one measure only.
const times = MEASURES.map(() => [] as number[]);
for (let run = 0; run < runs; run++) MEASURES.forEach((measure, i) => times[i].push(timed(measure.args)));

const width = Math.max(...MEASURES.map(({ label }) => label.length));
console.log(`start-up, ${runs} cold runs each (a new Node process per run):`);
MEASURES.forEach(({ label }, i) => {
  const sorted = [...times[i]].sort((a, b) => a - b);
  console.log(
    `  ${label.padEnd(width)}  median ${sorted[Math.floor(runs / 2)].toFixed(2)} s` +
      `  (min ${sorted[0].toFixed(2)} s, max ${sorted[runs - 1].toFixed(2)} s)`,
  );
});
console.log(`machine: ${os.cpus().length} cores, Node ${process.version}`);
