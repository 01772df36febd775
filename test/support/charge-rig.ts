/**
 * The charge flow's test rig: a core on the injected clock, the Stripe test server through the real SDK, and
 * a client with $100 linked to Stripe with the given test methods, on automatic top-up of $200 below $50.
 * Cores and servers close after each test, and every request the core sent is checked against Stripe's
 * published description (spec-check.ts).
 */
import { afterEach, expect } from 'vitest';
import { useStripeFixtures } from './stripe/spec-check';
import { startStripeServer, SANDBOX_API_KEY, type StripeServerOptions, type StripeTestServer } from './stripe/server';
import { testCore, withClient, type TestCore } from './core';

export function useChargeRig() {
  const fx = useStripeFixtures({ afterEach, expect });
  /**
   * `coreOptions` go to the core (a data folder, a time limit); `reopen()` starts another core with the same
   * options, as the app does after a restart; `serverOptions` go to the Stripe test server.
   */
  async function setup(
    tokens: string[],
    settings: Partial<{ triggerThreshold: number; rechargeAmount: number; dailyCap: number | null }> = {},
    keyIn: 'env' | 'settings' = 'env',
    coreOptions: Parameters<typeof testCore>[0] = {},
    serverOptions: StripeServerOptions = {},
  ) {
    const server = fx.server(await startStripeServer(serverOptions));
    const reopen = () => {
      const c = fx.core(
        testCore({
          stripeKey: keyIn === 'env' ? SANDBOX_API_KEY : undefined,
          stripeApiBase: server.url,
          ...coreOptions,
        }),
      );
      server.setNow(() => c.clock.now());
      return c;
    };
    const core = reopen();
    if (keyIn === 'settings') await core.ok('stripe.set', { secretKey: SANDBOX_API_KEY });
    const { client } = await withClient(core);
    await core.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 10_000 });
    const { customerId } = await core.ok('methods.link', { clientId: client.id });
    for (const t of tokens) server.attachTestPaymentMethod(customerId!, t);
    const methods = (await core.ok('methods.refresh', { clientId: client.id })).methods;
    // attachTestPaymentMethod lists newest first at Stripe: put them in the order given.
    const byToken = tokens.map((_t, i) => methods[methods.length - 1 - i] ?? methods[i]);
    await core.ok('methods.reorder', { clientId: client.id, order: byToken.map((m) => m.id) });
    await core.ok('recharge.set', {
      clientId: client.id,
      mode: 'auto',
      enabled: true,
      alertThreshold: null,
      triggerThreshold: 5000,
      rechargeAmount: 20_000,
      dailyCap: null,
      ...settings,
    });
    return {
      server,
      core,
      client,
      reopen,
      methods: (await core.ok('methods.list', { clientId: client.id })).methods,
      customerId: customerId!,
    };
  }
  return { fx, setup };
}

export const attempts = (core: TestCore) =>
  core.db.$client
    .prepare(
      `SELECT id, amount, status, reason, payment_intent AS pi, entry_id AS entryId, waiting_since AS waitingSince FROM charge_attempts ORDER BY id`,
    )
    .all() as {
    id: number;
    amount: number;
    status: string;
    reason: string;
    pi: string | null;
    entryId: number | null;
    waitingSince: number | null;
  }[];
export const topUps = (core: TestCore, clientId: number) =>
  core.db.$client
    .prepare(
      `SELECT amount, external_id AS pi FROM ledger_entries WHERE client_id = ? AND kind = 'top_up' AND external_id LIKE 'pi_%'`,
    )
    .all(clientId) as { amount: number; pi: string }[];
export const balance = async (core: TestCore, id: number) => await core.ok('clients.get', { id });
export const kinds = async (core: TestCore) =>
  (await core.ok('notifications.list', { limit: 100 })).items.map((n) => n.kind);

/** Exactly one credit per succeeded PaymentIntent, and none without one. */
export function oneCreditPerPayment(server: StripeTestServer, core: TestCore, clientId: number) {
  const succeeded = server
    .paymentIntents({ status: 'succeeded' })
    .map((p) => p.id)
    .sort();
  expect(
    topUps(core, clientId)
      .map((t) => t.pi)
      .sort(),
  ).toEqual(succeeded);
}
