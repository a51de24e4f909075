// The GitHub Actions workflows as the tests read them: parsed YAML, jobs with local composite actions inlined
// and reusable workflows expanded, and the offline validator (@action-validator/cli, GitHub's workflow and
// action JSON schemas).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "./cli";

export const GITHUB_DIR = path.join(REPO_ROOT, ".github");
export const WORKFLOWS_DIR = path.join(GITHUB_DIR, "workflows");

export type Dict = Record<string, unknown>;

export interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Dict;
  env?: Dict;
  "working-directory"?: string;
}

export interface Job {
  name?: string;
  uses?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: string | Dict;
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
  strategy?: { matrix?: Dict; "fail-fast"?: boolean };
  env?: Dict;
  steps?: Step[];
}

export interface Workflow {
  on: string | string[] | Dict;
  permissions?: string | Dict;
  concurrency?: unknown;
  jobs: Record<string, Job>;
}

/** A job as it runs: composite actions inlined, reusable workflows' jobs listed under `<caller>/<job>`. */
export interface RunJob {
  id: string;
  job: Job;
  workflow: Workflow;
  steps: Step[];
}

export function readYaml<T>(file: string): T {
  return parse(fs.readFileSync(file, "utf8")) as T;
}

export function workflowFiles(): string[] {
  return fs
    .readdirSync(WORKFLOWS_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => path.join(WORKFLOWS_DIR, name));
}

export function actionFiles(): string[] {
  const actionsDir = path.join(GITHUB_DIR, "actions");
  if (!fs.existsSync(actionsDir)) return [];
  return fs
    .readdirSync(actionsDir)
    .flatMap((dir) => ["action.yml", "action.yaml"].map((file) => path.join(actionsDir, dir, file)))
    .filter((file) => fs.existsSync(file));
}

export function localPath(uses: string): string {
  return path.join(REPO_ROOT, uses.replace(/^\.\//, ""));
}

export function localActionFile(uses: string): string | undefined {
  return ["action.yml", "action.yaml"]
    .map((f) => path.join(localPath(uses), f))
    .find((f) => fs.existsSync(f));
}

/** Steps with local composite actions replaced by their own steps (recursively). */
export function expandSteps(steps: Step[] = [], depth = 0): Step[] {
  if (depth > 5) throw new Error("composite actions nest too deep");
  return steps.flatMap((step) => {
    if (!step.uses?.startsWith("./")) return [step];
    const file = localActionFile(step.uses);
    if (!file) throw new Error(`local action ${step.uses} has no action.yml`);
    const action = readYaml<{ runs: { using: string; steps?: Step[] } }>(file);
    return [step, ...expandSteps(action.runs.steps, depth + 1)];
  });
}

export function runJobs(workflow: Workflow): RunJob[] {
  return Object.entries(workflow.jobs).flatMap(([id, job]) => {
    if (job.uses?.startsWith("./")) {
      const called = readYaml<Workflow>(localPath(job.uses));
      return runJobs(called).map((inner) => ({ ...inner, id: `${id}/${inner.id}` }));
    }
    return [{ id, job, workflow, steps: expandSteps(job.steps) }];
  });
}

export function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** Every job id `id` waits for, directly or through other jobs. */
export function allNeeds(workflow: Workflow, id: string, seen = new Set<string>()): Set<string> {
  for (const need of needsOf(workflow.jobs[id])) {
    if (seen.has(need)) continue;
    seen.add(need);
    allNeeds(workflow, need, seen);
  }
  return seen;
}

export function triggers(workflow: Workflow): Dict {
  const on = workflow.on;
  if (typeof on === "string") return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((name) => [name, null]));
  return on;
}

export const str = (value: unknown) => (value === undefined || value === null ? "" : String(value));
export const usesAction = (step: Step, action: string) => str(step.uses).split("@")[0] === action;

export function permissionsOf(job: RunJob): Dict {
  const permissions = job.job.permissions ?? job.workflow.permissions ?? {};
  if (typeof permissions === "string") {
    return permissions === "write-all" ? { "id-token": "write", "pull-requests": "write" } : {};
  }
  return permissions;
}

const validatorCli = (() => {
  const manifest = require.resolve("@action-validator/cli/package.json");
  const { bin } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { bin: Record<string, string> };
  return path.join(path.dirname(manifest), bin["action-validator"]);
})();

/** The offline validator's verdict on a workflow or action file: exit code and everything it printed. */
export function validate(file: string) {
  const result = spawnSync(process.execPath, [validatorCli, file], { encoding: "utf8", timeout: 30_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}
