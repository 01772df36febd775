/**
 * The Stripe side of the demo ledger: seven demo clients of its own (USD and EUR), linked to Stripe customers
 * in the sandbox, each holding Stripe test payment methods chosen to show one part of auto-recharge, set to
 * automatic top-up, and given the demo's weeks of usage, through which the core's own charge flow makes their
 * automatic top-ups: paid ones spread over the weeks, one that failed over to a backup card (the declining
 * primary still cooling down), one declined for insufficient funds that awaits Retry, one waiting for the
 * client to authenticate, a bank debit still processing, and a client linked with no method yet.
 *
 * Done once, right after the demo ledger is seeded, through the same channels, flow and SDK the app uses —
 * and only against a sandbox (STRIPE_API_BASE), never real Stripe. Async (it calls Stripe), so it cannot be
 * part of seedDemo's synchronous transaction.
 *
 * Time. The history lies in the past, but the charge flow reads the core's clock (attempt and try rows,
 * credits, 48-hour cooldowns, receipts). A demo core runs on a DemoClock (demo-clock.ts), and this holds it
 * at each moment of the history in turn: the clients join the day before it, then each usage entry is posted
 * at its own time and the work that fell due runs there — the periodic recharge check, the rules' checks and
 * the durable jobs (charges against the sandbox, bank debit polls, mail). Then the clock hands over to the
 * host's. So every attempt, credit, cooldown and notification carries its historic time, and what is recent
 * (a cooldown, a failure, a debit in flight) is still current when the demo opens.
 */
import type { Core } from '../types';
import { attemptsByStatus } from '../charges/store';
import { demoName, random, USAGE } from './ledger';
import { DemoClock } from './clock';
import type { Channel, ChannelInput, ChannelOutput } from '../../../shared/contracts';
import { DAY_MS as DAY, HOUR_MS as HOUR } from '../../../shared/forecast';

interface DemoPlan {
  currency: 'USD' | 'EUR';
  /** Stripe test tokens (Stripe's own names: docs.stripe.com/testing), attached in this order: the first is the primary. */
  tokens: string[];
  /** A typical day of usage, in cents. */
  daily: number;
  /** One recharge lasts this many days of usage. */
  rechargeDays: number;
  /**
   * Usage first takes the balance below the trigger at the first entry this many hours before now or later
   * (the opening balance is fitted to it; entries come two to four a day, so up to a day later); null: never
   * within the history.
   */
  firstBelowHours: number | null;
}

/**
 * One client each. The steady clients spend at least 34.00 a day: their trigger (2.2 days of spend) less
 * the largest single entry stays above the default profiles' 50.00 staff threshold, so their history is one
 * of top-ups, not of low balance alerts.
 */
const PLANS: readonly DemoPlan[] = [
  // Paid on the card and credited, with a receipt, every five days or so over the weeks.
  { currency: 'USD', tokens: ['pm_card_visa'], daily: 3600, rechargeDays: 5, firstBelowHours: 26 * 24 },
  // The same in euros, every four days or so.
  { currency: 'EUR', tokens: ['pm_card_mastercard'], daily: 3400, rechargeDays: 4, firstBelowHours: 25 * 24 + 7 },
  // Failover about 28 hours ago: the primary declined and cools down for 48 hours (about 20 still), the second card paid.
  {
    currency: 'EUR',
    tokens: ['pm_card_chargeDeclined', 'pm_card_visa'],
    daily: 3000,
    rechargeDays: 5,
    firstBelowHours: 30,
  },
  // Declined for insufficient funds about 15 hours ago, with nothing to fail over to: the client and the reseller
  // were told, the card cools down, the attempt awaits a staff Retry.
  {
    currency: 'USD',
    tokens: ['pm_card_chargeDeclinedInsufficientFunds'],
    daily: 2600,
    rechargeDays: 5,
    firstBelowHours: 20,
  },
  // The bank asked the client to authenticate, about two days ago: never retried automatically; awaits Retry
  // while the balance runs low.
  { currency: 'EUR', tokens: ['pm_card_authenticationRequired'], daily: 2200, rechargeDays: 5, firstBelowHours: 50 },
  // A bank debit (ACH, dollars only) started about 14 hours ago, still processing: the pending top-up that blocks a
  // second charge; credited when it is settled on the sandbox's page.
  { currency: 'USD', tokens: ['pm_usBankAccount_success'], daily: 4200, rechargeDays: 6, firstBelowHours: 16 },
  // Linked with no method and well above its alert: send the setup link, add a test card on the sandbox's page, Refresh.
  { currency: 'EUR', tokens: [], daily: 1500, rechargeDays: 5, firstBelowHours: null },
];

