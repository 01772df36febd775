/**
 * The demo ledger's Stripe side (src/main/core/demo-stripe.ts) against the Stripe-compatible test server:
 * seven demo clients of its own, linked to sandbox customers with test payment methods in the intended
 * order, set to automatic top-up fitted to their spend, and given the demo's four weeks of usage, through
 * which the core's charge flow (on the demo clock, held at each moment of the history) made paid top-ups
 * over the weeks, a failover whose declined primary still cools down, a decline that awaits Retry, one that
 * needs the client and a bank debit still processing; and the headless host doing it once, right after
 * seeding, with a sandbox that remembers it at the next start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/main/core/clock/clock';
import { seedDemo } from '../../../src/main/core/demo/ledger';
import { DemoClock } from '../../../src/main/core/demo/clock';
import { seedDemoStripe } from '../../../src/main/core/demo/stripe';
import { POLL_MS } from '../../../src/main/core/charges/flow';
import { COOLDOWN_MS } from '../../../src/main/core/methods/cooldown';
import { startHost } from '../../../src/main/headless';
import type { Charge } from '../../../src/shared/contracts';
import { requestProblems, useStripeFixtures } from '../../support/stripe/spec-check';
import { SANDBOX_API_KEY, startStripeServer } from '../../support/stripe/server';
import { T0, tempDir, testCore, type TestCore } from '../../support/core';

const fx = useStripeFixtures({ afterEach, expect });
const DAY = 24 * 3_600_000;

/** The linked clients with their currency and methods (by last 4, in priority order). */
function linked(core: TestCore) {
  return core.db.$client
    .prepare(
      `SELECT s.client_id AS clientId, s.customer_id AS customerId, c.currency,
         (SELECT group_concat(last4, ',') FROM (SELECT last4 FROM payment_methods m WHERE m.client_id = s.client_id AND m.removed_at IS NULL ORDER BY priority)) AS methods
       FROM stripe_customers s JOIN clients c ON c.id = s.client_id ORDER BY s.client_id`,
    )
    .all() as { clientId: number; customerId: string; currency: string; methods: string | null }[];
}

/** A core on the demo clock over a test clock at T0, as a demo host's core runs over the system clock. */
function demoCore(apiBase?: string) {
  const base = new ManualClock(T0);
  const core = testCore({
    testClock: undefined,
    clock: new DemoClock(base),
    stripeKey: SANDBOX_API_KEY,
    stripeApiBase: apiBase,
  });
  return { core, base };
}

async function allCharges(
  core: TestCore,
  filter: { awaitingRetry?: boolean; status?: Charge['status'] } = {},
): Promise<Charge[]> {
  return (await core.ok('charges.list', { limit: 200, ...filter })).items;
}

