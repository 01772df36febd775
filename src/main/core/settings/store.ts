/** Settings as JSON by key, and the install id that makes Message-IDs unique to this ledger. */
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';

export class SettingsStore {
  private readonly s;
  private install?: string;

  constructor(sqlite: Database.Database) {
    this.s = {
      get: sqlite.prepare('SELECT value FROM settings WHERE key = ?').pluck(),
      put: sqlite.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at'),
      add: sqlite.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING'),
      del: sqlite.prepare('DELETE FROM settings WHERE key = ?'),
    };
  }

  get<T>(key: string): T | null {
    const v = this.s.get.get(key) as string | undefined;
    return v === undefined ? null : (JSON.parse(v) as T);
  }

  set(key: string, value: unknown, now: number): void {
    this.s.put.run(key, JSON.stringify(value), now);
  }

  delete(key: string): void {
    this.s.del.run(key);
  }

  /** A random id made once per ledger (kept in the database, so a copy of the folder keeps it). */
  installId(now = Date.now()): string {
    if (!this.install) {
      this.s.add.run('install_id', JSON.stringify(crypto.randomBytes(6).toString('hex')), now);
      this.install = this.get<string>('install_id')!;
    }
    return this.install;
  }
}
