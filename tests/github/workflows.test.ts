// The GitHub Actions workflows cannot be run here, so they are checked twice: by an offline validator
// (@action-validator/cli, GitHub's workflow and action JSON schemas) and by structure: what runs on a pull
// request, on main and on a policy-pack tag, in which order, with which credentials.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT as ROOT } from "../support/cli";
import {
  actionFiles,
  allNeeds,
  expandSteps,
  GITHUB_DIR,
  localActionFile,
  localPath,
  permissionsOf,
  readYaml,
  runJobs,
  str,
  triggers,
  usesAction,
  validate,
  workflowFiles,
  type Dict,
  type Job,
  type RunJob,
  type Step,
  type Workflow,
} from "../support/workflows";
import { synth } from "../../synth/synth";

function findWorkflow(predicate: (wf: Workflow) => boolean, what: string): Workflow {
  const found = workflowFiles()
    .map((file) => readYaml<Workflow>(file))
    .filter(predicate);
  expect(found, `exactly one workflow for ${what}`).to.have.length(1);
  return found[0];
}

const prWorkflow = () => findWorkflow((wf) => "pull_request" in triggers(wf), "pull requests");
const mainWorkflow = () =>
  findWorkflow((wf) => {
    const push = triggers(wf).push as { branches?: string[] } | null | undefined;
    return Boolean(push?.branches?.includes("main"));
  }, "pushes to main");
const tagWorkflow = () =>
  findWorkflow((wf) => {
    const push = triggers(wf).push as { tags?: string[] } | null | undefined;
    return Boolean(push?.tags?.length);
  }, "tags");

// --- step helpers ----------------------------------------------------------------------------------

const runs = (steps: Step[], pattern: RegExp) => steps.findIndex((s) => pattern.test(str(s.run)));
const pulumiSteps = (steps: Step[], command: string) =>
  steps.filter((s) => usesAction(s, "pulumi/actions") && str(s.with?.command) === command);

/** The stack short names a Pulumi step acts on, through the prepare action's output and the job's matrix. */
function stacksOf(job: RunJob, step: Step): string[] {
  let expression = str(step.with?.["stack-name"]);
  const output = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.stack-name\s*\}\}$/.exec(expression);
  if (output) {
    const producer = job.steps.find((s) => s.id === output[1]);
    expect(producer, `step ${output[1]} in ${job.id}`).to.not.equal(undefined);
    expression = str(producer?.with?.stack);
  }
  if (/^\$\{\{\s*matrix\.stack\s*\}\}$/.test(expression)) {
    const matrix = job.job.strategy?.matrix ?? {};
    const direct = (matrix.stack as string[] | undefined) ?? [];
    const included = ((matrix.include as Dict[] | undefined) ?? []).map((entry) => str(entry.stack));
    return [...direct, ...included];
  }
  return [expression];
}

function concurrencyOf(job: Job): { group: string; cancel: boolean } {
  const c = job.concurrency;
  if (c === undefined) return { group: "", cancel: false };
  if (typeof c === "string") return { group: c, cancel: false };
  return { group: c.group, cancel: String(c["cancel-in-progress"]) === "true" };
}

function environmentName(job: Job): string {
  return typeof job.environment === "object" ? job.environment.name : str(job.environment);
}

// --- tests -------------------------------------------------------------------------------------------

