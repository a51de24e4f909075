// `npm run bench:audit:scale`: `ssm-runas audit --stack` over 250 and 1,000 member accounts × 4 regions against a
// replay server (testing/awsReplay) that answers every AWS call with the answer moto gave to the same kind of
// call, after 50 ms, from this process: so the figures are the client's, not the emulator's (which
// `npm run bench:audit` measures, with the shell-loop comparison). Each run first seeds a small organisation
// on moto (template accounts covering every kind of row) and records one audit of it; the large organisations
// are clones of its accounts (testing/scaledOrganization). The audit runs in a child process of its own, which
// measures itself: wall time, CPU (process.cpuUsage) around the command, and peak RSS.
// Usage: npm run bench:audit:scale [-- --runs N] [--accounts 250,1000] [--cpu-prof <dir>]
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SSM } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { parse, stringify } from "yaml";
import { DEFAULT_CONCURRENCY } from "../cli/commands/audit";
import type { CliMeasure } from "../testing/measuredCli";
import { startAwsProxy, type AwsExchange } from "../testing/awsProxy";
import { recordedAccessKey, recordingOf, startAwsReplay, type Recording } from "../testing/awsReplay";
import { motoEnvironment, resetMoto, startMoto, stopMoto } from "../testing/moto";
import { writeLatestOnly } from "../testing/runShellFixtures";
import { scaleOrganization, type TemplateAccount } from "../testing/scaledOrganization";
import {
  runShellContent,
  seedOrganization,
  sessionDocumentContent,
  type AccountSeed,
  type SeededDocument,
  type SeededOrganization,
} from "../testing/seedOrganization";

const REPO = path.resolve(__dirname, "..");
const MEASURED_CLI = path.join(REPO, "testing", "measuredCli.ts");
const STACK = "scale";
const REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2"];
const LATENCY_MS = 50;
const FALLBACK = "ssm-fallback";
const TARGET_WALL_RATIO = 1.5;
const TARGET_PEAK_RSS_MB = 250;
const TARGET_LINEARITY = 1.25;

const ok: SeededDocument = { runAsEnabled: true, runAsDefaultUser: FALLBACK };
const everywhere = (document: SeededDocument) =>
  Object.fromEntries(REGIONS.map((region) => [region, document]));

/** A template account: how it is seeded, and how many clones of it the large organisation has per round. */
interface Template extends AccountSeed {
  weight: number;
  /** Version 2 of the document in this region, left as the latest (the default stays version 1). */
  latest?: string;
}

// Mostly compliant, as an organisation where the stack is deployed is; every other kind of row is there too, so
// every kind of request the audit makes is recorded (bypass documents, the latest version, the region scan).
const TEMPLATES: Template[] = [
  { name: "scale-prod-ok", ou: "Prod", weight: 12, documents: everywhere(ok) },
  {
    name: "scale-prod-yaml",
    ou: "Prod",
    weight: 4,
    documents: everywhere({ ...ok, format: "YAML" }),
  },
  {
    name: "scale-prod-wrong-user",
    ou: "Prod",
    weight: 1,
    documents: { ...everywhere(ok), "us-west-2": { runAsEnabled: true, runAsDefaultUser: "ec2-user" } },
  },
  { name: "scale-prod-latest", ou: "Prod", weight: 1, documents: everywhere(ok), latest: "eu-central-1" },
  { name: "scale-dev-ok", ou: "Dev", weight: 6, documents: everywhere(ok) },
  {
    name: "scale-dev-missing",
    ou: "Dev",
    weight: 1,
    documents: Object.fromEntries(REGIONS.slice(0, 3).map((region) => [region, ok])),
  },
  {
    name: "scale-dev-bypass",
    ou: "Dev",
    weight: 1,
    documents: { ...everywhere(ok), "eu-west-1": { runAsEnabled: false, runAsDefaultUser: "" } },
    sessionDocuments: {
      "us-east-1": [
        {
          name: "shell-as-ssm-user",
          content: sessionDocumentContent("Standard_Stream", { inputs: { runAsEnabled: false } }),
        },
      ],
    },
  },
  {
    name: "scale-dev-writer",
    ou: "Dev",
    weight: 1,
    documents: everywhere(ok),
    writers: { "eu-central-1": { disabledRules: ["ssm-runas-sync-reconcile-daily"] } },
  },
  // The Sandbox OU has the document guardrail only: UNGUARDED, and so the account's regions are listed.
  { name: "scale-sandbox", ou: "Sandbox", weight: 2, documents: everywhere(ok) },
  { name: "scale-root", weight: 1, documents: everywhere(ok) },
  { name: "scale-suspended", ou: "Sandbox", weight: 1, documents: {}, closed: true },
];

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const verdict = (met: boolean) => (met ? "met" : "MISSED");

