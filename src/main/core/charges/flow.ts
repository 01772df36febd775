/**
 * The charge flow, durable in the scheduler (PRODUCT.md §3–§4).
 *
 * 1. In the transaction of the entry that lowered a balance (or when settings are saved): mode auto and
 *    on, available strictly below the trigger, no open attempt (an open one is the pending top-up), the
 *    daily cap not used up → an attempt row for one charge that closes the gap, and its `charge` job.
 * 2. The job tries the client's auto-charge methods in priority order, skipping those cooling down. For
 *    each it first writes a try row with the idempotency key (`bd-<install>-a<attempt>-m<method>`), then
 *    asks Stripe for an off-session PaymentIntent with that key. A crash, timeout or lost answer throws,
 *    the job runs again and sends the same key: Stripe answers with the same PaymentIntent.
 * 3. Succeeded: in one transaction, the top_up entry (external id = the PaymentIntent, so one credit per
 *    payment whatever happens), the attempt and try closed, the method's cooldown ended, the receipt queued.
 *    Declined / insufficient funds / expired: the method cools down for 48 hours, the client is told, the
 *    next method is tried. Authentication required: the client is emailed (they must act), no more tries.
 *    Processing (a bank debit): the attempt stays open — pending — and a poll job asks Stripe later; the
 *    ledger is credited only when it succeeded. All methods failed: staff and client are told.
 * 4. Every attempt ends. Stripe refusing the request itself (a method detached at Stripe, a customer gone,
 *    the key refused) is an answer: the method fails over, or the attempt fails, in words, with everyone
 *    told and Retry possible. Stripe not answering (unreachable, 5xx, rate-limited) is not: the attempt
 *    waits for Stripe (`waiting_since`), its job tries again every few minutes without using up its tries,
 *    staff are told once after an hour, and Retry tries at once. A try whose answer was never seen is looked
 *    up at Stripe (the customer's PaymentIntents, matched by the key in their metadata) before its key is
 *    sent again: Stripe forgets idempotency keys after 24 hours, and the desk may have been closed longer.
 */
import type Database from 'better-sqlite3';
import type Stripe from 'stripe';
import type { ChangeEvent } from '../../../shared/contracts';
import { formatMoney, POINTS } from '../../../shared/money';
import { planCharge } from '../../../shared/recharge';
import { DAY_MS } from '../../../shared/forecast';
import type { Clock } from '../clock/clock';
import { partyReader } from '../clients/store';
import type { BalanceRow, Ledger } from '../ledger/post';
import { whenText as at, type NotificationLog } from '../notifications/log';
import { backoff, TransientJobError, type Job, type JobQueue, type JobResult } from '../scheduler/jobs';
import type { SettingsStore } from '../settings/store';
import { clearCooldown, COOLDOWN_WORDS, cooldownsEndedBetween, setCooldown } from '../methods/cooldown';
import { customerOf, methodById, methodLabel, type ChargeMethod } from '../methods/store';
import { autoBelowTrigger, flowSettingsReader, setAlerted, type FlowSettings } from '../recharge/settings';
import { stripeErrorWords, type Payments } from '../stripe/service';
import {
  ATTEMPT_COLUMNS,
  chargeableMethods,
  chargedLast24h,
  hasOpenAttempt,
  heldBack,
  primaryOff,
  type Attempt,
  type Try,
} from './facts';

export const CHARGE_JOB = 'charge';
export const POLL_JOB = 'charge.poll';
/** How often a bank debit that is still processing is asked about. */
export const POLL_MS = 15 * 60_000;
/** How often the periodic recharge check looks at the clients below their trigger. */
export const CHECK_EVERY_MS = 5 * 60_000;
/** While Stripe does not answer, a charge is tried again at least this often… */
export const WAIT_RETRY_MAX_MS = 15 * 60_000;
/** …and staff are told once when it has waited this long. */
export const WAIT_NOTICE_MS = 60 * 60_000;
/** How far before a try a PaymentIntent it may have made is looked for (the desk's clock and Stripe's may differ). */
const LOOKUP_MARGIN_S = 24 * 3600;

type TryRow = Pick<Try, 'id' | 'idempotencyKey' | 'status' | 'createdAt'>;

