/**
 * Reading the notification log: one filter (client, kind, status, date range) shared by the list screen
 * and the export, newest first by (decided_at, id) with keyset paging, so every page costs the same at
 * row 1,000,000 as at row 1 — each filter has an index that ends in (decided_at, id).
 */
import { randomBytes } from 'node:crypto';
import type { Notification, NotificationFilter } from '../../../shared/contracts';
import { invalid } from '../../../shared/result';
import { iso, isoOrNull } from '../clock/clock';
import type Database from 'better-sqlite3';
import type { clients, notifications } from '../db/schema';
import type { MarkerGroup, MarkerSlices } from '../ledger/marker-group';

/** A log row as the schema has it, with its client's name and reference. */
export type NotificationRow = typeof notifications.$inferSelect & {
  clientName: (typeof clients.$inferSelect)['name'];
  clientRef: (typeof clients.$inferSelect)['externalRef'];
};

/** A log row's columns under the schema's names, from the table aliased `n` joined to its client `c`. */
export const NOTIFICATION_SELECT = `SELECT n.id AS id, n.kind AS kind, n.client_id AS clientId, n.profile_id AS profileId, n.profile_name AS profileName, n.rule AS rule,
  n.decided_at AS decidedAt, n.status AS status, n.suppressed AS suppressed, n.reason AS reason, n.available AS available, n.threshold AS threshold,
  n.currency AS currency, n.seq AS seq, n.max_qty AS maxQty, n.recipients AS recipients, n.subject AS subject, n.data AS data, n.attempts AS attempts,
  n.error AS error, n.sent_at AS sentAt, n.via AS via, n.resend_of AS resendOf, c.name AS clientName, c.external_ref AS clientRef
  FROM notifications n JOIN clients c ON c.id = n.client_id`;

/** The Message-ID of a notification's email: derived from its id and the ledger's install id, so stable across retries. */
export const messageIdOf = (id: number, installId: string) => `<notification-${id}.${installId}@balance-desk>`;

/**
 * A test email's Message-ID: unique however many are sent in one millisecond (RFC 5322; a receiver that
 * drops duplicates would drop the second), by a random part beside the time. Its outbox file is named after it.
 */
export const testMessageId = (now: number, installId: string, token = randomBytes(6).toString('hex')) =>
  `<test-${now}.${token}.${installId}@balance-desk>`;

export function toNotification(r: NotificationRow, installId: string): Notification {
  return {
    id: r.id,
    kind: r.kind,
    clientId: r.clientId,
    clientName: r.clientName,
    clientRef: r.clientRef,
    profileId: r.profileId,
    profileName: r.profileName,
    rule: r.rule,
    decidedAt: iso(r.decidedAt),
    status: r.status,
    suppressed: r.suppressed,
    reason: r.reason,
    available: r.available,
    threshold: r.threshold,
    currency: r.currency,
    seq: r.seq,
    maxQty: r.maxQty,
    recipients: JSON.parse(r.recipients) as string[],
    subject: r.subject,
    attempts: r.attempts,
    error: r.error,
    sentAt: isoOrNull(r.sentAt),
    via: r.via,
    resendOf: r.resendOf,
    messageId: messageIdOf(r.id, installId),
  };
}

/** The WHERE clause of a filter, and a keyset position to continue after (the last row's decided_at and id). */
export function filterWhere(
  f: NotificationFilter,
  after?: readonly [number, number],
): { sql: string; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (f.clientId != null) {
    where.push('n.client_id = ?');
    args.push(f.clientId);
  }
  if (f.kind) {
    where.push('n.kind = ?');
    args.push(f.kind);
  }
  if (f.status) {
    where.push('n.status = ?');
    args.push(f.status);
  }
  const from = f.from ? Date.parse(f.from) : null;
  const to = f.to ? Date.parse(f.to) : null;
  if (from !== null && to !== null && to <= from) throw invalid('to', 'to must be after from');
  if (from !== null) {
    where.push('n.decided_at >= ?');
    args.push(from);
  }
  if (to !== null) {
    where.push('n.decided_at < ?');
    args.push(to);
  }
  if (after) {
    where.push('(n.decided_at, n.id) < (?, ?)');
    args.push(after[0], after[1]);
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

export const NEWEST_FIRST = 'ORDER BY n.decided_at DESC, n.id DESC';

/** A client's notifications (not the suppressed ones) in [from, to], one group per slice, for its balance chart. */
export function noteGroups(sqlite: Database.Database, args: MarkerSlices): MarkerGroup[] {
  return sqlite
    .prepare(
      `SELECT min(decided_at) AS t0, max(decided_at) AS t1, count(*) AS n, NULL AS amount, min(id) AS id, min(subject) || ' (' || min(status) || ')' AS text
       FROM notifications WHERE client_id = @client AND decided_at >= @from AND decided_at <= @to AND status != 'suppressed'
       GROUP BY (decided_at - @origin) / @mw ORDER BY t0`,
    )
    .all(args) as MarkerGroup[];
}
