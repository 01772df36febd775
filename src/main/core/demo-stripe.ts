/**
 * The Stripe side of the demo ledger: six demo clients (USD and EUR) linked to Stripe customers in the
 * sandbox, each holding Stripe test payment methods chosen to show one part of auto-recharge, and set to
 * automatic top-up with thresholds fitted to their spend. Done once, right after the demo ledger is
 * seeded, through the same channels and SDK the app uses — and only against a sandbox (STRIPE_API_BASE),
 * never real Stripe. Async (it calls Stripe), so it cannot be part of seedDemo's synchronous transaction.
 */
import type { Core } from './app';
import type { Channel, ChannelInput, ChannelOutput } from '../../shared/contracts';

interface DemoPlan {
  currency: 'USD' | 'EUR';
  /** Stripe test tokens (Stripe's own names: docs.stripe.com/testing), attached in this order: the first is the primary. */
  tokens: string[];
}

/** One client each: what a newcomer can try by posting usage below the trigger. */
const PLANS: readonly DemoPlan[] = [
  // Charged and credited at once, with a receipt.
  { currency: 'USD', tokens: ['pm_card_visa'] },
  // Failover: the primary declines and cools down for 48 hours, the second card pays.
  { currency: 'EUR', tokens: ['pm_card_chargeDeclined', 'pm_card_visa'] },
  // Declined for insufficient funds, with nothing to fail over to: the client and the reseller are told.
  { currency: 'USD', tokens: ['pm_card_chargeDeclinedInsufficientFunds'] },
  // The bank asks the client to authenticate: never retried automatically.
  { currency: 'EUR', tokens: ['pm_card_authenticationRequired'] },
  // A bank debit (ACH, dollars only) stays processing until settled on the sandbox's page; credited then.
  { currency: 'USD', tokens: ['pm_usBankAccount_success'] },
  // Linked with no method: send the setup link, add a test card on the sandbox's page, Refresh.
  { currency: 'EUR', tokens: [] },
];

/** Whole units of money (these are dollars and euros, both with cents). */
const roundUp = (minor: number) => Math.ceil(minor / 100) * 100;

async function call<N extends Channel>(core: Core, channel: N, input: ChannelInput<N>): Promise<ChannelOutput<N>> {
  const r = await core.call(channel, input, { actor: 'demo' });
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value as ChannelOutput<N>;
}

/**
 * Auto top-up fitted to a client's spend: the trigger at two days of it (the suggested threshold), an email
 * a day before that, a recharge of five days, at most three recharges a day. Every best-practice warning of
 * the settings form is met.
 */
function settingsFor(r: ChannelOutput<'recharge.get'>) {
  const day = Math.max(r.averageDailySpend, 100);
  const triggerThreshold = roundUp(Math.max(r.suggestedThreshold, 1000));
  const rechargeAmount = roundUp(Math.max(5 * day, 2000));
  return { mode: 'auto' as const, enabled: true, alertThreshold: roundUp(triggerThreshold + day), triggerThreshold, rechargeAmount, dailyCap: 3 * rechargeAmount };
}

/** Links and sets up a handful of demo clients with Stripe; throws on the first failure (the host logs it). */
export async function seedDemoStripe(core: Core): Promise<{ clients: number }> {
  const status = core.payments.status();
  if (!status.apiBase || status.mode !== 'test') throw new Error('the demo gets a Stripe side only from a sandbox (STRIPE_API_BASE) with a test key');
  const stripe = core.payments.client();
  // Active clients of the currency, not yet linked, in a stable order.
  const candidates = core.db.$client.prepare(
    `SELECT c.id FROM clients c WHERE c.currency = ? AND c.status = 'active' AND NOT EXISTS (SELECT 1 FROM stripe_customers s WHERE s.client_id = c.id) ORDER BY c.id`,
  );
  const used = new Set<number>();
  let clients = 0;
  for (const plan of PLANS) {
    // A client who spends, with room above the alert: nothing fires before someone posts usage to try it.
    let chosen: { id: number; recharge: ReturnType<typeof settingsFor> } | null = null;
    for (const id of candidates.pluck().all(plan.currency) as number[]) {
      if (used.has(id)) continue;
      const r = await call(core, 'recharge.get', { clientId: id });
      const { available } = await call(core, 'clients.get', { id });
      const recharge = settingsFor(r);
      if (r.averageDailySpend > 0 && available > recharge.alertThreshold) {
        chosen = { id, recharge };
        break;
      }
    }
    if (!chosen) continue;
    used.add(chosen.id);
    const { customerId } = await call(core, 'methods.link', { clientId: chosen.id });
    // The sandbox, like Stripe in test mode, makes a new PaymentMethod from each test token.
    const attached: string[] = [];
    for (const token of plan.tokens) attached.push((await stripe.paymentMethods.attach(token, { customer: customerId! })).id);
    const { methods } = await call(core, 'methods.refresh', { clientId: chosen.id });
    // Stripe lists the newest first: put them back in the order the plan gives.
    const order = attached.map((stripeId) => methods.find((m) => m.stripeId === stripeId)!.id);
    if (order.length > 1) await call(core, 'methods.reorder', { clientId: chosen.id, order });
    await call(core, 'recharge.set', { clientId: chosen.id, ...chosen.recharge });
    clients++;
  }
  return { clients };
}

/**
 * At start (headless host and desktop app alike): when this start seeded the demo ledger and Stripe points
 * at a sandbox with a key, gives the demo its Stripe side. A failure is told in one line; the demo ledger
 * works without it.
 */
export async function seedDemoStripeIfFresh(core: Core, log: (line: string) => void): Promise<void> {
  const stripe = core.payments.status();
  if (!core.demoSeeded || !stripe.apiBase || !stripe.keyHint) return;
  await seedDemoStripe(core).then(
    (r) => log(`Demo Stripe side ready: ${r.clients} clients linked to customers in the sandbox at ${stripe.apiBase}.`),
    (e: unknown) => log(`Demo Stripe side not set up (the demo ledger works without it): ${String((e as Error).message ?? e).replace(/\s+/g, ' ')}`),
  );
}
