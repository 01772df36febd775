/**
 * The demo ledger's Stripe side (src/main/core/demo-stripe.ts) against the Stripe-compatible test server:
 * six demo clients linked to sandbox customers with test payment methods in the intended order and
 * automatic top-up fitted to their spend, the failover client's top-up landing on its second card; and the
 * headless host doing it once, right after seeding, with a sandbox that remembers it at the next start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/main/core/demo';
import { seedDemoStripe } from '../../src/main/core/demo-stripe';
import { startHost } from '../../src/main/headless';
import { requestProblems, useStripeFixtures } from '../support/stripe/spec-check';
import { SANDBOX_API_KEY, startStripeServer } from '../support/stripe/server';
import { tempDir, testCore, type TestCore } from '../support/core';

const fx = useStripeFixtures({ afterEach, expect });

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

describe('the demo ledger with Stripe', () => {
  it('links six demo clients in USD and EUR with the intended methods and auto top-up; the failover client is topped up on its second card', async () => {
    const server = fx.server(await startStripeServer());
    const core = fx.core(testCore({ stripeKey: SANDBOX_API_KEY, stripeApiBase: server.url }));
    server.setNow(() => core.clock.now());
    // A small demo ledger (the host's has 3000 clients, too slow to seed in every test), same generator.
    seedDemo(core, { clients: 120, days: 28 });
    expect(await seedDemoStripe(core)).toEqual({ clients: 6 });

    const rows = linked(core);
    expect(rows.map((r) => [r.currency, r.methods])).toEqual(
      expect.arrayContaining([
        ['USD', '4242'],
        ['EUR', '0002,4242'],
        ['USD', '9995'],
        ['EUR', '3184'],
        ['USD', '6789'],
        ['EUR', null],
      ]),
    );
    expect(rows).toHaveLength(6);
    expect(server.customers().map((c) => c.id).sort()).toEqual(rows.map((r) => r.customerId).sort());
    for (const r of rows) {
      const methods = await core.ok('methods.list', { clientId: r.clientId });
      // Every method is the client's own at Stripe, made from a test token.
      expect(methods.methods.map((m) => m.stripeId).sort()).toEqual(server.paymentMethods({ customer: r.customerId }).map((m) => m.id).sort());
      expect(methods.methods.map((m) => m.priority)).toEqual(methods.methods.map((_m, i) => i + 1));
      const settings = await core.ok('recharge.get', { clientId: r.clientId });
      const { available } = await core.ok('clients.get', { id: r.clientId });
      expect(settings).toMatchObject({ saved: true, mode: 'auto', enabled: true, warnings: [] });
      expect(settings.averageDailySpend).toBeGreaterThan(0);
      expect(settings.triggerThreshold).toBeGreaterThanOrEqual(settings.suggestedThreshold);
      expect(settings.alertThreshold!).toBeGreaterThan(settings.triggerThreshold);
      expect(settings.rechargeAmount).toBeGreaterThanOrEqual(settings.averageDailySpend);
      expect(settings.triggerThreshold % 100 + settings.rechargeAmount % 100).toBe(0); // whole dollars and euros
      // Room above the alert: nothing happens until someone posts usage.
      expect(available).toBeGreaterThan(settings.alertThreshold!);
    }
    expect(core.db.$client.prepare('SELECT count(*) FROM charge_attempts').pluck().get()).toBe(0);
    expect(server.paymentIntents()).toEqual([]);

    // Usage that takes the failover client just below its trigger: the primary declines, the second card pays.
    const failover = rows.find((r) => r.methods === '0002,4242')!;
    const settings = await core.ok('recharge.get', { clientId: failover.clientId });
    const { available } = await core.ok('clients.get', { id: failover.clientId });
    await core.ok('ledger.post', { clientId: failover.clientId, kind: 'usage', amount: -(available - settings.triggerThreshold + 1) });
    await core.runDue();
    const [declined, second] = (await core.ok('methods.list', { clientId: failover.clientId })).methods;
    expect(declined).toMatchObject({ last4: '0002', cooldownReason: expect.any(String) });
    const paid = server.paymentIntents({ customer: failover.customerId, status: 'succeeded' });
    expect(paid).toMatchObject([{ payment_method: second.stripeId, currency: 'eur', amount: settings.rechargeAmount }]);
    expect(server.paymentIntents({ customer: failover.customerId, status: 'requires_payment_method' })).toHaveLength(1);
    const credit = core.db.$client.prepare(`SELECT amount FROM ledger_entries WHERE client_id = ? AND kind = 'top_up' AND external_id = ?`).pluck().all(failover.clientId, paid[0].id);
    expect(credit).toEqual([settings.rechargeAmount]);
    expect((await core.ok('clients.get', { id: failover.clientId })).available).toBe(settings.triggerThreshold - 1 + settings.rechargeAmount);
  });

  it('refuses to run without a sandbox (never against real Stripe), and fails in words when the sandbox is gone', async () => {
    const plain = fx.core(testCore({ stripeKey: SANDBOX_API_KEY }));
    seedDemo(plain, { clients: 14, days: 3 });
    await expect(seedDemoStripe(plain)).rejects.toThrow(/only from a sandbox/);
    const server = await startStripeServer();
    const core = fx.core(testCore({ stripeKey: SANDBOX_API_KEY, stripeApiBase: server.url }));
    await server.close();
    seedDemo(core, { clients: 14, days: 3 });
    await expect(seedDemoStripe(core)).rejects.toThrow(/^methods\.link: Stripe could not be reached/);
    expect(linked(core)).toEqual([]);
  });

  it('the host seeds it once, right after the demo ledger; started again with the sandbox that kept its state, the methods refresh', { timeout: 90_000 }, async () => {
    const dataDir = tempDir();
    const stateFile = path.join(dataDir, 'stripe-sandbox.json');
    const lines: string[] = [];
    const start = (apiBase: string) => startHost({ dataDir, port: 0, demo: true, tickMs: 0, stripeKey: SANDBOX_API_KEY, stripeApiBase: apiBase, log: (l) => lines.push(l) });
    try {
      const first = await startStripeServer({ stateFile });
      const host = await start(first.url);
      expect(lines.filter((l) => l.startsWith('Demo Stripe side'))).toEqual([`Demo Stripe side ready: 6 clients linked to customers in the sandbox at ${first.url}.`]);
      const before = linked(host.core as TestCore);
      expect(before).toHaveLength(6);
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
  });
});
