/**
 * 1. The raw limit: the same ledger_entries rows the usage import would write, inserted with plain
 * better-sqlite3 in one transaction through one reused prepared statement. Same schema (migrations, so
 * the same four indexes and foreign keys), same pragmas as the core (WAL, synchronous=NORMAL,
 * foreign_keys=ON, temp_store=MEMORY); no lookups, no balance updates, no CSV, no validation.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { createCore } from '../../src/main/core';
import { ManualClock } from '../../src/main/core/clock/clock';
import { dbFile } from '../../src/main/core/db/paths';
import { addClients, addReseller, checkpoint, seeded, usageRows } from '../lib/data';
import { now } from '../lib/measure';

export interface RawResult {
  rowsPerSec: number;
  rows: number;
  seconds: number;
}

export function rawLimit(
  dir: string,
  opts: { rows: number; clients: number; partRows: number; end: number; seed: number },
): RawResult {
  // The schema comes from the real migrations; the core is closed again before the plain connection opens.
  const core = createCore({ dataDir: dir, clock: new ManualClock(opts.end) });
  const resellerId = addReseller(core.db.$client, opts.end);
  const ids = addClients(core.db.$client, resellerId, 1, opts.clients, opts.end, opts.seed);
  checkpoint(core.db.$client);
  core.close();

  const sqlite = new Database(dbFile(path.resolve(dir)));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('temp_store = MEMORY');
  const insert = sqlite.prepare(
    `INSERT INTO ledger_entries (client_id, kind, amount, balance_after, external_id, description, actor, at, recorded_at, reverses_entry_id)
     VALUES (?, 'usage', ?, ?, ?, ?, 'desk', ?, ?, NULL)`,
  );
  const balances = new Float64Array(opts.clients);
  const rnd = seeded(opts.seed + 1);
  let ms = 0;
  sqlite.exec('BEGIN IMMEDIATE');
  for (let first = 0; first < opts.rows; first += opts.partRows) {
    // Generating the rows is not part of the limit: only the inserts (and the commit below) are timed.
    const rows = usageRows(rnd, first, Math.min(opts.partRows, opts.rows - first), opts.clients, opts.end);
    const t = now();
    for (const r of rows) {
      balances[r.client] -= r.cents;
      insert.run(ids[r.client], -r.cents, balances[r.client], r.externalId, r.description, r.at, opts.end);
    }
    ms += now() - t;
  }
  const t = now();
  sqlite.exec('COMMIT');
  ms += now() - t;
  sqlite.close();
  return { rowsPerSec: opts.rows / (ms / 1000), rows: opts.rows, seconds: ms / 1000 };
}
