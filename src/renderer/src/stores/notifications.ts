/**
 * The notification log: the filter (which lives in the URL hash, so a filtered view can be linked), the
 * pages loaded so far, newest first, paged with the core's keyset cursor as the user scrolls; and the
 * notification on its page.
 */
import { create } from 'zustand';
import type { ChannelOutput, Notification, NotificationFilter, NotificationKind } from '../../../shared/contracts';
import { api, ApiError } from '../api/client';
import { messageOf } from '../api/errors';
import { KINDS, STATUSES, type NotificationStatus } from '../notify-labels';
import { dayBounds, dayStart } from './days';
import { createFilteredList } from './paged';
import type { Query } from './route';

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

export const useNotificationLog = createFilteredList<Notification, LogFilter, ChannelOutput<'notifications.list'>>(
  (f, limit, cursor) => api().call('notifications.list', { ...apiFilter(f), limit, cursor }),
  filterKey,
);

export type NotificationDetail = ChannelOutput<'notifications.get'>;

interface DetailState {
  id: number | null;
  detail: NotificationDetail | null;
  error: string | null;
  notFound: boolean;
  open(id: number): Promise<void>;
  reload(): Promise<void>;
  /** Sends it again: the new row, or throws what the core said. */
  resend(): Promise<Notification>;
}

export const useNotificationDetail = create<DetailState>((set, get) => ({
  id: null,
  detail: null,
  error: null,
  notFound: false,
  async open(id) {
    if (get().id !== id) set({ id, detail: null, error: null, notFound: false });
    await get().reload();
  },
  async reload() {
    const id = get().id;
    if (id === null) return;
    try {
      const detail = await api().call('notifications.get', { id });
      if (get().id === id) set({ detail, error: null, notFound: false });
    } catch (e) {
      if (get().id !== id) return;
      if (e instanceof ApiError && e.kind === 'not_found') set({ detail: null, notFound: true, error: null });
      else set({ error: messageOf(e) });
    }
  },
  async resend() {
    const id = get().id;
    if (id === null) throw new Error('no notification is open');
    return api().call('notifications.resend', { id });
  },
}));
