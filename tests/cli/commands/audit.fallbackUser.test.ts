// `ssm-runas audit --fallback-user` against a moto organisation, with aws-sdk-client-mock answering the two State
// Manager reads moto lacks (tests/support/stateManager.ts): FALLBACK_USER_PENDING where the association has not
// reached every Linux managed node or is missing, nothing more where it has, and no State Manager call without
// the flag.
import { expect } from "chai";
import { DescribeInstanceInformationCommand, ListAssociationsCommand } from "@aws-sdk/client-ssm";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AuditRow } from "../../../cli/auditRows";
import { motoEnvironment, resetMoto, startMoto } from "../../../testing/moto";
import { seedOrganization, type SeededOrganization } from "../../../testing/seedOrganization";
import { REPO_ROOT, runCli } from "../../support/cli";
import { runCliInProcess } from "../../support/cliInProcess";
import { mockStateManager, type RegionNodes } from "../../support/stateManager";

const USER = "ssm-fallback";
const ON = { runAsEnabled: true, runAsDefaultUser: USER };
const OFF = { runAsEnabled: false, runAsDefaultUser: USER };
/** Every Linux node done; Windows nodes (counted as failed targets here) do not count against it. */
const DONE: RegionNodes = { succeeded: 12, linuxNodes: 12, windowsNodes: 3 };
/** 70 Linux nodes (two pages), 61 done. */
const PENDING: RegionNodes = { succeeded: 61, linuxNodes: 70, windowsNodes: 1 };
const NO_ASSOCIATION: RegionNodes = { succeeded: null, linuxNodes: 4 };
const NODES: Record<string, RegionNodes> = {
  "eu-west-1": DONE,
  "eu-central-1": PENDING,
  "us-east-1": NO_ASSOCIATION,
};
const REGIONS = Object.keys(NODES);

describe("ssm-runas audit --fallback-user (moto, State Manager through aws-sdk-client-mock)", function () {
  this.timeout(120_000);
  let org: SeededOrganization;
  let env: Record<string, string>;
  const documents = (document: typeof ON) => Object.fromEntries(REGIONS.map((r) => [r, document]));

  before(async () => {
    const moto = await startMoto();
    await resetMoto();
    org = await seedOrganization(moto.endpoint, {
      accounts: [
        { name: "on", documents: documents(ON) },
        {
          name: "glass",
          documents: documents(OFF),
          writers: Object.fromEntries(REGIONS.map((r) => [r, { runAsEnabled: "false" }])),
        },
      ],
    });
    env = motoEnvironment(moto);
  });

  const audit = async (args: string[], nodes = NODES) => {
    const ssm = mockStateManager((region) => nodes[region]);
    try {
      const run = await runCliInProcess(
        ["audit", "--regions", ...REGIONS, "--json", "--no-region-scan", ...args],
        env,
      );
      const rows = (JSON.parse(run.stdout) as { results: AuditRow[] }).results;
      return {
        run,
        ssm,
        rows,
        summary: (JSON.parse(run.stdout) as { summary: Record<string, number> }).summary,
      };
    } finally {
      ssm.restore();
    }
  };
  const row = (rows: AuditRow[], account: string, region: string) =>
    rows.find((r) => r.accountId === org.accountIds[account] && r.region === region)!;

  it("counts the Linux nodes without a successful run, says when the association is missing, and fails (exit 1)", async () => {
    const { run, rows, summary } = await audit(["--expected-user", USER, "--fallback-user"]);
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
    const { rows } = await audit(["--expected-user", USER, "--expect-runas-disabled", "--fallback-user"]);
    expect(row(rows, "glass", "eu-west-1").status).to.equal("BREAK_GLASS");
    expect(row(rows, "glass", "eu-central-1")).to.deep.include({
      status: "FALLBACK_USER_PENDING",
      detail:
        "9 of 70 Linux managed nodes without a successful run of ssm-runas-sync-fallback-user; " +
        "the RunShell document itself is in break-glass, as intended",
    });
  });

  it("ranks after what the document says and before the writer: RUNAS_DISABLED, then the count, then WRITER_UNHEALTHY", async () => {
    const { rows } = await audit(["--expected-user", USER, "--fallback-user"]);
    const disabled = row(rows, "glass", "eu-central-1");
    expect(disabled.status).to.equal("RUNAS_DISABLED");
    expect(disabled.detail).to.equal(
      "runAsEnabled is false; " +
        "also FALLBACK_USER_PENDING: 9 of 70 Linux managed nodes without a successful run of ssm-runas-sync-fallback-user; " +
        'also WRITER_UNHEALTHY: RUN_AS_ENABLED is "false", expected "true"',
    );
  });

  it("does not count the successes of an association rewritten to run something else (exit 1)", async () => {
    const rewritten = { ...DONE, commands: ["true"] };
    const { run, rows } = await audit(["--expected-user", USER, "--fallback-user"], {
      ...NODES,
      "eu-west-1": rewritten,
    });
    expect(run.code).to.equal(1);
    expect(row(rows, "on", "eu-west-1")).to.deep.include({
      status: "FALLBACK_USER_PENDING",
      detail:
        "association ssm-runas-sync-fallback-user does not run the script that creates ssm-fallback " +
        "(AWS-RunShellScript, changed outside the StackSet): its successes say nothing about the user; " +
        "the RunShell document itself is compliant",
    });
  });

  it("makes no State Manager call without the flag", async () => {
    const { ssm, rows } = await audit(["--expected-user", USER]);
    expect(ssm.commandCalls(ListAssociationsCommand)).to.deep.equal([]);
    expect(ssm.commandCalls(DescribeInstanceInformationCommand)).to.deep.equal([]);
    expect(rows.map((r) => r.status)).not.to.include("FALLBACK_USER_PENDING");
  });

  it("refuses --fallback-user for a stack with ensureFallbackUser false, in one line (exit 2)", async () => {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-fallback-"));
    try {
      fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
      const prod = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8");
      fs.writeFileSync(
        path.join(projectDir, "Pulumi.nouser.yaml"),
        prod.replace(/^config:\n/m, "config:\n  ssm-runas-sync:ensureFallbackUser: false\n"),
      );
      const run = await runCli([
        "audit",
        "--stack",
        "nouser",
        "--project-dir",
        projectDir,
        "--fallback-user",
      ]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.equal(
        "error: option '--fallback-user': stack nouser has ensureFallbackUser false, so it deploys no fallback-user association to count\n",
      );
    } finally {
      fs.rmSync(projectDir, { recursive: true, force: true });
    }
  });
});
