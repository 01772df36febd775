/**
 * The audit log: who did what to which record, and when. The filter (days, subject, actor) lives in the
 * URL hash (#/audit?subjectType=client&subjectId=3), so a filtered view can be linked; the list is paged
 * with the core's keyset cursor as the user scrolls, newest first, and re-read on 'audit' change events.
 */
import type { AuditFilter, AuditRow } from '../../../../shared/contracts';
import { dayBounds, dayStart } from '../../days';
import type { Query } from '../../stores/route';

/** The kinds of record the core audits (ctx.audit's subject types). */
export const SUBJECT_TYPES = ['client', 'reseller', 'staff', 'profile', 'notification', 'settings'] as const;

export const SUBJECT_LABEL: Record<string, string> = {
  client: 'Clients',
  reseller: 'Resellers',
  staff: 'Staff',
  profile: 'Low balance profiles',
  notification: 'Notifications',
  settings: 'Settings',
};

/** The filter as the URL and the inputs hold it: dates are days (YYYY-MM-DD), read as UTC days. */
export interface AuditLogFilter {
  subjectType?: string;
  subjectId?: number;
  actor?: string;
  from?: string;
  to?: string;
}

const ID = /^[1-9]\d{0,15}$/;

export function filterFromQuery(q: Query): AuditLogFilter {
  const f: AuditLogFilter = {};
  if (q.subjectType && /^[a-z_]{1,40}$/.test(q.subjectType)) f.subjectType = q.subjectType;
  if (q.subjectId && ID.test(q.subjectId)) f.subjectId = Number(q.subjectId);
  if (q.actor && q.actor.trim()) f.actor = q.actor.trim().slice(0, 320);
  if (q.from && dayStart(q.from) !== null) f.from = q.from;
  if (q.to && dayStart(q.to) !== null) f.to = q.to;
  return f;
}

/** The parts of a filter, in the order the URL holds them (so one filter always has one key). */
const PARTS = ['subjectType', 'subjectId', 'actor', 'from', 'to'] as const;

export function queryOfFilter(f: AuditLogFilter): Query {
  return Object.fromEntries(PARTS.filter((k) => f[k]).map((k) => [k, String(f[k])]));
}

/** What the core is asked: the days as UTC bounds, "to" being the midnight after the last day. */
export function apiFilter(f: AuditLogFilter): AuditFilter {
  const { from, to, ...rest } = filterFromQuery(queryOfFilter(f));
  return { ...rest, ...dayBounds(from, to) };
}

export const filterKey = (f: AuditLogFilter) => JSON.stringify(queryOfFilter(f));
export const isFiltered = (f: AuditLogFilter) => Object.keys(queryOfFilter(f)).length > 0;

/** "client #3", "settings". */
export const subjectOf = (r: Pick<AuditRow, 'subjectType' | 'subjectId'>) =>
  r.subjectId === null ? r.subjectType : `${r.subjectType} #${r.subjectId}`;

/** One value of a detail in words: text as it is, other values as JSON. */
const valueText = (v: unknown) =>
  typeof v === 'string' ? (v === '' ? '""' : v) : v === undefined ? '—' : JSON.stringify(v);

/** A detail on one line: "entryId 12 · amount -250 · description Goodwill credit". */
export function detailLine(detail: Record<string, unknown>): string {
  const parts = Object.entries(detail).map(([k, v]) => `${k} ${valueText(v)}`.replace(/\s+/g, ' '));
  return parts.length ? parts.join(' · ') : '—';
}