/** Whole units of money (these are dollars and euros, both with cents). */
const roundUp = (minor: number) => Math.ceil(minor / 100) * 100;

async function call<N extends Channel>(core: Core, channel: N, input: ChannelInput<N>): Promise<ChannelOutput<N>> {
  const r = await core.call(channel, input, { actor: 'demo' });
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value as ChannelOutput<N>;
}

/**
 * Auto top-up fitted to the plan's spend: the trigger at two days of it (the suggested threshold) and a
 * fifth of a day to spare, so the suggestion measured from the ledger later stays under it; an email a day
 * before that; a recharge of the plan's days; at most three recharges a day. Every best-practice warning of
 * the settings form is met.
 */
function settingsFor(plan: DemoPlan) {
  const triggerThreshold = roundUp(2 * plan.daily + plan.daily / 5);
  const rechargeAmount = roundUp(plan.rechargeDays * plan.daily);
  return {
    mode: 'auto' as const,
    enabled: true,
    alertThreshold: roundUp(triggerThreshold + plan.daily),
    triggerThreshold,
    rechargeAmount,
    dailyCap: 3 * rechargeAmount,
  };
}

interface Usage {
  at: number;
  cost: number;
  description: string;
}

/** The plan's usage over the history: two to four entries a day, each day near its daily spend. */
function usageOf(plan: DemoPlan, rnd: () => number, start: number, now: number, days: number): Usage[] {
  const out: Usage[] = [];
  for (let d = 0; d < days; d++) {
    const entries = 2 + Math.floor(rnd() * 3);
    for (let k = 0; k < entries; k++) {
      const at = start + d * DAY + Math.floor(((k + rnd()) / entries) * DAY);
      const cost = Math.max(1, Math.round((plan.daily / entries) * (0.7 + rnd() * 0.6)));
      const description = USAGE[Math.floor(rnd() * USAGE.length)];
      if (at <= now) out.push({ at, cost, description });
    }
  }
  return out;
}

/**
 * The opening balance, in whole units, from which the usage first takes the balance strictly below the
 * trigger at the first entry from `at` on: every entry before leaves it at or above the trigger.
 */
function openingFor(usage: readonly Usage[], trigger: number, at: number): number {
  let before = 0;
  for (const u of usage) {
    if (u.at >= at)
      return Math.max(trigger + before, Math.floor((trigger + before + Math.floor(u.cost / 2)) / 100) * 100);
    before += u.cost;
  }
  throw new Error('the demo plan falls below its trigger after its last usage entry');
}

/**
 * The core's due work at a moment of the history: all of core.runDue but the sweep and the forecasts'
 * refresh, which look at every client of the ledger and would decide, at a historic time, on balances the
 * ledger has only today (the demo's profiles came after its ledger for that reason). The host's first run
 * after the history does those at today's time.
 */
async function historyDue(core: Core): Promise<void> {
  await core.charges.checkDue();
  await core.scheduler.checkDue();
  await core.jobs.runDue(() => core.clock.now());
}

export interface DemoStripeReport {
  clients: number;
  /** The demo clients' charge attempts at the end of the history, by status. */
  charges: Record<string, number>;
}

