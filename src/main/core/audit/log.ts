/**
 * Reading the audit log: one filter (subject, actor, date range) shared by audit.list and audit.export,
 * newest first by id with keyset paging; and one entry as the list and the JSON export show it, or as a
 * CSV record (the detail as its JSON text). Also who last changed a thing, for the conflict a form saved over
 * a newer version gets.
 */
import type Database from 'better-sqlite3';
import type { AuditFilter, AuditRow } from '../../../shared/contracts';
import { csvRecord } from '../../../shared/csv';
import { conflict, invalid } from '../../../shared/result';
import { decodeCursor, encodeCursor } from '../api/cursor';
import { iso } from '../clock/clock';
import { preparedOnce } from '../db/statements';

/** The audit insert: it runs in every mutating call, in its transaction (api/registry.ts). */
export const auditInsert = (sqlite: Database.Database) =>
  preparedOnce(
    sqlite,
    'INSERT INTO audit_log (at, actor, action, subject_type, subject_id, detail, desk) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );

export interface AuditRaw {
  id: number;
  at: number;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: number | null;
  detail: string;
  desk: string | null;
}

export const AUDIT_CSV_HEADER = [
  'id',
  'at',
  'actor',
  'action',
  'subject_type',
  'subject_id',
  'detail',
  'desk',
] as const;

/** Where a read starts and stops: below `after` (the last id read), up to `upTo` (an export's snapshot). */
export interface AuditBounds {
  after?: number | null;
  upTo?: number;
}

/** The WHERE of a filter within bounds, and its arguments; a range that ends before it starts is refused naming `to`. */
export function auditWhere(f: AuditFilter, b: AuditBounds = {}): { sql: string; args: (string | number)[] } {
  const from = f.from ? Date.parse(f.from) : null;
  const to = f.to ? Date.parse(f.to) : null;
  if (from !== null && to !== null && to <= from) throw invalid('to', 'to must be after from');
  const terms: [string, string | number | null | undefined][] = [
    ['subject_type = ?', f.subjectType || null],
    ['subject_id = ?', f.subjectId],
    ['actor = ?', f.actor || null],
    ['at >= ?', from],
    ['at < ?', to],
    ['id <= ?', b.upTo],
    ['id < ?', b.after],
  ];
  const used = terms.filter((t): t is [string, string | number] => t[1] !== null && t[1] !== undefined);
  return { sql: used.length ? `WHERE ${used.map((t) => t[0]).join(' AND ')}` : '', args: used.map((t) => t[1]) };
}

/** Up to `limit` entries of the filter within bounds, newest first. */
export function readAudit(db: Database.Database, f: AuditFilter, b: AuditBounds, limit: number): AuditRaw[] {
  const w = auditWhere(f, b);
  return db
    .prepare(
      `SELECT id, at, actor, action, subject_type, subject_id, detail, desk FROM audit_log ${w.sql} ORDER BY id DESC LIMIT ?`,
    )
    .all(...w.args, limit) as AuditRaw[];
}

export function countAudit(db: Database.Database, f: AuditFilter, b: AuditBounds): number {
  const w = auditWhere(f, b);
  return db
    .prepare(`SELECT count(*) FROM audit_log ${w.sql}`)
    .pluck()
    .get(...w.args) as number;
}

export const toAuditRow = (r: AuditRaw): AuditRow => ({
  id: r.id,
  at: iso(r.at),
  actor: r.actor,
  action: r.action,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
  desk: r.desk,
});

/** One entry as the CSV export writes it: every cell through csvField (quoted as needed, never a formula). */
export const auditCsvRow = (r: AuditRaw): string =>
  csvRecord([r.id, iso(r.at), r.actor, r.action, r.subject_type, r.subject_id, r.detail, r.desk]);

/** One page of audit.list, with the cursor of the next. */
export function auditPage(
  db: Database.Database,
  input: AuditFilter & { limit: number; cursor?: string },
): { items: AuditRow[]; nextCursor: string | null } {
  const after = decodeCursor(input.cursor);
  const rows = readAudit(db, input, { after: after ? Number(after[0]) : null }, input.limit + 1);
  const items = rows.slice(0, input.limit).map(toAuditRow);
  return { items, nextCursor: rows.length > input.limit ? encodeCursor([items[items.length - 1].id]) : null };
}

/** Who changed a thing last and when (ms): the newest audit entry of the subject, of one of `actions`. */
export interface LastChange {
  actor: string;
  at: number;
}

export function lastChangeOf(
  sqlite: Database.Database,
  subjectType: string,
  subjectId: number | null,
  actions: readonly string[],
): LastChange | null {
  // subject_id IS ?: the settings' entries have none; IS uses the audit_subject index as = does.
  const r = sqlite
    .prepare(
      `SELECT actor, at FROM audit_log WHERE subject_type = ? AND subject_id IS ? AND action IN (${actions.map(() => '?').join(', ')})
       ORDER BY id DESC LIMIT 1`,
    )
    .get(subjectType, subjectId, ...actions) as LastChange | undefined;
  return r ?? null;
}

/** A thing a form edits, as its conflict names it: "this client", its audit subject and the actions that change it. */
export interface Edited {
  what: string;
  subjectType: string;
  subjectId: number | null;
  actions: readonly string[];
}

/**
 * The conflict of a save over a newer version (field `version` unless the input names it otherwise), in
 * words: "Maria Lopez <maria@acme.test> changed this client on 2026-11-01 at 14:02 UTC, after you opened
 * it: reload to see the change, then save again".
 */
export function staleConflict(sqlite: Database.Database, thing: Edited, field = 'version') {
  const last = lastChangeOf(sqlite, thing.subjectType, thing.subjectId, thing.actions);
  const at = last ? iso(last.at) : '';
  const who = last
    ? `${last.actor} changed ${thing.what} on ${at.slice(0, 10)} at ${at.slice(11, 16)} UTC`
    : `Someone changed ${thing.what}`;
  return conflict(`${who}, after you opened it: reload to see the change, then save again`, field);
}

/** Refuses a save whose `given` version (when there is one) is not the `current` one. */
export function assertCurrent(sqlite: Database.Database, given: number | undefined, current: number, thing: Edited) {
  if (given !== undefined && given !== current) throw staleConflict(sqlite, thing);
}
