/** Channels of the notification log, the mail settings and the outbox folder. */
import { conflict, invalid, notFound } from '../../../shared/result';
import type { HandlerMap } from '../api/registry';
import { decodeCursor, encodeCursor } from '../api/cursor';
import { iso, isoOrNull } from '../clock/clock';
import { filterWhere, NEWEST_FIRST, NOTIFICATION_SELECT, toNotification, type NotificationRow } from './query';

export const notifyHandlers: HandlerMap = {
  'notifications.list': (input, ctx) => {
    const after = decodeCursor(input.cursor);
    if (after && (after.length !== 2 || typeof after[0] !== 'number' || typeof after[1] !== 'number')) throw invalid('cursor', 'cursor is not one this list handed out');
    const { limit, cursor: _c, ...filter } = input;
    const w = filterWhere(filter, after as [number, number] | undefined);
    const rows = ctx.db.$client.prepare(`${NOTIFICATION_SELECT} ${w.sql} ${NEWEST_FIRST} LIMIT ?`).all(...w.args, limit + 1) as NotificationRow[];
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    const install = ctx.settings.installId(ctx.clock.now());
    const last = items[items.length - 1];
    return { items: items.map((r) => toNotification(r, install)), nextCursor: more ? encodeCursor([last.decided_at, last.id]) : null };
  },

  'notifications.get': (input, ctx) => {
    const r = ctx.notifier.row(input.id);
    if (!r) throw notFound(`notification ${input.id} does not exist`);
    const sqlite = ctx.db.$client;
    const job = sqlite.prepare(`SELECT status, ready_at FROM jobs WHERE key = ?`).get(`notify:${r.id}`) as { status: string; ready_at: number } | undefined;
    const resends = sqlite.prepare(`SELECT id, status, decided_at FROM notifications WHERE resend_of = ? ORDER BY id`).all(r.id) as { id: number; status: NotificationRow['status']; decided_at: number }[];
    return {
      notification: toNotification(r, ctx.settings.installId(ctx.clock.now())),
      message: ctx.notifier.message(r),
      nextAttemptAt: r.status === 'queued' && r.attempts > 0 && job?.status === 'queued' ? isoOrNull(job.ready_at) : null,
      resends: resends.map((x) => ({ id: x.id, status: x.status, decidedAt: iso(x.decided_at) })),
    };
  },

  'notifications.resend': (input, ctx) => {
    const r = ctx.notifier.row(input.id);
    if (!r) throw notFound(`notification ${input.id} does not exist`);
    const recipients = JSON.parse(r.recipients) as string[];
    if (!recipients.length) throw conflict(`notification ${input.id} has nobody to send it to (no recipients were set when it was decided)`, 'id');
    const now = ctx.clock.now();
    const sqlite = ctx.db.$client;
    const info = sqlite
      .prepare(
        `INSERT INTO notifications (kind, client_id, profile_id, profile_name, rule, decided_at, status, suppressed, reason, available, threshold, currency, seq, max_qty, recipients, subject, data, resend_of)
         SELECT kind, client_id, profile_id, profile_name, rule, ?, 'queued', NULL, ?, available, threshold, currency, seq, max_qty, recipients, subject, data, id FROM notifications WHERE id = ?`,
      )
      .run(now, `Resent by ${ctx.actor} from notification ${r.id} (${r.status}${r.error ? `: ${r.error}` : ''}).`, r.id);
    const id = Number(info.lastInsertRowid);
    ctx.notifyLog.enqueue(id, now);
    ctx.audit('notifications.resend', 'notification', r.id, { resend: id });
    ctx.emit({ topic: 'notifications', clientIds: [r.client_id] });
    return toNotification(ctx.notifier.row(id)!, ctx.settings.installId(now));
  },

  'mail.get': (_input, ctx) => ctx.notifier.mailSettings(),

  'mail.set': (input, ctx) => {
    const detail = ctx.notifier.setSmtp(input.smtp, ctx.clock.now());
    ctx.audit('mail.set', 'settings', null, detail);
    ctx.emit({ topic: 'mail' });
    return ctx.notifier.mailSettings();
  },

  'mail.test': (input, ctx) => ctx.notifier.test(input.to, input.smtp),

  'outbox.list': (input, ctx) => {
    const at = decodeCursor(input.cursor);
    const offset = at ? Number(at[0]) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw invalid('cursor', 'cursor is not one this list handed out');
    const files = ctx.notifier.outboxFiles();
    const slice = files.slice(offset, offset + input.limit);
    return {
      items: slice.map((f) => ctx.notifier.outboxItem(f)),
      nextCursor: offset + input.limit < files.length ? encodeCursor([offset + input.limit]) : null,
      dir: ctx.notifier.mailSettings().outboxDir,
      total: files.length,
    };
  },

  'outbox.get': (input, ctx) => {
    const found = ctx.notifier.readOutbox(input.file);
    if (!found) throw notFound(`there is no ${input.file} in the outbox folder`);
    return { ...found.item, eml: found.eml };
  },
};
