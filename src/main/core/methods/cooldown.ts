/**
 * The 48-hour cooldown (PRODUCT.md §4): a method whose charge failed is not used for automatic top-ups
 * for COOLDOWN_MS. It ends by itself (time passes `cooldown_until`) or when a charge on it succeeds (a
 * staff Retry may charge a method that is cooling down). Here: the duration, the methods that can be
 * charged now, setting and clearing a cooldown, and the cooling-down condition the screens count by.
 */
import type Database from 'better-sqlite3';
import { HOUR_MS } from '../../../shared/forecast';
import { preparedOnce } from '../db/statements';
import { CHARGE_METHOD, type ChargeMethod, type Method } from './store';

/** How long a method that failed is left out of automatic top-ups. */
export const COOLDOWN_MS = 48 * HOUR_MS;
/** "48 hours", for the words that tell of it. */
export const COOLDOWN_WORDS = `${COOLDOWN_MS / HOUR_MS} hours`;

/** A method (alias m) that can be charged automatically at @now: auto-charge on, not removed, not cooling down. */
const CHARGEABLE = `m.removed_at IS NULL AND m.auto_charge = 1 AND (m.cooldown_until IS NULL OR m.cooldown_until <= @now)`;

/** A method cooling down at the one parameter (the time). */
const COOLING = `cooldown_until > ? AND removed_at IS NULL`;
/**
 * The clients with a method cooling down at the one parameter (the time), as a subquery for
 * `c.id IN (…)`: the clients list's "cooling" filter, the same methods the dashboard counts.
 */
export const CLIENTS_COOLING = `SELECT client_id FROM payment_methods WHERE ${COOLING}`;

/** The methods cooling down at `now` and their clients: the dashboard's tiles. */
export function coolingCounts(sqlite: Database.Database, now: number): { methods: number; clients: number } {
  return sqlite
    .prepare(`SELECT count(*) AS methods, count(DISTINCT client_id) AS clients FROM payment_methods WHERE ${COOLING}`)
    .get(now) as {
    methods: number;
    clients: number;
  };
}

/** When the method's cooldown ends, while it is cooling down at `now`; null otherwise. */
export const coolingUntil = (m: Pick<Method, 'cooldownUntil'>, now: number): number | null =>
  m.cooldownUntil !== null && m.cooldownUntil > now ? m.cooldownUntil : null;

/** The client's methods that can be charged automatically now, in priority order (the order they are tried in). */
const CHARGEABLE_METHODS = `SELECT ${CHARGE_METHOD} FROM payment_methods m WHERE m.client_id = @client AND ${CHARGEABLE} ORDER BY m.priority, m.id`;
export function chargeableMethods(sqlite: Database.Database, clientId: number, now: number): ChargeMethod[] {
  return preparedOnce(sqlite, CHARGEABLE_METHODS).all({ client: clientId, now }) as ChargeMethod[];
}

/**
 * Whether the client has a method that can be charged now and became so after the failure at `failed`:
 * its cooldown ended, it was read from Stripe or switched on, or the Stripe key or the customer link
 * changed since.
 */
const FRESH_CHARGEABLE = `SELECT 1 FROM payment_methods m WHERE m.client_id = @client AND ${CHARGEABLE}
    AND (coalesce(m.ready_at, 0) > @failed OR coalesce(m.cooldown_until, 0) > @failed
      OR coalesce((SELECT updated_at FROM settings WHERE key = 'stripe'), 0) > @failed
      OR coalesce((SELECT linked_at FROM stripe_customers WHERE client_id = m.client_id), 0) > @failed)
  LIMIT 1`;
export function freshChargeable(sqlite: Database.Database, clientId: number, now: number, failed: number): boolean {
  return preparedOnce(sqlite, FRESH_CHARGEABLE).pluck().get({ client: clientId, now, failed }) !== undefined;
}

/** Inside the caller's transaction: the method failed at `now` and cools down; returns when it ends. */
export function setCooldown(sqlite: Database.Database, methodId: number, now: number, reason: string): number {
  const until = now + COOLDOWN_MS;
  preparedOnce(sqlite, `UPDATE payment_methods SET cooldown_until = ?, cooldown_reason = ? WHERE id = ?`).run(
    until,
    reason,
    methodId,
  );
  return until;
}

/** Inside the caller's transaction: a charge on the method succeeded, so its cooldown (if any) ends. */
export function clearCooldown(sqlite: Database.Database, methodId: number): void {
  preparedOnce(sqlite, `UPDATE payment_methods SET cooldown_until = ?, cooldown_reason = ? WHERE id = ?`).run(
    null,
    null,
    methodId,
  );
}

/** The clients whose cooldowns ended by themselves in (since, now]: the screens hear of it. */
export function cooldownsEndedBetween(sqlite: Database.Database, since: number, now: number): number[] {
  return preparedOnce(
    sqlite,
    `SELECT DISTINCT client_id FROM payment_methods WHERE cooldown_until > ? AND cooldown_until <= ?`,
  )
    .pluck()
    .all(since, now) as number[];
}
