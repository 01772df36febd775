/** 5. The queries behind the screens, through `core.call`: p95 of each over `samples` calls. */
import type { Core } from '../../src/main/core';
import { encodeCursor } from '../../src/main/core/api/cursor';
import { SEARCHES } from '../lib/data';
import { must, percentile, sampleLatency } from '../lib/measure';

export interface ScreenResult {
  key: string;
  metric: string;
  p50: number;
  p95: number;
  /** How many calls were timed: fewer than asked when the query is so slow that the budget ran out. */
  samples: number;
}

/**
 * The client chart of the client with the long history: its first view (which builds the chart's hourly
 * cache, series_hours, once) and then the p95 of drawing it again, as the screen does after each change.
 */
export async function chartQueries(
  core: Core,
  opts: { historyClientId: number; samples: number; warmup: number; budgetMs: number },
) {
  const call = async () =>
    must('ledger.series', await core.call('ledger.series', { clientId: opts.historyClientId, points: 600 }));
  const t0 = performance.now();
  await call();
  const first = performance.now() - t0;
  const samples = await sampleLatency(opts.samples, opts.warmup, call, { budgetMs: opts.budgetMs, minSamples: 20 });
  return { first, p50: percentile(samples, 50), p95: percentile(samples, 95), samples: samples.length };
}

export async function screenQueries(
  core: Core,
  opts: { historyClientId: number; samples: number; warmup: number; budgetMs: number },
): Promise<ScreenResult[]> {
  const run = async (key: string, metric: string, once: (i: number) => Promise<unknown>): Promise<ScreenResult> => {
    const samples = await sampleLatency(opts.samples, opts.warmup, once, { budgetMs: opts.budgetMs, minSamples: 20 });
    return { key, metric, p50: percentile(samples, 50), p95: percentile(samples, 95), samples: samples.length };
  };
  const call = async (channel: string, input: unknown) => must(channel, await core.call(channel, input));

  // Cursors as clients.list hands them out ([name_key, id] of a page's last row), from all through the list:
  // what the next page costs after scrolling far down. Made outside the timing.
  const total = core.db.$client.prepare('SELECT count(*) FROM clients').pluck().get() as number;
  const at = core.db.$client.prepare('SELECT name_key, id FROM clients ORDER BY name_key, id LIMIT 1 OFFSET ?');
  const deep = Array.from({ length: 20 }, (_, k) => {
    const row = at.get(Math.floor(((k + 0.5) / 20) * total)) as { name_key: string; id: number };
    return encodeCursor([row.name_key, row.id]);
  });

  let cursor: string | null = null;
  return [
    await run('screens.clients.first', 'clients.list, first page (by name)', () => call('clients.list', {})),
    await run('screens.clients.deep', 'clients.list, next page deep in the list (by name)', (i) =>
      call('clients.list', { cursor: deep[i % deep.length] }),
    ),
    await run('screens.clients.search', 'clients.list, search by name prefix', (i) =>
      call('clients.list', { search: SEARCHES[i % SEARCHES.length] }),
    ),
    await run('screens.clients.available', 'clients.list, sort by available desc', () =>
      call('clients.list', { sort: 'available', dir: 'desc' }),
    ),
    await run('screens.clients.runDry', 'clients.list, sort by run-dry time (soonest first)', () =>
      call('clients.list', { sort: 'runDry', dir: 'asc' }),
    ),
    // Page after page through one long history, as a scrolling list does; back to the top at the end.
    await run('screens.ledger.paging', 'ledger.list, paging one client', async () => {
      const page = await call('ledger.list', {
        clientId: opts.historyClientId,
        limit: 50,
        ...(cursor ? { cursor } : {}),
      });
      cursor = (page as { nextCursor: string | null }).nextCursor;
    }),
  ];
}
