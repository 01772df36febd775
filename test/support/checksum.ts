import crypto from 'node:crypto';
import type { Db } from '../../src/main/core/db/open';

/** A hash of every row of every table: equal before and after means nothing changed. */
export function checksum(db: Db): string {
  const sqlite = db.$client;
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  const h = crypto.createHash('sha256');
  for (const t of tables) {
    h.update(t);
    for (const row of sqlite.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()) h.update(JSON.stringify(row));
  }
  return h.digest('hex');
}
