/** The average daily spend: one measure for the automatic top-up panel's advice and the threshold suggestion. */
import type Database from 'better-sqlite3';
import { DAY_MS } from '../../../shared/forecast';

/** The window of the average daily spend. */
const SPEND_DAYS = 30;

/**
 * Usage per day over the last 30 days, or since the client's history began if that is sooner (at least a
 * day): the time is counted exactly, so a new day starting does not make the average jump. The history
 * begins at the client's creation or its first entry, whichever is earlier: a client moved in today with
 * its last month of usage imported has a month of history, not a day.
 */
export function averageDailySpend(
  sqlite: Database.Database,
  client: { id: number; created_at: number },
  now: number,
): { average: number; days: number } {
  // An index probe (ledger_entries by client and time), not a walk of the client's entries.
  const first = sqlite
    .prepare(`SELECT at FROM ledger_entries WHERE client_id = ? ORDER BY at LIMIT 1`)
    .pluck()
    .get(client.id) as number | undefined;
  const from = Math.max(now - SPEND_DAYS * DAY_MS, Math.min(client.created_at, first ?? client.created_at));
  const span = Math.max(DAY_MS, now - from);
  const used = sqlite
    .prepare(
      `SELECT coalesce(-sum(amount), 0) FROM ledger_entries WHERE client_id = ? AND kind = 'usage' AND at >= ? AND at <= ?`,
    )
    .pluck()
    .get(client.id, from, now) as number;
  return { average: Math.round((Math.max(0, used) * DAY_MS) / span), days: Math.round((span / DAY_MS) * 10) / 10 };
}
