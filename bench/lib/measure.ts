/** Timing helpers: wall-clock seconds for bulk work, per-call samples in ms for latencies. */
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

/** Nearest-rank percentile (p in 0..100) of samples in ms. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * Calls `once(i)` `warmup + count` times one after the other and returns the last `count` durations in ms.
 * The warm-up calls fill SQLite's page cache and let V8 optimise the path; they are not counted. With a
 * `budgetMs`, a slow call stops the sampling once the budget is spent and `minSamples` are in.
 * Each call starts on a turn of the event loop of its own, as a call from a window (IPC) or over HTTP does:
 * the core's work between calls (its WAL checkpoint every 250 ms) runs between them, as it does in the app.
 * Back to back in one chain of promises, the loop never turned, the checkpoint never ran, and SQLite's own
 * backstop checkpoint (20,000 pages of WAL) landed inside one timed post: 120–200 ms.
 */
export async function sampleLatency(
  count: number,
  warmup: number,
  once: (i: number) => unknown,
  limits: { budgetMs?: number; minSamples?: number } = {},
): Promise<number[]> {
  const out: number[] = [];
  const begin = now();
  for (let i = 0; i < warmup + count; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const t = now();
    await once(i);
    const dt = now() - t;
    if (i >= warmup) out.push(dt);
    if (limits.budgetMs !== undefined && now() - begin > limits.budgetMs && out.length >= (limits.minSamples ?? 1))
      break;
  }
  return out;
}

/** Runs `work` and returns its result with the seconds it took. */
export async function timed<T>(work: () => T | Promise<T>): Promise<{ value: T; seconds: number }> {
  const t = now();
  const value = await work();
  return { value, seconds: (now() - t) / 1000 };
}

/** Unwraps the core's envelope; a failed call is a bug in the benchmark, so it throws. */
export function must<T = unknown>(
  channel: string,
  r: { ok: true; value: unknown } | { ok: false; error: { kind: string; message: string } },
): T {
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.kind}: ${r.error.message}`);
  return r.value as T;
}

/**
 * Runs async work while a setImmediate ticker notes the longest stretch in which the event loop could
 * not run anything else: what a screen or an HTTP request waiting on this process would have waited.
 * The ticker takes its turn between the work's own yields, so it adds next to nothing.
 */
export async function withStallMonitor<T>(
  work: () => Promise<T>,
): Promise<{ value: T; ms: number; longestStallMs: number }> {
  let running = true;
  let last = now();
  let longest = 0;
  const tick = () => {
    const t = now();
    longest = Math.max(longest, t - last);
    last = t;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const t0 = now();
  const value = await work();
  const t1 = now();
  running = false;
  longest = Math.max(longest, t1 - last);
  return { value, ms: t1 - t0, longestStallMs: longest };
}
