/**
 * The Charges screen's words and filter: every auto-recharge attempt, newest first, narrowed by client,
 * status and days. The filter lives in the URL hash (#/charges?clientId=3&status=failed), so a client's page
 * links to its charges; what the core is asked (charges.list); and the staff Retry of an attempt.
 */
import type { Charge, ChannelInput } from '../../../../shared/contracts';
import { api } from '../../api/client';
import { refetch } from '../../data/useChannel';
import { dayBounds, dayStart } from '../../days';
import type { Query } from '../../stores/route';

export type ChargeStatus = Charge['status'];
export type TryStatus = Charge['tries'][number]['status'];

export const CHARGE_STATUS_LABEL: Record<ChargeStatus, string> = {
  queued: 'Pending',
  charging: 'Charging',
  processing: 'Processing',
  succeeded: 'Succeeded',
  failed: 'Failed',
  requires_action: 'Needs the client',
};

export const CHARGE_STATUS_TITLE: Record<ChargeStatus, string> = {
  queued: 'Waiting to be sent to Stripe: it counts as a pending top-up, so no second charge is made meanwhile',
  charging: 'Stripe is being asked for the payment now',
  processing: 'A bank debit that settles in days: credited only once it succeeds',
  succeeded: 'Paid and credited to the client',
  failed: 'Every method tried failed: nothing was charged or credited',
  requires_action:
    'The bank asks the client to approve the payment (3-D Secure): the client was emailed; it is not retried automatically',
};

export const CHARGE_STATUSES = Object.keys(CHARGE_STATUS_LABEL) as ChargeStatus[];

export const TRY_STATUS_LABEL: Record<TryStatus, string> = {
  started: 'Sent to Stripe',
  succeeded: 'Succeeded',
  processing: 'Processing',
  declined: 'Declined',
  requires_action: 'Needs the client',
  failed: 'Failed',
};

/** The tone of a status: its badge colour. */
export function toneOf(status: ChargeStatus | TryStatus): 'ok' | 'bad' | 'pending' | 'action' {
  if (status === 'succeeded') return 'ok';
  if (status === 'failed' || status === 'declined') return 'bad';
  if (status === 'requires_action') return 'action';
  return 'pending';
}

/** The method an attempt paid with or last tried; a failed one that tried several names the last. */
export function methodOf(c: Charge): string | null {
  return c.method ?? c.tries.at(-1)?.method ?? null;
}

/** What a Retry of the attempt charges: the first method it tried, or its one method (as charges.retry does). */
export function retryMethodOf(c: Charge): string | null {
  return c.tries[0]?.method ?? c.method ?? null;
}

/** The filter as the URL and the inputs hold it: dates are days (YYYY-MM-DD), read as UTC days. */
export interface ChargeFilter {
  clientId?: number;
  status?: ChargeStatus;
  /** Only each client's latest attempt when it failed or needs the client (#/charges?awaiting=retry, the dashboard's tile). */
  awaitingRetry?: true;
  from?: string;
  to?: string;
}

export function filterFromQuery(q: Query): ChargeFilter {
  const f: ChargeFilter = {};
  if (q.clientId && /^[1-9]\d{0,15}$/.test(q.clientId)) f.clientId = Number(q.clientId);
  if (q.status && (CHARGE_STATUSES as string[]).includes(q.status)) f.status = q.status as ChargeStatus;
  if (q.awaiting === 'retry') f.awaitingRetry = true;
  if (q.from && dayStart(q.from) !== null) f.from = q.from;
  if (q.to && dayStart(q.to) !== null) f.to = q.to;
  return f;
}

export function queryOfFilter(f: ChargeFilter): Query {
  const q: Query = {};
  if (f.clientId) q.clientId = String(f.clientId);
  if (f.status) q.status = f.status;
  if (f.awaitingRetry) q.awaiting = 'retry';
  if (f.from) q.from = f.from;
  if (f.to) q.to = f.to;
  return q;
}

type ListInput = Omit<NonNullable<ChannelInput<'charges.list'>>, 'limit' | 'cursor'>;

export function apiFilter(f: ChargeFilter): ListInput {
  const out: ListInput = {};
  if (f.clientId) out.clientId = f.clientId;
  if (f.status) out.status = f.status;
  if (f.awaitingRetry) out.awaitingRetry = true;
  return { ...out, ...dayBounds(f.from, f.to) };
}

export const filterKey = (f: ChargeFilter) => JSON.stringify(queryOfFilter(f));
export const isFiltered = (f: ChargeFilter) => Object.keys(queryOfFilter(f)).length > 0;

/** Charges a failed attempt again now (staff action, audited): the new attempt, or throws what the core said. */
export async function retryCharge(attemptId: number): Promise<Charge> {
  const c = await api().call('charges.retry', { attemptId });
  void refetch('charges.list');
  return c;
}
