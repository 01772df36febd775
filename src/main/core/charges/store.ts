/**
 * What other folders read of charge_attempts: the failed attempts the balance chart marks (ledger/markers.ts),
 * the day's automatic top-ups the dashboard counts, and the attempts of some clients by status (the demo's
 * report). The charge flow's own facts are in facts.ts.
 */
import type Database from 'better-sqlite3';
import type { Attempt } from './facts';
import type { MarkerGroup, MarkerSlices } from '../ledger/marker-group';

/**
 * A client's failed attempts (and those waiting for the client) in [from, to], grouped by slices of `mw`
 * counted from `origin` (see MarkerSlices).
 */
export function failedGroups(sqlite: Database.Database, args: MarkerSlices): MarkerGroup[] {
  return sqlite
    .prepare(
      `SELECT min(updated_at) AS t0, max(updated_at) AS t1, count(*) AS n, sum(amount) AS amount, min(id) AS id, min(reason) AS text
       FROM charge_attempts WHERE client_id = @client AND status IN ('failed', 'requires_action') AND updated_at >= @from AND updated_at <= @to
       GROUP BY (updated_at - @origin) / @mw ORDER BY t0`,
    )
    .all(args) as MarkerGroup[];
}

/** How many automatic top-ups were credited since `since` (by the time their entry was recorded). */
export const automaticTopUpsSince = (sqlite: Database.Database, since: number): number =>
  sqlite
    .prepare(
      "SELECT count(*) FROM charge_attempts a JOIN ledger_entries e ON e.id = a.entry_id WHERE a.status = 'succeeded' AND e.recorded_at >= ?",
    )
    .pluck()
    .get(since) as number;

/** How many attempts of these clients there are in each status. */
export function attemptsByStatus(
  sqlite: Database.Database,
  clientIds: readonly number[],
): { status: Attempt['status']; n: number }[] {
  if (!clientIds.length) return [];
  return sqlite
    .prepare(
      `SELECT status, count(*) AS n FROM charge_attempts WHERE client_id IN (${clientIds.map(() => '?').join(',')}) GROUP BY status ORDER BY status`,
    )
    .all(...clientIds) as { status: Attempt['status']; n: number }[];
}
