// Bounded parallelism and patient retries: the two things that keep a many-account audit fast and polite.

/**
 * Runs `work` on each item with at most `limit` calls in flight. Items may arrive over time (an async
 * iterable, e.g. accounts while the organisation is still being listed): work starts as soon as one is there.
 */
export async function forEachWithConcurrency<Item>(
  items: Iterable<Item> | AsyncIterable<Item>,
  limit: number,
  work: (item: Item) => Promise<void>,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items
      ? items[Symbol.asyncIterator]()
      : (items as Iterable<Item>)[Symbol.iterator]();
  const worker = async () => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) await work(next.value);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

export interface BackoffPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retries `attempt` while `isRetryable` says so, with exponential backoff and full jitter. */
export async function withBackoff<T>(
  attempt: () => Promise<T>,
  isRetryable: (err: unknown) => boolean,
  policy: BackoffPolicy,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (err) {
      if (tried >= policy.attempts || !isRetryable(err)) {
        if (tried > 1 && err instanceof Error) err.message += ` (gave up after ${tried} attempts)`;
        throw err;
      }
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (tried - 1));
      await wait(Math.random() * ceiling);
    }
  }
}
