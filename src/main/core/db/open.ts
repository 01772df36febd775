import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface OpenOptions {
  /** A file path, or ':memory:' for tests. */
  file: string;
  /** Where the generated migrations live; defaults to the project's drizzle/ folder. */
  migrationsFolder?: string;
  /** An alternative better-sqlite3 binary (the Electron-ABI build beside the Node one). */
  nativeBinding?: string;
}

/** Finds drizzle/ from wherever the code runs: src/main/core/db (tests), out/main (builds), resources (packaged). */
export function defaultMigrationsFolder(): string {
  const candidates = [
    process.env.BALANCE_DESK_MIGRATIONS,
    path.resolve(__dirname, '../../../../drizzle'),
    path.resolve(__dirname, '../../drizzle'),
    path.resolve(process.cwd(), 'drizzle'),
    (process as { resourcesPath?: string }).resourcesPath &&
      path.join((process as { resourcesPath?: string }).resourcesPath!, 'drizzle'),
  ].filter((p): p is string => typeof p === 'string' && p.length > 0);
  const found = candidates.find((p) => fs.existsSync(path.join(p, 'meta', '_journal.json')));
  if (!found) throw new Error(`cannot find the database migrations (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Opens (creating if needed) the ledger database: WAL so readers never wait for the writer, foreign keys
 * on, a busy timeout for a second process, then every migration not yet applied.
 */
export function openDb(opts: OpenOptions): Db {
  const migrationsFolder = opts.migrationsFolder ?? defaultMigrationsFolder();
  // drizzle's own error ("Can't find meta/_journal.json file") names no folder, so nobody could tell which
  // install is broken; checked before the file is made, so a failed start leaves no empty ledger behind.
  if (!fs.existsSync(path.join(migrationsFolder, 'meta', '_journal.json')))
    throw new Error(`the database migrations are missing from ${migrationsFolder}`);
  if (opts.file !== ':memory:') fs.mkdirSync(path.dirname(opts.file), { recursive: true });
  const sqlite = new Database(opts.file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  if (opts.file !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // WAL keeps committed transactions durable across a process kill with synchronous=NORMAL;
  // only a power cut can lose the last transactions, never corrupt the file.
  sqlite.pragma('synchronous = NORMAL');
  // Statement journals and temporary B-trees (a GROUP BY, a sort) in memory, not in temporary files: a
  // statement that fires a trigger (client_counts) opened one per row, 40 µs each (measured: 100,000 client
  // rows 6.4 s → 2.7 s).
  sqlite.pragma('temp_store = MEMORY');
  if (opts.file !== ':memory:') {
    // SQLite's automatic checkpoint runs inside whichever commit crosses the threshold: two fsyncs,
    // 10-20 ms, charged to one unlucky ledger.post. The core checkpoints between calls instead
    // (checkpointIdle); this high threshold is only the backstop for a long burst of writes.
    sqlite.pragma('wal_autocheckpoint = 20000');
    sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  }
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder });
  return db;
}

/** Folds the WAL into the database file without waiting for readers: run between calls, never inside one. */
export function checkpointIdle(db: Db): void {
  if (db.$client.open && !db.$client.inTransaction && db.$client.name !== ':memory:')
    db.$client.pragma('wal_checkpoint(PASSIVE)');
}
