/**
 * The notification log at size: rows by direct SQL and the log screen's queries (p95 per filter). Its
 * export is measured in export.ts.
 */
import type Database from 'better-sqlite3';
import type { Core } from '../../src/main/core';
import { must, percentile, sampleLatency } from '../lib/measure';
import type { ScreenResult } from './screens';

const KINDS = [
  ['low_balance_staff', 'staff'],
  ['low_balance_client', 'client'],
  ['inactivity', 'inactivity'],
] as const;
const STATUSES = [
  'sent',
  'sent',
  'sent',
  'sent',
  'sent',
  'sent',
  'suppressed',
  'suppressed',
  'failed',
  'queued',
] as const;

/** `rows` log rows over the given clients, one a second up to `end`, as the rule engine writes them. */
export function addNotificationLog(
  sqlite: Database.Database,
  clientIds: readonly number[],
  rows: number,
  end: number,
): void {
  const insert = sqlite.prepare(
    `INSERT INTO notifications (kind, client_id, profile_id, profile_name, rule, decided_at, status, suppressed, reason, available, threshold, currency, seq, max_qty, recipients, subject, attempts, error, sent_at, via)
     VALUES (?, ?, 1, 'Standard USD', ?, ?, ?, ?, ?, ?, 2000, 'USD', 1, 3, ?, ?, ?, ?, ?, ?)`,
  );
  sqlite.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const [kind, rule] = KINDS[i % 3];
      const status = STATUSES[i % STATUSES.length];
      const at = end - (rows - i) * 1000;
      const available = 1999 - (i % 2000);
      insert.run(
        kind,
        clientIds[(i * 7919) % clientIds.length],
        rule,
        at,
        status,
        status === 'suppressed' ? 'period' : null,
        `Available $${(available / 100).toFixed(2)} is below the client threshold of $20.00. Notification 1 of 3; another after 1 day if still below.`,
        available,
        rule === 'staff' ? '["billing@reseller.test","ops@reseller.test"]' : '["ap@client.test"]',
        `Your Bench Reseller balance is low: $${(available / 100).toFixed(2)}`,
        status === 'failed' ? 10 : 1,
        status === 'failed' ? 'The server refused the message (550); sending it again will not help.' : null,
        status === 'sent' ? at + 800 : null,
        status === 'sent' ? 'smtp' : null,
      );
    }
  })();
}

/** The log screen: first page, each filter, and a page deep in the log; p95 of `samples` calls each. */
export async function logQueries(
  core: Core,
  opts: { clientId: number; end: number; samples: number; warmup: number; budgetMs: number },
): Promise<ScreenResult[]> {
  const run = async (key: string, metric: string, input: Record<string, unknown>): Promise<ScreenResult> => {
    const samples = await sampleLatency(
      opts.samples,
      opts.warmup,
      async () => must('notifications.list', await core.call('notifications.list', input)),
      {
        budgetMs: opts.budgetMs,
        minSamples: 20,
      },
    );
    return { key, metric, p50: percentile(samples, 50), p95: percentile(samples, 95), samples: samples.length };
  };
  const day = 24 * 3600_000;
  const deep = must<{ nextCursor: string | null }>(
    'notifications.list',
    await core.call('notifications.list', { limit: 500, to: new Date(opts.end - 5 * day).toISOString() }),
  ).nextCursor;
  return [
    await run('screens.log.first', 'notifications.list, first page', { limit: 50 }),
    await run('screens.log.deep', 'notifications.list, a page 5 days deep', {
      limit: 50,
      ...(deep ? { cursor: deep } : {}),
    }),
    await run('screens.log.status', 'notifications.list, status failed', { limit: 50, status: 'failed' }),
    await run('screens.log.client', 'notifications.list, one client', { limit: 50, clientId: opts.clientId }),
    await run('screens.log.kind', 'notifications.list, kind inactivity, one day', {
      limit: 50,
      kind: 'inactivity',
      from: new Date(opts.end - 3 * day).toISOString(),
      to: new Date(opts.end - 2 * day).toISOString(),
    }),
  ];
}
