/**
 * A client's Stripe customer and payment methods through the real SDK against the Stripe-compatible test
 * server: link (new and existing customer), read methods, reorder, switch auto-charge, add one through a
 * Checkout setup link completed as the client would, refresh, and the errors in words.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useStripeFixtures } from '../../support/stripe/spec-check';
import { startStripeServer, stripeClient, SANDBOX_API_KEY } from '../../support/stripe/server';
import { testCore, withClient } from '../../support/core';

const fx = useStripeFixtures({ afterEach, expect });

async function setup() {
  const server = fx.server(await startStripeServer());
  const core = fx.core(testCore({ stripeKey: SANDBOX_API_KEY, stripeApiBase: server.url }));
  const { client } = await withClient(core);
  return { server, core, client };
}

describe('payment methods from Stripe', () => {
  it('creates the customer once (a repeat finds the same), reads its methods in order, reorders and switches them', async () => {
    const { server, core, client } = await setup();
    expect(await core.ok('stripe.check', {})).toMatchObject({ ok: true, mode: 'test' });
    const first = await core.ok('methods.link', { clientId: client.id });
    expect(first.customerId).toMatch(/^cus_/);
    expect(first.methods).toEqual([]);
    const again = await core.ok('methods.link', { clientId: client.id });
    expect(again.customerId).toBe(first.customerId);
    expect(server.customers()).toHaveLength(1);
    expect(server.customers()[0]).toMatchObject({ email: 'ap@bluefox.test', name: 'Blue Fox Ltd' });

    server.attachTestPaymentMethod(first.customerId!, 'pm_card_chargeDeclined');
    server.attachTestPaymentMethod(first.customerId!, 'pm_card_visa');
    server.attachTestPaymentMethod(first.customerId!, 'pm_usBankAccount_success');
    const read = await core.ok('methods.refresh', { clientId: client.id });
    expect(read.methods).toHaveLength(3);
    expect(read.methods.map((m) => m.priority)).toEqual([1, 2, 3]);
    expect(read.methods.filter((m) => m.primary)).toHaveLength(1);
    expect(read.methods.every((m) => m.autoCharge && m.cooldownUntil === null)).toBe(true);
    const visa = read.methods.find((m) => m.last4 === '4242')!;
    expect(visa).toMatchObject({ type: 'card', brand: 'visa', label: 'Visa •••• 4242', expired: false });
    const bank = read.methods.find((m) => m.type === 'us_bank_account')!;
    expect(bank.label).toMatch(/•••• \d{4}$/);

    const order = [visa.id, ...read.methods.filter((m) => m.id !== visa.id).map((m) => m.id)];
    const reordered = await core.ok('methods.reorder', { clientId: client.id, order });
    expect(reordered.methods.map((m) => m.id)).toEqual(order);
    expect(reordered.methods[0]).toMatchObject({ id: visa.id, primary: true, priority: 1 });
    expect(await core.fails('methods.reorder', { clientId: client.id, order: [visa.id] })).toMatchObject({
      kind: 'validation',
      field: 'order',
    });
    expect(
      await core.fails('methods.reorder', { clientId: client.id, order: [visa.id, visa.id, bank.id] }),
    ).toMatchObject({ field: 'order' });
    const off = await core.ok('methods.update', { id: bank.id, autoCharge: false });
    expect(off.methods.find((m) => m.id === bank.id)!.autoCharge).toBe(false);
    // A refresh keeps Balance Desk's own settings.
    const kept = await core.ok('methods.refresh', { clientId: client.id });
    expect(kept.methods.map((m) => [m.id, m.autoCharge])).toEqual(
      reordered.methods.map((m) => [m.id, m.id === bank.id ? false : true]),
    );
    const audit = (await core.ok('audit.list', { subjectType: 'client', subjectId: client.id, limit: 20 })).items.map(
      (a) => a.action,
    );
    expect(audit).toEqual(expect.arrayContaining(['methods.link', 'methods.reorder', 'methods.update']));
  });

  it('adds a method the way a client does: a Checkout link in setup mode, then Refresh; a detached one leaves the order', async () => {
    const { server, core, client } = await setup();
    const { customerId } = await core.ok('methods.link', { clientId: client.id });
    const link = await core.ok('methods.setupLink', { clientId: client.id });
    expect(link.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const [session] = server.checkoutSessions();
    // With no page of the reseller's set, the client returns to the sandbox's own page.
    expect(session).toMatchObject({
      mode: 'setup',
      customer: customerId,
      currency: 'usd',
      success_url: `${server.url}/`,
      cancel_url: `${server.url}/`,
    });
    // Emailed: a new link, logged and queued for the client's billing address.
    const mailed = await core.ok('methods.setupLink', { clientId: client.id, email: true });
    expect(mailed.emailedTo).toBe('ap@bluefox.test');
    const [note] = (await core.ok('notifications.list', { kind: 'setup_link' })).items;
    expect(note).toMatchObject({
      recipients: ['ap@bluefox.test'],
      subject: 'Add a payment method for your Acme Telecom account',
      status: 'queued',
    });
    expect((await core.ok('notifications.get', { id: note.id })).message.text).toContain(
      `Add a payment method: ${mailed.url}`,
    );
    server.completeCheckout(session.id, 'pm_card_mastercard');
    const after = await core.ok('methods.refresh', { clientId: client.id });
    expect(after.methods.map((m) => m.label)).toEqual(['Mastercard •••• 4444']);
    server.attachTestPaymentMethod(customerId!, 'pm_card_visa');
    const two = await core.ok('methods.refresh', { clientId: client.id });
    expect(two.methods.map((m) => m.label)).toEqual(['Mastercard •••• 4444', 'Visa •••• 4242']);
    // Detached at Stripe (by the client, or in the dashboard): gone from the order, the rest renumbered.
    await stripeClient(server).paymentMethods.detach(two.methods[0].stripeId);
    const one = await core.ok('methods.refresh', { clientId: client.id });
    expect(one.methods.map((m) => [m.label, m.priority, m.primary])).toEqual([['Visa •••• 4242', 1, true]]);
    expect(await core.fails('methods.update', { id: two.methods[0].id, autoCharge: false })).toMatchObject({
      kind: 'not_found',
    });
  });

  it("sends the client back to the reseller's page after a setup link, which must be set when the SDK points at Stripe itself", async () => {
    const { server, core, client } = await setup();
    await core.ok('methods.link', { clientId: client.id });
    expect(await core.fails('stripe.setReturnPage', { returnUrl: 'javascript:alert(1)' })).toMatchObject({
      kind: 'validation',
      field: 'returnUrl',
    });
    expect(await core.fails('stripe.setReturnPage', { returnUrl: 'x'.repeat(10) })).toMatchObject({
      kind: 'validation',
      field: 'returnUrl',
    });
    expect((await core.ok('stripe.get', {})).returnUrl).toBeNull();
    const set = await core.ok('stripe.setReturnPage', { returnUrl: 'https://bluefox.example/card-saved' });
    expect(set).toMatchObject({ returnUrl: 'https://bluefox.example/card-saved', defaultReturnUrl: `${server.url}/` });
    await core.ok('methods.setupLink', { clientId: client.id });
    expect(server.checkoutSessions()[0]).toMatchObject({
      success_url: 'https://bluefox.example/card-saved',
      cancel_url: 'https://bluefox.example/card-saved',
    });
    const audit = (await core.ok('audit.list', { limit: 10 })).items.find((a) => a.action === 'stripe.setReturnPage')!;
    expect(audit.detail).toEqual({ returnUrl: [null, 'https://bluefox.example/card-saved'] });
    expect((await core.ok('stripe.setReturnPage', { returnUrl: null })).returnUrl).toBeNull();

    // Pointed at api.stripe.com there is no default page: the link is refused in words, before any call.
    const real = fx.core(testCore({ stripeKey: SANDBOX_API_KEY }));
    const other = await withClient(real);
    expect((await real.ok('stripe.get', {})).defaultReturnUrl).toBeNull();
    expect(await real.fails('methods.setupLink', { clientId: other.client.id })).toMatchObject({
      kind: 'conflict',
      field: 'returnUrl',
      message: expect.stringMatching(/Settings → Stripe/),
    });
  });

  it('links an existing customer by id, refusing one Stripe does not have and one linked to another client', async () => {
    const { server, core, client } = await setup();
    const existing = server.createCustomer({ email: 'x@bluefox.test' });
    server.attachTestPaymentMethod(existing.id, 'pm_card_visa');
    const linked = await core.ok('methods.link', { clientId: client.id, customerId: existing.id });
    expect(linked).toMatchObject({ customerId: existing.id, methods: [{ label: 'Visa •••• 4242' }] });
    expect(await core.fails('methods.link', { clientId: client.id, customerId: 'cus_DoesNotExist1' })).toMatchObject({
      kind: 'validation',
      field: 'customerId',
    });
    const other = await core.ok('clients.create', {
      resellerId: client.resellerId,
      externalRef: 'C-2',
      name: 'Two',
      billingEmail: 't@x.test',
      currency: 'USD',
    });
    expect(await core.fails('methods.link', { clientId: other.id, customerId: existing.id })).toMatchObject({
      kind: 'conflict',
      field: 'customerId',
    });
    expect(await core.fails('methods.refresh', { clientId: other.id })).toMatchObject({ kind: 'conflict' });
  });

  it('says in words when Stripe is not set up, refuses the key, or cannot be reached', async () => {
    const server = fx.server(await startStripeServer());
    const none = fx.core(testCore({ stripeApiBase: server.url }));
    const { client } = await withClient(none);
    expect(await none.fails('methods.link', { clientId: client.id })).toMatchObject({
      kind: 'validation',
      field: 'stripe',
      message: expect.stringMatching(/Settings → Stripe/),
    });
    const wrong = await none.ok('stripe.check', { secretKey: 'sk_test_WrongKey0000000' });
    expect(wrong).toMatchObject({ ok: false });
    expect(wrong.message).toMatch(/refused the secret key/);
    await none.ok('stripe.set', { secretKey: SANDBOX_API_KEY });
    server.fail({ times: 1, status: 500 });
    expect(await none.fails('methods.link', { clientId: client.id })).toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/problem on its side \(500\)/),
    });
    expect((await none.ok('methods.link', { clientId: client.id })).customerId).toMatch(/^cus_/);
  });
});