/**
 * What a Stripe error means for a charge: `wait` — no answer about the payment (unreachable, a 5xx, a rate
 * limit, a request still in flight): try again later with the same key; `method` — Stripe refused this
 * payment method (detached, unusable): fail over to the next; `attempt` — Stripe refused the request as
 * such (the key, the customer, the amount): no method can pass, the attempt fails. Card declines (402) are
 * handled before this. Anything that is not a Stripe error is `null`: a fault of ours, retried by the job.
 */
export function chargeErrorKind(e: unknown): 'wait' | 'method' | 'attempt' | null {
  const err = e as { type?: string; statusCode?: number; code?: string; param?: string };
  switch (err.type) {
    case 'StripeConnectionError':
    case 'StripeAPIError':
    case 'StripeRateLimitError':
      return 'wait';
    case 'StripeAuthenticationError':
    case 'StripePermissionError':
    case 'StripeIdempotencyError':
      return 'attempt';
    case 'StripeInvalidRequestError':
      // 409: another request with the same key is still running at Stripe (a timed-out one); ask again.
      if (err.statusCode === 409 || err.code === 'lock_timeout' || err.code === 'idempotency_key_in_use') return 'wait';
      return err.param === 'payment_method' ||
        /^payment_method_|^payment_intent_incompatible_payment_method$/.test(err.code ?? '')
        ? 'method'
        : 'attempt';
    default:
      if (typeof err.type === 'string' && err.type.startsWith('Stripe'))
        return (err.statusCode ?? 0) >= 500 ? 'wait' : 'attempt';
      return null;
  }
}

/** Stripe's refusal of a request (not a decline) in words: its first sentence, and its code. */
function refusalWords(e: unknown): string {
  const err = e as { type?: string; code?: string; message?: string };
  if (err.type === 'StripeInvalidRequestError') {
    const first = (err.message ?? '').split(/(?<=\.)\s/)[0] || 'Stripe refused the request';
    return `Stripe refused it${err.code ? ` (${err.code})` : ''}: ${first}`;
  }
  return stripeErrorWords(e);
}

/** Stripe's decline codes in words. */
const DECLINE_WORDS: Record<string, string> = {
  insufficient_funds: 'insufficient funds',
  expired_card: 'the card has expired',
  card_declined: 'the bank declined the card',
  generic_decline: 'the bank declined the card',
  do_not_honor: 'the bank declined the card',
  lost_card: 'the card was reported lost',
  stolen_card: 'the card was reported stolen',
  incorrect_cvc: 'the security code is wrong',
  processing_error: 'the bank could not process it',
  authentication_required: 'the bank asks the client to approve the payment',
  account_closed: 'the bank account is closed',
  no_account: 'the bank account does not exist',
  debit_not_authorized: 'the client did not authorise the debit',
  insufficient_funds_ach: 'insufficient funds',
};

export function failureWords(
  code: string | null | undefined,
  decline: string | null | undefined,
  message?: string | null,
): string {
  return DECLINE_WORDS[decline ?? ''] ?? DECLINE_WORDS[code ?? ''] ?? message ?? 'the payment failed';
}

export interface ChargesOptions {
  sqlite: Database.Database;
  clock: Clock;
  jobs: JobQueue;
  ledger: Ledger;
  notifyLog: NotificationLog;
  payments: Payments;
  settings: SettingsStore;
  emit(e: ChangeEvent): void;
}

export class Charges {
  private readonly s;
  /** The settings read in every post (recharge/settings.ts). */
  private readonly readSettings;
  /** Who is told of a charge: the client's billing email and the reseller's (clients/store.ts). */
  private readonly party;
  private lastCheck: number | null = null;
  private closed = false;

