// `ssm-runas entra candidates` over a large assignment: N engineers in G groups (one nested in another) plus 50
// assigned directly, served by the loopback Graph server (testing/graphServer.ts). Prints the Graph requests it
// took (the figure docs/operations.md quotes), the client's wall and CPU time and peak RSS (testing/measuredCli.ts),
// and checks that every engineer was counted.
// Usage: npm run bench:entra [-- --users N --groups N --page-size N]
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { CliMeasure } from "../testing/measuredCli";
import { startGraphServer } from "../testing/graphServer";
import { assign, emptyTenant, guid, identityCenterApp, tenantUser } from "../testing/graphTenant";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
const userCount = option("--users", 2_000);
const groupCount = option("--groups", 20);
const DIRECT_ASSIGNMENTS = 50;

async function main() {
  const tenant = emptyTenant();
  const app = identityCenterApp();
  tenant.servicePrincipals.push(app);
  // Some names repeat and every tenth engineer has no employeeId, so each column has work to do.
  const users = Array.from({ length: userCount }, (_, i) =>
    tenantUser(`engineer${i}@example.com`, {
      onPremisesSamAccountName: `engineer${i % Math.max(1, userCount - 10)}`,
      employeeId: i % 10 === 0 ? null : `e${i}`,
    }),
  );
  tenant.users.push(...users);
  const perGroup = Math.ceil(userCount / groupCount);
  const groups = Array.from({ length: groupCount }, (_, g) => ({
    id: guid(),
    displayName: `engineers-${g}`,
    members: users.slice(g * perGroup, (g + 1) * perGroup).map(({ id }) => id),
  }));
  // Nested: the second group is reached only through the first.
  groups[0].members.push(groups[1].id);
  tenant.groups.push(...groups);
  assign(app, [groups[0], ...groups.slice(2), ...users.slice(0, DIRECT_ASSIGNMENTS)]);

  const server = await startGraphServer(tenant);
  server.pageSize = option("--page-size", 999);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-entra-"));
  const measureFile = path.join(dir, "measure.json");
  try {
    // Asynchronous: the Graph server answers from this process's event loop.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--require",
        "tsx/cjs",
        path.join(__dirname, "../testing/measuredCli.ts"),
        measureFile,
        "entra",
        "candidates",
        "--json",
      ],
      { env: { ...process.env, ...server.env }, encoding: "utf8", maxBuffer: 64 * 2 ** 20 },
    );
    const measure = JSON.parse(fs.readFileSync(measureFile, "utf8")) as CliMeasure;
    const report = JSON.parse(stdout) as { users: number };
    const expected = Math.min(userCount, groupCount * perGroup);
    console.log(
      `entra candidates: ${userCount} engineers in ${groupCount} groups (one nested), ${DIRECT_ASSIGNMENTS} assigned directly`,
    );
    console.log(
      `users counted:    ${report.users} (expected ${expected}: ${report.users === expected ? "all" : "MISMATCH"})`,
    );
    console.log(`Graph requests:   ${server.requests.length} (pages of ${server.pageSize})`);
    console.log(
      `wall:             ${(measure.ms / 1000).toFixed(2)} s, client CPU ${(measure.cpuMs / 1000).toFixed(2)} s`,
    );
    console.log(`peak RSS:         ${measure.peakRssMb.toFixed(0)} MB`);
    if (measure.exitCode !== 0 || report.users !== expected) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
}

main().catch((err) => {
  process.stderr.write(`bench:entra: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
