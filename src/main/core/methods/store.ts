/**
 * The owner of `payment_methods` and `stripe_customers`: every SQL statement on them, bar the cooldown's
 * (cooldown.ts). Other domains call these functions rather than query the tables. Rows come back under
 * the schema's property names (camelCase, `$inferSelect`), booleans as booleans.
 */
import type Database from 'better-sqlite3';
import type { paymentMethods } from '../db/schema';
import { preparedOnce } from '../db/statements';

/** A payment method as the schema has it. */
export type Method = typeof paymentMethods.$inferSelect;
/** What a method's label is made of. */
export type MethodLabelParts = Pick<Method, 'type' | 'brand' | 'last4'>;
/** What the charge flow needs to charge a method and name it. */
export type ChargeMethod = Pick<Method, 'id' | 'stripeId' | 'type' | 'brand' | 'last4'>;
/** A method as Stripe lists it, before Balance Desk adds its own fields. */
export type StripeMethod = Pick<Method, 'stripeId' | 'type' | 'brand' | 'last4' | 'expMonth' | 'expYear'>;

/** The columns of a ChargeMethod, under the schema's names. */
export const CHARGE_METHOD = `id, stripe_id AS stripeId, type, brand, last4`;
const ALL = `id, client_id AS clientId, stripe_id AS stripeId, type, brand, last4, exp_month AS expMonth, exp_year AS expYear, auto_charge AS autoCharge,
  priority, cooldown_until AS cooldownUntil, cooldown_reason AS cooldownReason, removed_at AS removedAt, synced_at AS syncedAt, ready_at AS readyAt`;

/** SQLite answers a boolean column with 0 or 1. */
type FromSql<T> = Omit<T, 'autoCharge'> & { autoCharge: number };

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
};

/** "Visa •••• 4242", "STRIPE TEST BANK •••• 6789". */
export const methodLabel = (m: MethodLabelParts) =>
  `${m.type === 'card' ? (BRANDS[m.brand] ?? m.brand) : m.brand} •••• ${m.last4}`;

/** The client's methods (not removed), primary first. */
const LIST = `SELECT ${ALL} FROM payment_methods WHERE client_id = ? AND removed_at IS NULL ORDER BY priority, id`;
export function listMethods(sqlite: Database.Database, clientId: number): Method[] {
  const rows = preparedOnce(sqlite, LIST).all(clientId) as FromSql<Method>[];
  return rows.map((r) => ({ ...r, autoCharge: !!r.autoCharge }));
}

/** A method by id, removed or not (a charge names the method it used). */
const BY_ID = `SELECT ${CHARGE_METHOD} FROM payment_methods WHERE id = ?`;
export function methodById(sqlite: Database.Database, id: number): ChargeMethod | undefined {
  return preparedOnce(sqlite, BY_ID).get(id) as ChargeMethod | undefined;
}

/** A method still attached: its client and its auto-charge switch. */
export function liveMethod(sqlite: Database.Database, id: number): Pick<Method, 'clientId' | 'autoCharge'> | undefined {
  const r = preparedOnce(
    sqlite,
    `SELECT client_id AS clientId, auto_charge AS autoCharge FROM payment_methods WHERE id = ? AND removed_at IS NULL`,
  ).get(id) as FromSql<Pick<Method, 'clientId' | 'autoCharge'>> | undefined;
  return r && { clientId: r.clientId, autoCharge: !!r.autoCharge };
}

/** The labels of the methods with these ids. */
export function methodLabels(sqlite: Database.Database, ids: readonly number[]): Map<number, string> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = sqlite
    .prepare(`SELECT id, type, brand, last4 FROM payment_methods WHERE id IN (${unique.map(() => '?').join(',')})`)
    .all(...unique) as (MethodLabelParts & Pick<Method, 'id'>)[];
  return new Map(rows.map((m) => [m.id, methodLabel(m)]));
}

/** The primary (first) method with its auto-charge switch; undefined when the client has none. */
const PRIMARY = `SELECT ${CHARGE_METHOD}, auto_charge AS autoCharge FROM payment_methods WHERE client_id = ? AND removed_at IS NULL ORDER BY priority, id LIMIT 1`;
export function primaryMethod(
  sqlite: Database.Database,
  clientId: number,
): (ChargeMethod & Pick<Method, 'autoCharge'>) | undefined {
  const r = preparedOnce(sqlite, PRIMARY).get(clientId) as
    FromSql<ChargeMethod & Pick<Method, 'autoCharge'>> | undefined;
  return r && { ...r, autoCharge: !!r.autoCharge };
}

/**
 * Switches auto-charge; switched on (`switchedOn`), the method is new for the charge flow (ready_at),
 * which after a failure waits for a method that became chargeable.
 */
