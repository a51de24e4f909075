// .github/workflows/drift.yml cannot run here, so it is checked three ways: by the offline validator, by its
// structure (when it runs, with which credentials and permissions, what each command is given), each with a
// broken copy that must fail; by running its shell steps with bash as the runner does, a stand-in `pulumi` and
// `npx` on PATH; and by running its issue script against a stand-in GitHub API.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../support/cli";
import { driftReport } from "../support/driftReport";
import {
  GITHUB_DIR,
  permissionsOf,
  readYaml,
  runJobs,
  str,
  triggers,
  usesAction,
  validate,
  WORKFLOWS_DIR,
  type Dict,
  type RunJob,
  type Step,
  type Workflow,
} from "../support/workflows";

const DRIFT_FILE = path.join(WORKFLOWS_DIR, "drift.yml");
/** The stacks of this project: one Pulumi.<stack>.yaml each. */
const STACKS = fs
  .readdirSync(REPO_ROOT)
  .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => Boolean(stack))
  .sort();
const BOT = "github-actions[bot]";

const driftWorkflow = () => readYaml<Workflow>(DRIFT_FILE);
const expression = (inner: string) => new RegExp(`^\\$\\{\\{\\s*${inner}\\s*\\}\\}$`);
const stepIf = (step: Step) => str(step.if);
const afterFailure = (step: Step) => /!\s*cancelled\(\)/.test(stepIf(step));