describe("GitHub Actions workflows", () => {
  it("exist for pull requests, main and policy-pack tags", () => {
    expect(workflowFiles().length).to.be.greaterThanOrEqual(3);
    prWorkflow();
    mainWorkflow();
    tagWorkflow();
  });

  describe("offline validator (@action-validator/cli)", () => {
    for (const file of [...workflowFiles(), ...actionFiles()]) {
      it(`accepts ${path.relative(ROOT, file)}`, () => {
        const { code, output } = validate(file);
        expect(code, output).to.equal(0);
      });
    }

    it("rejects a broken workflow and a broken composite action (so a pass means something)", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-workflows-"));
      try {
        const workflow = path.join(dir, "broken.yml");
        fs.writeFileSync(
          workflow,
          "on: [push]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permisions: {}\n    steps:\n      - run: true\n",
        );
        const brokenWorkflow = validate(workflow);
        expect(brokenWorkflow.code).to.equal(1);
        expect(brokenWorkflow.output).to.include("permisions");

        const action = path.join(dir, "action.yml");
        fs.writeFileSync(
          action,
          "name: a\ndescription: b\nruns:\n  using: composite\n  steps:\n    - run: echo no shell\n",
        );
        const brokenAction = validate(action);
        expect(brokenAction.code).to.equal(1);
        expect(brokenAction.output).to.include("/runs/steps/0/shell");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("pull requests", () => {
    it("run npm ci then npm test", () => {
      const jobs = runJobs(prWorkflow());
      const testJob = jobs.find((job) => runs(job.steps, /^npm test\b/) >= 0);
      expect(testJob, "a job that runs npm test").to.not.equal(undefined);
      const steps = testJob?.steps ?? [];
      expect(runs(steps, /^npm ci\b/)).to.be.within(0, runs(steps, /^npm test\b/) - 1);
    });

    it("synth dev and prod and keep out/dev and out/prod as artifacts", () => {
      const jobs = runJobs(prWorkflow());
      for (const stack of ["dev", "prod"]) {
        const synthCommand = new RegExp(`^npm run synth -- --stack ${stack}\\b`);
        const job = jobs.find((j) => runs(j.steps, synthCommand) >= 0);
        expect(job, `a job running npm run synth -- --stack ${stack}`).to.not.equal(undefined);
        const steps = job?.steps ?? [];
        const synthAt = runs(steps, synthCommand);
        expect(runs(steps, /^npm ci\b/)).to.be.within(0, synthAt - 1);
        const upload = steps.findIndex(
          (s) =>
            usesAction(s, "actions/upload-artifact") &&
            str(s.with?.path).replace(/\/$/, "") === `out/${stack}` &&
            str(s.with?.["if-no-files-found"]) === "error",
        );
        expect(upload, `out/${stack} uploaded after synth`).to.be.greaterThan(synthAt);
      }
    });

    it("preview dev and prod with the policy pack, commented on the PR, after the checks", () => {
      const workflow = prWorkflow();
      const previewed: string[] = [];
      for (const job of runJobs(workflow)) {
        for (const step of pulumiSteps(job.steps, "preview")) {
          expect(step.with?.policyPacks).to.equal("policypack");
          expect(String(step.with?.["comment-on-pr"])).to.equal("true");
          const at = job.steps.indexOf(step);
          const policyPackInstall = job.steps.findIndex(
            (s) => /^\s*npm ci\b/m.test(str(s.run)) && s["working-directory"] === "policypack",
          );
          expect(policyPackInstall, "npm ci in policypack/ before the preview").to.be.within(0, at - 1);
          const credentials = job.steps.findIndex((s) =>
            usesAction(s, "aws-actions/configure-aws-credentials"),
          );
          expect(credentials, "AWS credentials before the preview").to.be.within(0, at - 1);
          expect(permissionsOf(job)).to.include({ "id-token": "write", "pull-requests": "write" });
          const waitsFor = [...allNeeds(workflow, job.id)].map((id) => workflow.jobs[id]);
          expect(
            waitsFor.some(
              (j) => j.uses?.endsWith("checks.yml") || runs(expandSteps(j.steps), /^npm test/) >= 0,
            ),
            "preview waits for the tests",
          ).to.equal(true);
          previewed.push(...stacksOf(job, step));
        }
      }
      expect(previewed).to.have.members(["dev", "prod"]);
    });

    describe("the plan diff, a comment beside the preview", () => {
      const checkoutOfBase = (step: Step) =>
        usesAction(step, "actions/checkout") &&
        /github\.event\.pull_request\.base\.sha/.test(str(step.with?.ref));
      const planJob = () => {
        const found = runJobs(prWorkflow()).filter((job) => job.steps.some(checkoutOfBase));
        expect(found, "one job checks out the base branch").to.have.length(1);
        return found[0];
      };
      const commentJob = () => {
        const found = runJobs(prWorkflow()).filter((job) =>
          job.steps.some((s) => usesAction(s, "actions/github-script")),
        );
        expect(found, "one job posts with github-script").to.have.length(1);
        return found[0];
      };
      const artifactsOf = (steps: Step[], action: string) =>
        steps.filter((s) => usesAction(s, action)).map((s) => str(s.with?.name));

      it("renders the base branch's plans offline and diffs them with the checks' renderings, read-only", () => {
        const job = planJob();
        const base = str(job.steps.find(checkoutOfBase)?.with?.path);
        expect(base, "the base branch in a folder of its own").to.not.equal("");
        const synthAt = job.steps.findIndex(
          (s) => s["working-directory"] === base && /npm run synth -- --stack "\$stack"/.test(str(s.run)),
        );
        expect(str(job.steps[synthAt]?.run)).to.match(/for stack in dev prod; do/);
        const installAt = job.steps.findIndex(
          (s) => s["working-directory"] === base && /npm ci\b/.test(str(s.run)),
        );
        expect(installAt, "the base branch's own dependencies first").to.be.within(0, synthAt - 1);
        // This pull request's plans are the checks' artifacts: the same files the reviewer downloads.
        const uploaded = artifactsOf(
          runJobs(prWorkflow()).flatMap((j) => (j.id.startsWith("checks/") ? j.steps : [])),
          "actions/upload-artifact",
        );
        const downloaded = artifactsOf(job.steps, "actions/download-artifact");
        expect(downloaded).to.have.members(["synth-dev", "synth-prod"]);
        expect(uploaded).to.include.members(downloaded);
        const diffAt = runs(job.steps, /^bash \.github\/scripts\/plan-comment\.sh\b/);
        expect(diffAt, "the diff after the base synth").to.be.greaterThan(synthAt);
        expect(fs.readFileSync(path.join(GITHUB_DIR, "scripts", "plan-comment.sh"), "utf8")).to.match(
          /\bdiff -u\b/,
        );
        expect(artifactsOf(job.steps.slice(diffAt), "actions/upload-artifact")).to.include("plan-comment");
        expect(permissionsOf(job)).to.deep.equal({ contents: "read" });
        expect(job.steps.some((s) => usesAction(s, "aws-actions/configure-aws-credentials"))).to.equal(false);
        const waitsFor = [...allNeeds(prWorkflow(), job.id)].map((id) => prWorkflow().jobs[id]);
        expect(waitsFor.some((j) => j.uses?.endsWith("checks.yml"))).to.equal(true);
      });

      it("posts it from a job that may write comments and runs no code of the pull request", () => {
        const job = commentJob();
        const workflow = prWorkflow();
        expect(permissionsOf(job)).to.deep.equal({ "pull-requests": "write" });
        expect(allNeeds(workflow, job.id).has(planJob().id)).to.equal(true);
        expect(artifactsOf(job.steps, "actions/download-artifact")).to.deep.equal(["plan-comment"]);
        for (const step of job.steps) {
          expect(step.run, `${step.name}: no shell`).to.equal(undefined);
          expect(usesAction(step, "actions/checkout"), "no checkout").to.equal(false);
        }
        // Same-repository pull requests only, as for the preview: a fork's token cannot comment.
        const preview = runJobs(workflow).find((j) => pulumiSteps(j.steps, "preview").length > 0);
        expect(job.job.if).to.equal(preview?.job.if);
      });

      it("keeps one comment per pull request: updates its own, leaves everyone else's alone", async () => {
        const step = commentJob().steps.find((s) => usesAction(s, "actions/github-script"));
        const script = str(step?.with?.script);
        const marker = "<!-- ssm-runas-sync plan diff -->";
        const commentScript = fs.readFileSync(path.join(GITHUB_DIR, "scripts", "plan-comment.sh"), "utf8");
        expect(commentScript, "the marker is the body's first line").to.include(`echo "${marker}"`);
        const comments = [
          { id: 1, user: { login: "reviewer" }, body: `${marker}\na human quoting the plan` },
          { id: 2, user: { login: "github-actions[bot]" }, body: "pulumi preview: 3 to create" },
        ];
        let nextId = 3;
        const listed = (params: { issue_number: number }) => {
          expect(params.issue_number).to.equal(42);
          return { data: comments };
        };
        const github = {
          paginate: async (method: typeof listed, params: { issue_number: number }) => method(params).data,
          rest: {
            issues: {
              listComments: listed,
              createComment: async ({ body }: { body: string }) => {
                comments.push({ id: nextId++, user: { login: "github-actions[bot]" }, body });
              },
              updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
                const comment = comments.find((c) => c.id === comment_id);
                if (comment) comment.body = body;
              },
            },
          },
        };
        const context = { repo: { owner: "o", repo: "r" }, issue: { number: 42 } };
        const post = async (body: string) => {
          const fakeRequire = (module: string) => {
            expect(module).to.equal("fs");
            return { readFileSync: () => body };
          };
          const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
            ...args: string[]
          ) => (...values: unknown[]) => Promise<void>;
          await new AsyncFunction("require", "github", "context", script)(fakeRequire, github, context);
        };
        await post(`${marker}\nfirst push`);
        await post(`${marker}\nsecond push`);
        expect(comments).to.deep.equal([
          { id: 1, user: { login: "reviewer" }, body: `${marker}\na human quoting the plan` },
          { id: 2, user: { login: "github-actions[bot]" }, body: "pulumi preview: 3 to create" },
          { id: 3, user: { login: "github-actions[bot]" }, body: `${marker}\nsecond push` },
        ]);
      });
    });
  });

  describe("main", () => {
    function upJobs() {
      const workflow = mainWorkflow();
      const byStack = new Map<string, RunJob>();
      for (const job of runJobs(workflow)) {
        for (const step of pulumiSteps(job.steps, "up")) {
          expect(step.with?.policyPacks, `${job.id}: pulumi up with the policy pack`).to.equal("policypack");
          for (const stack of stacksOf(job, step)) byStack.set(stack, job);
        }
      }
      return { workflow, byStack };
    }

    it("runs pulumi up for dev, then for prod in a job with the production environment", () => {
      const { workflow, byStack } = upJobs();
      const dev = byStack.get("dev");
      const prod = byStack.get("prod");
      expect(dev, "a pulumi up of dev").to.not.equal(undefined);
      expect(prod, "a pulumi up of prod").to.not.equal(undefined);
      expect(dev?.id).to.not.equal(prod?.id);
      expect([...allNeeds(workflow, prod?.id ?? "")]).to.include(dev?.id);
      expect(environmentName(prod?.job ?? {})).to.equal("production");
      expect(environmentName(dev?.job ?? {})).to.not.equal("production");
    });

    it("deploys only after the tests pass", () => {
      const { workflow, byStack } = upJobs();
      const waitsFor = [...allNeeds(workflow, byStack.get("dev")?.id ?? "")].flatMap((id) =>
        runJobs({ ...workflow, jobs: { [id]: workflow.jobs[id] } }),
      );
      expect(waitsFor.some((job) => runs(job.steps, /^npm test\b/) >= 0)).to.equal(true);
    });

    it("never runs two ups of one stack at once, and never cancels one half-way", () => {
      const { byStack } = upJobs();
      const groups = ["dev", "prod"].map((stack) => {
        const { group, cancel } = concurrencyOf(byStack.get(stack)?.job ?? {});
        expect(group, `${stack}: concurrency group`).to.not.equal("");
        expect(group, `${stack}: a fixed group, not per commit or run`).to.not.match(/github\.(sha|run_id)/);
        expect(cancel, `${stack}: cancel-in-progress`).to.equal(false);
        return group;
      });
      expect(new Set(groups).size).to.equal(2);
    });
  });

  describe("policy-pack tags", () => {
    it("publish policypack/ with pulumi policy publish on a policypack-v* tag", () => {
      const workflow = tagWorkflow();
      const tags = (triggers(workflow).push as { tags: string[] }).tags;
      const matches = tags.some((glob) =>
        new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(
          "policypack-v1.2.0",
        ),
      );
      expect(matches, `tags ${tags.join(", ")} match policypack-v1.2.0`).to.equal(true);
      const publish = runJobs(workflow)
        .flatMap((job) => job.steps)
        .filter((s) => /^pulumi policy publish\b/.test(str(s.run)));
      expect(publish).to.have.length(1);
      expect(publish[0]["working-directory"]).to.equal("policypack");
    });
  });

  describe("credentials and backend", () => {
    const everyJob = () => workflowFiles().flatMap((file) => runJobs(readYaml<Workflow>(file)));

    it("hold no long-lived AWS keys anywhere under .github/", () => {
      const files = [...workflowFiles(), ...actionFiles()];
      for (const file of files) {
        const text = fs.readFileSync(file, "utf8");
        expect(text, path.relative(ROOT, file)).to.not.match(/aws-access-key-id|aws-secret-access-key/i);
        expect(text, path.relative(ROOT, file)).to.not.match(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
      }
    });

    it("assume AWS roles from repository variables through OIDC (id-token: write)", () => {
      let assumed = 0;
      for (const job of everyJob()) {
        for (const step of job.steps.filter((s) => usesAction(s, "aws-actions/configure-aws-credentials"))) {
          assumed += 1;
          let roles = [str(step.with?.["role-to-assume"])];
          const fromMatrix = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec(roles[0]);
          if (fromMatrix) {
            const include = (job.job.strategy?.matrix?.include as Dict[] | undefined) ?? [];
            expect(include.length, `${job.id}: matrix include`).to.be.greaterThan(0);
            roles = include.map((entry) => str(entry[fromMatrix[1]]));
          }
          for (const role of roles) {
            expect(role, `${job.id}: role-to-assume`).to.match(/^\$\{\{\s*vars\.AWS_[A-Z_]+\s*\}\}$/);
          }
          expect(permissionsOf(job)["id-token"], `${job.id}: id-token`).to.equal("write");
        }
        if (job.steps.some((s) => usesAction(s, "pulumi/auth-actions"))) {
          expect(permissionsOf(job)["id-token"], `${job.id}: id-token for Pulumi OIDC`).to.equal("write");
        }
      }
      expect(assumed).to.be.greaterThanOrEqual(3);
    });

    it("assume the deploy roles only in the deploy jobs, and never in a pull request", () => {
      for (const job of runJobs(prWorkflow())) {
        for (const step of job.steps.filter((s) => usesAction(s, "aws-actions/configure-aws-credentials"))) {
          const matrix = JSON.stringify(job.job.strategy?.matrix ?? {});
          expect(`${str(step.with?.["role-to-assume"])} ${matrix}`).to.not.include("DEPLOY");
        }
      }
    });

    it("log in to the backend named by vars.PULUMI_BACKEND_URL, with the Pulumi token and passphrase from secrets", () => {
      const backend = /^\$\{\{\s*vars\.PULUMI_BACKEND_URL\s*\}\}$/;
      let pulumiRuns = 0;
      for (const job of everyJob()) {
        const prepare = job.steps.filter((s) => s.uses === "./.github/actions/pulumi-prepare");
        for (const step of prepare) {
          expect(str(step.with?.["pulumi-backend-url"]), job.id).to.match(backend);
          expect(str(step.with?.["pulumi-access-token"]), job.id).to.match(/secrets\.PULUMI_ACCESS_TOKEN/);
        }
        for (const step of [...pulumiSteps(job.steps, "preview"), ...pulumiSteps(job.steps, "up")]) {
          pulumiRuns += 1;
          expect(str(step.with?.["cloud-url"]), `${job.id}: cloud-url`).to.match(backend);
          expect(prepare, `${job.id}: prepared before pulumi runs`).to.have.length(1);
          expect(job.steps.indexOf(prepare[0])).to.be.lessThan(job.steps.indexOf(step));
          expect(str(prepare[0].with?.["pulumi-config-passphrase"])).to.match(
            /secrets\.PULUMI_CONFIG_PASSPHRASE/,
          );
        }
      }
      expect(pulumiRuns, "preview (matrix), up dev, up prod").to.be.greaterThanOrEqual(3);
      const action = readYaml<{ runs: { steps: Step[] } }>(
        localActionFile("./.github/actions/pulumi-prepare") ?? "",
      );
      const login = action.runs.steps.find((s) => /pulumi login/.test(str(s.run)));
      expect(str(login?.run)).to.include('pulumi login --non-interactive "$BACKEND"');
      expect(str(login?.env?.BACKEND)).to.equal("${{ inputs.pulumi-backend-url }}");
    });

    it("qualify stack names with this project's name from Pulumi.yaml, and every stack has its file", () => {
      const project = readYaml<{ name: string }>(path.join(ROOT, "Pulumi.yaml"));
      const action = fs.readFileSync(localActionFile("./.github/actions/pulumi-prepare") ?? "", "utf8");
      expect(action).to.include(`$ORGANIZATION/${project.name}/$STACK`);
      for (const stack of ["dev", "prod"]) {
        expect(fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)), `Pulumi.${stack}.yaml`).to.equal(true);
      }
    });
  });

  describe("the policy pack's config", () => {
    // Whoever administers the pack (break-glass's allowBreakGlass, LZA's execution role pattern) changes one
    // file per stack, and every run of the pack in the pipeline reads it: synth in the checks, preview and up.
    const configFile = (stack: string) => `policy-config/${stack}.json`;

    it("is one file per stack, and the pack accepts it", async () => {
      for (const stack of ["dev", "prod"]) {
        const file = path.join(ROOT, configFile(stack));
        expect(fs.existsSync(file), configFile(stack)).to.equal(true);
        const result = await synth({
          stack,
          out: fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-pack-config-")),
          policyPackConfig: file,
        });
        expect(result.errors, configFile(stack)).to.deep.equal([]);
      }
    });

    it("reaches every synth, preview and up of the stack it belongs to", () => {
      const workflows = [prWorkflow(), mainWorkflow()];
      let packRuns = 0;
      for (const workflow of workflows) {
        for (const job of runJobs(workflow)) {
          for (const step of job.steps) {
            const synthRun = /npm run synth -- --stack (dev|prod)(.*)$/m.exec(str(step.run));
            if (synthRun && !str(step.run).includes("plans/base")) {
              expect(synthRun[2].trim(), `${job.id}: ${synthRun[0]}`).to.equal(
                `--policy-pack-config ${configFile(synthRun[1])}`,
              );
              packRuns += 1;
            }
            if (usesAction(step, "pulumi/actions") && step.with?.policyPacks !== undefined) {
              const stacks = stacksOf(job, step);
              const expected =
                stacks.length === 1 ? configFile(stacks[0]) : "policy-config/${{ matrix.stack }}.json";
              expect(
                str(step.with?.policyPackConfigs),
                `${job.id}: pulumi ${str(step.with?.command)}`,
              ).to.equal(expected);
              packRuns += 1;
            }
          }
        }
      }
      // synth of dev and prod in the checks, preview of each stack, up of each stack.
      expect(packRuns).to.be.at.least(4);
    });
  });

  describe("hygiene", () => {
    const allSteps = () =>
      [...workflowFiles(), ...actionFiles()].flatMap((file) => {
        const doc = readYaml<Workflow & { runs?: { steps?: Step[] } }>(file);
        const steps = doc.runs?.steps ?? Object.values(doc.jobs ?? {}).flatMap((job) => job.steps ?? []);
        return steps.map((step) => ({ file: path.relative(ROOT, file), step }));
      });

    it("pin every remote action to a major version (or a commit), and every local reference exists", () => {
      const jobUses = workflowFiles().flatMap((file) =>
        Object.values(readYaml<Workflow>(file).jobs).map((job) => job.uses),
      );
      for (const uses of [...allSteps().map(({ step }) => step.uses), ...jobUses]) {
        if (!uses) continue;
        if (uses.startsWith("./")) {
          expect(fs.existsSync(localPath(uses)), uses).to.equal(true);
          continue;
        }
        expect(uses).to.match(/^[\w.-]+\/[\w./-]+@(v\d+|[0-9a-f]{40})$/);
      }
    });

    it("pass expressions to shell scripts through env, never spliced into run:", () => {
      for (const { file, step } of allSteps()) {
        expect(str(step.run), `${file}: ${step.name ?? step.run}`).to.not.include("${{");
      }
    });

    it("run npm ci only where a package-lock.json is, or only if one is there", () => {
      let installs = 0;
      for (const { file, step } of allSteps()) {
        const script = str(step.run);
        if (!/^\s*npm ci\b/m.test(script)) continue;
        installs += 1;
        const dir = step["working-directory"] ?? ".";
        const guarded = /if \[ -f package-lock\.json \]; then\s+npm ci\b/.test(script);
        const committed = fs.existsSync(path.join(ROOT, dir, "package-lock.json"));
        expect(guarded || committed, `${file}: npm ci in ${dir}/ without a package-lock.json`).to.equal(true);
      }
      expect(installs).to.be.greaterThanOrEqual(3);
    });

    it("install the policy pack so that it resolves its dependencies, and it is a policy pack", () => {
      const step = allSteps().find(
        ({ step: s }) => s["working-directory"] === "policypack" && /npm ci/.test(str(s.run)),
      )?.step;
      expect(str(step?.run)).to.include('require.resolve("@pulumi/policy")');
      expect(fs.existsSync(path.join(ROOT, "policypack", "PulumiPolicy.yaml"))).to.equal(true);
      const resolved = spawnSync(process.execPath, ["-e", 'require.resolve("@pulumi/policy")'], {
        cwd: path.join(ROOT, "policypack"),
        encoding: "utf8",
        timeout: 10_000,
      });
      expect(resolved.status, resolved.stderr).to.equal(0);
    });
  });
});
