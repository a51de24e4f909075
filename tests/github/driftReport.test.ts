// .github/scripts/drift-report.sh, run with bash as the drift workflow runs it: the verdict for every mix of
// preview and audit results, the Markdown that goes to the job summary and the issue (within GitHub's sizes,
// whatever pulumi or the audit printed), and the gate's exit code and annotations.
import { expect } from "chai";
import { driftReport, runDriftReport, type DriftResults } from "../support/driftReport";

/** GitHub refuses an issue body longer than this many characters. */
const GITHUB_BODY_LIMIT = 65_536;
/** GitHub keeps at most this many bytes of one step's job summary. */
const GITHUB_SUMMARY_LIMIT = 1024 * 1024;

const verdictOf = (markdown: string) => /^<!-- verdict: (\w+) -->$/m.exec(markdown)?.[1];
const digestOf = (markdown: string) => /^<!-- digest: (.*) -->$/m.exec(markdown)?.[1];
const check = (results: DriftResults, preview = "true") =>
  runDriftReport(["check", "<dir>", preview], results);

describe(".github/scripts/drift-report.sh", function () {
  this.timeout(60_000);

  it("starts with the marker, the verdict and the digest the issue job reads", () => {
    const text = driftReport("prod", {
      preview: 7,
      previewLog: "~ aws:organizations:Policy guardrail update\n",
      audit: 1,
      summary: { COMPLIANT: 8, MISSING: 2, WRONG_USER: 0, UNGUARDED: 1 },
      markdown: "| 111122223333 | eu-west-1 | MISSING |\n",
    });
    expect(text.split("\n").slice(0, 4)).to.deep.equal([
      "<!-- ssm-runas-sync drift: prod -->",
      "<!-- verdict: findings -->",
      "<!-- digest: preview=7 audit=1 MISSING=2 UNGUARDED=1 -->",
      "## Drift in `prod`",
    ]);
    expect(text).to.include("**drift**: applying the program would change what is deployed (exit 7)");
    expect(text).to.include("**not compliant**: some account × region cells fail (exit 1)");
    expect(text).to.include("```diff\n~ aws:organizations:Policy guardrail update\n```\n");
    expect(text).to.include("| 111122223333 | eu-west-1 | MISSING |");
    expect(text).to.include("[this run](https://github.com/o/r/actions/runs/7)");
  });

  it("says clean only when the preview found nothing (or was not run) and the audit passed", () => {
    const cases: [string, DriftResults, string | undefined, string][] = [
      ["both clean", { preview: 0, audit: 0 }, "true", "clean"],
      ["the audit alone, clean", { audit: 0 }, "false", "clean"],
      ["drift", { preview: 7, audit: 0 }, "true", "findings"],
      ["the policy pack refused", { preview: 5, audit: 0 }, "true", "findings"],
      ["non-compliant cells", { preview: 0, audit: 1 }, "true", "findings"],
      ["drift while the audit failed", { preview: 7, audit: 2 }, "true", "findings"],
      ["the audit failed", { preview: 0, audit: 2 }, "true", "failed"],
      ["pulumi failed otherwise", { preview: 255, audit: 0 }, "true", "failed"],
      ["the preview never ran", { audit: 0 }, "true", "failed"],
      ["nothing ran", {}, "true", "failed"],
    ];
    for (const [what, results, preview, verdict] of cases) {
      const run = runDriftReport(
        ["report", "dev", "<dir>", preview ?? "true", "https://x/runs/1", "60000"],
        results,
      );
      expect(run.code, `${what}: ${run.stderr}`).to.equal(0);
      expect(verdictOf(run.stdout), what).to.equal(verdict);
      const gate = check(results, preview);
      expect(gate.code, `${what}: the gate`).to.equal(verdict === "clean" ? 0 : 1);
      expect(gate.stdout === "", `${what}: annotations only when not clean`).to.equal(verdict === "clean");
    }
  });

  it("the gate names each finding and each failure in one error annotation", () => {
    const gate = check({ preview: 255, audit: 1 });
    expect(gate.stdout.trimEnd().split("\n")).to.deep.equal([
      "::error::pulumi preview --refresh --expect-no-changes: failed (exit 255): see the log below",
      "::error::ssm-runas audit: not compliant: some account × region cells fail (exit 1)",
    ]);
    expect(check({ audit: 0 }).stdout).to.equal(
      "::error::pulumi preview --refresh --expect-no-changes: did not run: a step before it failed (see the run's log)\n",
    );
  });

  it("digests the findings so that the same findings give the same digest, and new ones another", () => {
    const day = (summary: Record<string, number>) =>
      digestOf(driftReport("prod", { preview: 0, audit: 1, summary }));
    expect(day({ COMPLIANT: 10, WRONG_USER: 2, MISSING: 1 })).to.equal(
      "preview=0 audit=1 MISSING=1 WRONG_USER=2",
    );
    expect(day({ COMPLIANT: 11, MISSING: 1, WRONG_USER: 2 }), "more compliant accounts").to.equal(
      day({ COMPLIANT: 10, WRONG_USER: 2, MISSING: 1 }),
    );
    expect(day({ COMPLIANT: 10, WRONG_USER: 3, MISSING: 1 })).to.not.equal(
      day({ COMPLIANT: 10, WRONG_USER: 2, MISSING: 1 }),
    );
    expect(digestOf(driftReport("prod", { audit: 2 }))).to.equal("preview=none audit=2");
  });

  it("fits GitHub's issue and job-summary sizes however long the preview log and the audit are, and says where the rest is", () => {
    const results: DriftResults = {
      preview: 7,
      previewLog: `${"  ~ aws:cloudformation:StackSetInstance runshell-ou-x-eu-west-1 update [diff: ~parameterOverrides]\n".repeat(30_000)}Resources:\n    ~ 30000 to update\n`,
      audit: 1,
      summary: { COMPLIANT: 0, MISSING: 40_000 },
      markdown: `# audit\n${"| 111122223333 | Workloads | eu-west-1 | MISSING | instance FAILED: é |\n".repeat(40_000)}`,
    };
    const issue = driftReport("prod", results, 60_000);
    expect(issue.length).to.be.below(GITHUB_BODY_LIMIT);
    expect(Buffer.byteLength(issue)).to.be.at.most(60_000);
    expect(issue).to.match(/… \d+ bytes cut: the whole log is in the artifact drift-prod …/);
    expect(issue, "the preview's last lines, its summary").to.include("~ 30000 to update");
    expect(issue).to.match(/… cut at \d+ of \d+ bytes: every cell is in `report\.html` and `audit\.json`/);
    const summary = driftReport("prod", results, 900_000);
    expect(Buffer.byteLength(summary)).to.be.within(800_000, GITHUB_SUMMARY_LIMIT);
  });

  it("fences the preview log so that backticks in it cannot end the block", () => {
    const text = driftReport("dev", { preview: 7, previewLog: "a ``` b\n````\nc\n", audit: 0 });
    expect(text).to.include("`````diff\na ``` b\n````\nc\n`````\n");
  });

  it("refuses a wrong call (exit 2)", () => {
    expect(runDriftReport(["report", "dev", "<dir>", "true", "https://x"], {}).code).to.equal(2);
    expect(runDriftReport(["report", "dev", "<dir>", "true", "https://x", "500"], {}).code).to.equal(2);
    expect(runDriftReport(["check", "<dir>"], {}).code).to.equal(2);
    expect(runDriftReport(["summarise"], {}).code).to.equal(2);
  });
});