export function setAutoCharge(
  sqlite: Database.Database,
  id: number,
  autoCharge: boolean,
  switchedOn: boolean,
  now: number,
): void {
  preparedOnce(
    sqlite,
    `UPDATE payment_methods SET auto_charge = ?, ready_at = CASE WHEN ? THEN ? ELSE ready_at END WHERE id = ?`,
  ).run(autoCharge ? 1 : 0, switchedOn ? 1 : 0, now, id);
}

/** Priorities 1..n in the current order (or `order`), with no gaps. */
export function renumber(sqlite: Database.Database, clientId: number, order?: readonly number[]): void {
  const ids =
    order ??
    (sqlite
      .prepare(`SELECT id FROM payment_methods WHERE client_id = ? AND removed_at IS NULL ORDER BY priority, id`)
      .pluck()
      .all(clientId) as number[]);
  const set = sqlite.prepare(`UPDATE payment_methods SET priority = ? WHERE id = ?`);
  ids.forEach((id, i) => set.run(i + 1, id));
}

/**
 * Inside the caller's transaction: stores the methods Stripe lists for the client, new ones at the end of
 * the order, vanished ones removed; then the priorities renumbered.
 */
export function saveFromStripe(
  sqlite: Database.Database,
  clientId: number,
  found: readonly StripeMethod[],
  now: number,
): void {
  const known = new Map(
    (
      sqlite
        .prepare(`SELECT stripe_id AS stripeId, id, removed_at AS removedAt FROM payment_methods WHERE client_id = ?`)
        .all(clientId) as Pick<Method, 'stripeId' | 'id' | 'removedAt'>[]
    ).map((r) => [r.stripeId, r]),
  );
  let next =
    (sqlite
      .prepare(`SELECT coalesce(max(priority), 0) FROM payment_methods WHERE client_id = ? AND removed_at IS NULL`)
      .pluck()
      .get(clientId) as number) + 1;
  const insert = sqlite.prepare(
    `INSERT INTO payment_methods (client_id, stripe_id, type, brand, last4, exp_month, exp_year, auto_charge, priority, synced_at, ready_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
  );
  // A method attached again goes to the end of the order and counts as new (ready_at) for the charge flow.
  const update = sqlite.prepare(
    `UPDATE payment_methods SET brand = @brand, last4 = @last4, exp_month = @expMonth, exp_year = @expYear, synced_at = @now, removed_at = NULL,
       priority = CASE WHEN removed_at IS NULL THEN priority ELSE @next END, ready_at = CASE WHEN removed_at IS NULL THEN ready_at ELSE @now END WHERE id = @id`,
  );
  const seen = new Set<string>();
  for (const pm of found) {
    seen.add(pm.stripeId);
    const k = known.get(pm.stripeId);
    if (k) {
      update.run({ brand: pm.brand, last4: pm.last4, expMonth: pm.expMonth, expYear: pm.expYear, now, next, id: k.id });
      if (k.removedAt !== null) next++;
    } else insert.run(clientId, pm.stripeId, pm.type, pm.brand, pm.last4, pm.expMonth, pm.expYear, next++, now, now);
  }
  for (const [stripeId, k] of known)
    if (!seen.has(stripeId) && k.removedAt === null)
      sqlite.prepare(`UPDATE payment_methods SET removed_at = ? WHERE id = ?`).run(now, k.id);
  renumber(sqlite, clientId);
}

/** The client's Stripe Customer, or null while it is not linked. */
export function customerOf(sqlite: Database.Database, clientId: number): string | null {
  return (
    (preparedOnce(sqlite, `SELECT customer_id FROM stripe_customers WHERE client_id = ?`).pluck().get(clientId) as
      string | undefined) ?? null
  );
}

/** The other client a Stripe Customer is linked to, if any. */
export function otherClientOf(sqlite: Database.Database, customerId: string, clientId: number): number | undefined {
  return sqlite
    .prepare(`SELECT client_id FROM stripe_customers WHERE customer_id = ? AND client_id <> ?`)
    .pluck()
    .get(customerId, clientId) as number | undefined;
}

/**
 * Inside the caller's transaction: links the client to a Stripe Customer. Linked to another before, its
 * methods are removed: they are not the new customer's.
 */
export function linkCustomer(
  sqlite: Database.Database,
  clientId: number,
  customerId: string,
  before: string | null,
  now: number,
  actor: string,
): void {
  sqlite
    .prepare(
      `INSERT INTO stripe_customers (client_id, customer_id, linked_at, linked_by) VALUES (?, ?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET customer_id = excluded.customer_id, linked_at = excluded.linked_at, linked_by = excluded.linked_by`,
    )
    .run(clientId, customerId, now, actor);
  if (before)
    sqlite
      .prepare(`UPDATE payment_methods SET removed_at = ? WHERE client_id = ? AND removed_at IS NULL`)
      .run(now, clientId);
}
