/**
 * The charge facts: what the charge flow (flow.ts) decides by and the dry run (recharge/dry-run.ts)
 * predicts from, read by both through these functions so the prediction cannot drift from the charge —
 * the client's open attempt (the pending top-up), what was charged in the last 24 hours (the daily cap),
 * the methods that can be charged now, and what holds the next automatic attempt back.
 */
import type Database from 'better-sqlite3';
import { DAY_MS } from '../../../shared/forecast';
import type { chargeAttempts, chargeTries } from '../db/schema';
import { preparedOnce } from '../db/statements';
import { freshChargeable } from '../methods/cooldown';
import { methodLabel, primaryMethod } from '../methods/store';

export { chargeableMethods } from '../methods/cooldown';

/** A charge attempt as the schema has it. */
export type Attempt = typeof chargeAttempts.$inferSelect;
/** One PaymentIntent of an attempt on one method, as the schema has it. */
export type Try = typeof chargeTries.$inferSelect;

/** An open attempt: queued, charging, or a bank debit processing. A client has at most one (charge_attempts_open). */
export const OPEN = `status IN ('queued', 'charging', 'processing')`;

/** An attempt's columns under the schema's names, from the table aliased `a`. */
export const ATTEMPT_COLUMNS = `a.id AS id, a.client_id AS clientId, a.amount AS amount, a.currency AS currency, a.origin AS origin, a.status AS status, a.method_id AS methodId,
  a.reason AS reason, a.payment_intent AS paymentIntent, a.entry_id AS entryId, a.waiting_since AS waitingSince, a.created_at AS createdAt, a.updated_at AS updatedAt, a.actor AS actor`;

/** The client's open attempt, if any: the top-up that is pending. */
const OPEN_ATTEMPT = `SELECT id, status, amount, waiting_since AS waitingSince FROM charge_attempts WHERE client_id = ? AND ${OPEN}`;
export function openAttempt(
  sqlite: Database.Database,
  clientId: number,
): Pick<Attempt, 'id' | 'status' | 'amount' | 'waitingSince'> | undefined {
  return preparedOnce(sqlite, OPEN_ATTEMPT).get(clientId) as
    Pick<Attempt, 'id' | 'status' | 'amount' | 'waitingSince'> | undefined;
}

const HAS_OPEN = `SELECT id FROM charge_attempts WHERE client_id = ? AND ${OPEN}`;
/**
 * Whether the client has an open attempt: the same fact as openAttempt, for the flow's check on every post
 * below the trigger, which needs no more than the id (read from the index, no row made of the columns).
 */
export function hasOpenAttempt(sqlite: Database.Database, clientId: number): boolean {
  return preparedOnce(sqlite, HAS_OPEN).pluck().get(clientId) !== undefined;
}

/** Which of these clients have an open attempt. */
export function clientsWithOpenAttempt(sqlite: Database.Database, clientIds: readonly number[]): Set<number> {
  if (!clientIds.length) return new Set();
  return new Set(
    sqlite
      .prepare(
        `SELECT client_id FROM charge_attempts WHERE ${OPEN} AND client_id IN (${clientIds.map(() => '?').join(',')})`,
      )
      .pluck()
      .all(...clientIds) as number[],
  );
}

/**
 * What automatic top-ups have taken in the 24 hours before `now`, as the daily cap counts it: money when
 * it is taken — a top-up by the time of its credit, and one still in flight (queued, charging, a bank
 * debit processing) as if taken now — not by when its attempt began.
 */
export function chargedLast24h(sqlite: Database.Database, clientId: number, now: number): number {
  return preparedOnce(
    sqlite,
    `SELECT coalesce(sum(a.amount), 0) FROM charge_attempts a INDEXED BY charge_attempts_client LEFT JOIN ledger_entries e ON e.id = a.entry_id
      WHERE a.client_id = @client AND (a.status IN ('queued', 'charging', 'processing') OR (a.status = 'succeeded' AND e.at > @since))`,
  )
    .pluck()
    .get({ client: clientId, since: now - DAY_MS }) as number;
}

/**
 * Seed 002: "The Auto Balance Top-Up feature only works if Auto-charge is enabled on your primary payment
 * method. If disabled, no automatic payments will be processed." The words when that is so, else null.
 */
export function primaryOff(sqlite: Database.Database, clientId: number): string | null {
  const p = primaryMethod(sqlite, clientId);
  if (!p || p.autoCharge) return null;
  return `Auto-charge is off on the primary payment method (${methodLabel(p)}): no automatic payment is made until it is switched on, or another method with auto-charge on is made the primary.`;
}

/**
 * Why the last attempt holds the next automatic one back, in words; null when nothing does. After a
 * failure everyone has been told once: no new attempt (and no new email) on every usage post or check
 * until something can change the outcome — a method out of its cooldown, a method read from Stripe or
 * switched on, the Stripe key or customer changed, a staff Retry. Authentication required waits for the
 * client (and a Retry): it is never retried automatically.
 */
export function heldBack(sqlite: Database.Database, clientId: number, now: number): string | null {
  const off = primaryOff(sqlite, clientId);
  if (off !== null) return off;
  const last = preparedOnce(
    sqlite,
    `SELECT status, updated_at AS at FROM charge_attempts WHERE client_id = ? ORDER BY id DESC LIMIT 1`,
  ).get(clientId) as { status: Attempt['status']; at: number } | undefined;
  if (last?.status === 'requires_action') {
    return 'The last top-up needs the client to approve the payment with their bank: no automatic charge until staff press Retry.';
  }
  if (last?.status === 'failed' && !freshChargeable(sqlite, clientId, now, last.at)) {
    return 'The last automatic top-up failed and everyone was told: the next one waits until a payment method can be charged again (its cooldown ends, a method is added or switched on, the Stripe key changes) or staff press Retry.';
  }
  return null;
}
