/**
 * Reading the notification log: one filter (client, kind, status, date range) shared by the list screen
 * and the export, newest first by (decided_at, id) with keyset paging, so every page costs the same at
 * row 1,000,000 as at row 1 — each filter has an index that ends in (decided_at, id).
 */
import { randomBytes } from 'node:crypto';
import type { Notification, NotificationFilter } from '../../../shared/contracts';
import { invalid } from '../../../shared/result';
import { iso, isoOrNull } from '../clock/clock';

export interface NotificationRow {
  id: number;
  kind: Notification['kind'];
  client_id: number;
  client_name: string;
  client_ref: string;
  profile_id: number | null;
  profile_name: string | null;
  rule: Notification['rule'];
  decided_at: number;
  status: Notification['status'];
  suppressed: Notification['suppressed'];
  reason: string;
  available: number | null;
  threshold: number | null;
  currency: string;
  seq: number | null;
  max_qty: number | null;
  recipients: string;
  subject: string;
  data: string;
  attempts: number;
  error: string | null;
  sent_at: number | null;
  via: Notification['via'];
  resend_of: number | null;
}

export const NOTIFICATION_SELECT = `SELECT n.*, c.name AS client_name, c.external_ref AS client_ref FROM notifications n JOIN clients c ON c.id = n.client_id`;

/** The Message-ID of a notification's email: derived from its id and the ledger's install id, so stable across retries. */
export const messageIdOf = (id: number, installId: string) => `<notification-${id}.${installId}@balance-desk>`;

/**
 * A test email's Message-ID: unique however many are sent in one millisecond (RFC 5322; a receiver that
 * drops duplicates would drop the second), by a random part beside the time. Its outbox file is named after it.
 */
export const testMessageId = (now: number, installId: string, token = randomBytes(6).toString('hex')) => `<test-${now}.${token}.${installId}@balance-desk>`;


export function toNotification(r: NotificationRow, installId: string): Notification {
  return {
    id: r.id,
    kind: r.kind,
    clientId: r.client_id,
    clientName: r.client_name,
    clientRef: r.client_ref,
    profileId: r.profile_id,
    profileName: r.profile_name,
    rule: r.rule,
    decidedAt: iso(r.decided_at),
    status: r.status,
    suppressed: r.suppressed,
    reason: r.reason,
    available: r.available,
    threshold: r.threshold,
    currency: r.currency,
    seq: r.seq,
    maxQty: r.max_qty,
    recipients: JSON.parse(r.recipients) as string[],
    subject: r.subject,
    attempts: r.attempts,
    error: r.error,
    sentAt: isoOrNull(r.sent_at),
    via: r.via,
    resendOf: r.resend_of,
    messageId: messageIdOf(r.id, installId),
  };
}

/** The WHERE clause of a filter, and a keyset position to continue after (the last row's decided_at and id). */
export function filterWhere(f: NotificationFilter, after?: readonly [number, number]): { sql: string; args: (string | number)[] } {
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