/** Links, sets up and gives a history to a handful of demo clients; throws on the first failure (the host logs it). */
export async function seedDemoStripe(core: Core, size: { days: number } = { days: 28 }): Promise<DemoStripeReport> {
  const status = core.payments.status();
  if (!status.apiBase || status.mode !== 'test')
    throw new Error('the demo gets a Stripe side only from a sandbox (STRIPE_API_BASE) with a test key');
  const clock = core.clock;
  if (!(clock instanceof DemoClock))
    throw new Error("the demo's Stripe side is made on the demo clock: a core created with demo: true");
  // One harmless read first: with the sandbox gone, no half-made demo client is left behind.
  const reach = await call(core, 'stripe.check', {});
  if (!reach.ok) throw new Error(`stripe.check: ${reach.message}`);
  const stripe = core.payments.client();
  const sqlite = core.db.$client;
  // A reseller of the currency and the prefix of its clients' references, from the demo ledger.
  const ownerOf = sqlite.prepare(
    `SELECT reseller_id AS resellerId, substr(external_ref, 1, instr(external_ref, '-') - 1) AS prefix FROM clients WHERE currency = ? ORDER BY id LIMIT 1`,
  );
  const postUsage = sqlite.transaction((clientId: number, u: Usage, n: number) => {
    core.ledger.post(
      {
        clientId,
        kind: 'usage',
        amount: -u.cost,
        description: u.description,
        actor: 'demo',
        at: u.at,
        externalId: `u-${clientId}-${n}`,
      },
      u.at,
    );
  });
  const now = clock.now();
  const start = now - size.days * DAY;
  const rnd = random(20261122);
  const clients: { id: number; usage: Usage[] }[] = [];
  try {
    // The clients joined, were linked and set up the day before the history's first.
    clock.hold(start - DAY);
    for (const [i, plan] of PLANS.entries()) {
      const owner = ownerOf.get(plan.currency) as { resellerId: number; prefix: string } | undefined;
      const usage = usageOf(plan, rnd, start, now, size.days);
      const name = demoName(rnd);
      if (!owner) continue; // a small test ledger without the currency
      const recharge = settingsFor(plan);
      const opening =
        plan.firstBelowHours === null
          ? roundUp(recharge.alertThreshold + usage.reduce((sum, u) => sum + u.cost, 0) + plan.daily)
          : openingFor(usage, recharge.triggerThreshold, now - plan.firstBelowHours * HOUR);
      const ref = `${owner.prefix}-${20001 + i}`;
      const client = await call(core, 'clients.create', {
        resellerId: owner.resellerId,
        externalRef: ref,
        name,
        billingEmail: `billing+${ref.toLowerCase()}@example.com`,
        currency: plan.currency,
      });
      const { customerId } = await call(core, 'methods.link', { clientId: client.id });
      // The sandbox, like Stripe in test mode, makes a new PaymentMethod from each test token.
      const attached: string[] = [];
      for (const token of plan.tokens)
        attached.push((await stripe.paymentMethods.attach(token, { customer: customerId! })).id);
      const { methods } = await call(core, 'methods.refresh', { clientId: client.id });
      // Stripe lists the newest first: put them back in the order the plan gives.
      const order = attached.map((stripeId) => methods.find((m) => m.stripeId === stripeId)!.id);
      if (order.length > 1) await call(core, 'methods.reorder', { clientId: client.id, order });
      // The opening balance before the settings: saved below the trigger, they would charge at once.
      sqlite
        .transaction(() =>
          core.ledger.post(
            {
              clientId: client.id,
              kind: 'top_up',
              amount: opening,
              description: 'Opening balance',
              actor: 'demo',
              at: clock.now(),
              externalId: `open-${client.id}`,
            },
            clock.now(),
          ),
        )
        .immediate();
      await call(core, 'recharge.set', { clientId: client.id, ...recharge });
      clients.push({ id: client.id, usage });
    }
    await historyDue(core);
    // The history in time order across the clients: each entry at its time, then what fell due by then.
    const entries = clients
      .flatMap((c) => c.usage.map((u, n) => ({ clientId: c.id, u, n })))
      .sort((a, b) => a.u.at - b.u.at || a.clientId - b.clientId);
    for (const e of entries) {
      clock.hold(e.u.at);
      postUsage.immediate(e.clientId, e.u, e.n);
      await historyDue(core);
    }
    clock.hold(now);
    await historyDue(core);
  } finally {
    clock.release();
  }
  const charges: Record<string, number> = {};
  for (const r of attemptsByStatus(
    sqlite,
    clients.map((c) => c.id),
  ))
    charges[r.status] = r.n;
  return { clients: clients.length, charges };
}

/** The history's charges in words, for the start's log line. */
function chargesInWords(c: Record<string, number>): string {
  const parts = [
    c.succeeded ? `${c.succeeded} paid` : '',
    c.failed ? `${c.failed} failed` : '',
    c.requires_action ? `${c.requires_action} waiting for the client` : '',
    c.processing ? `${c.processing} processing` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none';
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
    (r) =>
      log(
        `Demo Stripe side ready: ${r.clients} clients linked to customers in the sandbox at ${stripe.apiBase}; their automatic top-ups: ${chargesInWords(r.charges)}.`,
      ),
    (e: unknown) =>
      log(
        `Demo Stripe side not set up (the demo ledger works without it): ${String((e as Error).message ?? e).replace(/\s+/g, ' ')}`,
      ),
  );
}
