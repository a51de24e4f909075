// `npm run bench:audit`: `ssm-runas audit` over 200 member accounts × 3 regions on moto behind a proxy that adds
// 50 ms to every request, against the lower bound (requests × 50 ms / concurrency) and against the way it is
// done by hand today: a shell loop of `aws sts assume-role` + `aws ssm get-document`, timed on a few accounts
// and extrapolated. The audit runs in a process of its own, so the proxy does not share its event loop.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { runAudit } from "../cli/aws/audit";
import { DEFAULT_CONCURRENCY } from "../cli/commands/audit";
import { summarize } from "../cli/report";
import { AUDIT_STATUSES } from "../cli/auditRows";
import { startAwsProxy } from "../testing/awsProxy";
import { motoEnvironment, motoProcessId, resetMoto, startMoto, stopMoto } from "../testing/moto";
import { seedOrganization, type SeededDocument } from "../testing/seedOrganization";

const ACCOUNTS = 200;
const REGIONS = ["eu-west-1", "eu-central-1", "us-east-1"];
const LATENCY_MS = 50;
const RUNS = 3;
const LOOP_SAMPLE_ACCOUNTS = 4;
const EXPECTED_USER = "ssm-fallback";
const REPO = path.resolve(__dirname, "..");
const MEASURE_FLAG = "--measure-audit";

// A realistic mix: mostly compliant, some never saved, some reset by LZA, some with another user.
function documentsFor(index: number): Record<string, SeededDocument> {
  const documents: Record<string, SeededDocument> = {};
  REGIONS.forEach((region, r) => {
    const kind = (index * REGIONS.length + r) % 10;
    if (kind === 7) return;
    documents[region] =
      kind === 8
        ? { runAsEnabled: false, runAsDefaultUser: "" }
        : { runAsEnabled: true, runAsDefaultUser: kind === 9 ? "ec2-user" : EXPECTED_USER };
  });
  return documents;
}

const auditOptions = {
  regions: REGIONS,
  roleName: "OrganizationAccountAccessRole",
  expectation: { defaultUser: EXPECTED_USER, overrides: {}, runAsEnabled: true },
  concurrency: DEFAULT_CONCURRENCY,
};

