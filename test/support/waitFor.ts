/**
 * Waiting for a condition in a test, on a machine that may be busy with other work.
 *
 * A test waits for what it needs (a log line, an answer from the cache, a closed port), never for a
 * while: a fixed sleep is too short on a loaded machine and too long on an idle one. The deadlines
 * here only decide when to give up and say what never happened; they are generous on purpose and are
 * never what a test asserts. How long something took is the benchmark's business (docs/performance.md).
 */

/** How long {@link waitFor} and {@link settleWithin} wait before giving up, unless told otherwise. */
export const giveUpAfterMs = 30_000;

/** How to poll. */
export interface WaitOptions {
  /** When to give up, in milliseconds from the first probe. Defaults to {@link giveUpAfterMs}. */
  timeoutMs?: number;
  /** The pause between two probes, in milliseconds. Defaults to 50. */
  everyMs?: number;
}

/**
 * Calls `probe` until it returns something other than `undefined`, and returns that. A probe that
 * throws is an answer too: the error goes to the caller at once. After `timeoutMs` without an answer,
 * rejects with "never <what>" (and the last value the probe returned, if it says anything).
 *
 * @example
 * const hit = await waitFor('answered from the cache', async () => {
 *   const answer = await postGraphQL(url, query);
 *   return answer.headers.get('age') === null ? undefined : answer;
 * });
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = giveUpAfterMs, everyMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms: never ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Settles as `promise` does, or rejects with "never <what>" when it has not settled within `timeoutMs`:
 * for something that must happen without any help from the test (a process exiting, a stop that must
 * not wait for a frozen server), so that the failure names it instead of the test's own timeout.
 */
export async function settleWithin<T>(promise: Promise<T>, what: string, timeoutMs = giveUpAfterMs): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${timeoutMs} ms: never ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}
