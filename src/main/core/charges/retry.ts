/**
 * The staff Retry (charges.retry): a failed attempt again with its first method, one method (even cooling
 * down) for the recharge amount, or an attempt waiting for Stripe tried again at once with the same keys.
 * The attempt it writes runs as the flow's durable job; the handler is marked (runsDueWork) so that the
 * core sets the due work going as soon as its transaction has committed: a Retry charges now, not at the
 * next tick of the scheduler.
 */
import type Database from 'better-sqlite3';
import { conflict, notFound } from '../../../shared/result';
import type { Ctx } from '../api/registry';
import { methodById, liveMethod, methodLabel } from '../methods/store';
import { flowSettings } from '../recharge/settings';
import { ATTEMPT_COLUMNS, openAttempt, type Attempt } from './facts';

/**
 * An attempt (alias a) that waits for a staff Retry: it failed or needs the client, and it is its client's
 * latest attempt (nothing was tried after it). The dashboard counts these; charges.list filters by it.
 */
export const AWAITING_RETRY = `a.status IN ('failed', 'requires_action') AND a.id = (SELECT max(b.id) FROM charge_attempts b WHERE b.client_id = a.client_id)`;

/** How many clients have a last attempt awaiting Retry (the dashboard's tile; the list filters by AWAITING_RETRY). */
export const awaitingRetryCount = (sqlite: Database.Database): number =>
  sqlite.prepare(`SELECT count(*) FROM charge_attempts a WHERE ${AWAITING_RETRY}`).pluck().get() as number;

/** Whether staff may press Retry on the attempt (`clientHasOpen`: its client has an open attempt). */
export const retryable = (a: Pick<Attempt, 'status' | 'waitingSince'>, clientHasOpen: boolean): boolean =>
  ((a.status === 'failed' || a.status === 'requires_action') && !clientHasOpen) || a.waitingSince !== null;

/**
 * Inside the call's transaction: the staff Retry. Returns the id of the attempt that charges: a new one,
 * or the waiting one tried again.
 */
export function retry(ctx: Ctx, input: { attemptId?: number; methodId?: number }): number {
  const sqlite = ctx.db.$client;
  const now = ctx.clock.now();
  let clientId: number;
  let methodId: number;
  let amount: number;
  let currency: string;
  if (input.attemptId !== undefined) {
    const a = sqlite.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM charge_attempts a WHERE a.id = ?`).get(input.attemptId) as
      Attempt | undefined;
    if (!a) throw notFound(`charge attempt ${input.attemptId} does not exist`);
    if (a.waitingSince !== null) {
      // Waiting for Stripe: the same attempt, tried at once with the same keys — a new one could pay twice.
      if (!ctx.charges.tryNow(a.id, now))
        throw conflict(`attempt ${a.id} is being tried right now: wait for its answer`, 'attemptId');
      ctx.audit('charges.retry', 'client', a.clientId, {
        attempt: a.id,
        retryOf: a.id,
        tryNow: true,
        amount: a.amount,
      });
      ctx.emit({ topic: 'charges', clientIds: [a.clientId] });
      return a.id;
    }
    if (a.status !== 'failed' && a.status !== 'requires_action')
      throw conflict(`attempt ${a.id} is ${a.status}: only a failed attempt can be retried`, 'attemptId');
    const first = sqlite
      .prepare(`SELECT method_id FROM charge_tries WHERE attempt_id = ? ORDER BY id LIMIT 1`)
      .pluck()
      .get(a.id) as number | undefined;
    if (first === undefined && a.methodId === null)
      throw conflict(`attempt ${a.id} tried no payment method: retry a payment method instead`, 'attemptId');
    ({ clientId, amount, currency } = a);
    // Its first method: the one the client put first (a retry of a retry keeps its one method).
    methodId = first ?? a.methodId!;
  } else {
    const m = liveMethod(sqlite, input.methodId!);
    if (!m) throw notFound(`payment method ${input.methodId} does not exist`);
    const s = flowSettings(sqlite, m.clientId);
    if (!s)
      throw conflict('this client has no recharge amount yet: save its automatic top-up settings first', 'methodId');
    clientId = m.clientId;
    methodId = input.methodId!;
    amount = s.rechargeAmount;
    currency = s.currency;
  }
  const open = openAttempt(sqlite, clientId);
  if (open) {
    throw conflict(
      open.waitingSince !== null
        ? `a top-up for this client (attempt ${open.id}) is waiting for Stripe to answer: press Retry on that attempt to try it now`
        : 'a top-up for this client is already under way: wait for it to finish',
      input.attemptId !== undefined ? 'attemptId' : 'methodId',
    );
  }
  const label = methodLabel(methodById(sqlite, methodId)!);
  const id = ctx.charges.start(
    clientId,
    amount,
    currency,
    'retry',
    methodId,
    `Retry by ${ctx.actor} on ${label}.`,
    ctx.actor,
    now,
  );
  ctx.audit('charges.retry', 'client', clientId, {
    attempt: id,
    retryOf: input.attemptId ?? null,
    method: label,
    amount,
  });
  return id;
}