/** The child: one audit, timed from the first request (modules are loaded by then). */
async function measureAudit(): Promise<void> {
  const start = process.hrtime.bigint();
  const { rows } = await runAudit(auditOptions);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(JSON.stringify({ ms, rows: rows.length, summary: summarize(AUDIT_STATUSES, rows) }));
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { env, cwd: REPO, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

/** CPU seconds the emulator has used so far (Linux /proc), to show how much of the wall time is its own. */
function motoCpuMs(): number | undefined {
  const pid = motoProcessId();
  if (pid === undefined) return undefined;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

// What an operator runs today, one account after another.
const AWS_CLI_LOOP = `
for account in $ACCOUNTS; do
  read -r key secret token <<<"$(aws sts assume-role --endpoint-url "$ENDPOINT" \\
    --role-arn "arn:aws:iam::$account:role/OrganizationAccountAccessRole" --role-session-name audit \\
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)"
  for region in $REGIONS; do
    AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret AWS_SESSION_TOKEN=$token \\
      aws ssm get-document --endpoint-url "$ENDPOINT" --region "$region" \\
      --name SSM-SessionManagerRunShell --query Content --output text >/dev/null 2>&1 || true
  done
done`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const moto = await startMoto();
  // moto slows down as assumed-role sessions pile up (it scans them per request): every measurement gets a
  // freshly seeded emulator, so each one faces the same state.
  const freshOrganization = async () => {
    await resetMoto();
    return seedOrganization(moto.endpoint, {
      management: documentsFor(ACCOUNTS),
      accounts: Array.from({ length: ACCOUNTS }, (_, index) => ({
        name: `member-${String(index).padStart(3, "0")}`,
        documents: documentsFor(index),
      })),
    });
  };
  console.log(
    `${ACCOUNTS} member accounts × ${REGIONS.length} regions on moto, seeded afresh for each run ...`,
  );
  const proxy = await startAwsProxy(moto.endpoint);
  const env = { ...process.env, ...motoEnvironment(moto) };
  const auditOnce = async (delayMs: number) => {
    await freshOrganization();
    proxy.delayMs = delayMs;
    proxy.requests.splice(0);
    const child = [require.resolve("tsx/cli"), __filename, MEASURE_FLAG];
    const cpuBefore = motoCpuMs();
    const outcome = JSON.parse(
      await run(process.execPath, child, { ...env, AWS_ENDPOINT_URL: proxy.endpoint }),
    );
    const cpuAfter = motoCpuMs();
    return {
      ...outcome,
      requests: proxy.requests.length,
      motoCpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    } as { ms: number; rows: number; requests: number; summary: Record<string, number>; motoCpuMs?: number };
  };

  try {
    const audits = [];
    for (let index = 0; index < RUNS; index++) audits.push(await auditOnce(LATENCY_MS));
    const floor = await auditOnce(0);
    const wall = median(audits.map(({ ms }) => ms));
    const { requests, rows, summary } = audits[0];
    const bound = (requests * LATENCY_MS) / DEFAULT_CONCURRENCY;

    const org = await freshOrganization();
    proxy.delayMs = LATENCY_MS;
    const cliMs = await timed(() =>
      run(
        "bash",
        [
          "-c",
          `node cli/ssm-runas.js audit --expected-user ${EXPECTED_USER} --regions ${REGIONS.join(" ")} --json >/dev/null || [ $? -eq 1 ]`,
        ],
        { ...env, AWS_ENDPOINT_URL: proxy.endpoint },
      ),
    );

    const sample = Object.values(org.accountIds).slice(0, LOOP_SAMPLE_ACCOUNTS);
    const loopMs = await timed(() =>
      run("bash", ["-c", AWS_CLI_LOOP], {
        ...env,
        ENDPOINT: proxy.endpoint,
        ACCOUNTS: sample.join(" "),
        REGIONS: REGIONS.join(" "),
      }),
    );
    const accountsAudited = ACCOUNTS + 1;
    const loopExtrapolated = (loopMs / sample.length) * accountsAudited;

    console.log(`
ssm-runas audit: ${accountsAudited} accounts (${ACCOUNTS} members + management) × ${REGIONS.length} regions = ${rows} rows
  ${Object.entries(summary)
    .map(([status, count]) => `${status} ${count}`)
    .join("  ")}
  latency added per request        ${LATENCY_MS} ms (proxy on 127.0.0.1)
  concurrency                      ${DEFAULT_CONCURRENCY}
  requests                         ${requests}
  wall time (median of ${RUNS})          ${seconds(wall)}  (runs: ${audits.map(({ ms }) => seconds(ms)).join(", ")})
  lower bound                      ${seconds(bound)}  (${requests} × ${LATENCY_MS} ms / ${DEFAULT_CONCURRENCY})
  wall / bound                     ${(wall / bound).toFixed(2)}  (target ≤ 2)
  same audit with 0 ms added       ${seconds(floor.ms)}  (what the emulator and the SDK cost here, without latency)
  moto CPU per audit               ${audits[0].motoCpuMs === undefined ? "n/a" : `${seconds(audits[0].motoCpuMs)} (one Python process: a floor no client can beat)`}
  CLI end to end, incl. start-up   ${seconds(cliMs)}  (node cli/ssm-runas.js audit --json)

today: a shell loop of aws sts assume-role + aws ssm get-document (awscli), ${LOOP_SAMPLE_ACCOUNTS} accounts × ${REGIONS.length} regions
  sample                           ${seconds(loopMs)} (${seconds(loopMs / sample.length)} per account)
  extrapolated to ${accountsAudited} accounts    ${seconds(loopExtrapolated)}
  audit is faster by               ${(loopExtrapolated / wall).toFixed(0)}×  (target ≥ 20×; CLI incl. start-up: ${(loopExtrapolated / cliMs).toFixed(0)}×)`);
  } finally {
    await proxy.close();
    await stopMoto();
  }
}

(process.argv.includes(MEASURE_FLAG) ? measureAudit() : main()).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
