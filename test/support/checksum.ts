import crypto from 'node:crypto';
import type { Db } from '../../src/main/core/db/open';

/** A hash of every row of every table but `except`: equal before and after means nothing changed. */
export function checksum(db: Pick<Db, '$client'>, except: readonly string[] = []): string {
  const sqlite = db.$client;
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[];
  const h = crypto.createHash('sha256');
  for (const t of tables) {
    if (except.includes(t)) continue;
    h.update(t);
    for (const row of sqlite.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()) h.update(JSON.stringify(row));
  }
  return h.digest('hex');
}

/** How many clients' balance or entry count is not the sum or count of their entries (0 when the books hold). */
export function balancesOff(db: Pick<Db, '$client'>): number {
  return db.$client
    .prepare(
      'SELECT count(*) FROM balances b WHERE b.balance <> (SELECT coalesce(sum(amount), 0) FROM ledger_entries e WHERE e.client_id = b.client_id) OR b.entry_count <> (SELECT count(*) FROM ledger_entries e WHERE e.client_id = b.client_id)',
    )
    .pluck()
    .get() as number;
}
