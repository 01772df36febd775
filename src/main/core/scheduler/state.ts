/** The scheduler_state table: the scheduler's own key/value memory (sweep progress, the forecast's last refresh). */
import type Database from 'better-sqlite3';

export const schedulerState = (sqlite: Database.Database) => ({
  get: sqlite.prepare('SELECT value FROM scheduler_state WHERE key = ?').pluck(),
  put: sqlite.prepare(
    'INSERT INTO scheduler_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ),
  del: sqlite.prepare('DELETE FROM scheduler_state WHERE key = ?'),
});
