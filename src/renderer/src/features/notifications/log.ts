/**
 * The notification log's filter, which lives in the URL hash so a filtered view can be linked: read from
 * the URL, written back to it, and what the core is asked (notifications.list); and the Resend of one.
 */
import type { Notification, NotificationFilter, NotificationKind } from '../../../../shared/contracts';
import { api } from '../../api/client';
import { dayBounds, dayStart } from '../../days';
import { KINDS, STATUSES, type NotificationStatus } from './labels';
import type { Query } from '../../stores/route';

/** The filter as the URL and the inputs hold it: dates are days (YYYY-MM-DD), read as UTC days. */
export interface LogFilter {
  clientId?: number;
  kind?: NotificationKind;
  status?: NotificationStatus;
  /** The first day shown. */
  from?: string;
  /** The last day shown (whole). */
  to?: string;
}

export function filterFromQuery(q: Query): LogFilter {
  const f: LogFilter = {};
  if (q.clientId && /^[1-9]\d{0,15}$/.test(q.clientId)) f.clientId = Number(q.clientId);
  if (q.kind && (KINDS as string[]).includes(q.kind)) f.kind = q.kind as NotificationKind;
  if (q.status && (STATUSES as string[]).includes(q.status)) f.status = q.status as NotificationStatus;
  if (q.from && dayStart(q.from) !== null) f.from = q.from;
  if (q.to && dayStart(q.to) !== null) f.to = q.to;
  return f;
}

export function queryOfFilter(f: LogFilter): Query {
  const q: Query = {};
  if (f.clientId) q.clientId = String(f.clientId);
  if (f.kind) q.kind = f.kind;
  if (f.status) q.status = f.status;
  if (f.from) q.from = f.from;
  if (f.to) q.to = f.to;
  return q;
}

/** What the core is asked: the days as UTC bounds, "to" being the midnight after the last day. */
export function apiFilter(f: LogFilter): NotificationFilter {
  const out: NotificationFilter = {};
  if (f.clientId) out.clientId = f.clientId;
  if (f.kind) out.kind = f.kind;
  if (f.status) out.status = f.status;
  return { ...out, ...dayBounds(f.from, f.to) };
}

export { dayStart };

export const filterKey = (f: LogFilter) => JSON.stringify(queryOfFilter(f));
export const isFiltered = (f: LogFilter) => Object.keys(queryOfFilter(f)).length > 0;

/** Sends a notification again: the new row, or throws what the core said. */
export const resend = (id: number): Promise<Notification> => api().call('notifications.resend', { id });