/** The prod stack's config, which the bench's stack copies. */
const prodConfig = () =>
  (parse(fs.readFileSync(path.join(REPO, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> })
    .config;

/** The template organisation on moto, with a service-managed RunShell StackSet on its OUs. */
async function seedTemplates(endpoint: string): Promise<SeededOrganization> {
  const org = await seedOrganization(endpoint, {
    ous: [
      { name: "Workloads" },
      { name: "Prod", parent: "Workloads" },
      { name: "Dev", parent: "Workloads" },
      { name: "Sandbox" },
    ],
    management: everywhere(ok),
    accounts: TEMPLATES,
    guardrail: {
      attach: [
        { target: "Workloads" },
        { target: "Sandbox", policies: ["runshell"] },
        { target: "scale-root" },
      ],
    },
    // In the stack's region, where the audit reads the StackSet's instances.
    stackSet: {
      region: String(prodConfig()["aws:region"]),
      instances: [{ ous: ["Prod", "Dev", "Sandbox"], regions: REGIONS }],
    },
  });
  const sts = new STSClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  for (const template of TEMPLATES) {
    if (!template.latest) continue;
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${org.accountIds[template.name]}:role/OrganizationAccountAccessRole`,
        RoleSessionName: "seed",
      }),
    );
    const ssm = new SSM({
      endpoint,
      region: template.latest,
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken,
      },
    });
    await writeLatestOnly(ssm, runShellContent({ runAsEnabled: true, runAsDefaultUser: "ec2-user" }));
  }
  return org;
}

/** Pulumi.yaml and Pulumi.scale.yaml in a folder of their own: the prod stack, deployed to the seeded root. */
function writeStack(rootId: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-audit-scale-"));
  fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const config = {
    ...prodConfig(),
    "ssm-runas-sync:deploymentTargets": [rootId],
    "ssm-runas-sync:scpTargets": [rootId],
    "ssm-runas-sync:regions": REGIONS,
  };
  fs.writeFileSync(path.join(dir, `Pulumi.${STACK}.yaml`), stringify({ config }));
  return dir;
}

interface AuditRun extends CliMeasure {
  statuses: Record<string, number>;
  rows: number;
}

/** One audit in a child process against `endpoint`; `abort` kills it (a request the replay cannot answer). */
function auditChild(
  endpoint: string,
  args: string[],
  nodeOptions: string[],
): { done: Promise<AuditRun>; abort: (reason: string) => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-audit-scale-run-"));
  const resultFile = path.join(dir, "measure.json");
  let aborted: string | undefined;
  const env = {
    ...process.env,
    ...motoEnvironment({ endpoint, port: 0 }),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const child = spawn(
    process.execPath,
    [...nodeOptions, "--require", require.resolve("tsx/cjs"), MEASURED_CLI, resultFile, ...args],
    { env, cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
  );
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const done = new Promise<AuditRun>((resolve, reject) => {
    child.on("close", (code) => {
      try {
        if (aborted) throw new Error(aborted);
        // 1 (some cell not compliant) is the audit's answer; 2 is a failed audit.
        if (code !== 0 && code !== 1) throw new Error(`the audit exited ${code}:\n${Buffer.concat(stderr)}`);
        const measure = JSON.parse(fs.readFileSync(resultFile, "utf8")) as CliMeasure;
        // `{results, summary}`, or `{metadata, results, summary}`: only the rows are read.
        const { results } = JSON.parse(Buffer.concat(stdout).toString("utf8")) as {
          results: { status: string }[];
        };
        const statuses: Record<string, number> = {};
        for (const { status } of results) statuses[status] = (statuses[status] ?? 0) + 1;
        resolve({ ...measure, statuses, rows: results.length });
      } catch (err) {
        reject(err as Error);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
  return {
    done,
    abort: (reason) => {
      aborted ??= `the replay cannot answer a request the audit made, so the audit was stopped:\n  ${reason}`;
      child.kill();
    },
  };
}

function parseArgs(argv: string[]) {
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const sizes = (value("--accounts") ?? "250,1000").split(",").map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) throw new Error("--accounts: e.g. 250,1000");
  const profileDir = value("--cpu-prof");
  return {
    runs: Number(value("--runs") ?? 3),
    sizes,
    nodeOptions: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir)}`] : [],
  };
}

const statusLine = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status} ${count}`)
    .join("  ");

interface Recorded {
  recording: Recording;
  templates: TemplateAccount[];
  /** The stack folder, whose deployment target is the recorded root: the scaled organisations keep its OUs. */
  stackDir: string;
}

async function record(): Promise<Recorded> {
  const moto = await startMoto();
  try {
    await resetMoto();
    const org = await seedTemplates(moto.endpoint);
    const stackDir = writeStack(org.rootId);
    const exchanges: AwsExchange[] = [];
    const proxy = await startAwsProxy(moto.endpoint, { onExchange: (exchange) => exchanges.push(exchange) });
    try {
      const run = await auditChild(proxy.endpoint, auditArgs(stackDir), []).done;
      const recording = recordingOf(exchanges);
      const templates = TEMPLATES.map(({ name, weight }) => {
        const id = org.accountIds[name];
        return { id, name, weight, accessKeyId: recordedAccessKey(recording, id) };
      });
      console.log(
        `recorded on moto: ${TEMPLATES.length} template accounts + management × ${REGIONS.length} regions, ` +
          `${exchanges.length} requests of ${recording.answers.size} kinds\n  ${statusLine(run.statuses)}`,
      );
      return { recording, templates, stackDir };
    } finally {
      await proxy.close();
    }
  } finally {
    // The replayed runs get the two cores to themselves.
    await stopMoto();
  }
}

const auditArgs = (stackDir: string) => [
  "audit",
  "--stack",
  STACK,
  "--project-dir",
  stackDir,
  "--format",
  "json",
];

interface ScaledRun extends AuditRun {
  requests: number;
  replayCpuMs: number;
}

async function replayedAudit(
  { recording, templates, stackDir }: Recorded,
  size: number,
  nodeOptions: string[],
): Promise<ScaledRun> {
  let child: ReturnType<typeof auditChild> | undefined;
  const replay = await startAwsReplay({
    recording,
    organization: scaleOrganization(templates, size),
    latencyMs: LATENCY_MS,
    onNotRecorded: (request) => child?.abort(request),
  });
  try {
    const cpu = process.cpuUsage();
    child = auditChild(replay.endpoint, auditArgs(stackDir), nodeOptions);
    const run = await child.done;
    const { user, system } = process.cpuUsage(cpu);
    return { ...run, requests: replay.requests, replayCpuMs: (user + system) / 1000 };
  } finally {
    await replay.close();
  }
}

interface SizeFigures {
  size: number;
  cells: number;
  runs: ScaledRun[];
  wall: number;
  bound: number;
  cpuPerCell: number;
  peakRssMb: number;
}

function figuresOf(size: number, runs: ScaledRun[]): SizeFigures {
  const cells = (size + 1) * REGIONS.length;
  const requests = median(runs.map((run) => run.requests));
  return {
    size,
    cells,
    runs,
    wall: median(runs.map(({ ms }) => ms)),
    bound: (requests * LATENCY_MS) / DEFAULT_CONCURRENCY,
    cpuPerCell: median(runs.map(({ cpuMs }) => cpuMs)) / cells,
    peakRssMb: Math.max(...runs.map(({ peakRssMb }) => peakRssMb)),
  };
}

function printFigures(figures: SizeFigures): void {
  const { size, cells, runs, wall, bound } = figures;
  const first = runs[0];
  const requests = median(runs.map((run) => run.requests));
  const cpuMs = median(runs.map((run) => run.cpuMs));
  console.log(`
