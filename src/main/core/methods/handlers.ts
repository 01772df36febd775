/**
 * A client's Stripe Customer and payment methods. Stripe is the source of the methods (cards, US bank
 * accounts); Balance Desk keeps, beside each, the auto-charge switch, the priority and the cooldown.
 * Channels that call Stripe run outside a transaction (`work`), then write what Stripe answered in one.
 */
import type Stripe from 'stripe';
import type { ClientMethods, PaymentMethod } from '../../../shared/contracts';
import { AppError, conflict, invalid, notFound, unavailable } from '../../../shared/result';
import type { Ctx, HandlerMap } from '../api/registry';
import { POINTS } from '../../../shared/money';
import { iso, isoOrNull } from '../clock/clock';
import { stripeErrorWords } from '../stripe/service';

interface MethodRow {
  id: number;
  client_id: number;
  stripe_id: string;
  type: 'card' | 'us_bank_account';
  brand: string;
  last4: string;
  exp_month: number | null;
  exp_year: number | null;
  auto_charge: number;
  priority: number;
  cooldown_until: number | null;
  cooldown_reason: string | null;
  synced_at: number;
}

const BRANDS: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', diners: 'Diners Club', jcb: 'JCB', unionpay: 'UnionPay' };

/** "Visa •••• 4242", "STRIPE TEST BANK •••• 6789". */
export const methodLabel = (m: Pick<MethodRow, 'type' | 'brand' | 'last4'>) => `${m.type === 'card' ? (BRANDS[m.brand] ?? m.brand) : m.brand} •••• ${m.last4}`;

function toMethod(r: MethodRow, now: number, index: number): PaymentMethod {
  const expired = r.exp_year !== null && r.exp_month !== null && (r.exp_year < new Date(now).getUTCFullYear() || (r.exp_year === new Date(now).getUTCFullYear() && r.exp_month < new Date(now).getUTCMonth() + 1));
  return {
    id: r.id,
    clientId: r.client_id,
    stripeId: r.stripe_id,
    type: r.type,
    brand: r.brand,
    last4: r.last4,
    expMonth: r.exp_month,
    expYear: r.exp_year,
    label: methodLabel(r),
    autoCharge: !!r.auto_charge,
    priority: r.priority,
    primary: index === 0,
    cooldownUntil: r.cooldown_until !== null && r.cooldown_until > now ? iso(r.cooldown_until) : null,
    cooldownReason: r.cooldown_until !== null && r.cooldown_until > now ? r.cooldown_reason : null,
    expired,
    syncedAt: iso(r.synced_at),
  };
}

function requireClient(ctx: Ctx, clientId: number) {
  const c = ctx.db.$client.prepare(`SELECT id, name, external_ref, billing_email, currency FROM clients WHERE id = ?`).get(clientId) as
    | { id: number; name: string; external_ref: string; billing_email: string; currency: string }
    | undefined;
  if (!c) throw invalid('clientId', `clientId ${clientId} is not a client`);
  return c;
}

const customerOf = (ctx: Ctx, clientId: number) =>
  (ctx.db.$client.prepare(`SELECT customer_id FROM stripe_customers WHERE client_id = ?`).pluck().get(clientId) as string | undefined) ?? null;

/** The client's methods, primary first (no call to Stripe). */
export function clientMethods(ctx: Ctx, clientId: number): ClientMethods {
  const rows = ctx.db.$client
    .prepare(`SELECT * FROM payment_methods WHERE client_id = ? AND removed_at IS NULL ORDER BY priority, id`)
    .all(clientId) as MethodRow[];
  const now = ctx.clock.now();
  return { clientId, customerId: customerOf(ctx, clientId), methods: rows.map((r, i) => toMethod(r, now, i)) };
}

/** A Stripe failure as the channel's error: a missing object by field, the rest in words. */
function fromStripe(e: unknown, field?: string): AppError {
  if (e instanceof AppError) return e;
  const err = e as { code?: string; type?: string };
  if (field && err.code === 'resource_missing') return invalid(field, `${field}: Stripe has no such object`);
  return unavailable(stripeErrorWords(e));
}