/** The lowest version a `^x.y.z` or `>=x.y.z` range admits, as numbers. */
function lowestVersion(range: string): number[] {
  const match = /^(?:\^|>=|~)?(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
  return match ? match.slice(1).map(Number) : [];
}
const atLeast = (version: number[], minimum: number[]) => {
  for (let i = 0; i < minimum.length; i += 1) {
    if ((version[i] ?? 0) !== minimum[i]) return (version[i] ?? 0) > minimum[i];
  }
  return true;
};

// --- structure ---------------------------------------------------------------------------------------------

function detectJob(workflow: Workflow): RunJob | undefined {
  const withAws = runJobs(workflow).filter((job) =>
    job.steps.some((s) => usesAction(s, "aws-actions/configure-aws-credentials")),
  );
  return withAws.length === 1 ? withAws[0] : undefined;
}

function issueJob(workflow: Workflow): RunJob | undefined {
  const posting = runJobs(workflow).filter((job) =>
    job.steps.some((s) => usesAction(s, "actions/github-script")),
  );
  return posting.length === 1 ? posting[0] : undefined;
}

const previewStep = (job: RunJob) => job.steps.find((s) => /^\s*pulumi preview\b/m.test(str(s.run)));
const auditStep = (job: RunJob) => job.steps.find((s) => /\bnpx\b.*\bssm-runas audit\b/.test(str(s.run)));
const reportStep = (job: RunJob) =>
  job.steps.find((s) => /drift-report\.sh report\b[\s\S]*GITHUB_STEP_SUMMARY/.test(str(s.run)));
const gateStep = (job: RunJob) => job.steps.find((s) => /drift-report\.sh check\b/.test(str(s.run)));

function checkTriggers(workflow: Workflow, problems: string[]) {
  const on = triggers(workflow);
  const crons = ((on.schedule as { cron?: string }[] | undefined) ?? []).map((s) => str(s.cron));
  if (!crons.some((cron) => /^\d{1,2} \d{1,2} \* \* \*$/.test(cron))) {
    problems.push(`on.schedule: no daily cron ("m h * * *") in ${JSON.stringify(crons)}`);
  }
  if (!("workflow_dispatch" in on)) problems.push("on: no workflow_dispatch");
  for (const name of Object.keys(on)) {
    if (name !== "schedule" && name !== "workflow_dispatch")
      problems.push(`on.${name}: runs on other events`);
  }
  if (JSON.stringify(workflow.permissions) !== JSON.stringify({ contents: "read" })) {
    problems.push(`permissions: the workflow's default is ${JSON.stringify(workflow.permissions)}`);
  }
}

function checkDetect(workflow: Workflow, problems: string[]): RunJob | undefined {
  const job = detectJob(workflow);
  if (!job) {
    problems.push("jobs: not exactly one job assumes AWS credentials");
    return undefined;
  }
  const at = (step: Step | undefined) => (step ? job.steps.indexOf(step) : -1);
  const permissions = permissionsOf(job);
  if (JSON.stringify(permissions) !== JSON.stringify({ contents: "read", "id-token": "write" })) {
    problems.push(
      `${job.id}: permissions ${JSON.stringify(permissions)}, not contents: read and id-token: write`,
    );
  }
  if (job.job.strategy?.["fail-fast"] !== false) problems.push(`${job.id}: fail-fast is not false`);
  if (!expression("matrix\\.stack").test(str(job.job.env?.STACK))) {
    problems.push(`${job.id}: env.STACK is not the matrix stack`);
  }

  // One read-only role per stack, named for it: a drift role, never a deploy role.
  const include = (job.job.strategy?.matrix?.include as Dict[] | undefined) ?? [];
  const stacks = include.map((entry) => str(entry.stack)).sort();
  if (JSON.stringify(stacks) !== JSON.stringify(STACKS)) {
    problems.push(`${job.id}: matrix stacks ${stacks.join(", ")}, not ${STACKS.join(", ")}`);
  }
  for (const entry of include) {
    const stack = str(entry.stack);
    const role = str(entry["aws-role"]);
    if (!expression(`vars\\.AWS_DRIFT_ROLE_ARN_${stack.toUpperCase()}`).test(role)) {
      problems.push(
        `${job.id}: the ${stack} role is ${role}, not vars.AWS_DRIFT_ROLE_ARN_${stack.toUpperCase()}`,
      );
    }
  }
  const credentials = job.steps.find((s) => usesAction(s, "aws-actions/configure-aws-credentials"));
  if (!expression("matrix\\.aws-role").test(str(credentials?.with?.["role-to-assume"]))) {
    problems.push(`${job.id}: role-to-assume is not the matrix role`);
  }

  // The preview: the prepared stack, refreshed, expecting no changes, with the policy pack; never failing itself.
  const prepare = job.steps.find((s) => s.uses === "./.github/actions/pulumi-prepare");
  const preview = previewStep(job);
  const previewRun = str(preview?.run);
  if (!prepare || !expression("matrix\\.stack").test(str(prepare.with?.stack))) {
    problems.push(`${job.id}: no Pulumi prepare step for the matrix stack`);
  } else if (!atLeast(lowestVersion(str(prepare.with?.["pulumi-version"])), [3, 226, 1])) {
    problems.push(`${job.id}: pulumi-version may be below 3.226.1 (no exit code 7 for drift)`);
  }
  const stackName = expression(`steps\\.${prepare?.id ?? "-"}\\.outputs\\.stack-name`);
  if (!preview || at(preview) < at(prepare) || !stackName.test(str(preview.env?.STACK_NAME))) {
    problems.push(`${job.id}: no pulumi preview of the prepared stack after the prepare step`);
  }
  for (const flag of [
    '--stack "$STACK_NAME"',
    "--refresh",
    "--expect-no-changes",
    "--policy-pack policypack",
    '--policy-pack-config "policy-config/$STACK.json"',
  ]) {
    if (!previewRun.includes(flag)) problems.push(`${job.id}: pulumi preview without ${flag}`);
  }
  if (!/set \+e[\s\S]*PIPESTATUS\[0\][\s\S]*preview-exit/.test(previewRun)) {
    problems.push(`${job.id}: the preview step does not keep pulumi's exit code for the gate`);
  }

  // The audit: the stack's, three formats, after the preview whatever it found.
  const audit = auditStep(job);
  const auditRun = str(audit?.run);
  if (!audit || at(audit) < at(preview)) problems.push(`${job.id}: no audit after the preview`);
  if (audit && !afterFailure(audit)) problems.push(`${job.id}: the audit does not run after a failed step`);
  if (!auditRun.includes('args=(--stack "$STACK")')) problems.push(`${job.id}: the audit is not the stack's`);
  if (/\bnpx (?!--no -- )/.test(auditRun)) {
    problems.push(`${job.id}: npx may fetch a package named ssm-runas from the registry (use npx --no --)`);
  }
  for (const [format, output] of [
    ["json", "drift/audit.json"],
    ["html", "drift/report.html"],
    ["markdown", "drift/audit.md"],
  ]) {
    const direct = `npx --no -- ssm-runas audit "\${args[@]}" --format ${format} --output ${output}`;
    if (!auditRun.includes(direct) && !auditRun.includes(`render ${format} ${output}`)) {
      problems.push(`${job.id}: the audit writes no ${format} to ${output}`);
    }
  }

  // The summary, the artifacts, then the gate as the last step.
  const report = reportStep(job);
  if (!report || !afterFailure(report) || at(report) < at(audit)) {
    problems.push(`${job.id}: no job summary written after the audit, whatever happened`);
  }
  const uploads = job.steps.filter((s) => usesAction(s, "actions/upload-artifact"));
  const kept = uploads.flatMap((s) =>
    str(s.with?.path)
      .split("\n")
      .map((p) => p.trim()),
  );
  for (const file of ["drift/report.html", "drift/audit.json"]) {
    if (!kept.includes(file)) problems.push(`${job.id}: ${file} is not kept as an artifact`);
  }
  for (const upload of uploads) {
    if (!afterFailure(upload)) problems.push(`${job.id}: ${upload.name}: skipped when a step failed`);
    if (!/matrix\.stack/.test(str(upload.with?.name)))
      problems.push(`${job.id}: ${upload.name}: not per stack`);
  }
  const gate = gateStep(job);
  if (!gate || at(gate) !== job.steps.length - 1 || !afterFailure(gate)) {
    problems.push(
      `${job.id}: the last step is not the failure gate (drift-report.sh check), run whatever happened`,
    );
  }
  return job;
}

function checkIssueJob(workflow: Workflow, detect: RunJob | undefined, problems: string[]) {
  const job = issueJob(workflow);
  if (!job) {
    problems.push("jobs: not exactly one job writes issues with actions/github-script");
    return;
  }
  if (JSON.stringify(permissionsOf(job)) !== JSON.stringify({ issues: "write" })) {
    problems.push(`${job.id}: permissions ${JSON.stringify(permissionsOf(job))}, not issues: write alone`);
  }
  if (detect && !str(job.job.needs).includes(detect.id))
    problems.push(`${job.id}: does not wait for ${detect.id}`);
  if (!/!\s*cancelled\(\)/.test(str(job.job.if)))
    problems.push(`${job.id}: skipped when drift fails the detect job`);
  for (const step of job.steps) {
    if (step.run !== undefined) problems.push(`${job.id}: runs a shell (${step.name ?? step.run})`);
    if (usesAction(step, "actions/checkout")) problems.push(`${job.id}: checks code out`);
    if (usesAction(step, "aws-actions/configure-aws-credentials"))
      problems.push(`${job.id}: holds AWS credentials`);
  }
  const download = job.steps.find((s) => usesAction(s, "actions/download-artifact"));
  if (str(download?.with?.pattern) !== "drift-issue-*")
    problems.push(`${job.id}: does not read the drift-issue-* texts`);
  for (const other of runJobs(workflow).filter((j) => j.id !== job.id)) {
    if (permissionsOf(other).issues !== undefined) problems.push(`${other.id}: may touch issues`);
  }
}

/** Everything wrong with a drift workflow, one line each; empty when it is right. */
function driftProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  checkTriggers(workflow, problems);
  const detect = checkDetect(workflow, problems);
  checkIssueJob(workflow, detect, problems);
  return problems;
}

