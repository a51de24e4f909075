// Overlapping targets are refused with one line per overlap, before anything is declared.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { overlappingTargetErrors } from "../../../config/deploymentTargets";
import { synth } from "../../../synth/synth";
import { REPO_ROOT } from "../../support/cli";
import { INSTANCE, ofType, prodConfigWith, refusal, runStack } from "../../support/runShell";

const ROOT = "r-x7k2";
const WORKLOADS = "ou-x7k2-wk000001";
const PROD = "ou-x7k2-pr000001";
const SANDBOX = "ou-x7k2-sb000001";
const DATA = "ou-x7k2-da000001";

/** Expects a RunError of exactly one line naming `key` and `value`, stating `rule`, and nothing declared. */
async function expectRefused(
  changes: Record<string, unknown>,
  descendants: Record<string, string[]>,
  key: string,
  value: string,
  rule: RegExp,
) {
  const { error, constructed } = await refusal(prodConfigWith(changes), descendants);
  expect(error).to.be.instanceOf(pulumi.RunError);
  const lines = (error as Error).message.split("\n");
  expect(lines, lines.join("\n")).to.have.length(1);
  expect(lines[0]).to.match(new RegExp(`^ssm-runas-sync:${key.replace(/[.[\]]/g, "\\$&")}: `));
  expect(lines[0]).to.contain(value);
  expect(lines[0]).to.match(rule);
  expect(constructed, "resources constructed before the refusal").to.equal(0);
}

describe("RunShellStackSet targets", () => {
  describe("refused from the config alone", () => {
    it("an override OU when a target is the root, which holds every OU", async () => {
      await expectRefused(
        { deploymentTargets: [ROOT], organizationalUnitOverrides: { [DATA]: "dba" } },
        {},
        `organizationalUnitOverrides.${DATA}`,
        "dba",
        /deploymentTargets holds the root r-x7k2, which holds every OU/,
      );
    });

    it("a second target beside the root", async () => {
      await expectRefused(
        { deploymentTargets: [ROOT, SANDBOX] },
        {},
        "deploymentTargets[1]",
        SANDBOX,
        /lies under the root r-x7k2/,
      );
    });

    it("an override OU listed twice (YAML refuses the repeated key before the schema sees it)", async () => {
      const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "runshell-targets-"));
      fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
      const prod = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8");
      const twice = `  ssm-runas-sync:organizationalUnitOverrides:\n    ${DATA}: dba\n    ${DATA}: ops\n`;
      fs.writeFileSync(
        path.join(projectDir, "Pulumi.twice.yaml"),
        prod.replace(
          `ssm-runas-sync:deploymentTargets:\n    - ${ROOT}`,
          `ssm-runas-sync:deploymentTargets:\n    - ${SANDBOX}`,
        ) + twice,
      );
      const out = path.join(projectDir, "out");
      const result = await synth({ stack: "twice", projectDir, out });
      expect(result.ok).to.equal(false);
      expect(result.errors).to.have.length(1);
      expect(result.errors[0]).to.match(/Pulumi\.twice\.yaml: not valid YAML: Map keys must be unique/);
      expect(fs.existsSync(out)).to.equal(false);
    });
  });

  describe("refused from what Organizations shows", () => {
    it("an override OU inside a targeted OU", async () => {
      await expectRefused(
        { deploymentTargets: [WORKLOADS, SANDBOX], organizationalUnitOverrides: { [PROD]: "dba" } },
        { [WORKLOADS]: ["ou-x7k2-xx000001", PROD] },
        `organizationalUnitOverrides.${PROD}`,
        PROD,
        /lies under deploymentTargets OU ou-x7k2-wk000001 in the organisation: its accounts would get two stack instances/,
      );
    });

    it("an override OU inside another override OU", async () => {
      await expectRefused(
        { deploymentTargets: [SANDBOX], organizationalUnitOverrides: { [WORKLOADS]: "ops", [PROD]: "dba" } },
        { [WORKLOADS]: [PROD] },
        `organizationalUnitOverrides.${PROD}`,
        PROD,
        /lies under organizationalUnitOverrides OU ou-x7k2-wk000001 \(user ops\)/,
      );
    });

    it("a target inside an override OU", async () => {
      await expectRefused(
        { deploymentTargets: [SANDBOX, PROD], organizationalUnitOverrides: { [WORKLOADS]: "ops" } },
        { [WORKLOADS]: [PROD] },
        "deploymentTargets[1]",
        PROD,
        /lies under organizationalUnitOverrides OU ou-x7k2-wk000001/,
      );
    });

    it("a target inside another target", async () => {
      await expectRefused(
        { deploymentTargets: [WORKLOADS, PROD] },
        { [WORKLOADS]: [PROD] },
        "deploymentTargets[1]",
        PROD,
        /lies under deploymentTargets OU ou-x7k2-wk000001/,
      );
    });

    it("every overlap at once, one line each", () => {
      const errors = overlappingTargetErrors(
        {
          deploymentTargets: [WORKLOADS, SANDBOX],
          organizationalUnitOverrides: { [PROD]: "dba", [DATA]: "dba" },
        },
        new Map([
          [WORKLOADS, [PROD]],
          [SANDBOX, [DATA, "ou-x7k2-zz000001"]],
          [PROD, []],
          [DATA, []],
        ]),
      );
      expect(errors.map((line) => line.split(": ")[0])).to.have.members([
        `ssm-runas-sync:organizationalUnitOverrides.${PROD}`,
        `ssm-runas-sync:organizationalUnitOverrides.${DATA}`,
      ]);
    });
  });

  it("deploys disjoint targets, having asked Organizations about each target and override OU", async () => {
    const run = await runStack(
      prodConfigWith({
        deploymentTargets: [WORKLOADS, SANDBOX],
        organizationalUnitOverrides: { [DATA]: "dba" },
        includeManagementAccount: false,
      }),
      { [WORKLOADS]: [PROD], [SANDBOX]: ["ou-x7k2-sb000002"] },
    );
    expect(run.askedFor).to.have.members([WORKLOADS, SANDBOX, DATA]);
    expect(ofType(run.resources, INSTANCE)).to.have.length(3 * 4);
    expect(run.constructed, "the counter the refusals rely on").to.be.at.least(run.resources.length);
  });

  it("synth, offline, cannot see nesting: it refuses only what the config shows", async () => {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "runshell-targets-"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
    const dev = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
    fs.writeFileSync(
      path.join(projectDir, "Pulumi.nested.yaml"),
      `${dev}  ssm-runas-sync:organizationalUnitOverrides:\n    ${PROD}: dba\n`,
    );
    const result = await synth({ stack: "nested", projectDir, out: path.join(projectDir, "out") });
    expect(result.ok, result.errors.join("\n")).to.equal(true);
  });
});
