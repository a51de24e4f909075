// The fallback-user count of `ssm-runas audit` (by default for a stack that deploys the association, with
// --expected-user on --fallback-user), the real bin against a moto organisation with the test moto's State Manager
// (testing/motoStateManager.py): managed nodes are moto EC2 instances (Linux and Windows), the association is the
// RunShell template's, and the results of its runs are seeded. FALLBACK_USER_PENDING where the association has
// not reached every Linux managed node, is missing, is doubled or runs something else; nothing more where it has;
// and no State Manager call when it is not counted.
import { expect } from "chai";
import { SSMClient, UpdateAssociationCommand } from "@aws-sdk/client-ssm";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AuditRow } from "../../../cli/auditRows";
import { FALLBACK_USER_ASSOCIATION_NAME } from "../../../policypack/rules/names";
import { startAwsProxy, type AwsProxy } from "../../../testing/awsProxy";
import { motoEnvironment, resetMoto, startMoto } from "../../../testing/moto";
import {
  cellClientConfig,
  createFallbackUserAssociation,
  fallbackUserAssociationInput,
  resultsFor,
  seedAssociationResults,
  seedManagedNodes,
  type Cell,
} from "../../../testing/motoStateManager";
import { seedOrganization, type SeededOrganization } from "../../../testing/seedOrganization";
import { REPO_ROOT, runCli } from "../../support/cli";

const USER = "ssm-fallback";
const ON = { runAsEnabled: true, runAsDefaultUser: USER };
const OFF = { runAsEnabled: false, runAsDefaultUser: USER };

/** A region's managed nodes and how many Linux ones last ran the association successfully (null: no association). */
interface RegionNodes {
  linux: number;
  windows: number;
  succeeded: number | null;
}
/** Every Linux node done; the Windows nodes' runs of AWS-RunShellScript fail, and do not count against it. */
const DONE: RegionNodes = { linux: 12, windows: 3, succeeded: 12 };
/** 70 Linux nodes (two pages of DescribeInstanceInformation), 61 done. */
const PENDING: RegionNodes = { linux: 70, windows: 1, succeeded: 61 };
const NO_ASSOCIATION: RegionNodes = { linux: 4, windows: 0, succeeded: null };
const NODES: Record<string, RegionNodes> = {
  "eu-west-1": DONE,
  "eu-central-1": PENDING,
  "us-east-1": NO_ASSOCIATION,
};
const REGIONS = Object.keys(NODES);

/** Nodes, the StackSet's association and its runs' results in one account × region. */
async function seedStateManager(cell: Cell, { linux, windows, succeeded }: RegionNodes) {
  const nodes = await seedManagedNodes(cell, { linux, windows });
  if (succeeded === null) return;
  await createFallbackUserAssociation(cell, USER);
  await seedAssociationResults(cell, FALLBACK_USER_ASSOCIATION_NAME, {
    ...resultsFor(nodes.linux.slice(0, succeeded), "Success"),
    ...resultsFor(nodes.windows, "Failed"),
  });
}

