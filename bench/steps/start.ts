/**
 * 7. Start: from `createCore` on the big database to the first answered `clients.list`. The worst of
 * `runs` starts, each on a new connection (SQLite's page cache empty; the OS file cache is warm).
 */
import { createCore } from '../../src/main/core';
import { ManualClock } from '../../src/main/core/clock/clock';
import { must, now } from '../lib/measure';

export async function startToFirstList(dataDir: string, opts: { runs: number; end: number }) {
  const times: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const t = now();
    const core = createCore({ dataDir, clock: new ManualClock(opts.end) });
    try {
      must('clients.list', await core.call('clients.list', {}));
      times.push(now() - t);
    } finally {
      core.close();
    }
  }
  return { worst: Math.max(...times), times };
}