/** Reads the customer's methods from Stripe and stores them: new ones at the end of the order, vanished ones removed. */
async function sync(ctx: Ctx, clientId: number, customerId: string): Promise<void> {
  const stripe = ctx.payments.client();
  let found: Stripe.PaymentMethod[];
  try {
    const [cards, banks] = await Promise.all([
      stripe.paymentMethods.list({ customer: customerId, type: 'card', limit: 100 }),
      stripe.paymentMethods.list({ customer: customerId, type: 'us_bank_account', limit: 100 }),
    ]);
    found = [...cards.data, ...banks.data];
  } catch (e) {
    throw fromStripe(e);
  }
  const now = ctx.clock.now();
  const sqlite = ctx.db.$client;
  sqlite.transaction(() => {
    const known = new Map((sqlite.prepare(`SELECT stripe_id, id, removed_at FROM payment_methods WHERE client_id = ?`).all(clientId) as { stripe_id: string; id: number; removed_at: number | null }[]).map((r) => [r.stripe_id, r]));
    let next = (sqlite.prepare(`SELECT coalesce(max(priority), 0) FROM payment_methods WHERE client_id = ? AND removed_at IS NULL`).pluck().get(clientId) as number) + 1;
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
      const type = pm.type === 'card' ? 'card' : 'us_bank_account';
      const brand = pm.card?.brand ?? pm.us_bank_account?.bank_name ?? 'Bank account';
      const last4 = pm.card?.last4 ?? pm.us_bank_account?.last4 ?? '????';
      seen.add(pm.id);
      const k = known.get(pm.id);
      if (k) {
        update.run({ brand, last4, expMonth: pm.card?.exp_month ?? null, expYear: pm.card?.exp_year ?? null, now, next, id: k.id });
        if (k.removed_at !== null) next++;
      } else insert.run(clientId, pm.id, type, brand, last4, pm.card?.exp_month ?? null, pm.card?.exp_year ?? null, next++, now, now);
    }
    for (const [stripeId, k] of known) if (!seen.has(stripeId) && k.removed_at === null) sqlite.prepare(`UPDATE payment_methods SET removed_at = ? WHERE id = ?`).run(now, k.id);
    renumber(ctx, clientId);
    ctx.charges.reconsider(clientId, now);
  })();
  ctx.emit({ topic: 'methods', clientIds: [clientId] });
}

/** Priorities 1..n in the current order, with no gaps. */
function renumber(ctx: Ctx, clientId: number, order?: number[]) {
  const sqlite = ctx.db.$client;
  const ids = order ?? (sqlite.prepare(`SELECT id FROM payment_methods WHERE client_id = ? AND removed_at IS NULL ORDER BY priority, id`).pluck().all(clientId) as number[]);
  const set = sqlite.prepare(`UPDATE payment_methods SET priority = ? WHERE id = ?`);
  ids.forEach((id, i) => set.run(i + 1, id));
}