  constructor(private readonly o: ChargesOptions) {
    const q = (sql: string) => o.sqlite.prepare(sql);
    this.readSettings = flowSettingsReader(o.sqlite);
    this.party = partyReader(o.sqlite);
    this.s = {
      setWaiting: q(
        `UPDATE charge_attempts SET status = 'charging', reason = ?, waiting_since = coalesce(waiting_since, ?), updated_at = ? WHERE id = ?`,
      ),
      insertAttempt: q(
        `INSERT INTO charge_attempts (client_id, amount, currency, origin, status, method_id, reason, created_at, updated_at, actor) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)`,
      ),
      attempt: q(`SELECT ${ATTEMPT_COLUMNS} FROM charge_attempts a WHERE a.id = ?`),
      // Any answer from Stripe ends the wait.
      setAttempt: q(
        `UPDATE charge_attempts SET status = ?, reason = ?, payment_intent = coalesce(?, payment_intent), method_id = coalesce(?, method_id), waiting_since = NULL, updated_at = ? WHERE id = ?`,
      ),
      creditAttempt: q(
        `UPDATE charge_attempts SET status = 'succeeded', reason = ?, payment_intent = ?, method_id = ?, entry_id = ?, waiting_since = NULL, updated_at = ? WHERE id = ?`,
      ),
      try: q(
        `SELECT id, idempotency_key AS idempotencyKey, status, created_at AS createdAt FROM charge_tries WHERE attempt_id = ? AND method_id = ?`,
      ),
      triedMethod: q(`UPDATE charge_attempts SET method_id = ? WHERE id = ?`),
      insertTry: q(
        `INSERT INTO charge_tries (attempt_id, method_id, idempotency_key, status, created_at, updated_at) VALUES (?, ?, ?, 'started', ?, ?)`,
      ),
      setTry: q(
        `UPDATE charge_tries SET status = ?, payment_intent = coalesce(?, payment_intent), code = ?, decline_code = ?, message = ?, updated_at = ? WHERE id = ?`,
      ),
    };
    o.jobs.register(CHARGE_JOB, (job) => this.run(job));
    o.jobs.register(POLL_JOB, (job) => this.poll(job));
  }

  /**
   * Inside the caller's transaction: the alert threshold (notify only and automatic top-up). The client is
   * emailed once when the available balance falls below it; back at or above it, the next fall emails again.
   */
  alert(clientId: number, balance: Pick<BalanceRow, 'available'>, now: number, row?: FlowSettings | null): void {
    const r = row === undefined ? this.read(clientId) : row;
    if (!r || r.alertThreshold === null) return;
    if (balance.available >= r.alertThreshold) {
      if (r.alertedAt !== null) setAlerted(this.o.sqlite, clientId, null);
      return;
    }
    if (r.alertedAt !== null || r.mode === 'off' || !r.enabled) return;
    const m = (v: number) => formatMoney(v, r.currency, { locale: 'en-US' });
    this.o.notifyLog.message({
      kind: 'low_balance_client',
      clientId,
      now,
      available: balance.available,
      threshold: r.alertThreshold,
      reason: `Available ${m(balance.available)} is below the alert threshold of ${m(r.alertThreshold)} in the client's top-up settings: emailed once until the balance is back at or above it.`,
      data: {},
    });
    setAlerted(this.o.sqlite, clientId, now);
  }

  /**
   * Inside the caller's transaction: starts an attempt when the client is below its trigger and none is
   * open. Returns the attempt's id, or null.
   */
  consider(
    clientId: number,
    balance: Pick<BalanceRow, 'available'>,
    now: number,
    row?: FlowSettings | null,
  ): number | null {
    const r = row === undefined ? this.read(clientId) : row;
    if (!r || r.mode !== 'auto' || !r.enabled || r.currency === POINTS) return null;
    if (balance.available >= r.triggerThreshold) return null;
    if (hasOpenAttempt(this.o.sqlite, clientId)) return null;
    if (heldBack(this.o.sqlite, clientId, now) !== null) return null;
    const capLeft = r.dailyCap === null ? null : r.dailyCap - chargedLast24h(this.o.sqlite, clientId, now);
    const plan = planCharge({
      effective: balance.available,
      trigger: r.triggerThreshold,
      recharge: r.rechargeAmount,
      capLeft,
    });
    const m = (v: number) => formatMoney(v, r.currency, { locale: 'en-US' });
    if ('why' in plan) {
      if (plan.why === 'cap_reached' && !this.o.notifyLog.capNoticed(clientId, now - DAY_MS)) {
        const p = this.party(clientId)!;
        this.o.notifyLog.message({
          kind: 'recharge_failed',
          clientId,
          now,
          available: balance.available,
          to: [p.billingEmail, ...(p.resellerEmail ? [p.resellerEmail] : [])],
          reason: `No automatic top-up: the daily cap of ${m(r.dailyCap ?? 0)} is used up for the last 24 hours.`,
          data: {
            amount: r.rechargeAmount,
            failure: `the daily cap of ${m(r.dailyCap ?? 0)} is reached`,
            capReached: true,
          },
        });
      }
      return null;
    }
    const reason = `Below the trigger of ${m(r.triggerThreshold)} at ${m(balance.available)}: one charge of ${m(plan.amount)}${plan.cappedFrom !== null ? ` (cut from ${m(plan.cappedFrom)} by the daily cap)` : ''}.`;
    return this.start(clientId, plan.amount, r.currency, 'auto', null, reason, 'auto-recharge', now);
  }