/** Runs the bin's JSON audit through a recording proxy in front of moto. */
async function audit(proxy: AwsProxy, args: string[], regions = REGIONS) {
  proxy.requests.splice(0);
  const env = {
    ...motoEnvironment({ endpoint: proxy.endpoint, port: 0 }),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const run = await runCli(["audit", "--regions", ...regions, "--json", "--no-region-scan", ...args], {
    env,
    timeoutMs: 120_000,
  });
  const report = JSON.parse(run.stdout) as { results: AuditRow[]; summary: Record<string, number> };
  const operations = proxy.requests.map(({ operation }) => operation);
  return { run, rows: report.results, summary: report.summary, operations };
}

describe("ssm-runas audit, the fallback user (moto with State Manager)", function () {
  this.timeout(300_000);
  let org: SeededOrganization;
  let proxy: AwsProxy;
  const documents = (document: typeof ON) => Object.fromEntries(REGIONS.map((r) => [r, document]));
  const row = (rows: AuditRow[], account: string, region: string) =>
    rows.find((r) => r.accountId === org.accountIds[account] && r.region === region)!;

  before(async () => {
    const moto = await startMoto();
    await resetMoto();
    org = await seedOrganization(moto.endpoint, {
      // Created below where the region has one.
      fallbackUserAssociations: false,
      accounts: [
        { name: "on", documents: documents(ON) },
        {
          name: "glass",
          documents: documents(OFF),
          writers: Object.fromEntries(REGIONS.map((r) => [r, { runAsEnabled: "false" }])),
        },
      ],
    });
    for (const accountId of Object.values(org.accountIds)) {
      for (const [region, nodes] of Object.entries(NODES)) {
        await seedStateManager({ endpoint: moto.endpoint, accountId, region }, nodes);
      }
    }
    proxy = await startAwsProxy(moto.endpoint);
  });

  after(async () => {
    await proxy?.close();
  });

  it("counts the Linux nodes without a successful run, says when the association is missing, and fails (exit 1)", async () => {
    const { run, rows, summary } = await audit(proxy, ["--expected-user", USER, "--fallback-user"]);
    expect(run.code, run.stderr).to.equal(1);
    expect(row(rows, "on", "eu-west-1")).to.deep.include({ status: "COMPLIANT", detail: "" });
    expect(row(rows, "on", "eu-central-1")).to.deep.include({
      status: "FALLBACK_USER_PENDING",
      detail:
        "9 of 70 Linux managed nodes without a successful run of ssm-runas-sync-fallback-user; " +
        "the RunShell document itself is compliant",
      runAsEnabled: true,
      runAsDefaultUser: USER,
    });
    expect(row(rows, "on", "us-east-1")).to.deep.include({
      status: "FALLBACK_USER_PENDING",
      detail:
        "association ssm-runas-sync-fallback-user is missing: no node gets the fallback user (4 Linux managed nodes); " +
        "the RunShell document itself is compliant",
    });
    // The break-glass account's rows are RUNAS_DISABLED here (RunAs expected on): the count only in their detail.
    expect(summary.FALLBACK_USER_PENDING).to.equal(2);
  });

  it("is the pre-flight: in break-glass, a region whose every Linux node has the user is BREAK_GLASS, the others not", async () => {
    const { rows } = await audit(proxy, [
      "--expected-user",
      USER,
      "--expect-runas-disabled",
      "--fallback-user",
    ]);
    expect(row(rows, "glass", "eu-west-1").status).to.equal("BREAK_GLASS");
    expect(row(rows, "glass", "eu-central-1")).to.deep.include({
      status: "FALLBACK_USER_PENDING",
      detail:
        "9 of 70 Linux managed nodes without a successful run of ssm-runas-sync-fallback-user; " +
        "the RunShell document itself is in break-glass, as intended",
    });
  });

  it("ranks after what the document says and before the writer: RUNAS_DISABLED, then the count, then WRITER_UNHEALTHY", async () => {
    const { rows } = await audit(proxy, ["--expected-user", USER, "--fallback-user"]);
    const disabled = row(rows, "glass", "eu-central-1");
    expect(disabled.status).to.equal("RUNAS_DISABLED");
    expect(disabled.detail).to.equal(
      "runAsEnabled is false; " +
        "also FALLBACK_USER_PENDING: 9 of 70 Linux managed nodes without a successful run of ssm-runas-sync-fallback-user; " +
        'also WRITER_UNHEALTHY: RUN_AS_ENABLED is "false", expected "true"',
    );
  });

  const STATE_MANAGER_CALLS = ["ListAssociations", "DescribeAssociation", "DescribeInstanceInformation"];
  const stateManagerCalls = (operations: string[]) =>
    operations.filter((o) => STATE_MANAGER_CALLS.includes(o));

  /** A project holding the prod stack as `name`, its root the seeded organisation's, with `config` lines added. */
  function stackProject(name: string, config = "") {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-fallback-"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
    const prod = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8");
    fs.writeFileSync(
      path.join(projectDir, `Pulumi.${name}.yaml`),
      prod
        .split("r-x7k2")
        .join(org.rootId)
        .replace(/^config:\n/m, `config:\n${config}`),
    );
    return projectDir;
  }

  it("with --expected-user, counts only with --fallback-user", async () => {
    const without = await audit(proxy, ["--expected-user", USER]);
    expect(stateManagerCalls(without.operations)).to.deep.equal([]);
    expect(without.rows.map((r) => r.status)).not.to.include("FALLBACK_USER_PENDING");
    const flagged = await audit(proxy, ["--expected-user", USER, "--fallback-user"]);
    expect(flagged.operations).to.include.members(STATE_MANAGER_CALLS);
  });

  it("with a --stack that deploys the association, counts by default; --no-fallback-user skips it", async () => {
    const projectDir = stackProject("fb");
    try {
      const stack = ["--stack", "fb", "--project-dir", projectDir];
      const counted = await audit(proxy, stack);
      expect(row(counted.rows, "on", "eu-central-1")).to.deep.include({
        status: "FALLBACK_USER_PENDING",
        detail:
          "9 of 70 Linux managed nodes without a successful run of ssm-runas-sync-fallback-user; " +
          "the RunShell document itself is compliant",
      });
      expect(row(counted.rows, "on", "eu-west-1").status).to.equal("COMPLIANT");
      const skipped = await audit(proxy, [...stack, "--no-fallback-user"]);
      expect(stateManagerCalls(skipped.operations)).to.deep.equal([]);
      expect(row(skipped.rows, "on", "eu-central-1").status).to.equal("COMPLIANT");
    } finally {
      fs.rmSync(projectDir, { recursive: true, force: true });
    }
  });

  it("with a stack whose ensureFallbackUser is false: not counted, and --fallback-user refused in one line (exit 2)", async () => {
    const projectDir = stackProject("nouser", "  ssm-runas-sync:ensureFallbackUser: false\n");
    try {
      const stack = ["--stack", "nouser", "--project-dir", projectDir];
      const uncounted = await audit(proxy, stack);
      expect(stateManagerCalls(uncounted.operations)).to.deep.equal([]);
      expect(row(uncounted.rows, "on", "eu-central-1").status).to.equal("COMPLIANT");
      const run = await runCli(["audit", ...stack, "--fallback-user"]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.equal(
        "error: option '--fallback-user': stack nouser has ensureFallbackUser false, so it deploys no fallback-user association to count\n",
      );
    } finally {
      fs.rmSync(projectDir, { recursive: true, force: true });
    }
  });

  describe("an association changed outside the StackSet", () => {
    const REGION = "eu-west-1";
    let cell: Cell;
    let nodes: { linux: string[]; windows: string[] };
    let associationId: string;

    beforeEach(async () => {
      const moto = await startMoto();
      await resetMoto();
      org = await seedOrganization(moto.endpoint, {
        fallbackUserAssociations: false,
        ous: [{ name: "pilot" }],
        accounts: [{ name: "on", ou: "pilot", documents: { [REGION]: ON } }],
      });
      cell = { endpoint: moto.endpoint, accountId: org.accountIds.on, region: REGION };
      nodes = await seedManagedNodes(cell, { linux: 3, windows: 0 });
      associationId = await createFallbackUserAssociation(cell, USER);
    });

    it("does not count the successes of an association rewritten to run something else (exit 1)", async () => {
      // As the API demands of an update: every field again, here with other commands.
      const ssm = new SSMClient(await cellClientConfig(cell));
      await ssm.send(
        new UpdateAssociationCommand({
          ...fallbackUserAssociationInput(USER),
          AssociationId: associationId,
          Parameters: { commands: ["true"] },
        }),
      );
      await seedAssociationResults(cell, associationId, resultsFor(nodes.linux, "Success"));
      const { run, rows } = await audit(proxy, ["--expected-user", USER, "--fallback-user"], [REGION]);
      expect(run.code).to.equal(1);
      expect(row(rows, "on", REGION)).to.deep.include({
        status: "FALLBACK_USER_PENDING",
        detail:
          "association ssm-runas-sync-fallback-user does not run the script that creates ssm-fallback " +
          "(AWS-RunShellScript, changed outside the StackSet): its successes say nothing about the user; " +
          "the RunShell document itself is compliant",
      });
    });

    it("does not count the successes of two associations of that name (exit 1)", async () => {
      await createFallbackUserAssociation(cell, USER);
      await seedAssociationResults(cell, FALLBACK_USER_ASSOCIATION_NAME, resultsFor(nodes.linux, "Success"));
      const { run, rows } = await audit(proxy, ["--expected-user", USER, "--fallback-user"], [REGION]);
      expect(run.code).to.equal(1);
      expect(row(rows, "on", REGION)).to.deep.include({
        status: "FALLBACK_USER_PENDING",
        detail:
          "2 associations are named ssm-runas-sync-fallback-user, the StackSet creates one: " +
          "their successes do not say which script ran; the RunShell document itself is compliant",
      });
    });

    it("…and with the StackSet's one association run everywhere, is COMPLIANT (exit 0)", async () => {
      await seedAssociationResults(cell, associationId, resultsFor(nodes.linux, "Success"));
      // The OU's accounts alone: the management account, outside it, holds no document here.
      const { run, rows } = await audit(
        proxy,
        ["--expected-user", USER, "--fallback-user", "--ou", org.ouIds.pilot],
        [REGION],
      );
      expect(run.code, run.stdout).to.equal(0);
      expect(row(rows, "on", REGION)).to.deep.include({ status: "COMPLIANT", detail: "" });
    });
  });
});