describe('the demo ledger with Stripe', () => {
  it('gives seven demo clients weeks of automatic top-ups made by the charge flow against the sandbox, with what is recent still current', async () => {
    const server = fx.server(await startStripeServer());
    const { core, base } = demoCore(server.url);
    fx.core(core);
    server.setNow(() => core.clock.now());
    // A small demo ledger (the host's has 3000 clients, too slow to seed in every test), same generator.
    seedDemo(core, { clients: 120, days: 28 });
    const report = await seedDemoStripe(core);
    expect(report).toMatchObject({ clients: 7, charges: { failed: 1, requires_action: 1, processing: 1 } });
    expect(report.charges.succeeded).toBeGreaterThanOrEqual(10);
    // Handed over: the core reads the host's clock again.
    expect((core.clock as DemoClock).holding).toBe(false);
    expect(core.clock.now()).toBe(T0);

    const rows = linked(core);
    expect(rows.map((r) => [r.currency, r.methods])).toEqual([
      ['USD', '4242'],
      ['EUR', '4444'],
      ['EUR', '0002,4242'],
      ['USD', '9995'],
      ['EUR', '3184'],
      ['USD', '6789'],
      ['EUR', null],
    ]);
    expect(
      server
        .customers()
        .map((c) => c.id)
        .sort(),
    ).toEqual(rows.map((r) => r.customerId).sort());
    const clientOf = (methods: string | null) => rows.find((r) => r.methods === methods)!.clientId;
    for (const r of rows) {
      const { methods } = await core.ok('methods.list', { clientId: r.clientId });
      // Every method is the client's own at Stripe, made from a test token; the primary charges automatically.
      expect(methods.map((m) => m.stripeId).sort()).toEqual(
        server
          .paymentMethods({ customer: r.customerId })
          .map((m) => m.id)
          .sort(),
      );
      expect(methods.map((m) => m.priority)).toEqual(methods.map((_m, i) => i + 1));
      expect(methods.every((m) => m.autoCharge)).toBe(true);
      const settings = await core.ok('recharge.get', { clientId: r.clientId });
      // Fitted to the spend the ledger measures today: no best-practice warning.
      expect(settings).toMatchObject({ saved: true, mode: 'auto', enabled: true, warnings: [] });
      expect(settings.averageDailySpend).toBeGreaterThan(0);
      expect((settings.triggerThreshold % 100) + (settings.rechargeAmount % 100)).toBe(0); // whole dollars and euros
      // The client joined the day before the history: its audit and ledger say so.
      const client = await core.ok('clients.get', { id: r.clientId });
      expect(Date.parse(client.createdAt)).toBe(T0 - 29 * DAY);
    }
    // The one with no method never fell below its alert: nothing to show but the setup link.
    const bare = clientOf(null);
    expect((await core.ok('clients.get', { id: bare })).available).toBeGreaterThan(
      (await core.ok('recharge.get', { clientId: bare })).alertThreshold!,
    );
    expect(await allCharges(core).then((cs) => cs.filter((c) => c.clientId === bare))).toEqual([]);

    const charges = await allCharges(core);
    const sqlite = core.db.$client;
    // Everything happened within the history, at its own time, and was made by the flow: one PaymentIntent at
    // the sandbox per try that reached it.
    for (const c of charges) {
      expect(Date.parse(c.createdAt)).toBeGreaterThan(T0 - 28 * DAY);
      expect(Date.parse(c.updatedAt)).toBeLessThanOrEqual(T0);
      expect(c.origin).toBe('auto');
    }
    expect(
      server
        .paymentIntents()
        .map((pi) => pi.id)
        .sort(),
    ).toEqual(charges.flatMap((c) => c.tries.map((t) => t.paymentIntent!)).sort());

    // Paid: several, spread over the weeks, each credited once (the entry is the PaymentIntent) at the time it
    // was paid, with one receipt.
    const paid = charges.filter((c) => c.status === 'succeeded');
    for (const methods of ['4242', '4444']) {
      const times = paid.filter((c) => c.clientId === clientOf(methods)).map((c) => Date.parse(c.createdAt));
      expect(times.length).toBeGreaterThanOrEqual(4);
      expect(Math.min(...times)).toBeLessThan(T0 - 21 * DAY);
      expect(Math.max(...times)).toBeGreaterThan(T0 - 5 * DAY);
    }
    for (const c of paid) {
      expect(server.paymentIntent(c.paymentIntent!)).toMatchObject({
        status: 'succeeded',
        amount: c.amount,
        currency: c.currency.toLowerCase(),
      });
      const credit = sqlite
        .prepare(
          `SELECT id, amount, recorded_at AS recordedAt FROM ledger_entries WHERE kind = 'top_up' AND external_id = ?`,
        )
        .all(c.paymentIntent) as { id: number; amount: number; recordedAt: number }[];
      expect(credit).toEqual([{ id: c.entryId, amount: c.amount, recordedAt: Date.parse(c.updatedAt) }]);
      const receipts = sqlite
        .prepare(
          `SELECT count(*) FROM notifications WHERE kind = 'top_up_receipt' AND json_extract(data, '$.paymentIntent') = ?`,
        )
        .pluck()
        .get(c.paymentIntent);
      expect(receipts).toBe(1);
    }
    // The 30 days show them: top-ups on many days, not one.
    const automaticDays = new Set(paid.map((c) => c.updatedAt.slice(0, 10)));
    expect(automaticDays.size).toBeGreaterThanOrEqual(8);

    // Failover within the last 48 hours: the declining primary first, the backup card paid; the primary
    // still cools down, 48 hours from its decline.
    const failoverClient = clientOf('0002,4242');
    const [failover] = charges.filter((c) => c.clientId === failoverClient);
    expect(failover).toMatchObject({ status: 'succeeded', method: 'Visa •••• 4242' });
    expect(failover.tries.map((t) => [t.method, t.status])).toEqual([
      ['Visa •••• 0002', 'declined'],
      ['Visa •••• 4242', 'succeeded'],
    ]);
    expect(Date.parse(failover.createdAt)).toBeGreaterThan(T0 - 2 * DAY);
    const [primary, backup] = (await core.ok('methods.list', { clientId: failoverClient })).methods;
    expect(Date.parse(primary.cooldownUntil!)).toBe(Date.parse(failover.tries[0].at) + COOLDOWN_MS);
    expect(Date.parse(primary.cooldownUntil!)).toBeGreaterThan(T0);
    expect(backup.cooldownUntil).toBeNull();

    // Declined for insufficient funds with nothing to fail over to: awaiting Retry, its card cooling down,
    // the client and reseller told once; no second attempt although usage went on.
    const brokeClient = clientOf('9995');
    const awaiting = await allCharges(core, { awaitingRetry: true });
    expect(awaiting.map((c) => [c.clientId, c.status, c.retryable])).toEqual(
      expect.arrayContaining([
        [brokeClient, 'failed', true],
        [clientOf('3184'), 'requires_action', true],
      ]),
    );
    expect(awaiting).toHaveLength(2);
    const broke = awaiting.find((c) => c.clientId === brokeClient)!;
    expect(broke.reason).toMatch(/insufficient funds/);
    expect(charges.filter((c) => c.clientId === brokeClient)).toHaveLength(1);
    const [brokeCard] = (await core.ok('methods.list', { clientId: brokeClient })).methods;
    expect(Date.parse(brokeCard.cooldownUntil!)).toBeGreaterThan(T0);
    expect(
      sqlite
        .prepare(`SELECT count(*) FROM notifications WHERE client_id = ? AND kind = 'recharge_failed'`)
        .pluck()
        .get(brokeClient),
    ).toBe(1);

    // The bank debit: processing since a few hours, nothing credited, no second charge while it is in flight.
    const achClient = clientOf('6789');
    const [debit] = await allCharges(core, { status: 'processing' });
    expect(debit).toMatchObject({ clientId: achClient, entryId: null });
    expect(Date.parse(debit.createdAt)).toBeGreaterThan(T0 - DAY);
    expect(charges.filter((c) => c.clientId === achClient)).toHaveLength(1);
    expect(server.paymentIntent(debit.paymentIntent!)!.status).toBe('processing');
    const { available: achBefore } = await core.ok('clients.get', { id: achClient });
    expect(achBefore).toBeLessThan((await core.ok('recharge.get', { clientId: achClient })).triggerThreshold);

    // The dashboard opens on them.
    const dash = await core.ok('dashboard.get', {});
    expect(dash).toMatchObject({ awaitingRetry: 2, methodsCooling: 2, clientsCooling: 2 });

    // Time goes on on the host's clock: the debit settles and is credited at the next poll.
    server.settle(debit.paymentIntent!, 'succeeded');
    base.advance(POLL_MS);
    await core.runDue();
    expect((await core.ok('clients.get', { id: achClient })).available).toBe(achBefore + debit.amount);

    // Retry is there for the declined one: the client paid off the card, staff press Retry, it is paid and
    // the card restored.
    server.behaveAs(brokeCard.stripeId, 'pm_card_visa');
    await core.ok('charges.retry', { attemptId: broke.id });
    // Off a test clock the Retry's charge runs at once, in the background, as in the app: wait for it.
    const retried = async () =>
      (await allCharges(core)).find((c) => c.clientId === brokeClient && c.origin === 'retry')!;
    for (let i = 0; i < 100 && (await retried()).status !== 'succeeded'; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await retried()).toMatchObject({ status: 'succeeded', amount: broke.amount });
    expect((await core.ok('methods.list', { clientId: brokeClient })).methods[0].cooldownUntil).toBeNull();
    expect((await core.ok('dashboard.get', {})).awaitingRetry).toBe(1);
  });

  it('refuses to run without a sandbox (never against real Stripe), and fails in words, leaving nothing half made, when the sandbox is gone', async () => {
    const plain = fx.core(testCore({ stripeKey: SANDBOX_API_KEY }));
    seedDemo(plain, { clients: 14, days: 3 });
    await expect(seedDemoStripe(plain)).rejects.toThrow(/only from a sandbox/);
    const server = await startStripeServer();
    const { core } = demoCore(server.url);
    fx.core(core);
    await server.close();
    seedDemo(core, { clients: 14, days: 3 });
    await expect(seedDemoStripe(core)).rejects.toThrow(/^stripe\.check: Stripe could not be reached/);
    expect(linked(core)).toEqual([]);
    expect(core.db.$client.prepare('SELECT count(*) FROM clients').pluck().get()).toBe(14);
  });

  it('needs the demo clock: a core not made for the demo is refused before anything is written', async () => {
    const server = fx.server(await startStripeServer());
    const core = fx.core(testCore({ stripeKey: SANDBOX_API_KEY, stripeApiBase: server.url }));
    seedDemo(core, { clients: 14, days: 3 });
    await expect(seedDemoStripe(core)).rejects.toThrow(/demo clock/);
    expect(server.requests).toEqual([]);
  });

  it(
    'the host seeds it once, right after the demo ledger, and opens on it; started again with the sandbox that kept its state, the methods refresh',
    { timeout: 120_000 },
    async () => {
      const dataDir = tempDir();
      const stateFile = path.join(dataDir, 'stripe-sandbox.json');
      const lines: string[] = [];
      const start = (apiBase: string) =>
        startHost({
          dataDir,
          port: 0,
          demo: true,
          tickMs: 0,
          stripeKey: SANDBOX_API_KEY,
          stripeApiBase: apiBase,
          log: (l) => lines.push(l),
        });
      try {
        const first = await startStripeServer({ stateFile });
        const t0 = performance.now();
        const host = await start(first.url);
        const seconds = (performance.now() - t0) / 1000;
        const ready = lines.filter((l) => l.startsWith('Demo Stripe side'));
        expect(ready).toHaveLength(1);
        expect(ready[0]).toMatch(
          new RegExp(
            `^Demo Stripe side ready: 7 clients linked to customers in the sandbox at ${first.url}; their automatic top-ups: \\d+ paid, 1 failed, 1 waiting for the client, 1 processing\\.$`,
          ),
        );
        const core = host.core as TestCore;
        const before = linked(core);
        expect(before).toHaveLength(7);
        // The desk opens on the history: failures to retry, a method cooling down, automatic top-ups in Charges.
        const dash = (await core.call('dashboard.get', {})) as {
          ok: true;
          value: { awaitingRetry: number; methodsCooling: number };
        };
        expect(dash.value.awaitingRetry).toBeGreaterThanOrEqual(1);
        expect(dash.value.methodsCooling).toBeGreaterThanOrEqual(1);
        // The whole start, 3,000 clients and the Stripe side, in seconds (about 6 on a quiet machine).
        expect(seconds).toBeLessThan(40);
        await host.close();
        expect(requestProblems(first)).toEqual([]);
        await first.close();

        // A new sandbox on another port, from the same file: the ledger's cus_ and pm_ are still there.
        const second = fx.server(await startStripeServer({ stateFile }));
        const again = await start(second.url);
        try {
          expect(lines.filter((l) => l.startsWith('Demo Stripe side'))).toHaveLength(1); // not seeded twice
          for (const r of before) {
            const res = await again.core.call('methods.refresh', { clientId: r.clientId });
            expect(res.ok, JSON.stringify(res)).toBe(true);
          }
          expect(linked(again.core as TestCore)).toEqual(before);
        } finally {
          await again.close();
        }
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
