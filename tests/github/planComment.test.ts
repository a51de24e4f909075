// .github/scripts/plan-comment.sh, run with bash and diff as the pull-request workflow runs it, on plans the real
// synth renders: the Markdown comment holds each stack's `diff -u`, says when nothing changed or the base branch
// has no plan, and stays within GitHub's comment size.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { synth } from "../../synth/synth";
import { REPO_ROOT } from "../support/cli";

const SCRIPT = path.join(REPO_ROOT, ".github", "scripts", "plan-comment.sh");
const MARKER = "<!-- ssm-runas-sync plan diff -->";
/** GitHub refuses longer comment bodies. */
const GITHUB_COMMENT_LIMIT = 65_536;

function comment(args: string[]) {
  const run = spawnSync("bash", [SCRIPT, ...args], { encoding: "utf8", timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** plan.md of the dev stack, with `change` applied to its config first. */
async function devPlan(dir: string, change: (config: Record<string, unknown>) => void): Promise<string> {
  const config = (
    parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    }
  ).config;
  change(config);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stringify({ config }));
  const result = await synth({ stack: "dev", projectDir: dir, out: path.join(dir, "out") });
  expect(result.ok, result.errors.join("\n")).to.equal(true);
  return path.join(dir, "out", "plan.md");
}

describe(".github/scripts/plan-comment.sh", function () {
  this.timeout(60_000);
  let dir: string;
  let basePlan: string;
  let headPlan: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-plan-comment-"));
    basePlan = await devPlan(path.join(dir, "base"), () => undefined);
    headPlan = await devPlan(path.join(dir, "head"), (config) => {
      config["ssm-runas-sync:regions"] = ["eu-west-1", "us-east-1"];
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("puts each stack's diff -u in a diff block, and says No change. where there is none", () => {
    const run = comment(["main", "dev", basePlan, headPlan, "prod", headPlan, headPlan]);
    expect(run.code, run.stderr).to.equal(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).to.equal(MARKER);
    const dev = run.stdout.slice(run.stdout.indexOf("### `dev`"), run.stdout.indexOf("### `prod`"));
    expect(dev).to.include("```diff\n--- dev/plan.md (main)\n+++ dev/plan.md (pull request)\n");
    expect(dev).to.include(
      "\n+| `ou-t3st-5m1qa8cd` | `us-east-1` | `ssm-fallback` | `ssm-runas-sync-runshell` | Pulumi |\n",
    );
    expect(dev).to.include("\n-- StackSet instances: 1 (1 target × 1 region), fallback user ssm-fallback\n");
    expect(dev).to.include("\n+- StackSet instances: 2 (1 target × 2 regions), fallback user ssm-fallback\n");
    expect(run.stdout.slice(run.stdout.indexOf("### `prod`"))).to.equal("### `prod`\n\nNo change.\n");
  });

  it("shows every line as new when the base branch has no plan.md", () => {
    const run = comment(["main", "dev", path.join(dir, "missing.md"), headPlan]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include("`main` renders no plan.md for dev");
    const added = run.stdout.split("\n").filter((line) => line.startsWith("+") && !line.startsWith("+++"));
    expect(added).to.deep.equal(
      fs
        .readFileSync(headPlan, "utf8")
        .trimEnd()
        .split("\n")
        .map((line) => `+${line}`),
    );
  });

  it("cuts a diff that would not fit in a GitHub comment, and says where the whole plan is", () => {
    const huge = path.join(dir, "huge.md");
    fs.writeFileSync(huge, `${"| `r-x7k2` | `eu-west-1` | `ssm-fallback` |\n".repeat(5000)}`);
    const run = comment(["main", "dev", basePlan, huge, "prod", basePlan, huge]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout.length).to.be.below(GITHUB_COMMENT_LIMIT);
    expect(run.stdout).to.include("see the synth-dev artifact for the whole plan");
    expect(run.stdout).to.include("see the synth-prod artifact for the whole plan");
  });

  it("refuses arguments that are not whole stack triples (exit 2)", () => {
    expect(comment(["main", "dev", basePlan]).code).to.equal(2);
  });
});
