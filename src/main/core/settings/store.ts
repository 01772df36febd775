/**
 * Settings as JSON by key, the version of a setting a form edits, and the install id that makes
 * Message-IDs unique to this ledger.
 */
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';

export class SettingsStore {
  private readonly s;
  private install?: string;

  constructor(sqlite: Database.Database) {
    this.s = {
      get: sqlite.prepare('SELECT value FROM settings WHERE key = ?').pluck(),
      put: sqlite.prepare(
        'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      ),
      add: sqlite.prepare(
        'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING',
      ),
      del: sqlite.prepare('DELETE FROM settings WHERE key = ?'),
      containing: sqlite.prepare('SELECT value FROM settings WHERE instr(value, ?) > 0').pluck(),
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

  /**
   * The version of a setting a form edits (0: never saved): kept under a key of its own, `<key>:version`, so
   * it keeps counting when the setting itself is deleted (removed, then saved again, is two changes).
   */
  version(key: string): number {
    return this.get<number>(`${key}:version`) ?? 0;
  }

  /** Inside the caller's transaction: the setting changed; answers its new version. */
  bumpVersion(key: string, now: number): number {
    const next = this.version(key) + 1;
    this.set(`${key}:version`, next, now);
    return next;
  }

  /**
   * Every text in any setting that starts with `prefix`, wherever it sits in the setting's JSON: the
   * desktop app finds the secrets sealed in an older way (to open them once at start) without knowing
   * each setting's shape.
   */
  stringsStartingWith(prefix: string): string[] {
    const found: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') {
        if (v.startsWith(prefix)) found.push(v);
      } else if (v && typeof v === 'object') {
        for (const x of Object.values(v)) walk(x);
      }
    };
    // The prefix as JSON writes a string's start: a cheap filter before parsing.
    for (const text of this.s.containing.all(JSON.stringify(prefix).slice(0, -1)) as string[]) walk(JSON.parse(text));
    return found;
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
