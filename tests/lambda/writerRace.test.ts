// The writer against another writer that interleaves its calls. The other writer is LZA-like: it
// writes a whole new version with `UpdateDocument --document-version $LATEST` and may make it the default
// later, or never. The writer is paused between its calls by the proxy in front of it. Goal after the other
// writer stops and one more reconcile runs: default = latest, RunAs on, the other writer's newest settings.
import { expect } from "chai";
import { CONSOLE_DOCUMENT, lzaResetDocument } from "../../testing/runShellFixtures";
import {
  RUN_AS,
  makeDefault,
  reconcile,
  resetWith,
  settledState,
  startWriterHarness,
  withoutRunAs,
  writeLatestOnly,
  type WriterHarness,
} from "../support/writerHarness";

type Document = ReturnType<typeof lzaResetDocument>;

const WRITER_CALLS = [
  "DescribeDocument",
  "GetDocument",
  "UpdateDocument",
  "UpdateDocumentDefaultVersion",
  "DescribeDocument",
];
const AFTER = WRITER_CALLS.length + 1; // a position after the writer's run

function otherDocument(bucket: string, runAsEnabled = false): Document {
  const document = lzaResetDocument(bucket);
  return {
    ...document,
    inputs: { ...document.inputs, cloudWatchLogGroupName: `/other/${bucket}`, runAsEnabled },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded generator (mulberry32), so that a failing run can be replayed from the printed seed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("RunShell writer racing another writer (bundled, on moto)", () => {
  let harness: WriterHarness;

  before(async () => (harness = await startWriterHarness()));
  after(() => harness.close());

  async function expectSettledOn(other: Document) {
    const stored = await settledState(harness.ssm);
    expect(stored.defaultVersion, "default = latest").to.equal(stored.latestVersion);
    expect(stored.runAs).to.deep.equal(RUN_AS);
    expect(stored.others).to.deep.equal(withoutRunAs(other.inputs));
  }

  it("the issue's lost update: the writer's set-default held back until the other writer wrote N+2 and made it the default", async () => {
    await resetWith(harness, CONSOLE_DOCUMENT); // N = 1
    const other = otherDocument("other-n-plus-2");
    harness.proxy.intercept = async ({ operation }) => {
      if (operation !== "UpdateDocumentDefaultVersion" || harness.proxy.requests.length > 4) return;
      // The writer has written N+1 (its UpdateDocument still reported N as the default).
      await makeDefault(harness.ssm, await writeLatestOnly(harness.ssm, other)); // N+2, the default
    };

    const { error, logs } = await reconcile();

    expect(error).to.equal(undefined);
    expect(logs.map((line) => line.action)).to.deep.equal(["reconcile", "conflict", "updated"]);
    expect(logs[1]).to.include({ latest: "3", default: "2" }); // the re-check saw N+2 above its own default
    const stored = await settledState(harness.ssm);
    expect([stored.defaultVersion, stored.latestVersion]).to.deep.equal(["4", "4"]);
    await expectSettledOn(other);
  });

  describe("every placement of the other writer's write and set-default among the writer's calls, then one settling run", () => {
    // Position p: just before the writer's p-th call (1..5), or AFTER its run; a set-default of "never" is a
    // $LATEST-only write.
    const positions = Array.from({ length: AFTER }, (_, index) => index + 1);
    const name = (p: number) => (p === AFTER ? "after the run" : `before ${WRITER_CALLS[p - 1]} #${p}`);
    for (const writeAt of positions) {
      for (const defaultAt of [...positions.filter((p) => p >= writeAt), undefined]) {
        it(`write ${name(writeAt)}, set-default ${defaultAt === undefined ? "never" : name(defaultAt)}`, async () => {
          await resetWith(harness, CONSOLE_DOCUMENT);
          const other = otherDocument(`other-${writeAt}-${defaultAt ?? "never"}`);
          let written: string | undefined;
          const act = async (position: number) => {
            if (position === writeAt) written = await writeLatestOnly(harness.ssm, other);
            if (position === defaultAt) await makeDefault(harness.ssm, written as string);
          };
          harness.proxy.intercept = async () => {
            if (harness.proxy.requests.length < AFTER) await act(harness.proxy.requests.length);
          };

          const run = await reconcile();
          harness.proxy.intercept = undefined;
          await act(AFTER);
          const settling = await reconcile();

          expect(run.error).to.equal(undefined);
          expect(settling.error).to.equal(undefined);
          await expectSettledOn(other);
        });
      }
    }
  });

  it("bounded random race: 20 runs of the writer against random $LATEST-only and full writes", async function () {
    this.timeout(120_000);
    const seed = Number(process.env.RACE_SEED ?? Date.now() % 1_000_000);
    const next = random(seed);
    const runs = 20;
    let settled = 0;
    let invocations = 0;
    let exhausted = 0;
    let conflicts = 0;
    let otherWrites = 0;
    const started = Date.now();
    for (let run = 1; run <= runs; run++) {
      await resetWith(harness, CONSOLE_DOCUMENT);
      // The writer's calls get a random pause, so that the other writer's land anywhere among them.
      harness.proxy.intercept = async () => void (await sleep(next() * 4));
      let newest: Document | undefined;
      let otherDone = false;
      const otherWriter = (async () => {
        const pendingDefaults: Promise<void>[] = [];
        for (let n = 1; n <= 5; n++) {
          await sleep(next() * 12);
          const document = otherDocument(`race-${run}-${n}`, next() < 0.3); // sometimes with RunAs already on
          const version = await writeLatestOnly(harness.ssm, document);
          newest = document;
          otherWrites++;
          // Half the writes are full ones: the set-default follows at once or is held back a while.
          if (next() < 0.5) {
            pendingDefaults.push(
              sleep(next() < 0.5 ? 0 : next() * 25).then(() => makeDefault(harness.ssm, version)),
            );
          }
        }
        await Promise.all(pendingDefaults);
        otherDone = true;
      })();
      const writer = (async () => {
        await sleep(next() * 5);
        while (!otherDone) {
          const { error, logs } = await reconcile();
          invocations++;
          conflicts += logs.filter((line) => line.action === "conflict").length;
          if (error) {
            expect(error.message).to.match(/kept changing during 5 attempts$/);
            exhausted++;
          }
        }
      })();
      await Promise.all([otherWriter, writer]);
      harness.proxy.intercept = undefined;

      const settling = await reconcile();

      expect(settling.error, `run ${run}, seed ${seed}`).to.equal(undefined);
      await expectSettledOn(newest as Document);
      settled++;
    }
    console.log(
      `      race: ${settled}/${runs} runs settled (seed ${seed}; ${otherWrites} other writes, ` +
        `${invocations} writer runs during the race with ${conflicts} conflicts, ${exhausted} out of attempts; ${Date.now() - started} ms)`,
    );
    expect(settled).to.equal(runs);
  });
});
