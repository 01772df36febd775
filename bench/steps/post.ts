/** 3. Interactive post: one `ledger.post` at a time through `core.call`, as a screen or a script posts. */
import type { Core } from '../../src/main/core';
import { seeded } from '../lib/data';
import { must, percentile, sampleLatency } from '../lib/measure';

/** `prefix` keeps the external ids of a second run apart from the first's (a repeated id is an idempotent no-op). */
export async function interactivePost(
  core: Core,
  opts: { clientIds: readonly number[]; calls: number; warmup: number; seed: number; prefix?: string },
) {
  const rnd = seeded(opts.seed + 3);
  const samples = await sampleLatency(opts.calls, opts.warmup, async (i) => {
    const clientId = opts.clientIds[Math.floor(rnd() * opts.clientIds.length)];
    must(
      'ledger.post',
      await core.call('ledger.post', {
        clientId,
        kind: 'usage',
        amount: -(1 + (i % 500)),
        description: 'Manual charge',
        externalId: `${opts.prefix ?? 'post'}-${i}`,
      }),
    );
  });
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: percentile(samples, 100) };
}
