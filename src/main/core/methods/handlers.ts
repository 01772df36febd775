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
import { requireClient } from '../clients/store';
import { staleConflict } from '../audit/log';
import { stripeErrorWords } from '../stripe/service';
import { coolingUntil } from './cooldown';
import {
  customerOf,
  linkCustomer,
  listMethods,
  liveMethod,
  methodLabel,
  otherClientOf,
  renumber,
  saveFromStripe,
  setAutoCharge,
  type Method,
  type StripeMethod,
} from './store';

function toMethod(r: Method, now: number, index: number): PaymentMethod {
  const expired =
    r.expYear !== null &&
    r.expMonth !== null &&
    (r.expYear < new Date(now).getUTCFullYear() ||
      (r.expYear === new Date(now).getUTCFullYear() && r.expMonth < new Date(now).getUTCMonth() + 1));
  const until = coolingUntil(r, now);
  return {
    id: r.id,
    clientId: r.clientId,
    stripeId: r.stripeId,
    type: r.type,
    brand: r.brand,
    last4: r.last4,
    expMonth: r.expMonth,
    expYear: r.expYear,
    label: methodLabel(r),
    autoCharge: r.autoCharge,
    priority: r.priority,
    primary: index === 0,
    cooldownUntil: until !== null ? iso(until) : null,
    cooldownReason: until !== null ? r.cooldownReason : null,
    expired,
    syncedAt: iso(r.syncedAt),
  };
}

/** The client's methods, primary first (no call to Stripe). */
export function clientMethods(ctx: Ctx, clientId: number): ClientMethods {
  const rows = listMethods(ctx.db.$client, clientId);
  const now = ctx.clock.now();
  return {
    clientId,
    customerId: customerOf(ctx.db.$client, clientId),
    methods: rows.map((r, i) => toMethod(r, now, i)),
  };
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
  const listed: StripeMethod[] = found.map((pm) => ({
    stripeId: pm.id,
    type: pm.type === 'card' ? 'card' : 'us_bank_account',
    brand: pm.card?.brand ?? pm.us_bank_account?.bank_name ?? 'Bank account',
    last4: pm.card?.last4 ?? pm.us_bank_account?.last4 ?? '????',
    expMonth: pm.card?.exp_month ?? null,
    expYear: pm.card?.exp_year ?? null,
  }));
  const now = ctx.clock.now();
  ctx.db.$client.transaction(() => {
    saveFromStripe(ctx.db.$client, clientId, listed, now);
    ctx.charges.reconsider(clientId, now);
  })();
  ctx.emit({ topic: 'methods', clientIds: [clientId] });
}

export const methodHandlers: HandlerMap = {
  'methods.list': (input, ctx) => {
    requireClient(ctx.db.$client, input.clientId);
    return clientMethods(ctx, input.clientId);
  },

  'methods.link': async (input, ctx) => {
    const c = requireClient(ctx.db.$client, input.clientId);
    const stripe = ctx.payments.client();
    const current = customerOf(ctx.db.$client, c.id);
    let customerId = input.customerId ?? current;
    if (input.customerId) {
      try {
        const found = await stripe.customers.retrieve(input.customerId);
        if ((found as Stripe.DeletedCustomer).deleted)
          throw invalid('customerId', `customerId ${input.customerId} was deleted at Stripe`);
      } catch (e) {
        throw fromStripe(e, 'customerId');
      }
      const other = otherClientOf(ctx.db.$client, input.customerId, c.id);
      if (other !== undefined)
        throw conflict(`customerId ${input.customerId} is already linked to another client (${other})`, 'customerId');
    } else if (!customerId) {
      try {
        // Keyed by the ledger and the client: a retry after a lost answer finds the same customer.
        const made = await stripe.customers.create(
          {
            name: c.name,
            email: c.billingEmail,
            metadata: { balance_desk_client: String(c.id), client_ref: c.externalRef },
          },
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
        // Methods of another customer are not this one's: linked to another before, they are removed.
        linkCustomer(ctx.db.$client, c.id, customerId!, current, now, ctx.actor);
        ctx.audit('methods.link', 'client', c.id, { customerId, before: current, created: !input.customerId });
      })();
    }
    await sync(ctx, c.id, customerId!);
    return clientMethods(ctx, c.id);
  },

  'methods.refresh': async (input, ctx) => {
    requireClient(ctx.db.$client, input.clientId);
    const customerId = customerOf(ctx.db.$client, input.clientId);
    if (!customerId) throw conflict('this client is not linked to a Stripe customer yet: link it first', 'clientId');
    await sync(ctx, input.clientId, customerId);
    return clientMethods(ctx, input.clientId);
  },

  'methods.update': (input, ctx) => {
    const row = liveMethod(ctx.db.$client, input.id);
    if (!row) throw notFound(`payment method ${input.id} does not exist`);
    // Switched on: new for the charge flow, which after a failure waits for a method that became chargeable.
    const switchedOn = input.autoCharge && !row.autoCharge;
    setAutoCharge(ctx.db.$client, input.id, input.autoCharge, switchedOn, ctx.clock.now());
    if (switchedOn) ctx.charges.reconsider(row.clientId, ctx.clock.now());
    ctx.audit('methods.update', 'client', row.clientId, {
      method: input.id,
      autoCharge: [row.autoCharge, input.autoCharge],
    });
    ctx.emit({ topic: 'methods', clientIds: [row.clientId] });
    return clientMethods(ctx, row.clientId);
  },

  'methods.reorder': (input, ctx) => {
    requireClient(ctx.db.$client, input.clientId);
    const before = clientMethods(ctx, input.clientId).methods.map((m) => m.id);
    // The order the form showed is no longer the stored one (staff reordered, or a refresh from Stripe).
    if (input.expectedOrder && input.expectedOrder.join(',') !== before.join(','))
      throw staleConflict(
        ctx.db.$client,
        {
          what: "the order of this client's payment methods",
          subjectType: 'client',
          subjectId: input.clientId,
          actions: ['methods.reorder', 'methods.link'],
        },
        'expectedOrder',
      );
    const given = new Set(input.order);
    if (given.size !== input.order.length) throw invalid('order', 'order lists a method twice');
    if (given.size !== before.length || before.some((id) => !given.has(id))) {
      throw invalid(
        'order',
        `order must list each of the client's ${before.length} payment methods once (${before.join(', ')})`,
      );
    }
    renumber(ctx.db.$client, input.clientId, input.order);
    // A new primary may have auto-charge on where the old one had it off (seed 002): automatic payments resume.
    if (before[0] !== input.order[0]) ctx.charges.reconsider(input.clientId, ctx.clock.now());
    ctx.audit('methods.reorder', 'client', input.clientId, { order: [before, input.order] });
    ctx.emit({ topic: 'methods', clientIds: [input.clientId] });
    return clientMethods(ctx, input.clientId);
  },

  'methods.setupLink': async (input, ctx) => {
    const c = requireClient(ctx.db.$client, input.clientId);
    if (c.currency === POINTS)
      throw conflict('a client billed in points cannot pay through Stripe: its currency is not money', 'clientId');
    // Read without opening the sealed key: the link's page is a setting of its own.
    const returnUrl = ctx.payments.returnPage();
    if (!returnUrl) {
      throw conflict(
        'set the page your client returns to after adding a payment method (your website) in Settings → Stripe first',
        'returnUrl',
      );
    }
    const customerId = customerOf(ctx.db.$client, input.clientId);
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
      return { url, expiresAt, emailedTo: input.email ? c.billingEmail : null };
    } catch (e) {
      throw fromStripe(e);
    }
  },
};
