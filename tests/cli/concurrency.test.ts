import { expect } from "chai";
import { forEachWithConcurrency, withBackoff } from "../../cli/concurrency";

describe("cli: concurrency and retries", () => {
  it("never has more than the limit in flight, and starts on items as they arrive", async () => {
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    const work = async (ms: number) => {
      peak = Math.max(peak, ++inFlight);
      await pause(ms);
      inFlight--;
      done.push(ms);
    };
    await forEachWithConcurrency([5, 1, 4, 2, 3, 1, 2], 3, work);
    expect(peak).to.equal(3);
    expect([...done].sort()).to.deep.equal([1, 1, 2, 2, 3, 4, 5]);

    // Items from a slow source: the first is worked on before the source has produced the last.
    const started: string[] = [];
    async function* slowSource() {
      for (const item of ["a", "b", "c"]) {
        await pause(10);
        started.push(`produced ${item}`);
        yield item;
      }
    }
    await forEachWithConcurrency(slowSource(), 2, async (item) => void started.push(`work ${item}`));
    expect(started).to.deep.equal(["produced a", "work a", "produced b", "work b", "produced c", "work c"]);
  });

  const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 250 };
  const throttled = () => Object.assign(new Error("Rate exceeded"), { name: "Throttling" });

  it("retries retryable errors with growing, capped delays", async () => {
    const delays: number[] = [];
    let calls = 0;
    const value = await withBackoff(
      async () => {
        if (++calls < 4) throw throttled();
        return "ok";
      },
      (err) => (err as Error).name === "Throttling",
      policy,
      async (ms) => void delays.push(ms),
    );
    expect([value, calls]).to.deep.equal(["ok", 4]);
    expect(delays[0]).to.be.within(0, 100);
    expect(delays[1]).to.be.within(0, 200);
    expect(delays[2]).to.be.within(0, 250);
  });

  it("gives up after the last attempt, saying how many, and never retries other errors", async () => {
    let calls = 0;
    const retryable = (err: unknown) => (err as Error).name === "Throttling";
    const noWait = async () => {};
    const error = await withBackoff(
      async () => {
        calls++;
        throw throttled();
      },
      retryable,
      policy,
      noWait,
    ).catch((err) => err);
    expect([calls, error.message]).to.deep.equal([4, "Rate exceeded (gave up after 4 attempts)"]);
    calls = 0;
    const denied = await withBackoff(
      async () => {
        calls++;
        throw new Error("AccessDenied");
      },
      retryable,
      policy,
      noWait,
    ).catch((err) => err);
    expect([calls, denied.message]).to.deep.equal([1, "AccessDenied"]);
  });
});