${size} member accounts + management × ${REGIONS.length} regions = ${cells} cells, ${first.rows} rows
  ${statusLine(first.statuses)}
  requests                         ${requests}  (${(requests / (size + 1)).toFixed(1)} per account)
  wall time (median of ${runs.length})          ${seconds(wall)}  (runs: ${runs.map(({ ms }) => seconds(ms)).join(", ")})
  bound                            ${seconds(bound)}  (${requests} × ${LATENCY_MS} ms / concurrency ${DEFAULT_CONCURRENCY})
  wall / bound                     ${(wall / bound).toFixed(2)}
  client CPU                       ${seconds(cpuMs)}  (${figures.cpuPerCell.toFixed(2)} ms per cell, ${(cpuMs / requests).toFixed(2)} ms per request, ${((100 * cpuMs) / wall).toFixed(0)} % of the wall time)
  peak RSS                         ${figures.peakRssMb.toFixed(0)} MB  (${first.startRssMb.toFixed(0)} MB before the audit)
  replay server CPU                ${seconds(median(runs.map(({ replayCpuMs }) => replayCpuMs)))}`);
}

async function main(): Promise<void> {
  const { runs, sizes, nodeOptions } = parseArgs(process.argv.slice(2));
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const recorded = await record();
  try {
    const results = new Map<number, ScaledRun[]>(sizes.map((size) => [size, []]));
    // Interleaved, so that a busy moment of the machine does not fall on one size only.
    for (let run = 0; run < runs; run++) {
      for (const size of sizes) {
        process.stdout.write(`run ${run + 1}/${runs}: ${size} accounts ...\r`);
        results.get(size)!.push(await replayedAudit(recorded, size, nodeOptions));
      }
    }
    const figures = sizes.map((size) => figuresOf(size, results.get(size)!));
    figures.forEach(printFigures);

    const smallest = figures[0];
    const largest = figures[figures.length - 1];
    const linearity = largest.cpuPerCell / smallest.cpuPerCell;
    console.log(`
targets (latency ${LATENCY_MS} ms per request, concurrency ${DEFAULT_CONCURRENCY}; ${os.cpus().length} cores, Node ${process.version})`);
    for (const { size, wall, bound, peakRssMb } of figures) {
      console.log(
        `  ${size} accounts: wall ≤ ${TARGET_WALL_RATIO}× bound: ${(wall / bound).toFixed(2)}× ${verdict(wall / bound <= TARGET_WALL_RATIO)};` +
          ` peak RSS ≤ ${TARGET_PEAK_RSS_MB} MB: ${peakRssMb.toFixed(0)} MB ${verdict(peakRssMb <= TARGET_PEAK_RSS_MB)}`,
      );
    }
    if (figures.length > 1) {
      console.log(
        `  linear: CPU per cell at ${largest.size} ≤ ${TARGET_LINEARITY}× at ${smallest.size}: ` +
          `${largest.cpuPerCell.toFixed(2)} / ${smallest.cpuPerCell.toFixed(2)} ms = ${linearity.toFixed(2)}× ` +
          verdict(linearity <= TARGET_LINEARITY),
      );
    }
  } finally {
    fs.rmSync(recorded.stackDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
