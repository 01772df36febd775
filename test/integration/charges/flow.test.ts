/**
 * The charge flow through the real SDK against the Stripe-compatible test server, on an injected clock:
 * success and the receipt, failover with the 48-hour cooldown, authentication required, a bank debit
 * pending then succeeded and pending then failed, one charge closing a deep gap, no second charge while
 * one is pending, the daily cap, faults (500, lost response) ending with exactly one credit per successful
 * PaymentIntent, a restart in the middle of a charge (a minute, and 25 hours: past Stripe's memory of
 * idempotency keys, so the payment is looked up before its key is sent again), and the periodic check (a cooldown ending with no usage,
 * and what may start a new attempt after a failure).
 */
import { describe, expect, it } from 'vitest';
import { CHECK_EVERY_MS, POLL_MS } from '../../../src/main/core/charges/flow';
import { COOLDOWN_MS } from '../../../src/main/core/methods/cooldown';
import type { ChangeEvent } from '../../../src/shared/contracts';
import { SANDBOX_API_KEY } from '../../support/stripe/server';
import { tempDir } from '../../support/core';
import { attempts, balance, kinds, oneCreditPerPayment, topUps, useChargeRig } from '../../support/charge-rig';

const { setup } = useChargeRig();

describe('the charge flow', () => {
  it('charges the primary below the trigger (strictly), credits once and emails a receipt', async () => {
    const { server, core, client } = await setup(['pm_card_visa']);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -5000 }); // exactly $50: not below
    expect(attempts(core)).toEqual([]);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -1 }); // $49.99
    expect(attempts(core)).toMatchObject([{ amount: 20_000, status: 'queued' }]);
    await core.runDue();
    expect(attempts(core)).toMatchObject([
      { status: 'succeeded', reason: 'Visa •••• 4242: $200.00 paid and credited.' },
    ]);
    expect((await balance(core, client.id)).available).toBe(24_999);
    oneCreditPerPayment(server, core, client.id);
    expect(server.paymentIntents()[0]).toMatchObject({
      amount: 20_000,
      currency: 'usd',
      status: 'succeeded',
      metadata: { balance_desk_client: String(client.id) },
    });
    expect(await kinds(core)).toContain('top_up_receipt');
  });

  it('fails over from a declined card to the next, cooling the declined one down for 48 hours; Retry-free recovery after the cooldown', async () => {
    const { server, core, client } = await setup(['pm_card_chargeDeclinedInsufficientFunds', 'pm_card_visa']);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -6000 });
    await core.runDue();
    expect(attempts(core)).toMatchObject([{ status: 'succeeded' }]);
    const list = (await core.ok('methods.list', { clientId: client.id })).methods;
    expect(list[0]).toMatchObject({
      cooldownReason: 'insufficient funds',
      cooldownUntil: new Date(core.clock.now() + COOLDOWN_MS).toISOString(),
    });
    expect(list[1].cooldownUntil).toBeNull();
    expect(
      server
        .paymentIntents()
        .map((p) => p.status)
        .sort(),
    ).toEqual(['requires_payment_method', 'succeeded']);
    expect(await kinds(core)).toEqual(expect.arrayContaining(['method_disabled', 'top_up_receipt']));
    oneCreditPerPayment(server, core, client.id);
    // Within the cooldown the next charge goes straight to the second card; after it, the first is tried again.
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -20_000 });
    await core.runDue();
    expect(server.paymentIntents()).toHaveLength(3);
    core.testClock.advance(COOLDOWN_MS + 1);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -20_000 });
    await core.runDue();
    expect(server.paymentIntents()).toHaveLength(5);
    oneCreditPerPayment(server, core, client.id);
  });

  it('stops at authentication required: the client is emailed, nothing is retried automatically', async () => {
    const { server, core, client } = await setup(['pm_card_authenticationRequired', 'pm_card_visa']);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -6000 });
    await core.runDue();
    expect(attempts(core)).toMatchObject([{ status: 'requires_action' }]);
    expect(server.paymentIntents()).toHaveLength(1);
    const mail = (await core.ok('notifications.list', { kind: 'recharge_failed' })).items;
    expect(mail).toHaveLength(1);
    core.testClock.advance(3_600_000);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -100 });
    await core.runDue();
    expect(attempts(core)).toHaveLength(1);
    expect(server.paymentIntents()).toHaveLength(1);
    expect(topUps(core, client.id)).toEqual([]);
  });

  it('a bank debit is pending (no second charge), credited only when it succeeds; a late failure credits nothing', async () => {
    const { server, core, client } = await setup(['pm_usBankAccount_success']);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -6000 });
    await core.runDue();
    expect(attempts(core)).toMatchObject([{ status: 'processing' }]);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -1000 });
    await core.runDue();
    expect(attempts(core)).toHaveLength(1); // pending: no second charge
    expect((await core.ok('recharge.dryRun', { clientId: client.id })).steps.join(' ')).toContain(
      'is processing (a bank debit): no second charge',
    );
    expect(topUps(core, client.id)).toEqual([]);
    server.settle(attempts(core)[0].pi!, 'succeeded');
    core.testClock.advance(POLL_MS);
    await core.runDue();
    expect(attempts(core)).toMatchObject([{ status: 'succeeded' }]);
    oneCreditPerPayment(server, core, client.id);

    // Next time the debit fails after processing.
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -30_000 });
    await core.runDue();
    const second = attempts(core)[1];
    expect(second.status).toBe('processing');
    core.testClock.advance(POLL_MS);
    await core.runDue(); // still processing: asked again later
    expect(attempts(core)[1].status).toBe('processing');
    server.settle(second.pi!, 'failed', 'insufficient_funds');
    core.testClock.advance(POLL_MS);
    await core.runDue();
    expect(attempts(core)[1]).toMatchObject({ status: 'failed', entryId: null });
    expect(attempts(core)[1].reason).toContain('nothing was credited');
    oneCreditPerPayment(server, core, client.id);
  });

  it('closes a deep negative gap in one payment, and stops at the daily cap (told once)', async () => {
    const { server, core, client } = await setup(['pm_card_visa'], { dailyCap: 50_000 });
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -40_000 }); // -$300
    await core.runDue();
    expect(attempts(core)).toMatchObject([{ amount: 40_000, status: 'succeeded' }]); // 2 × $200 → $100 > $50
    expect((await balance(core, client.id)).available).toBe(10_000);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -6000 });
    await core.runDue();
    expect(attempts(core)[1]).toMatchObject({ amount: 10_000, status: 'succeeded' }); // what the cap leaves
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -10_000 });
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -1000 });
    await core.runDue();
    expect(attempts(core)).toHaveLength(2);
    const capped = (await core.ok('notifications.list', { kind: 'recharge_failed' })).items;
    expect(capped).toHaveLength(1);
    expect(capped[0].recipients.sort()).toEqual(['ap@bluefox.test', 'billing@acme.test']);
    oneCreditPerPayment(server, core, client.id);
  });

  it('survives faults: a 500 and a lost response are retried with the same key; exactly one credit', async () => {
    const { server, core, client } = await setup(['pm_card_visa']);
    server.fail({ times: 1, status: 500 }, { method: 'POST', path: '/v1/payment_intents' });
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -6000 });
    await core.runDue();
    expect(attempts(core)).toMatchObject([{ status: 'charging' }]);
    expect(server.paymentIntents()).toHaveLength(0);
    // The payment goes through at Stripe but the answer is lost, twice (the SDK retries a dropped connection once itself).
    server.fail({ times: 2, mode: 'lost' }, { method: 'POST', path: '/v1/payment_intents' });
    core.testClock.advance(30_000);
    await core.runDue();
    expect(server.paymentIntents({ status: 'succeeded' })).toHaveLength(1);
    expect(topUps(core, client.id)).toEqual([]);
    core.testClock.advance(60_000);
    await core.runDue();
    expect(attempts(core)).toMatchObject([{ status: 'succeeded' }]);
    expect(server.paymentIntents()).toHaveLength(1);
    oneCreditPerPayment(server, core, client.id);
    const keys = server.requests
      .filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents')
      .map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(1);
  });

  it('survives a timeout (Stripe made the payment, the answer never came in time) and a 500 while polling a bank debit; one credit each', async () => {
    const { server, core, client, customerId } = await setup(['pm_card_visa'], {}, 'env', { stripeTimeoutMs: 300 });
    server.fail({ times: 1, mode: 'timeout', perform: true }, { method: 'POST', path: '/v1/payment_intents' });
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -6000 });
    await core.runDue();
    expect(server.paymentIntents({ status: 'succeeded' })).toHaveLength(1);
    expect(attempts(core)).toMatchObject([{ status: 'charging' }]);
    core.testClock.advance(60_000);
    await core.runDue();
    expect(attempts(core)).toMatchObject([{ status: 'succeeded' }]);
    expect(server.paymentIntents()).toHaveLength(1);
    oneCreditPerPayment(server, core, client.id);

    // A bank debit: Stripe answers 500 to the first poll; the next one credits it, once.
    const bank = server.attachTestPaymentMethod(customerId, 'pm_usBankAccount_success');
    await core.ok('methods.refresh', { clientId: client.id });
    const order = (await core.ok('methods.list', { clientId: client.id })).methods;
    await core.ok('methods.reorder', {
      clientId: client.id,
      order: [
        order.find((m) => m.stripeId === bank.id)!.id,
        ...order.filter((m) => m.stripeId !== bank.id).map((m) => m.id),
      ],
    });
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -20_000 });
    await core.runDue();
    expect(attempts(core)[1]).toMatchObject({ status: 'processing' });
    server.settle(attempts(core)[1].pi!, 'succeeded');
    server.fail({ times: 1, status: 500 }, { method: 'GET' });
    core.testClock.advance(POLL_MS);
    await core.runDue();
    expect(attempts(core)[1].status).toBe('processing');
    core.testClock.advance(POLL_MS);
    await core.runDue();
    expect(attempts(core)[1]).toMatchObject({ status: 'succeeded' });
    oneCreditPerPayment(server, core, client.id);
  });

  it('Retry: staff charge a cooled-down card now (audited); on success its cooldown ends; a failed attempt can be retried too', async () => {
    const { server, core, client, methods } = await setup([
      'pm_card_chargeDeclined',
      'pm_card_chargeDeclinedExpiredCard',
    ]);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -6000 });
    await core.runDue();
    const [failed] = attempts(core);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(
      /every payment method failed \(.*the bank declined the card; .*the card has expired\)/,
    );
    const list = await core.ok('charges.list', { clientId: client.id });
    expect(list.items[0]).toMatchObject({
      status: 'failed',
      retryable: true,
      tries: [{ status: 'declined' }, { status: 'declined', declineCode: 'expired_card' }],
    });
    const cooled = (await core.ok('methods.list', { clientId: client.id })).methods;
    expect(cooled.every((m) => m.cooldownUntil !== null)).toBe(true);
    // Every method is cooling down: more usage starts no new attempt and sends no new email.
    const mails = (await kinds(core)).length;
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -100 });
    await core.runDue();
    expect(attempts(core)).toHaveLength(1);
    expect((await kinds(core)).length).toBe(mails);
    // The client fixes the first card; staff press Retry on it.
    server.behaveAs(cooled[0].stripeId, 'pm_card_visa');
    const retry = await core.ok('charges.retry', { methodId: cooled[0].id });
    expect(retry).toMatchObject({
      origin: 'retry',
      status: 'queued',
      amount: 20_000,
      methodId: cooled[0].id,
      actor: 'desk',
    });
    expect(await core.fails('charges.retry', { methodId: cooled[0].id })).toMatchObject({ kind: 'conflict' });
    await core.runDue();
    const after = (await core.ok('methods.list', { clientId: client.id })).methods;
    expect(after.find((m) => m.id === cooled[0].id)!.cooldownUntil).toBeNull();
    expect(after.find((m) => m.id === cooled[1].id)!.cooldownUntil).not.toBeNull();
    expect(attempts(core)[1]).toMatchObject({ status: 'succeeded' });
    oneCreditPerPayment(server, core, client.id);
    const audit = (
      await core.ok('audit.list', { subjectType: 'client', subjectId: client.id, limit: 50 })
    ).items.filter((a) => a.action === 'charges.retry');
    expect(audit).toHaveLength(1);
    // The first attempt is retried with its first method; a refusal says why by field.
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -20_000 });
    await core.runDue();
    expect(await core.fails('charges.retry', { attemptId: attempts(core)[2].id })).toMatchObject({
      kind: 'conflict',
      field: 'attemptId',
    });
    const again = await core.ok('charges.retry', { attemptId: failed.id });
    expect(again.methodId).toBe(methods[0].id);
    await core.runDue();
    expect(attempts(core)[3]).toMatchObject({ status: 'succeeded' });
    expect(await core.fails('charges.retry', {})).toMatchObject({ kind: 'validation', field: 'attemptId' });
    oneCreditPerPayment(server, core, client.id);
  });

  it('with no usage at all: charges again by itself when a cooldown ends, and tells the screens the cooldown ended', async () => {
    const { server, core, client } = await setup(['pm_card_chargeDeclined']);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -6000 });
    await core.runDue();
    expect(attempts(core)).toMatchObject([{ status: 'failed' }]);
    const [card] = (await core.ok('methods.list', { clientId: client.id })).methods;
    const events: ChangeEvent[] = [];
    core.onChange((e) => events.push(e));
    // The client's bank lets the card through again; nothing is posted meanwhile.
    server.behaveAs(card.stripeId, 'pm_card_visa');
    core.testClock.advance(COOLDOWN_MS - 60_000);
    await core.runDue();
    expect(attempts(core)).toHaveLength(1);
    expect(events.filter((e) => e.topic === 'methods')).toEqual([]);
    core.testClock.advance(60_000 + CHECK_EVERY_MS);
    await core.runDue();
    expect(events).toContainEqual({ topic: 'methods', clientIds: [client.id] });
    expect(attempts(core)).toMatchObject([{ status: 'failed' }, { status: 'succeeded', amount: 20_000 }]);
    expect((await balance(core, client.id)).available).toBe(24_000);
    oneCreditPerPayment(server, core, client.id);
    // Back above the trigger: the periodic check starts nothing more.
    core.testClock.advance(CHECK_EVERY_MS);
    await core.runDue();
    expect(attempts(core)).toHaveLength(2);
  });

  it('after a failure, waits for something that can change the outcome: a fixed Stripe key, a new method (no email on every check)', async () => {
    const { server, core: noKey, client } = await setup(['pm_card_visa'], {}, 'settings');
    await noKey.ok('stripe.set', { secretKey: null });
    await noKey.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -6000 });
    await noKey.runDue();
    expect(attempts(noKey)).toMatchObject([
      { status: 'failed', reason: expect.stringMatching(/Stripe is not set up/) },
    ]);
    const mails = (await kinds(noKey)).length;
    for (let i = 0; i < 3; i++) {
      noKey.testClock.advance(CHECK_EVERY_MS);
      await noKey.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -100 });
      await noKey.runDue();
    }
    expect(attempts(noKey)).toHaveLength(1);
    expect((await kinds(noKey)).length).toBe(mails);
    const dry = await noKey.ok('recharge.dryRun', { clientId: client.id });
    expect(dry.charge).toBeNull();
    expect(dry.steps.join(' ')).toMatch(
      /due, but not made now\. The last automatic top-up failed and everyone was told/,
    );
    // The key is entered again: the next check charges.
    noKey.testClock.advance(1000);
    await noKey.ok('stripe.set', { secretKey: SANDBOX_API_KEY });
    noKey.testClock.advance(CHECK_EVERY_MS);
    await noKey.runDue();
    expect(attempts(noKey)).toMatchObject([{ status: 'failed' }, { status: 'succeeded' }]);
    oneCreditPerPayment(server, noKey, client.id);
  });

  it('a method read from Stripe or switched on after a failure is charged at once', async () => {
    const { server, core, client, methods } = await setup(['pm_card_chargeDeclined', 'pm_card_visa']);
    await core.ok('methods.update', { id: methods[1].id, autoCharge: false });
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -6000 });
    await core.runDue();
    expect(attempts(core)).toMatchObject([{ status: 'failed' }]);
    // Switching the good card on (a minute later) starts a new attempt in the same call.
    core.testClock.advance(60_000);
    await core.ok('methods.update', { id: methods[1].id, autoCharge: true });
    expect(attempts(core)).toMatchObject([{ status: 'failed' }, { status: 'queued' }]);
    await core.runDue();
    expect(attempts(core)[1]).toMatchObject({ status: 'succeeded' });

    // Again with every card declining; the client adds a new card through a setup link, staff press Refresh.
    server.behaveAs(methods[1].stripeId, 'pm_card_chargeDeclined');
    core.testClock.advance(1000);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -20_000 });
    await core.runDue();
    expect(attempts(core)[2]).toMatchObject({ status: 'failed' });
    const { customerId } = await core.ok('methods.list', { clientId: client.id });
    server.attachTestPaymentMethod(customerId!, 'pm_card_mastercard');
    core.testClock.advance(1000);
    await core.ok('methods.refresh', { clientId: client.id });
    expect(attempts(core)).toHaveLength(4);
    await core.runDue();
    expect(attempts(core)[3]).toMatchObject({
      status: 'succeeded',
      reason: expect.stringMatching(/^Mastercard •••• 4444/),
    });
    oneCreditPerPayment(server, core, client.id);
  });

  it.each([
    ['a minute', 60_000],
    ['25 hours (past the 24 hours Stripe keeps an idempotency key)', 25 * 3_600_000],
  ])(
    'the app stops after Stripe took the payment but before its answer came, and starts %s later: the payment is looked up before its key is sent again; one charge, one credit',
    async (_later, closedFor) => {
      const first = await setup(['pm_card_visa'], {}, 'env', { dataDir: tempDir(), file: undefined, inMemory: false });
      const { server, client, reopen } = first;
      let core = first.core;
      server.fail({ times: 2, mode: 'lost' }, { method: 'POST', path: '/v1/payment_intents' });
      await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -6000 });
      await core.runDue();
      expect(server.paymentIntents({ status: 'succeeded' })).toHaveLength(1);
      expect(attempts(core)).toMatchObject([{ status: 'charging', pi: null }]);
      const closedAt = core.clock.now();
      core.close();

      core = reopen();
      core.testClock.set(closedAt + closedFor);
      await core.runDue();
      expect(attempts(core)).toMatchObject([{ status: 'succeeded' }]);
      expect(server.paymentIntents()).toHaveLength(1);
      oneCreditPerPayment(server, core, client.id);
      expect((await balance(core, client.id)).available).toBe(24_000);
      // Asked before sending: the lookup, and no POST after the restart (past 24 hours one would pay again).
      expect(server.requests.filter((r) => r.at > closedAt).map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /v1/payment_intents',
      ]);
      const keys = server.requests
        .filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents')
        .map((r) => r.idempotencyKey);
      expect(keys.length).toBeGreaterThan(1);
      expect(new Set(keys).size).toBe(1);
    },
  );
});