// --- running its steps -----------------------------------------------------------------------------------

/** Runs a step's `run:` script as the runner does when no `shell` is given: `bash -e {0}`. */
function runStep(
  step: Step | undefined,
  options: { cwd: string; env: Record<string, string>; bin?: string },
) {
  expect(step?.run, "the step has a script").to.be.a("string");
  const file = path.join(options.cwd, ".step.sh");
  fs.writeFileSync(file, str(step?.run));
  const run = spawnSync("bash", ["-e", file], {
    cwd: options.cwd,
    env: {
      PATH: `${options.bin ? `${options.bin}${path.delimiter}` : ""}${process.env.PATH}`,
      HOME: os.tmpdir(),
      ...options.env,
    },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A stand-in command on PATH: logs its arguments (one call a line) and runs `script` (bash). */
function fakeCommand(bin: string, name: string, script: string) {
  fs.mkdirSync(bin, { recursive: true });
  const file = path.join(bin, name);
  fs.writeFileSync(file, `#!/usr/bin/env bash\necho "$*" >> "${bin}/${name}.calls"\n${script}\n`);
  fs.chmodSync(file, 0o755);
  return () => {
    const calls = path.join(bin, `${name}.calls`);
    return fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trimEnd().split("\n") : [];
  };
}

// --- the issue script against a stand-in GitHub ------------------------------------------------------------

interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  state_reason?: string;
  user: { login: string };
  pull_request?: Dict;
  comments: string[];
}

/** GitHub's issues API as the script uses it: listing filters by state and author as the real one does. */
function fakeGitHub(issues: FakeIssue[]) {
  const repo = { owner: "o", repo: "r" };
  const find = (issue_number: number) => {
    const issue = issues.find((i) => i.number === issue_number);
    if (!issue) throw new Error(`no issue #${issue_number}`);
    return issue;
  };
  const sameRepo = (params: Dict) => expect({ owner: params.owner, repo: params.repo }).to.deep.equal(repo);
  const listForRepo = (params: { owner: string; repo: string; state: string; creator?: string }) => {
    sameRepo(params);
    return {
      data: issues
        .filter((i) => params.state === "all" || i.state === params.state)
        .filter((i) => !params.creator || i.user.login === params.creator)
        .map((i) => structuredClone(i)),
    };
  };
  return {
    paginate: async (method: typeof listForRepo, params: Parameters<typeof listForRepo>[0]) =>
      method(params).data,
    rest: {
      issues: {
        listForRepo,
        create: async (params: { owner: string; repo: string; title: string; body: string }) => {
          sameRepo(params);
          const number = Math.max(0, ...issues.map((i) => i.number)) + 1;
          issues.push({
            number,
            title: params.title,
            body: params.body,
            state: "open",
            user: { login: BOT },
            comments: [],
          });
        },
        update: async (params: Dict & { issue_number: number }) => {
          sameRepo(params);
          const issue = find(params.issue_number);
          for (const field of ["title", "body", "state", "state_reason"] as const) {
            if (params[field] !== undefined) Object.assign(issue, { [field]: params[field] });
          }
        },
        createComment: async (params: Dict & { issue_number: number; body: string }) => {
          sameRepo(params);
          find(params.issue_number).comments.push(params.body);
        },
      },
    },
  };
}

/** Runs the issue job's github-script on texts laid out as the download step leaves them. */
async function runIssueScript(issues: FakeIssue[], texts: Record<string, string>) {
  const job = issueJob(driftWorkflow());
  const script = str(job?.steps.find((s) => usesAction(s, "actions/github-script"))?.with?.script);
  const dir = str(job?.steps.find((s) => usesAction(s, "actions/download-artifact"))?.with?.path);
  const files = new Map(Object.entries(texts).map(([name, text]) => [path.join(dir, name), text]));
  const fakeFs = {
    existsSync: (p: string) => p === dir && files.size > 0,
    readdirSync: (p: string) => {
      expect(p).to.equal(dir);
      return [...files.keys()].map((f) => path.basename(f));
    },
    readFileSync: (p: string, encoding: string) => {
      expect(encoding).to.equal("utf8");
      const text = files.get(p);
      if (text === undefined) throw new Error(`ENOENT ${p}`);
      return text;
    },
  };
  const fakeRequire = (module: string) => {
    if (module === "fs") return fakeFs;
    if (module === "path") return path;
    throw new Error(`the script requires ${module}`);
  };
  const warnings: string[] = [];
  const context = { repo: { owner: "o", repo: "r" }, serverUrl: "https://github.com", runId: 7 };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction("require", "github", "context", "core", script)(
    fakeRequire,
    fakeGitHub(issues),
    context,
    { warning: (message: string) => warnings.push(message) },
  );
  return warnings;
}

// --- tests -------------------------------------------------------------------------------------------------

describe(".github/workflows/drift.yml", () => {
  describe("the offline validator", () => {
    it("accepts it", () => {
      const { code, output } = validate(DRIFT_FILE);
      expect(code, output).to.equal(0);
    });

    it("rejects broken copies of it (so a pass means something)", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-drift-workflow-"));
      try {
        const text = fs.readFileSync(DRIFT_FILE, "utf8");
        const breakages: [RegExp, string, string][] = [
          [/id-token: write/, "id-token: writ", "/jobs/detect/permissions"],
          [/type: boolean/, "type: boolen", "/on"],
          [/runs-on: ubuntu-latest/, "runs_on: ubuntu-latest", "runs_on"],
        ];
        for (const [pattern, replacement, where] of breakages) {
          expect(text, String(pattern)).to.match(pattern);
          const broken = path.join(dir, "drift.yml");
          fs.writeFileSync(broken, text.replace(pattern, replacement));
          const { code, output } = validate(broken);
          expect(code, `${replacement}: ${output}`).to.equal(1);
          expect(output).to.include(where);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("its structure", () => {
    it("runs daily and by hand; one job per stack reads with a read-only role and writes nothing on GitHub; one job writes the issues", () => {
      expect(STACKS).to.deep.equal(["dev", "prod"]);
      expect(driftProblems(driftWorkflow())).to.deep.equal([]);
    });

    it("refuses broken copies, each for its own reason (so a pass means something)", () => {
      const detectSteps = (wf: Workflow) => wf.jobs.detect.steps ?? [];
      const find = (wf: Workflow, pattern: RegExp) => {
        const step = detectSteps(wf).find((s) => pattern.test(str(s.run)));
        if (!step) throw new Error(`no step runs ${pattern}`);
        return step;
      };
      const breakages: [string, (wf: Workflow) => void, RegExp][] = [
        ["no schedule", (wf) => delete (wf.on as Dict).schedule, /no daily cron/],
        ["a weekly schedule", (wf) => ((wf.on as Dict).schedule = [{ cron: "17 5 * * 1" }]), /no daily cron/],
        ["no manual runs", (wf) => delete (wf.on as Dict).workflow_dispatch, /no workflow_dispatch/],
        ["pull requests too", (wf) => ((wf.on as Dict).pull_request = null), /on\.pull_request/],
        [
          "writes issues with AWS credentials",
          (wf) => ((wf.jobs.detect.permissions as Dict).issues = "write"),
          /detect: permissions/,
        ],
        [
          "the deploy role",
          (wf) =>
            ((wf.jobs.detect.strategy?.matrix?.include as Dict[])[1]["aws-role"] =
              "${{ vars.AWS_DEPLOY_ROLE_ARN_PROD }}"),
          /the prod role is .*DEPLOY/,
        ],
        [
          "one stack only",
          (wf) => (wf.jobs.detect.strategy?.matrix?.include as Dict[]).pop(),
          /matrix stacks dev, not dev, prod/,
        ],
        [
          "no refresh",
          (wf) =>
            (find(wf, /pulumi preview/).run = str(find(wf, /pulumi preview/).run).replace(" --refresh", "")),
          /without --refresh/,
        ],
        [
          "changes allowed",
          (wf) =>
            (find(wf, /pulumi preview/).run = str(find(wf, /pulumi preview/).run).replace(
              " --expect-no-changes",
              "",
            )),
          /without --expect-no-changes/,
        ],
        [
          "no policy pack",
          (wf) =>
            (find(wf, /pulumi preview/).run = str(find(wf, /pulumi preview/).run).replace(
              " --policy-pack policypack",
              "",
            )),
          /without --policy-pack policypack/,
        ],
        [
          "the preview fails the step",
          (wf) =>
            (find(wf, /pulumi preview/).run = str(find(wf, /pulumi preview/).run).replace("set +e\n", "")),
          /does not keep pulumi's exit code/,
        ],
        [
          "an old Pulumi",
          (wf) => {
            const prepare = detectSteps(wf).find((s) => s.uses === "./.github/actions/pulumi-prepare");
            if (prepare) prepare.with = { ...prepare.with, "pulumi-version": "^3.187.0" };
          },
          /below 3\.226\.1/,
        ],
        [
          "the audit skipped after drift",
          (wf) => delete find(wf, /ssm-runas audit/).if,
          /does not run after a failed step/,
        ],
        [
          "another stack's audit",
          (wf) =>
            (find(wf, /ssm-runas audit/).run = str(find(wf, /ssm-runas audit/).run).replace(
              '"$STACK"',
              "prod",
            )),
          /not the stack's/,
        ],
        [
          "no HTML report",
          (wf) =>
            (find(wf, /ssm-runas audit/).run = str(find(wf, /ssm-runas audit/).run).replace(
              "render html",
              "# html",
            )),
          /no html to drift\/report\.html/,
        ],
        [
          "npx may install",
          (wf) =>
            (find(wf, /ssm-runas audit/).run = str(find(wf, /ssm-runas audit/).run).replaceAll(
              "npx --no -- ",
              "npx ",
            )),
          /npx may fetch a package named ssm-runas/,
        ],
        [
          "no gate",
          (wf) => (wf.jobs.detect.steps = detectSteps(wf).filter((s) => !/ check /.test(str(s.run)))),
          /failure gate/,
        ],
        [
          "issues write contents too",
          (wf) => ((wf.jobs.issue.permissions as Dict).contents = "read"),
          /issue: permissions/,
        ],
        ["no issue after drift", (wf) => (wf.jobs.issue.if = "success()"), /skipped when drift fails/],
        [
          "a shell beside the issue",
          (wf) => wf.jobs.issue.steps?.push({ run: "echo hi" }),
          /issue: runs a shell/,
        ],
      ];
      for (const [what, breakIt, expected] of breakages) {
        const workflow = structuredClone(driftWorkflow());
        breakIt(workflow);
        const problems = driftProblems(workflow);
        expect(problems.join("\n"), what).to.match(expected);
      }
    });

    it("reads these repository variables and secrets and no others (docs/operations.md → CI/CD lists each)", () => {
      const text = fs.readFileSync(DRIFT_FILE, "utf8");
      const used = [
        ...new Set([...text.matchAll(/\b(?:vars|secrets)\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1])),
      ];
      expect(used).to.have.members([
        "AWS_DRIFT_ROLE_ARN_DEV",
        "AWS_DRIFT_ROLE_ARN_PROD",
        "AWS_REGION",
        "DRIFT_PULUMI_PREVIEW",
        "AUDIT_MEMBER_ROLE_NAME",
        "PULUMI_BACKEND_URL",
        "PULUMI_ORGANIZATION",
        "PULUMI_ACCESS_TOKEN",
        "PULUMI_CONFIG_PASSPHRASE",
      ]);
    });
  });

  describe("its steps, run with bash as the runner runs them", () => {
    let dir: string;
    let bin: string;
    let detect: RunJob;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-drift-steps-"));
      bin = path.join(dir, ".bin");
      fs.symlinkSync(GITHUB_DIR, path.join(dir, ".github"));
      const job = detectJob(driftWorkflow());
      expect(job).to.not.equal(undefined);
      detect = job as RunJob;
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const read = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");

    it("the preview keeps pulumi's exit code and log, and lets the job go on to the audit", () => {
      const calls = fakeCommand(
        bin,
        "pulumi",
        'echo "  ~ aws:organizations:PolicyAttachment guardrail-root update"; exit 7',
      );
      const run = runStep(previewStep(detect), {
        cwd: dir,
        bin,
        // STACK is the job's, from its matrix.
        env: { STACK: "prod", STACK_NAME: "acme/ssm-runas-sync/prod" },
      });
      expect(run.code, run.stderr).to.equal(0);
      expect(read("drift/preview-exit").trim()).to.equal("7");
      expect(read("drift/preview.txt")).to.include("~ aws:organizations:PolicyAttachment");
      expect(run.stdout, "the log stays in the job's output too").to.include("PolicyAttachment");
      expect(calls()).to.deep.equal([
        "preview --stack acme/ssm-runas-sync/prod --refresh --expect-no-changes --diff --policy-pack policypack " +
          "--policy-pack-config policy-config/prod.json --non-interactive --suppress-progress --color never",
      ]);
    });

    const cli = "--no -- ssm-runas audit";

    it("the audit writes JSON, the HTML report and the Markdown summary of the stack, and keeps the JSON run's exit code", () => {
      const calls = fakeCommand(
        bin,
        "npx",
        'case "$*" in *--help) exit 0 ;; *json*|*html*) exit 1 ;; *) exit 0 ;; esac',
      );
      const run = runStep(auditStep(detect), {
        cwd: dir,
        bin,
        env: { STACK: "prod", MEMBER_ROLE: "ssm-runas-audit" },
      });
      expect(run.code, run.stderr).to.equal(0);
      expect(read("drift/audit-exit").trim()).to.equal("1");
      const args = `${cli} --stack prod --role ssm-runas-audit`;
      expect(calls()).to.deep.equal([
        `${cli} --help`,
        `${args} --format json --output drift/audit.json`,
        `${args} --format html --output drift/report.html`,
        `${args} --format markdown --output drift/audit.md`,
      ]);
      expect(run.stdout, "exit 1 of a rendering is a finding, not a warning").to.not.include("::warning::");
    });

    it("…without --role when no member role is set, warns when a rendering fails, and tries no rendering after exit 2", () => {
      let calls = fakeCommand(bin, "npx", 'case "$*" in *markdown*) exit 2 ;; *) exit 0 ;; esac');
      let run = runStep(auditStep(detect), { cwd: dir, bin, env: { STACK: "dev", MEMBER_ROLE: "" } });
      expect(run.code, run.stderr).to.equal(0);
      expect(
        calls()
          .slice(1)
          .every((call) => call.startsWith(`${cli} --stack dev --format `)),
      ).to.equal(true);
      expect(run.stdout).to.include("::warning::ssm-runas audit --format markdown exited 2");
      expect(read("drift/audit-exit").trim()).to.equal("0");

      fs.rmSync(bin, { recursive: true });
      calls = fakeCommand(bin, "npx", 'case "$*" in *--help) exit 0 ;; *) exit 2 ;; esac');
      run = runStep(auditStep(detect), { cwd: dir, bin, env: { STACK: "dev", MEMBER_ROLE: "" } });
      expect(run.code, run.stderr).to.equal(0);
      expect(calls()).to.deep.equal([
        `${cli} --help`,
        `${cli} --stack dev --format json --output drift/audit.json`,
      ]);
      expect(read("drift/audit-exit").trim()).to.equal("2");
    });

    it("…and records no exit code, which would read as findings, when the CLI does not start", () => {
      fakeCommand(bin, "npx", "exit 1");
      const run = runStep(auditStep(detect), { cwd: dir, bin, env: { STACK: "dev", MEMBER_ROLE: "" } });
      expect(run.code).to.equal(1);
      expect(run.stdout).to.include("::error::ssm-runas does not start");
      expect(fs.existsSync(path.join(dir, "drift/audit-exit"))).to.equal(false);
    });

    it("the summary and the issue text come from the stack's results; the gate then fails the job, naming why", () => {
      fs.mkdirSync(path.join(dir, "drift"));
      fs.writeFileSync(path.join(dir, "drift/preview-exit"), "0\n");
      fs.writeFileSync(path.join(dir, "drift/preview.txt"), "Resources:\n    12 unchanged\n");
      fs.writeFileSync(path.join(dir, "drift/audit-exit"), "1\n");
      fs.writeFileSync(
        path.join(dir, "drift/audit.md"),
        "| account | region | status |\n| 1 | eu-west-1 | MISSING |\n",
      );
      const summary = path.join(dir, "summary.md");
      const env = {
        STACK: "prod",
        PREVIEW: "true",
        RUN_URL: "https://github.com/o/r/actions/runs/7",
        GITHUB_STEP_SUMMARY: summary,
      };
      const run = runStep(reportStep(detect), { cwd: dir, env });
      expect(run.code, run.stderr).to.equal(0);
      const issue = read("drift/issue-prod.md");
      expect(issue.split("\n").slice(0, 2)).to.deep.equal([
        "<!-- ssm-runas-sync drift: prod -->",
        "<!-- verdict: findings -->",
      ]);
      expect(issue).to.include("| 1 | eu-west-1 | MISSING |");
      expect(fs.readFileSync(summary, "utf8")).to.equal(issue);

      const gate = runStep(gateStep(detect), { cwd: dir, env });
      expect(gate.code).to.equal(1);
      expect(gate.stdout).to.equal(
        "::error::ssm-runas audit: not compliant: some account × region cells fail (exit 1)\n",
      );
      fs.writeFileSync(path.join(dir, "drift/audit-exit"), "0\n");
      expect(runStep(gateStep(detect), { cwd: dir, env }).code, "clean").to.equal(0);
    });
  });

  describe("its issue script", () => {
    const marker = (stack: string) => `<!-- ssm-runas-sync drift: ${stack} -->`;
    const drifted = (stack: string, missing = 1) =>
      driftReport(stack, {
        preview: 7,
        previewLog: "~ aws-native:sso:InstanceAccessControlAttributeConfiguration abac update\n",
        audit: 1,
        summary: { COMPLIANT: 9, MISSING: missing },
        markdown: "| 1 | eu-west-1 | MISSING |\n",
      });
    const clean = (stack: string) =>
      driftReport(stack, {
        preview: 0,
        previewLog: "Resources: 12 unchanged\n",
        audit: 0,
        summary: { COMPLIANT: 10 },
        markdown: "all compliant\n",
      });
    const broken = (stack: string) => driftReport(stack, { audit: 2 });

    // What must never change: a human's issue quoting the marker, a pull request, last month's closed issue,
    // another report of the bot's.
    const others = (): FakeIssue[] => [
      {
        number: 1,
        title: "prod drifted?",
        body: `${marker("prod")}\nquoted by a human`,
        state: "open",
        user: { login: "alice" },
        comments: [],
      },
      {
        number: 2,
        title: "Fix drift",
        body: `${marker("prod")}\n`,
        state: "open",
        user: { login: BOT },
        pull_request: {},
        comments: [],
      },
      {
        number: 3,
        title: "Drift in prod",
        body: `${marker("prod")}\nold`,
        state: "closed",
        state_reason: "completed",
        user: { login: BOT },
        comments: [],
      },
      {
        number: 4,
        title: "Weekly report",
        body: "<!-- another report -->\n",
        state: "open",
        user: { login: BOT },
        comments: [],
      },
    ];

    it("opens one issue per stack that is not clean, updates it while it stays so, closes it once clean", async () => {
      const issues = others();
      const untouched = structuredClone(issues);
      const ours = () => issues.filter((i) => i.number > 4);

      await runIssueScript(issues, { "issue-dev.md": clean("dev"), "issue-prod.md": drifted("prod") });
      expect(ours().map(({ number, title, state }) => ({ number, title, state }))).to.deep.equal([
        { number: 5, title: "Drift in prod", state: "open" },
      ]);
      expect(ours()[0].body).to.equal(drifted("prod"));

      // The same findings the next day: the text is refreshed, nobody is notified.
      await runIssueScript(issues, { "issue-dev.md": clean("dev"), "issue-prod.md": drifted("prod") });
      expect(ours()).to.have.length(1);
      expect(ours()[0].comments).to.deep.equal([]);

      // New findings: a comment says so; dev drifts too and gets an issue of its own.
      await runIssueScript(issues, { "issue-dev.md": drifted("dev"), "issue-prod.md": drifted("prod", 3) });
      expect(ours().map((i) => [i.number, i.title, i.state, i.comments.length])).to.deep.equal([
        [5, "Drift in prod", "open", 1],
        [6, "Drift in dev", "open", 0],
      ]);
      expect(ours()[0].body).to.include("MISSING=3");
      expect(ours()[0].comments[0]).to.include("https://github.com/o/r/actions/runs/7");

      // The check cannot run: still open, retitled, and said so.
      await runIssueScript(issues, { "issue-prod.md": broken("prod") });
      expect(ours()[0].title).to.equal("Drift check of prod could not run");
      expect(ours()[0].state).to.equal("open");
      expect(ours()[0].comments).to.have.length(2);

      // Clean: a last comment, closed as completed; dev's issue stays open; a second clean run does nothing.
      await runIssueScript(issues, { "issue-prod.md": clean("prod") });
      await runIssueScript(issues, { "issue-prod.md": clean("prod") });
      expect(ours().map((i) => [i.number, i.state, i.state_reason, i.comments.length])).to.deep.equal([
        [5, "closed", "completed", 3],
        [6, "open", undefined, 0],
      ]);
      expect(ours()[0].comments[2]).to.match(/^`prod` is clean again in \[this run\]/);

      expect(issues.filter((i) => i.number <= 4)).to.deep.equal(untouched);
    });

    it("opens a new issue when drift comes back after the last one was closed", async () => {
      const issues = others();
      await runIssueScript(issues, { "issue-prod.md": drifted("prod") });
      await runIssueScript(issues, { "issue-prod.md": clean("prod") });
      await runIssueScript(issues, { "issue-prod.md": drifted("prod") });
      expect(issues.filter((i) => i.number > 4).map((i) => [i.number, i.state])).to.deep.equal([
        [5, "closed"],
        [6, "open"],
      ]);
    });

    it("leaves everything alone for a text that is no drift report, or when there are no texts", async () => {
      const issues = others();
      const untouched = structuredClone(issues);
      const warnings = await runIssueScript(issues, { "issue-x.md": "# not a report\n" });
      expect(warnings).to.deep.equal(["issue-x.md is not a drift report: left alone"]);
      expect(await runIssueScript(issues, {})).to.deep.equal([]);
      expect(issues).to.deep.equal(untouched);
    });
  });
});