export const methodHandlers: HandlerMap = {
  'methods.list': (input, ctx) => {
    requireClient(ctx, input.clientId);
    return clientMethods(ctx, input.clientId);
  },

  'methods.link': async (input, ctx) => {
    const c = requireClient(ctx, input.clientId);
    const stripe = ctx.payments.client();
    const current = customerOf(ctx, c.id);
    let customerId = input.customerId ?? current;
    if (input.customerId) {
      try {
        const found = await stripe.customers.retrieve(input.customerId);
        if ((found as Stripe.DeletedCustomer).deleted) throw invalid('customerId', `customerId ${input.customerId} was deleted at Stripe`);
      } catch (e) {
        throw fromStripe(e, 'customerId');
      }
      const other = ctx.db.$client.prepare(`SELECT client_id FROM stripe_customers WHERE customer_id = ? AND client_id <> ?`).pluck().get(input.customerId, c.id);
      if (other !== undefined) throw conflict(`customerId ${input.customerId} is already linked to another client (${other})`, 'customerId');
    } else if (!customerId) {
      try {
        // Keyed by the ledger and the client: a retry after a lost answer finds the same customer.
        const made = await stripe.customers.create(
          { name: c.name, email: c.billing_email, metadata: { balance_desk_client: String(c.id), client_ref: c.external_ref } },
          { idempotencyKey: `bd-customer-${ctx.settings.installId()}-${c.id}` },
        );
        customerId = made.id;
      } catch (e) {
        throw fromStripe(e);
      }
    }
    if (customerId !== current) {
      const now = ctx.clock.now();
      ctx.db.$client.transaction(() => {
        ctx.db.$client
          .prepare(`INSERT INTO stripe_customers (client_id, customer_id, linked_at, linked_by) VALUES (?, ?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET customer_id = excluded.customer_id, linked_at = excluded.linked_at, linked_by = excluded.linked_by`)
          .run(c.id, customerId, now, ctx.actor);
        // Methods of another customer are not this one's.
        if (current) ctx.db.$client.prepare(`UPDATE payment_methods SET removed_at = ? WHERE client_id = ? AND removed_at IS NULL`).run(now, c.id);
        ctx.audit('methods.link', 'client', c.id, { customerId, before: current, created: !input.customerId });
      })();
    }
    await sync(ctx, c.id, customerId!);
    return clientMethods(ctx, c.id);
  },

  'methods.refresh': async (input, ctx) => {
    requireClient(ctx, input.clientId);
    const customerId = customerOf(ctx, input.clientId);
    if (!customerId) throw conflict('this client is not linked to a Stripe customer yet: link it first', 'clientId');
    await sync(ctx, input.clientId, customerId);
    return clientMethods(ctx, input.clientId);
  },

  'methods.update': (input, ctx) => {
    const row = ctx.db.$client.prepare(`SELECT client_id, auto_charge FROM payment_methods WHERE id = ? AND removed_at IS NULL`).get(input.id) as { client_id: number; auto_charge: number } | undefined;
    if (!row) throw notFound(`payment method ${input.id} does not exist`);
    // Switched on: new for the charge flow, which after a failure waits for a method that became chargeable.
    const switchedOn = input.autoCharge && !row.auto_charge;
    ctx.db.$client
      .prepare(`UPDATE payment_methods SET auto_charge = ?, ready_at = CASE WHEN ? THEN ? ELSE ready_at END WHERE id = ?`)
      .run(input.autoCharge ? 1 : 0, switchedOn ? 1 : 0, ctx.clock.now(), input.id);
    if (switchedOn) ctx.charges.reconsider(row.client_id, ctx.clock.now());
    ctx.audit('methods.update', 'client', row.client_id, { method: input.id, autoCharge: [!!row.auto_charge, input.autoCharge] });
    ctx.emit({ topic: 'methods', clientIds: [row.client_id] });
    return clientMethods(ctx, row.client_id);
  },

  'methods.reorder': (input, ctx) => {
    requireClient(ctx, input.clientId);
    const before = clientMethods(ctx, input.clientId).methods.map((m) => m.id);
    const given = new Set(input.order);
    if (given.size !== input.order.length) throw invalid('order', 'order lists a method twice');
    if (given.size !== before.length || before.some((id) => !given.has(id))) {
      throw invalid('order', `order must list each of the client's ${before.length} payment methods once (${before.join(', ')})`);
    }
    renumber(ctx, input.clientId, input.order);
    // A new primary may have auto-charge on where the old one had it off (seed 002): automatic payments resume.
    if (before[0] !== input.order[0]) ctx.charges.reconsider(input.clientId, ctx.clock.now());
    ctx.audit('methods.reorder', 'client', input.clientId, { order: [before, input.order] });
    ctx.emit({ topic: 'methods', clientIds: [input.clientId] });
    return clientMethods(ctx, input.clientId);
  },

  'methods.setupLink': async (input, ctx) => {
    const c = requireClient(ctx, input.clientId);
    if (c.currency === POINTS) throw conflict('a client billed in points cannot pay through Stripe: its currency is not money', 'clientId');
    // Read without opening the sealed key: the link's page is a setting of its own.
    const returnUrl = ctx.payments.returnPage();
    if (!returnUrl) {
      throw conflict('set the page your client returns to after adding a payment method (your website) in Settings → Stripe first', 'returnUrl');
    }
    const customerId = customerOf(ctx, input.clientId);
    if (!customerId) throw conflict('this client is not linked to a Stripe customer yet: link it first', 'clientId');
    try {
      const session = await ctx.payments.client().checkout.sessions.create({
        mode: 'setup',
        customer: customerId,
        // Which kinds of method the client may add is the Stripe account's choice (its dashboard settings).
        currency: c.currency.toLowerCase(),
        // The reseller's page, whether the client added a method or cancelled; Balance Desk reads the new method on Refresh.
        success_url: returnUrl,
        cancel_url: returnUrl,
      });
      if (!session.url) throw unavailable('Stripe made the setup session without a link');
      const expiresAt = isoOrNull(session.expires_at ? session.expires_at * 1000 : null);
      const url = session.url;
      ctx.db.$client.transaction(() => {
        ctx.audit('methods.setupLink', 'client', input.clientId, { session: session.id, emailed: input.email });
        if (input.email) {
          ctx.notifyLog.message({
            kind: 'setup_link',
            clientId: c.id,
            now: ctx.clock.now(),
            reason: `${ctx.actor} sent the client a Stripe link to add a payment method.`,
            data: { actionUrl: url, until: expiresAt },
          });
        }
      })();
      if (input.email) ctx.emit({ topic: 'notifications', clientIds: [c.id] });
      return { url, expiresAt, emailedTo: input.email ? c.billing_email : null };
    } catch (e) {
      throw fromStripe(e);
    }
  },
};