  /**
   * The periodic check, run with the scheduler's due work (every CHECK_EVERY_MS): what time alone
   * changes, with no entry posted. A client below the trigger is considered again — its methods' cooldown
   * ended, the daily cap has room again — and the screens hear of cooldowns that ended by themselves.
   * Batches of 500 clients, one transaction each, the event loop free between them.
   */
  async checkDue(): Promise<number> {
    const now = this.o.clock.now();
    if (this.closed || (this.lastCheck !== null && now < this.lastCheck + CHECK_EVERY_MS)) return 0;
    const since = this.lastCheck;
    this.lastCheck = now;
    if (since !== null) {
      const cooled = cooldownsEndedBetween(this.o.sqlite, since, now);
      if (cooled.length) this.o.emit({ topic: 'methods', clientIds: cooled.length <= 200 ? cooled : undefined });
    }
    let started = 0;
    for (let after = 0; !this.closed;) {
      const rows = autoBelowTrigger(this.o.sqlite, after, 500);
      if (!rows.length) break;
      this.tx(() => {
        for (const r of rows) if (this.consider(r.clientId, r, now) !== null) started++;
      });
      after = rows[rows.length - 1].clientId;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return started;
  }

  /** Inside the caller's transaction: the client's methods changed (read from Stripe, switched on); considered again. */
  reconsider(clientId: number, now: number): void {
    const available = this.o.ledger.available(clientId);
    if (available !== undefined) this.consider(clientId, { available }, now);
  }

  /** The core is closing: a check in progress stops at its next batch. */
  stop(): void {
    this.closed = true;
  }

  private read(clientId: number): FlowSettings | null {
    return this.readSettings(clientId);
  }

  /** The ledger's balance listener: one read of the settings, then the alert and (on a fall) the charge. */
  onBalance(clientId: number, balance: Pick<BalanceRow, 'available'>, now: number, lowered: boolean): void {
    const r = this.read(clientId);
    if (!r) return;
    this.alert(clientId, balance, now, r);
    if (lowered) this.consider(clientId, balance, now, r);
  }

  /** An attempt waiting for Stripe is tried at the next pass (a staff Retry); false when its job is running now. */
  tryNow(attemptId: number, now: number): boolean {
    return this.o.jobs.expedite(`${CHARGE_JOB}:${attemptId}`, now);
  }

  /** Writes an attempt and its job (inside the caller's transaction). */
  start(
    clientId: number,
    amount: number,
    currency: string,
    origin: 'auto' | 'retry',
    methodId: number | null,
    reason: string,
    actor: string,
    now: number,
  ): number {
    const id = Number(
      this.s.insertAttempt.run(clientId, amount, currency, origin, methodId, reason, now, now, actor).lastInsertRowid,
    );
    this.o.jobs.enqueue(
      { kind: CHARGE_JOB, key: `${CHARGE_JOB}:${id}`, payload: { attemptId: id }, readyAt: now },
      now,
    );
    this.o.emit({ topic: 'charges', clientIds: [clientId] });
    return id;
  }

  private tx<T>(f: () => T): T {
    return this.o.sqlite.transaction(f).immediate();
  }

  private async run(job: Job): Promise<JobResult> {
    const a = this.s.attempt.get(Number(job.payload.attemptId)) as Attempt | undefined;
    if (!a || (a.status !== 'queued' && a.status !== 'charging')) return;
    const now = () => this.o.clock.now();
    const m = (v: number) => formatMoney(v, a.currency, { locale: 'en-US' });
    const customer = customerOf(this.o.sqlite, a.clientId);
    let stripe: Stripe | null = null;
    try {
      stripe = this.o.payments.client();
    } catch {
      stripe = null;
    }
    if (!stripe || !customer) {
      this.tx(() =>
        this.fail(
          a,
          stripe ? 'the client is not linked to a Stripe customer' : 'Stripe is not set up (Settings → Stripe)',
          now(),
        ),
      );
      return;
    }
    // Switched off after the attempt began: still no automatic payment (a staff Retry names its method).
    const off = a.origin === 'auto' ? primaryOff(this.o.sqlite, a.clientId) : null;
    if (off !== null) {
      this.tx(() => this.fail(a, off.replace(/\.$/, ''), now()));
      return;
    }
    // A Retry charges its one method; an automatic attempt the auto-charge methods not cooling down, in order
    // (on a later run too: a try already declined is passed over).
    const methods =
      a.methodId && a.origin === 'retry'
        ? [methodById(this.o.sqlite, a.methodId)!]
        : chargeableMethods(this.o.sqlite, a.clientId, now());
    if (!methods.length) {
      this.tx(() =>
        this.fail(
          a,
          'no payment method can be charged: none is set to auto-charge, or all are cooling down after a failure',
          now(),
        ),
      );
      return;
    }
    if (a.status === 'queued')
      this.tx(() => this.s.setAttempt.run('charging', `Charging ${m(a.amount)}.`, null, null, now(), a.id));
    const tried: string[] = [];
    try {
      for (const method of methods) {
        const label = methodLabel(method);
        let t = this.s.try.get(a.id, method.id) as TryRow | undefined;
        // A try already started by an earlier run: its answer was never seen, so Stripe may have acted on it.
        const unseen = t?.status === 'started';
        if (!t) {
          // The key is stored before Stripe hears of the payment: whatever happens next, a retry sends the same one.
          const key = `bd-${this.o.settings.installId()}-a${a.id}-m${method.id}`;
          this.tx(() => {
            this.s.insertTry.run(a.id, method.id, key, now(), now());
            // The attempt names the method being (or last) tried.
            if (a.origin === 'auto') this.s.triedMethod.run(method.id, a.id);
          });
          t = this.s.try.get(a.id, method.id) as TryRow;
        }
        if (t.status === 'declined' || t.status === 'failed') {
          tried.push(`${label}: declined`);
          continue;
        }
        // Before the key goes out again, what did Stripe do with it? Past 24 hours the key may be forgotten
        // and the same request would be a second payment.
        let pi = unseen ? await this.lookUp(stripe, customer, a, method, t) : null;
        if (!pi) {
          try {
            pi = await stripe.paymentIntents.create(
              {
                amount: a.amount,
                currency: a.currency.toLowerCase(),
                customer,
                payment_method: method.stripeId,
                off_session: true,
                confirm: true,
                description: `Balance Desk automatic top-up (attempt ${a.id})`,
                metadata: {
                  balance_desk_attempt: String(a.id),
                  balance_desk_client: String(a.clientId),
                  balance_desk_key: t.idempotencyKey,
                },
              },
              { idempotencyKey: t.idempotencyKey },
            );
          } catch (e) {
            const err = e as {
              type?: string;
              code?: string;
              decline_code?: string;
              message?: string;
              payment_intent?: Stripe.PaymentIntent;
            };
            if (err.type === 'StripeCardError') {
              const words = failureWords(err.code, err.decline_code, err.message);
              if (err.code === 'authentication_required' || err.decline_code === 'authentication_required') {
                this.tx(() => this.needsAction(a, method, t!, err.payment_intent?.id ?? null, words, now()));
                return;
              }
              this.tx(() =>
                this.declined(
                  a,
                  method,
                  t!,
                  err.payment_intent?.id ?? null,
                  err.code ?? null,
                  err.decline_code ?? null,
                  words,
                  now(),
                ),
              );
              tried.push(`${label}: ${words}`);
              continue;
            }
            const kind = chargeErrorKind(e);
            if (kind === 'method') {
              // Stripe answered: nothing was charged on this method, and it cannot be as it stands.
              const words = `${refusalWords(e)} Refresh the client's payment methods to see what Stripe holds.`;
              this.tx(() => this.declined(a, method, t!, null, err.code ?? null, null, words, now(), 'failed'));
              tried.push(`${label}: ${words}`);
              continue;
            }
            if (kind === 'attempt') {
              const words = refusalWords(e);
              this.tx(() => {
                this.s.setTry.run('failed', null, err.code ?? null, null, words, now(), t!.id);
                this.fail(a, words.replace(/\.$/, ''), now());
              });
              return;
            }
            throw e;
          }
        }
        const outcome = this.outcome(a, method, t, pi, now);
        if (outcome === 'declined') {
          tried.push(
            `${label}: ${failureWords(pi.last_payment_error?.code, pi.last_payment_error?.decline_code, pi.last_payment_error?.message)}`,
          );
          continue;
        }
        return outcome;
      }
    } catch (e) {
      if (chargeErrorKind(e) === 'wait') throw this.waitForStripe(a, job, e, now());
      // A fault of ours: retried by the job, and on its last try the attempt ends in words rather than open for good.
      if (job.attempt >= job.maxAttempts) {
        this.tx(() => this.fail(a, `it could not be completed (${(e as Error).message ?? String(e)})`, now()));
        return;
      }
      throw e;
    }
    this.tx(() => this.fail(a, `every payment method failed (${tried.join('; ')})`, now()));
  }

  /**
   * The PaymentIntent a try made, found at Stripe by the key in its metadata among the customer's payments
   * since shortly before the try (a try made before the key was in the metadata: its attempt and method).
   * Null when Stripe has none: its request never arrived, and the key may be sent again.
   */
  private async lookUp(
    stripe: Stripe,
    customer: string,
    a: Attempt,
    method: ChargeMethod,
    t: TryRow,
  ): Promise<Stripe.PaymentIntent | null> {
    const since = Math.floor(t.createdAt / 1000) - LOOKUP_MARGIN_S;
    for await (const pi of stripe.paymentIntents.list({ customer, created: { gte: since }, limit: 100 })) {
      const md = pi.metadata ?? {};
      if (md.balance_desk_key === t.idempotencyKey) return pi;
      const pm =
        typeof pi.payment_method === 'string'
          ? pi.payment_method
          : (pi.payment_method?.id ?? pi.last_payment_error?.payment_method?.id ?? null);
      if (md.balance_desk_key === undefined && md.balance_desk_attempt === String(a.id) && pm === method.stripeId)
        return pi;
    }
    return null;
  }

  /**
   * What a PaymentIntent's status means for the attempt, written down; `declined` when the next method is to
   * be tried. Used for the answer to a create and for a payment found by lookUp alike.
   */
  private outcome(
    a: Attempt,
    method: ChargeMethod,
    t: TryRow,
    pi: Stripe.PaymentIntent,
    now: () => number,
  ): JobResult | 'declined' {
    const label = methodLabel(method);
    const m = (v: number) => formatMoney(v, a.currency, { locale: 'en-US' });
    if (pi.status === 'succeeded') return { commit: () => this.credit(a, method, t, pi.id, now()) };
    if (pi.status === 'processing') {
      this.tx(() => {
        this.s.setTry.run('processing', pi.id, null, null, null, now(), t.id);
        this.s.setAttempt.run(
          'processing',
          `${label}: ${m(a.amount)} is processing (a bank debit settles in days); credited when it succeeds.`,
          pi.id,
          method.id,
          now(),
          a.id,
        );
        this.o.jobs.enqueue(
          {
            kind: POLL_JOB,
            key: `charge.poll:${a.id}:${now()}`,
            payload: { attemptId: a.id },
            readyAt: now() + POLL_MS,
          },
          now(),
        );
        this.o.emit({ topic: 'charges', clientIds: [a.clientId] });
      });
      return;
    }
    if (pi.status === 'requires_action') {
      this.tx(() => this.needsAction(a, method, t, pi.id, 'the bank asks the client to approve the payment', now()));
      return;
    }
    const err = pi.last_payment_error;
    const words =
      pi.status === 'canceled'
        ? 'the payment was cancelled at Stripe'
        : failureWords(err?.code, err?.decline_code, err?.message);
    this.tx(() => this.declined(a, method, t, pi.id, err?.code ?? null, err?.decline_code ?? null, words, now()));
    return 'declined';
  }

  /**
   * Stripe gave no answer about the payment. The attempt stays open, waiting, with what happened in words;
   * the job runs again within WAIT_RETRY_MAX_MS with the same key, and the try does not count against its
   * budget. Staff are told once when it has waited WAIT_NOTICE_MS. Returns the error the job throws.
   */
  private waitForStripe(a: Attempt, job: Job, e: unknown, now: number): TransientJobError {
    const since = a.waitingSince ?? now;
    const retryIn = Math.min(backoff(job.attempt), WAIT_RETRY_MAX_MS);
    const words = stripeErrorWords(e)
      .replace(/;? ?it will be tried again\.?$/, '')
      .replace(/\.$/, '');
    const m = formatMoney(a.amount, a.currency, { locale: 'en-US' });
    this.tx(() => {
      this.s.setWaiting.run(
        `Waiting for Stripe since ${at(since)}: ${words}. Tried again every few minutes with the same key (next at ${at(now + retryIn)}), so ${m} is charged once when Stripe answers; Retry tries now.`,
        now,
        now,
        a.id,
      );
      if (now - since >= WAIT_NOTICE_MS && !this.o.notifyLog.waitNoticed(a.clientId, a.createdAt, a.id)) {
        const p = this.party(a.clientId)!;
        this.o.notifyLog.message({
          kind: 'recharge_failed',
          clientId: a.clientId,
          now,
          to: p.resellerEmail ? [p.resellerEmail] : [p.billingEmail],
          reason: `Automatic top-up of ${m} delayed: Stripe has not answered since ${at(since)} (${words}). It keeps being tried with the same key and is charged once when Stripe answers.`,
          data: {
            amount: a.amount,
            failure: `Stripe has not answered since ${at(since)} (${words}); it is still being tried`,
            waitingAttempt: a.id,
          },
        });
      }
      this.o.emit({ topic: 'charges', clientIds: [a.clientId] });
    });
    return new TransientJobError(`waiting for Stripe: ${words}`, retryIn);
  }

  /** A bank debit still processing: asked again later; credited only once it succeeded. */
  private async poll(job: Job): Promise<JobResult> {
    const a = this.s.attempt.get(Number(job.payload.attemptId)) as Attempt | undefined;
    if (!a || a.status !== 'processing' || !a.paymentIntent) return;
    const now = () => this.o.clock.now();
    let pi: Stripe.PaymentIntent;
    try {
      pi = await this.o.payments.client().paymentIntents.retrieve(a.paymentIntent);
    } catch (e) {
      // The debit is real at Stripe whatever stands in the way of asking (an outage, a key removed or
      // refused): the poll keeps asking, without using up its tries, until Stripe says how it ended.
      if (chargeErrorKind(e) !== null || (e as { kind?: string }).kind === 'validation') {
        throw new TransientJobError(
          `cannot ask Stripe about ${a.paymentIntent}: ${stripeErrorWords(e)}`,
          Math.min(backoff(job.attempt), POLL_MS),
        );
      }
      throw e;
    }
    const method = methodById(this.o.sqlite, a.methodId!)!;
    const t = this.s.try.get(a.id, method.id) as TryRow;
    if (pi.status === 'succeeded') return { commit: () => this.credit(a, method, t, pi.id, now()) };
    if (pi.status === 'processing') {
      return {
        commit: () =>
          void this.o.jobs.enqueue(
            {
              kind: POLL_JOB,
              key: `charge.poll:${a.id}:${now()}`,
              payload: { attemptId: a.id },
              readyAt: now() + POLL_MS,
            },
            now(),
          ),
      };
    }
    // A late failure: nothing was credited; the method cools down and everyone is told.
    const err = pi.last_payment_error;
    const words = failureWords(err?.code, err?.decline_code, err?.message);
    return {
      commit: () => {
        this.declined(a, method, t, pi.id, err?.code ?? null, err?.decline_code ?? null, words, now());
        this.fail(
          a,
          `the bank debit on ${methodLabel(method)} failed after processing: ${words}; nothing was credited`,
          now(),
        );
      },
    };
  }

  /** Succeeded: the credit, exactly once per PaymentIntent (its id is the entry's external id). */
  private credit(a: Attempt, method: ChargeMethod, t: TryRow, pi: string, now: number): void {
    const label = methodLabel(method);
    const r = this.o.ledger.post(
      {
        clientId: a.clientId,
        kind: 'top_up',
        amount: a.amount,
        description: `Automatic top-up: ${label} (${pi})`,
        actor: a.origin === 'retry' ? 'retry' : 'auto-recharge',
        at: now,
        externalId: pi,
      },
      now,
    );
    this.s.setTry.run('succeeded', pi, null, null, null, now, t.id);
    this.s.creditAttempt.run(
      `${label}: ${formatMoney(a.amount, a.currency, { locale: 'en-US' })} paid and credited.`,
      pi,
      method.id,
      r.entryId,
      now,
      a.id,
    );
    clearCooldown(this.o.sqlite, method.id);
    if (!r.duplicate) {
      this.o.notifyLog.message({
        kind: 'top_up_receipt',
        clientId: a.clientId,
        now,
        available: r.balance.available,
        reason: `Automatic top-up of ${formatMoney(a.amount, a.currency, { locale: 'en-US' })} succeeded on ${label}.`,
        data: { amount: a.amount, balanceAfter: r.balance.balance, method: label, paymentIntent: pi },
      });
    }
    this.o.emit({ topic: 'ledger', clientIds: [a.clientId] });
    this.o.emit({ topic: 'charges', clientIds: [a.clientId] });
    this.o.emit({ topic: 'methods', clientIds: [a.clientId] });
  }

  private declined(
    a: Attempt,
    method: ChargeMethod,
    t: TryRow,
    pi: string | null,
    code: string | null,
    decline: string | null,
    words: string,
    now: number,
    status: 'declined' | 'failed' = 'declined',
  ): void {
    this.s.setTry.run(status, pi, code, decline, words, now, t.id);
    const until = setCooldown(this.o.sqlite, method.id, now, words);
    this.o.notifyLog.message({
      kind: 'method_disabled',
      clientId: a.clientId,
      now,
      reason: `${methodLabel(method)} failed (${words}): not used for automatic top-ups for ${COOLDOWN_WORDS}.`,
      data: { method: methodLabel(method), failure: words, until: new Date(until).toISOString() },
    });
    this.o.emit({ topic: 'methods', clientIds: [a.clientId] });
  }

  private needsAction(
    a: Attempt,
    method: ChargeMethod,
    t: TryRow,
    pi: string | null,
    words: string,
    now: number,
  ): void {
    this.s.setTry.run('requires_action', pi, 'authentication_required', null, words, now, t.id);
    this.s.setAttempt.run(
      'requires_action',
      `${methodLabel(method)}: ${words}. The client was emailed; it is not retried automatically.`,
      pi,
      method.id,
      now,
      a.id,
    );
    this.o.notifyLog.message({
      kind: 'recharge_failed',
      clientId: a.clientId,
      now,
      reason: `Automatic top-up needs the client: ${words}.`,
      data: { amount: a.amount, failure: words, method: methodLabel(method) },
    });
    this.o.emit({ topic: 'charges', clientIds: [a.clientId] });
  }

  private fail(a: Attempt, why: string, now: number): void {
    this.s.setAttempt.run('failed', `Failed: ${why}.`, null, null, now, a.id);
    const p = this.party(a.clientId)!;
    this.o.notifyLog.message({
      kind: 'recharge_failed',
      clientId: a.clientId,
      now,
      to: [p.billingEmail, ...(p.resellerEmail ? [p.resellerEmail] : [])],
      reason: `Automatic top-up of ${formatMoney(a.amount, a.currency, { locale: 'en-US' })} failed: ${why}.`,
      data: { amount: a.amount, failure: why },
    });
    this.o.emit({ topic: 'charges', clientIds: [a.clientId] });
  }
}
