/**
 * The median wall time of `runs` calls of `send`, one at a time after one warm-up call, in milliseconds
 * rounded to a tenth.
 */
export async function medianMs(runs: number, send: () => Promise<unknown>): Promise<number> {
  await send();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await send();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(runs / 2)]! * 10) / 10;
}
