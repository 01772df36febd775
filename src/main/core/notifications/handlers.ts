/** notifications.*: the notification log, one row's detail with its message, Resend, and the export of the log. */
import { conflict, invalid, notFound } from '../../../shared/result';
import type { HandlerMap } from '../api/registry';
import { decodeCursor, encodeCursor } from '../api/cursor';
import { iso, isoOrNull } from '../clock/clock';
import { jobByKey } from '../scheduler/jobs';
import { filterWhere, NEWEST_FIRST, NOTIFICATION_SELECT, toNotification, type NotificationRow } from './query';

export const notificationHandlers: HandlerMap = {
  'notifications.list': (input, ctx) => {
    const after = decodeCursor(input.cursor);
    if (after && (after.length !== 2 || typeof after[0] !== 'number' || typeof after[1] !== 'number'))
      throw invalid('cursor', 'cursor is not one this list handed out');
    const { limit, cursor: _c, ...filter } = input;
    const w = filterWhere(filter, after as [number, number] | undefined);
    const rows = ctx.db.$client
      .prepare(`${NOTIFICATION_SELECT} ${w.sql} ${NEWEST_FIRST} LIMIT ?`)
      .all(...w.args, limit + 1) as NotificationRow[];
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    const install = ctx.settings.installId(ctx.clock.now());
    const last = items[items.length - 1];
    return {
      items: items.map((r) => toNotification(r, install)),
      nextCursor: more ? encodeCursor([last.decidedAt, last.id]) : null,
    };
  },

  'notifications.get': (input, ctx) => {
    const r = ctx.notifier.row(input.id);
    if (!r) throw notFound(`notification ${input.id} does not exist`);
    const sqlite = ctx.db.$client;
    const job = jobByKey(sqlite, `notify:${r.id}`);
    const resends = sqlite
      .prepare(`SELECT id, status, decided_at AS decidedAt FROM notifications WHERE resend_of = ? ORDER BY id`)
      .all(r.id) as Pick<NotificationRow, 'id' | 'status' | 'decidedAt'>[];
    return {
      notification: toNotification(r, ctx.settings.installId(ctx.clock.now())),
      message: ctx.notifier.message(r),
      nextAttemptAt:
        r.status === 'queued' && r.attempts > 0 && job?.status === 'queued' ? isoOrNull(job.readyAt) : null,
      resends: resends.map((x) => ({ id: x.id, status: x.status, decidedAt: iso(x.decidedAt) })),
    };
  },

  'notifications.resend': (input, ctx) => {
    const r = ctx.notifier.row(input.id);
    if (!r) throw notFound(`notification ${input.id} does not exist`);
    const recipients = JSON.parse(r.recipients) as string[];
    if (!recipients.length)
      throw conflict(
        `notification ${input.id} has nobody to send it to (no recipients were set when it was decided)`,
        'id',
      );
    const now = ctx.clock.now();
    const sqlite = ctx.db.$client;
    const info = sqlite
      .prepare(
        `INSERT INTO notifications (kind, client_id, profile_id, profile_name, rule, decided_at, status, suppressed, reason, available, threshold, currency, seq, max_qty, recipients, subject, data, resend_of)
         SELECT kind, client_id, profile_id, profile_name, rule, ?, 'queued', NULL, ?, available, threshold, currency, seq, max_qty, recipients, subject, data, id FROM notifications WHERE id = ?`,
      )
      .run(
        now,
        `Resent by ${ctx.actor} from notification ${r.id} (${r.status}${r.error ? `: ${r.error}` : ''}).`,
        r.id,
      );
    const id = Number(info.lastInsertRowid);
    ctx.notifyLog.enqueue(id, now);
    ctx.audit('notifications.resend', 'notification', r.id, { resend: id });
    ctx.emit({ topic: 'notifications', clientIds: [r.clientId] });
    return toNotification(ctx.notifier.row(id)!, ctx.settings.installId(now));
  },

  'notifications.export': (input, ctx) => {
    const { format, ...filter } = input;
    return ctx.exporter.start(format, filter);
  },
};
