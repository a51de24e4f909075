// Wall time of `synth --stack prod` (the real CLI, a cold process each run) and of the whole test suite.
// Usage: npm run bench:synth [-- --runs N] [-- --skip-tests]
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 5;

function timed(command: string, commandArgs: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${commandArgs.join(" ")} exited ${result.status}: ${result.stderr.toString().slice(-2000)}`,
    );
  }
  return seconds;
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-synth-"));
const synthTimes = Array.from({ length: runs }, () =>
  timed(process.execPath, ["cli/ssm-runas.js", "synth", "--stack", "prod", "--out", out]),
).sort((a, b) => a - b);
console.log(
  `synth --stack prod: median ${synthTimes[Math.floor(runs / 2)].toFixed(2)} s, ` +
    `min ${synthTimes[0].toFixed(2)} s, max ${synthTimes[runs - 1].toFixed(2)} s over ${runs} cold runs`,
);

if (!args.includes("--skip-tests")) {
  const suite = timed("npm", ["test", "--silent"]);
  console.log(`npm test (whole suite): ${suite.toFixed(1)} s`);
}
console.log(`machine: ${os.cpus().length} cores, Node ${process.version}`);
