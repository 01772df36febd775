/**
 * The Stripe-compatible test server (test/support/stripe/), driven through the real `stripe` SDK: keys,
 * customers, payment methods from test tokens, payment intents (success, each decline, authentication
 * required on and off session, bank debits processing then settled either way), checkout sessions in
 * setup mode, events, Idempotency-Key replay and idempotency_error, and every injected fault (5xx,
 * timeout, lost response) ending with one PaymentIntent per key; and the state file, which a server
 * started again loads (objects, events, test-token behaviours, saved Idempotency-Key results).
 *
 * Then everything the server answered is validated against Stripe's published OpenAPI description
 * (../shared/stripe/, beside the project): each response body against its schema (closed objects: no
 * property Stripe lacks), and each request the SDK sent as a declared operation with declared parameters.
 * Where that folder is absent the validation tests are skipped, saying why (CI has it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSpec, SpecValidator } from '../../support/stripe/openapi';
import { NEWER_PARAMS, SPEC_PARAMS } from '../../support/stripe/params';
import {
  SANDBOX_API_KEY,
  startStripeServer,
  stripeClient,
  type RecordedRequest,
  type StripeTestServer,
} from '../../support/stripe/server';

const SPEC_FILE = path.resolve(__dirname, '../../../../shared/stripe/openapi-spec3-2023-08-16.json');
const HAVE_SPEC = fs.existsSync(SPEC_FILE);
const SKIP_WHY = HAVE_SPEC ? '' : ` (skipped: ${SPEC_FILE} is absent here; CI has it)`;
if (!HAVE_SPEC) console.warn(`stripe-server.test: OpenAPI validation skipped, ${SPEC_FILE} is absent (CI has it)`);

/** Response properties the 2023-08-16 description lacks that the server answers on purpose (none so far). */
const EXTRA_FIELDS: Record<string, readonly string[]> = {};

const SECOND_KEY = 'sk_test_second_account_key';
let server: StripeTestServer;
let stripe: Stripe;
/** Every request of every test, kept for the OpenAPI checks at the end. */
const traffic: RecordedRequest[] = [];

beforeAll(async () => {
  server = await startStripeServer({ apiKeys: [SANDBOX_API_KEY, SECOND_KEY] });
  stripe = stripeClient(server);
});
afterEach(() => {
  traffic.push(...server.requests);
  server.reset();
});
afterAll(async () => {
  await server?.close();
});

/** Runs `fn`, expecting it to throw; returns the error. */
async function failure<T = Stripe.errors.StripeError>(fn: () => Promise<unknown>): Promise<T> {
  try {
    await fn();
  } catch (e) {
    return e as T;
  }
  throw new Error('expected a failure');
}

async function customerWith(...tokens: string[]) {
  const customer = await stripe.customers.create({ email: 'client@example.test', name: 'Client Ltd' });
  const methods: Stripe.PaymentMethod[] = [];
  for (const t of tokens) methods.push(await stripe.paymentMethods.attach(t, { customer: customer.id }));
  return { customer, methods };
}

function offSession(
  customer: string,
  paymentMethod: string,
  extra: Partial<Stripe.PaymentIntentCreateParams> = {},
): Stripe.PaymentIntentCreateParams {
  return {
    amount: 20_000,
    currency: 'usd',
    customer,
    payment_method: paymentMethod,
    off_session: true,
    confirm: true,
    ...extra,
  };
}

async function raw(method: string, urlPath: string, body?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${urlPath}`, {
    method,
    headers: {
      Authorization: `Bearer ${server.apiKey}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body,
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

describe('keys and the shape of the API', () => {
  it('refuses a missing or unknown key with a 401 invalid_request_error', async () => {
    // "Check connection": any call with the key; the balance is the cheapest.
    expect(await stripe.balance.retrieve()).toMatchObject({
      object: 'balance',
      livemode: false,
      available: [{ amount: 0, currency: 'usd' }],
    });
    const wrong = stripeClient(server, { apiKey: 'sk_test_not_a_key_we_know' });
    const e = await failure(() => wrong.balance.retrieve());
    expect(e).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(e.statusCode).toBe(401);
    expect(e.rawType).toBe('invalid_request_error');
    expect(e.message).toMatch(/^Invalid API Key provided: sk_test_/);
    expect(e.message).not.toContain('not_a_key_we_know');

    const none = await raw('GET', '/v1/customers', undefined, { Authorization: '' });
    expect(none.status).toBe(401);
    expect(none.json().error).toMatchObject({
      type: 'invalid_request_error',
      message: expect.stringMatching(/^You did not provide an API key/),
    });
    // Basic auth with the key as user name works as with Stripe.
    const basic = await raw('GET', '/v1/customers', undefined, {
      Authorization: `Basic ${Buffer.from(`${server.apiKey}:`).toString('base64')}`,
    });
    expect(basic.status).toBe(200);
  });

  it('customers: create, retrieve, update (metadata merged and unset), list with paging, delete; 404 resource_missing', async () => {
    server.setNow(() => Date.UTC(2030, 0, 2, 3, 4, 5));
    try {
      const a = await stripe.customers.create({
        email: 'a@example.test',
        name: 'A',
        metadata: { client_id: '17', tier: 'gold' },
      });
      expect(a).toMatchObject({
        object: 'customer',
        email: 'a@example.test',
        name: 'A',
        livemode: false,
        metadata: { client_id: '17', tier: 'gold' },
      });
      expect(a.id).toMatch(/^cus_/);
      expect(a.created).toBe(Date.UTC(2030, 0, 2, 3, 4, 5) / 1000);
      const b = await stripe.customers.create({ email: 'b@example.test' });
      const c = await stripe.customers.create({ email: 'c@example.test' });

      const updated = await stripe.customers.update(a.id, { name: 'A Ltd', metadata: { tier: '', region: 'eu' } });
      expect(updated.name).toBe('A Ltd');
      expect(updated.metadata).toEqual({ client_id: '17', region: 'eu' });
      expect(await stripe.customers.retrieve(a.id)).toMatchObject({ id: a.id, name: 'A Ltd' });

      const page1 = await stripe.customers.list({ limit: 2 });
      expect(page1).toMatchObject({ object: 'list', has_more: true, url: '/v1/customers' });
      expect(page1.data.map((x) => x.id)).toEqual([c.id, b.id]); // newest first
      const page2 = await stripe.customers.list({ limit: 2, starting_after: b.id });
      expect(page2.data.map((x) => x.id)).toEqual([a.id]);
      expect(page2.has_more).toBe(false);
      expect((await stripe.customers.list({ email: 'b@example.test' })).data.map((x) => x.id)).toEqual([b.id]);

      const missing = await failure(() => stripe.customers.retrieve('cus_doesnotexist'));
      expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(missing).toMatchObject({
        statusCode: 404,
        code: 'resource_missing',
        param: 'id',
        message: "No such customer: 'cus_doesnotexist'",
      });

      expect(await stripe.customers.del(c.id)).toEqual(
        expect.objectContaining({ id: c.id, object: 'customer', deleted: true }),
      );
      expect(await stripe.customers.retrieve(c.id)).toMatchObject({ id: c.id, deleted: true });
      expect((await stripe.customers.list()).data.map((x) => x.id)).toEqual([b.id, a.id]);
    } finally {
      server.setNow(Date.now);
    }
  });

  it('reads Stripe brackets: arrays both as a[]= and a[0]=, nested hashes; refuses unknown parameters', async () => {
    const customer = await stripe.customers.create({});
    const body = [
      'mode=setup',
      `customer=${customer.id}`,
      'success_url=https%3A%2F%2Fapp.example.test%2Fok',
      'payment_method_types[]=card',
      'payment_method_types[]=us_bank_account',
      'metadata[client_id]=42',
    ].join('&');
    const res = await raw('POST', '/v1/checkout/sessions', body);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      payment_method_types: ['card', 'us_bank_account'],
      metadata: { client_id: '42' },
    });
    expect(server.requests.at(-1)!.params).toMatchObject({
      payment_method_types: ['card', 'us_bank_account'],
      metadata: { client_id: '42' },
    });

    const unknown = await failure(() =>
      stripe.customers.create({ emial: 'typo@example.test' } as Stripe.CustomerCreateParams),
    );
    expect(unknown).toMatchObject({
      statusCode: 400,
      code: 'parameter_unknown',
      param: 'emial',
      message: 'Received unknown parameter: emial',
    });
    const notInt = await failure(() =>
      stripe.paymentIntents.create({ amount: 'ten' as unknown as number, currency: 'usd' }),
    );
    expect(notInt).toMatchObject({ statusCode: 400, param: 'amount', code: 'parameter_invalid_integer' });
    const missing = await failure(() =>
      stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams),
    );
    expect(missing).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'amount' });
    const small = await failure(() => stripe.paymentIntents.create({ amount: 20, currency: 'usd' }));
    expect(small).toMatchObject({ statusCode: 400, code: 'amount_too_small', param: 'amount' });
    const unknownUrl = await raw('GET', '/v1/charges');
    expect(unknownUrl.status).toBe(404);
    expect(unknownUrl.json().error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/charges\)/);
  });
});

describe('payment methods', () => {
  it('attaching a test token makes a new pm_ with the card details; list both ways, retrieve, update, detach', async () => {
    const { customer, methods } = await customerWith('pm_card_visa', 'pm_card_mastercard', 'pm_usBankAccount_success');
    const [visa, mc, bank] = methods;
    expect(visa.id).toMatch(/^pm_/);
    expect(visa.id).not.toBe('pm_card_visa');
    expect(visa).toMatchObject({
      object: 'payment_method',
      type: 'card',
      customer: customer.id,
      card: { brand: 'visa', last4: '4242', funding: 'credit' },
    });
    expect(visa.card!.exp_year).toBeGreaterThanOrEqual(new Date().getUTCFullYear());
    expect(visa.card!.exp_month).toBeGreaterThanOrEqual(1);
    expect(mc.card).toMatchObject({ brand: 'mastercard', last4: '4444' });
    expect(bank).toMatchObject({
      type: 'us_bank_account',
      us_bank_account: { bank_name: 'STRIPE TEST BANK', last4: '6789', routing_number: '110000000' },
    });
    // A second attach of the same token is another object.
    const visa2 = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    expect(visa2.id).not.toBe(visa.id);

    const cards = await stripe.customers.listPaymentMethods(customer.id, { type: 'card' });
    expect(cards.data.map((m) => m.id)).toEqual([visa2.id, mc.id, visa.id]);
    expect(cards.url).toBe(`/v1/customers/${customer.id}/payment_methods`);
    const all = await stripe.customers.listPaymentMethods(customer.id, { limit: 2 });
    expect(all.data).toHaveLength(2);
    expect(all.has_more).toBe(true);
    const banks = await stripe.paymentMethods.list({ customer: customer.id, type: 'us_bank_account' });
    expect(banks.data.map((m) => m.id)).toEqual([bank.id]);
    expect(banks.url).toBe('/v1/payment_methods');

    expect(await stripe.paymentMethods.retrieve(mc.id)).toMatchObject({ id: mc.id, customer: customer.id });
    const renamed = await stripe.paymentMethods.update(mc.id, {
      metadata: { label: 'office card' },
      card: { exp_month: 12, exp_year: 2040 },
    });
    expect(renamed).toMatchObject({ metadata: { label: 'office card' }, card: { exp_month: 12, exp_year: 2040 } });

    const detached = await stripe.paymentMethods.detach(visa2.id);
    expect(detached.customer).toBeNull();
    expect((await stripe.customers.listPaymentMethods(customer.id, { type: 'card' })).data.map((m) => m.id)).toEqual([
      mc.id,
      visa.id,
    ]);
    // Stripe refuses to reuse a detached method.
    const reuse = await failure(() => stripe.paymentMethods.attach(visa2.id, { customer: customer.id }));
    expect(reuse).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/detached from a Customer. It may not be used again/),
    });
    const charge = await failure(() => stripe.paymentIntents.create(offSession(customer.id, visa2.id)));
    expect(charge).toMatchObject({ statusCode: 400, param: 'payment_method' });

    const noCustomer = await failure(() => stripe.paymentMethods.attach('pm_card_visa', { customer: 'cus_nobody' }));
    expect(noCustomer).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer' });
    const noMethod = await failure(() => stripe.paymentMethods.retrieve('pm_nothing'));
    expect(noMethod).toMatchObject({ statusCode: 404, code: 'resource_missing' });
    const notAttached = await failure(() => stripe.paymentMethods.detach(visa2.id));
    expect(notAttached).toMatchObject({ statusCode: 400 });

    const other = await stripe.customers.create({});
    const foreign = await failure(() => stripe.paymentIntents.create(offSession(other.id, mc.id)));
    expect(foreign).toMatchObject({
      statusCode: 400,
      param: 'payment_method',
      message: expect.stringMatching(/belongs to a different Customer/),
    });
    expect(server.events('payment_method.attached')).toHaveLength(4);
    expect(server.events('payment_method.detached')).toHaveLength(1);
  });
});

describe('payment intents with cards', () => {
  it('pm_card_visa off session: succeeded, received in full, listed, events recorded', async () => {
    const { customer, methods } = await customerWith('pm_card_visa');
    const pi = await stripe.paymentIntents.create(
      offSession(customer.id, methods[0].id, { metadata: { attempt_id: 'a1' } }),
      { idempotencyKey: 'attempt-a1' },
    );
    expect(pi).toMatchObject({
      object: 'payment_intent',
      status: 'succeeded',
      amount: 20_000,
      amount_received: 20_000,
      currency: 'usd',
      customer: customer.id,
      payment_method: methods[0].id,
      metadata: { attempt_id: 'a1' },
      last_payment_error: null,
      livemode: false,
    });
    expect(pi.id).toMatch(/^pi_/);
    expect(pi.latest_charge).toMatch(/^ch_/);
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_`));
    expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({ id: pi.id, status: 'succeeded' });
    const expanded = await stripe.paymentIntents.retrieve(pi.id, { expand: ['payment_method', 'customer'] });
    expect(expanded.payment_method).toMatchObject({ id: methods[0].id, card: { last4: '4242' } });
    expect(expanded.customer).toMatchObject({ id: customer.id, object: 'customer' });
    const listed = await stripe.paymentIntents.list({ customer: customer.id });
    expect(listed.data.map((x) => x.id)).toEqual([pi.id]);
    expect(server.paymentIntents()).toEqual([expect.objectContaining({ id: pi.id, status: 'succeeded' })]);
    expect((await stripe.balance.retrieve()).available).toEqual([
      { amount: 20_000, currency: 'usd', source_types: { card: 20_000, bank_account: 0 } },
    ]);

    const events = await stripe.events.list({ type: 'payment_intent.succeeded' });
    expect(events.data).toHaveLength(1);
    expect(events.data[0]).toMatchObject({
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: pi.id, status: 'succeeded' } },
      request: { idempotency_key: 'attempt-a1' },
    });
    expect(events.data[0].id).toMatch(/^evt_/);
    expect((await stripe.events.retrieve(events.data[0].id)).id).toBe(events.data[0].id);
    const wild = await stripe.events.list({ type: 'payment_intent.*' });
    expect(wild.data.map((e) => e.type)).toEqual(['payment_intent.succeeded', 'payment_intent.created']);
  });

  it.each([
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline', 'Your card was declined.'],
    ['pm_card_chargeCustomerFail', 'card_declined', 'generic_decline', 'Your card was declined.'],
    [
      'pm_card_chargeDeclinedInsufficientFunds',
      'card_declined',
      'insufficient_funds',
      'Your card has insufficient funds.',
    ],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', 'Your card has expired.'],
  ])(
    '%s: 402 card_error %s / %s, the PaymentIntent left in requires_payment_method',
    async (token, code, declineCode, message) => {
      const { customer, methods } = await customerWith(token);
      const e = await failure<Stripe.errors.StripeCardError>(() =>
        stripe.paymentIntents.create(offSession(customer.id, methods[0].id), { idempotencyKey: `k-${token}` }),
      );
      expect(e).toBeInstanceOf(Stripe.errors.StripeCardError);
      expect(e).toMatchObject({ statusCode: 402, rawType: 'card_error', code, decline_code: declineCode, message });
      expect(e.doc_url).toBe(`https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`);
      const pi = e.payment_intent!;
      expect(pi).toMatchObject({ status: 'requires_payment_method', payment_method: null, amount_received: 0 });
      expect(pi.last_payment_error).toMatchObject({
        type: 'card_error',
        code,
        decline_code: declineCode,
        payment_method: { id: methods[0].id },
      });
      expect(e.payment_method).toMatchObject({ id: methods[0].id });
      expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({
        status: 'requires_payment_method',
        last_payment_error: { decline_code: declineCode },
      });
      expect(server.events('payment_intent.payment_failed').map((x) => x.data.object.id)).toEqual([pi.id]);

      // The same method can be tried again (it is still attached), and fails the same way.
      const again = await failure<Stripe.errors.StripeCardError>(() =>
        stripe.paymentIntents.confirm(pi.id, { payment_method: methods[0].id, off_session: true }),
      );
      expect(again).toMatchObject({ statusCode: 402, decline_code: declineCode });
    },
  );

  it('pm_card_authenticationRequired: off session 402 authentication_required (requires_payment_method); on session requires_action', async () => {
    const { customer, methods } = await customerWith('pm_card_authenticationRequired', 'pm_card_visa');
    const e = await failure<Stripe.errors.StripeCardError>(() =>
      stripe.paymentIntents.create(offSession(customer.id, methods[0].id)),
    );
    expect(e).toMatchObject({
      statusCode: 402,
      rawType: 'card_error',
      code: 'authentication_required',
      decline_code: 'authentication_required',
    });
    expect(e.payment_intent).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'authentication_required' },
    });

    const onSession = await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      customer: customer.id,
      payment_method: methods[0].id,
      confirm: true,
    });
    expect(onSession).toMatchObject({
      status: 'requires_action',
      next_action: { type: 'use_stripe_sdk' },
      payment_method: methods[0].id,
    });
    const strict = await failure(() =>
      stripe.paymentIntents.create({
        amount: 5000,
        currency: 'usd',
        customer: customer.id,
        payment_method: methods[0].id,
        confirm: true,
        error_on_requires_action: true,
      }),
    );
    expect(strict).toMatchObject({ statusCode: 402, code: 'authentication_required' });

    // The failed PaymentIntent can be confirmed again with another method (failover on the same intent).
    const retried = await stripe.paymentIntents.confirm(e.payment_intent!.id, {
      payment_method: methods[1].id,
      off_session: true,
    });
    expect(retried).toMatchObject({ status: 'succeeded', payment_method: methods[1].id, last_payment_error: null });
  });

  it('a test token used directly with a customer makes a one-time pm_; create, update, confirm and cancel separately', async () => {
    const customer = await stripe.customers.create({});
    const direct = await stripe.paymentIntents.create(offSession(customer.id, 'pm_card_visa'));
    expect(direct.status).toBe('succeeded');
    expect(direct.payment_method).toMatch(/^pm_/);
    expect(direct.payment_method).not.toBe('pm_card_visa');
    // Used once without being attached: Stripe will not take it again.
    const reuse = await failure(() =>
      stripe.paymentIntents.create(offSession(customer.id, direct.payment_method as string)),
    );
    expect(reuse).toMatchObject({ statusCode: 400, param: 'payment_method' });

    const pi = await stripe.paymentIntents.create({
      amount: 1500,
      currency: 'usd',
      customer: customer.id,
      allowed_payment_method_types: ['card'],
    });
    expect(pi).toMatchObject({
      status: 'requires_payment_method',
      payment_method_types: ['card'],
      automatic_payment_methods: null,
    });
    const noMethod = await failure(() => stripe.paymentIntents.confirm(pi.id));
    expect(noMethod).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
    const withMethod = await stripe.paymentIntents.update(pi.id, {
      payment_method: 'pm_card_mastercard',
      amount: 1600,
      metadata: { note: 'x' },
    });
    expect(withMethod).toMatchObject({ status: 'requires_confirmation', amount: 1600, metadata: { note: 'x' } });
    const done = await stripe.paymentIntents.confirm(pi.id);
    expect(done.status).toBe('succeeded');
    const twice = await failure(() => stripe.paymentIntents.confirm(pi.id));
    expect(twice).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
    expect((twice as Stripe.errors.StripeInvalidRequestError).payment_intent).toMatchObject({
      id: pi.id,
      status: 'succeeded',
    });
    const bank = await failure(() =>
      stripe.paymentIntents.create({
        ...offSession(customer.id, 'pm_usBankAccount_success'),
        allowed_payment_method_types: ['card'],
      }),
    );
    expect(bank).toMatchObject({ statusCode: 400, code: 'payment_intent_incompatible_payment_method' });

    const toCancel = await stripe.paymentIntents.create({ amount: 900, currency: 'usd' });
    const canceled = await stripe.paymentIntents.cancel(toCancel.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect(canceled.canceled_at).toBeGreaterThan(0);
    const cannot = await failure(() => stripe.paymentIntents.cancel(pi.id));
    expect(cannot).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
    const unknown = await failure(() => stripe.paymentIntents.retrieve('pi_unknown'));
    expect(unknown).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: "No such payment_intent: 'pi_unknown'",
    });
  });
});

describe('bank debits', () => {
  it('pm_usBankAccount_success: processing until settle(), then succeeded', async () => {
    const { customer, methods } = await customerWith('pm_usBankAccount_success');
    const pi = await stripe.paymentIntents.create(offSession(customer.id, methods[0].id));
    expect(pi).toMatchObject({ status: 'processing', amount_received: 0, payment_method: methods[0].id });
    expect(pi.latest_charge).toMatch(/^py_/);
    expect(server.events('payment_intent.processing').map((e) => e.data.object.id)).toEqual([pi.id]);
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('processing');
    expect(server.paymentIntents({ status: 'processing' }).map((x) => x.id)).toEqual([pi.id]);

    const settled = server.settle(pi.id);
    expect(settled).toMatchObject({ status: 'succeeded', amount_received: 20_000 });
    expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({ status: 'succeeded', amount_received: 20_000 });
    const events = await stripe.events.list({ types: ['payment_intent.processing', 'payment_intent.succeeded'] });
    expect(events.data.map((e) => e.type)).toEqual(['payment_intent.succeeded', 'payment_intent.processing']);
    expect(events.data[0].request).toEqual({ id: null, idempotency_key: null });
    expect(() => server.settle(pi.id)).toThrow(/not processing/);
  });

  it('settled as failed: requires_payment_method with the bank failure; the token decides the code unless the test does', async () => {
    const { customer, methods } = await customerWith(
      'pm_usBankAccount_success',
      'pm_usBankAccount_accountClosed',
      'pm_usBankAccount_processing',
    );
    const [ok, closed, stuck] = methods;
    const a = await stripe.paymentIntents.create(offSession(customer.id, ok.id));
    const failed = server.settle(a.id, 'failed');
    expect(failed).toMatchObject({
      status: 'requires_payment_method',
      payment_method: null,
      last_payment_error: { type: 'card_error', code: 'insufficient_funds', payment_method_type: 'us_bank_account' },
    });

    const b = await stripe.paymentIntents.create(offSession(customer.id, closed.id));
    expect(b.status).toBe('processing');
    server.settle(b.id);
    const after = await stripe.paymentIntents.retrieve(b.id);
    expect(after).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'account_closed', message: "The customer's bank account has been closed." },
    });
    expect(server.events('payment_intent.payment_failed').map((e) => e.data.object.id)).toEqual([a.id, b.id]);

    const c = await stripe.paymentIntents.create(offSession(customer.id, stuck.id));
    expect(() => server.settle(c.id)).toThrow(/stays processing/);
    expect(server.settle(c.id, 'failed', 'debit_not_authorized').last_payment_error).toMatchObject({
      code: 'debit_not_authorized',
    });
  });
});

describe('checkout sessions (setup mode)', () => {
  it('open with a url and a setup intent; completed by the customer with a test token, which is attached', async () => {
    const customer = await stripe.customers.create({ email: 'pay@example.test' });
    const session = await stripe.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      success_url: 'https://app.example.test/done?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://app.example.test/cancel',
      allowed_payment_method_types: ['card', 'us_bank_account'],
    });
    expect(session).toMatchObject({
      object: 'checkout.session',
      mode: 'setup',
      status: 'open',
      customer: customer.id,
      payment_status: 'no_payment_required',
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${server.url}/checkout/${session.id}`);
    expect(session.setup_intent).toMatch(/^seti_/);
    expect(session.expires_at).toBe(session.created + 24 * 3600);
    expect((await stripe.checkout.sessions.list({ customer: customer.id })).data.map((s) => s.id)).toEqual([
      session.id,
    ]);

    const page = await fetch(session.url!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('sandbox, no real money');
    expect(html).toContain('pm_usBankAccount_success');

    const done = server.completeCheckout(session.id, 'pm_card_visa');
    expect(done.paymentMethod).toMatchObject({ customer: customer.id, card: { last4: '4242' } });
    const retrieved = await stripe.checkout.sessions.retrieve(session.id, { expand: ['setup_intent'] });
    expect(retrieved.status).toBe('complete');
    expect(retrieved.url).toBeNull();
    expect(retrieved.setup_intent).toMatchObject({
      object: 'setup_intent',
      status: 'succeeded',
      payment_method: done.paymentMethod.id,
    });
    expect((await stripe.setupIntents.retrieve(session.setup_intent as string)).payment_method).toBe(
      done.paymentMethod.id,
    );
    expect((await stripe.customers.listPaymentMethods(customer.id)).data.map((m) => m.id)).toEqual([
      done.paymentMethod.id,
    ]);
    expect(server.events().map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'setup_intent.created',
        'payment_method.attached',
        'setup_intent.succeeded',
        'checkout.session.completed',
      ]),
    );
    expect(() => server.completeCheckout(session.id, 'pm_card_visa')).toThrow(/complete/);

    // The page a person uses: choosing a bank account completes a second session and goes to success_url.
    const second = await stripe.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      success_url: 'https://app.example.test/done?session={CHECKOUT_SESSION_ID}',
      currency: 'usd',
    });
    expect(second.payment_method_types).toEqual(['card', 'us_bank_account']);
    const submitted = await fetch(second.url!, {
      method: 'POST',
      body: 'token=pm_usBankAccount_success',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(submitted.status).toBe(303);
    expect(submitted.headers.get('location')).toBe(`https://app.example.test/done?session=${second.id}`);
    expect((await stripe.paymentMethods.list({ customer: customer.id, type: 'us_bank_account' })).data).toHaveLength(1);

    const expired = await stripe.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      success_url: 'https://app.example.test/x',
      allowed_payment_method_types: ['card'],
    });
    expect((await stripe.checkout.sessions.expire(expired.id)).status).toBe('expired');
    const paymentMode = await failure(() =>
      stripe.checkout.sessions.create({ mode: 'payment', success_url: 'https://app.example.test/x', line_items: [] }),
    );
    expect(paymentMode).toMatchObject({ statusCode: 400, param: 'mode' });
    const noCurrency = await failure(() =>
      stripe.checkout.sessions.create({ mode: 'setup', success_url: 'https://app.example.test/x' }),
    );
    expect(noCurrency).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'currency' });
  });
});

describe('Idempotency-Key', () => {
  it('the same key and parameters replay the first answer exactly, marked Idempotent-Replayed', async () => {
    const { customer, methods } = await customerWith('pm_card_visa');
    const params = offSession(customer.id, methods[0].id, { metadata: { attempt_id: '9' } });
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'attempt-9' });
    const second = await stripe.paymentIntents.create(params, { idempotencyKey: 'attempt-9' });
    expect(second).toEqual(first);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(server.paymentIntents()).toHaveLength(1);
    const [a, b] = server.requests.filter((r) => r.path === '/v1/payment_intents');
    expect(b.response).toEqual(a.response);
    expect([a.replayed, b.replayed]).toEqual([false, true]);

    // A payment failure is a result too: replayed, not charged again.
    const declined = (await customerWith('pm_card_chargeDeclinedInsufficientFunds')).methods[0];
    const p2 = offSession(declined.customer as string, declined.id);
    const e1 = await failure<Stripe.errors.StripeCardError>(() =>
      stripe.paymentIntents.create(p2, { idempotencyKey: 'attempt-10' }),
    );
    const e2 = await failure<Stripe.errors.StripeCardError>(() =>
      stripe.paymentIntents.create(p2, { idempotencyKey: 'attempt-10' }),
    );
    expect(e2.payment_intent!.id).toBe(e1.payment_intent!.id);
    expect(e2).toMatchObject({
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: e1.message,
      charge: e1.charge,
    });
    expect(e2.payment_intent).toEqual(e1.payment_intent);
    expect(e2.headers?.['idempotent-replayed']).toBe('true');
    expect(server.paymentIntents({ customer: declined.customer as string })).toHaveLength(1);
  });

  it('the same key with other parameters (or another endpoint) is a 400 idempotency_error; keys are per API key', async () => {
    const { customer, methods } = await customerWith('pm_card_visa');
    await stripe.paymentIntents.create(offSession(customer.id, methods[0].id), { idempotencyKey: 'attempt-11' });
    const other = await failure(() =>
      stripe.paymentIntents.create(offSession(customer.id, methods[0].id, { amount: 30_000 }), {
        idempotencyKey: 'attempt-11',
      }),
    );
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(other).toMatchObject({
      statusCode: 400,
      rawType: 'idempotency_error',
      message: expect.stringMatching(/same parameters/),
    });
    const elsewhere = await failure(() => stripe.customers.create({}, { idempotencyKey: 'attempt-11' }));
    expect(elsewhere).toMatchObject({
      statusCode: 400,
      rawType: 'idempotency_error',
      message: expect.stringMatching(/same endpoint/),
    });
    expect(server.paymentIntents()).toHaveLength(1);

    // Another API key has its own keys: the same Idempotency-Key is a new request there.
    const second = stripeClient(server, { apiKey: SECOND_KEY });
    const there = await second.paymentIntents.create(offSession(customer.id, 'pm_card_visa'), {
      idempotencyKey: 'attempt-11',
    });
    expect(there.status).toBe('succeeded');
    expect(server.paymentIntents()).toHaveLength(2);

    // Without a key of ours, the SDK sends its own.
    await stripe.customers.create({});
    expect(server.requests.at(-1)!.idempotencyKey).toMatch(/^stripe-node-retry-/);
  });
});

describe('faults', () => {
  it('a 500 is an api_error and does nothing; the SDK retries it with the same key and gets one PaymentIntent', async () => {
    const { customer, methods } = await customerWith('pm_card_visa');
    server.fail({ times: 1, status: 500 }, { method: 'POST', path: '/v1/payment_intents' });
    const e = await failure(() =>
      stripe.paymentIntents.create(offSession(customer.id, methods[0].id), { idempotencyKey: 'attempt-20' }),
    );
    expect(e).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(e).toMatchObject({ statusCode: 500, rawType: 'api_error' });
    expect(server.paymentIntents()).toHaveLength(0);
    const retried = await stripe.paymentIntents.create(offSession(customer.id, methods[0].id), {
      idempotencyKey: 'attempt-20',
    });
    expect(retried.status).toBe('succeeded');

    server.fail({ times: 2, status: 503 }, { path: '/v1/payment_intents' });
    const patient = stripeClient(server, { maxNetworkRetries: 2 });
    const pi = await patient.paymentIntents.create(offSession(customer.id, methods[0].id), {
      idempotencyKey: 'attempt-21',
    });
    expect(pi.status).toBe('succeeded');
    const tries = server.requests.filter((r) => r.idempotencyKey === 'attempt-21');
    expect(tries.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(server.paymentIntents()).toHaveLength(2);
    expect(server.pendingFaults()).toEqual([]);
  });

  it('a timeout: held unanswered until the SDK gives up; with perform, done anyway and replayed on retry', async () => {
    const { customer, methods } = await customerWith('pm_card_visa');
    const quick = stripeClient(server, { timeout: 250 });
    server.fail({ mode: 'timeout' }, { method: 'POST' });
    const e = await failure(() =>
      quick.paymentIntents.create(offSession(customer.id, methods[0].id), { idempotencyKey: 'attempt-30' }),
    );
    expect(e).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(e.message).toMatch(/timeout/);
    expect(server.paymentIntents()).toHaveLength(0);
    const ok = await quick.paymentIntents.create(offSession(customer.id, methods[0].id), {
      idempotencyKey: 'attempt-30',
    });
    expect(ok.status).toBe('succeeded');

    server.fail({ mode: 'timeout', perform: true }, { method: 'POST', path: '/v1/payment_intents' });
    const e2 = await failure(() =>
      quick.paymentIntents.create(offSession(customer.id, methods[0].id), { idempotencyKey: 'attempt-31' }),
    );
    expect(e2).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    const done = server.paymentIntents().filter((p) => p.id !== ok.id);
    expect(done).toHaveLength(1);
    const again = await quick.paymentIntents.create(offSession(customer.id, methods[0].id), {
      idempotencyKey: 'attempt-31',
    });
    expect(again.id).toBe(done[0].id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('a lost response: done and saved, the socket dropped; a retry with the same key returns the same PaymentIntent', async () => {
    const { customer, methods } = await customerWith('pm_card_visa');
    // The SDK retries a dropped connection once by itself, so two losses make the call fail.
    server.fail({ times: 2, mode: 'lost' }, { method: 'POST', path: '/v1/payment_intents' });
    const e = await failure(() =>
      stripe.paymentIntents.create(offSession(customer.id, methods[0].id), { idempotencyKey: 'attempt-40' }),
    );
    expect(e).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    const charged = server.paymentIntents();
    expect(charged).toHaveLength(1);
    expect(charged[0].status).toBe('succeeded');
    const tries = server.requests.filter((r) => r.idempotencyKey === 'attempt-40');
    expect(tries.map((r) => [r.fault, r.replayed, r.delivered])).toEqual([
      ['lost', false, false],
      ['lost', true, false],
    ]);

    const recovered = await stripe.paymentIntents.create(offSession(customer.id, methods[0].id), {
      idempotencyKey: 'attempt-40',
    });
    expect(recovered.id).toBe(charged[0].id);
    expect(recovered.status).toBe('succeeded');
    expect(server.paymentIntents()).toHaveLength(1);

    // One loss: the SDK's own retry (same key) gets the saved result, the caller never notices.
    server.fail({ times: 1, mode: 'lost' }, { path: '/v1/payment_intents' });
    const once = await stripe.paymentIntents.create(offSession(customer.id, methods[0].id), {
      idempotencyKey: 'attempt-41',
    });
    expect(once.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(server.paymentIntents()).toHaveLength(2);
    expect(server.events('payment_intent.succeeded')).toHaveLength(2);
  });

  it('forgets an idempotency key 24 hours after its result was saved, as Stripe may: the same key then pays again', async () => {
    let now = Date.UTC(2026, 10, 1, 9);
    server.setNow(() => now);
    const { customer, methods } = await customerWith('pm_card_visa');
    const first = await stripe.paymentIntents.create(offSession(customer.id, methods[0].id), {
      idempotencyKey: 'attempt-60',
    });
    now += 24 * 3_600_000 - 1;
    expect(
      (await stripe.paymentIntents.create(offSession(customer.id, methods[0].id), { idempotencyKey: 'attempt-60' })).id,
    ).toBe(first.id);
    now += 1;
    const second = await stripe.paymentIntents.create(offSession(customer.id, methods[0].id), {
      idempotencyKey: 'attempt-60',
    });
    expect(second.id).not.toBe(first.id);
    expect(server.paymentIntents({ status: 'succeeded' })).toHaveLength(2);
    server.setNow(Date.now);
  });

  it('a lost decline replays the same 402', async () => {
    const { customer, methods } = await customerWith('pm_card_chargeDeclined');
    server.fail({ times: 1, mode: 'lost' });
    const e = await failure<Stripe.errors.StripeCardError>(() =>
      stripe.paymentIntents.create(offSession(customer.id, methods[0].id), { idempotencyKey: 'attempt-50' }),
    );
    expect(e).toMatchObject({ statusCode: 402, decline_code: 'generic_decline' });
    expect(server.paymentIntents()).toHaveLength(1);
  });
});

describe('state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-stripe-state-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a server started again on the same file has the same objects, replays the same Idempotency-Key, makes new ids and settles a debit still processing', async () => {
    const file = path.join(dir, 'data', 'stripe-sandbox.json'); // the folder is made on the first write
    const first = await startStripeServer({ stateFile: file });
    const s1 = stripeClient(first);
    const customer = await s1.customers.create({
      email: 'kept@example.test',
      name: 'Kept Ltd',
      metadata: { balance_desk_client: '7' },
    });
    const card = await s1.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const bank = await s1.paymentMethods.attach('pm_usBankAccount_success', { customer: customer.id });
    const paidOff = await s1.paymentMethods.attach('pm_card_chargeDeclined', { customer: customer.id });
    first.behaveAs(paidOff.id, 'pm_card_visa'); // a test-token behaviour changed by hand is kept too
    const paid = await s1.paymentIntents.create(offSession(customer.id, card.id), { idempotencyKey: 'kept-1' });
    const debit = await s1.paymentIntents.create(offSession(customer.id, bank.id));
    expect([paid.status, debit.status]).toEqual(['succeeded', 'processing']);
    const session = await s1.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      success_url: 'https://app.example.test/done',
      currency: 'usd',
    });
    const before = {
      customer: await s1.customers.retrieve(customer.id),
      methods: (await s1.customers.listPaymentMethods(customer.id)).data,
      intents: (await s1.paymentIntents.list({ customer: customer.id })).data,
      events: first.events().map((e) => e.id),
    };
    traffic.push(...first.requests);
    await first.close();
    expect(fs.readdirSync(path.dirname(file))).toEqual(['stripe-sandbox.json']); // no .tmp left behind

    const second = await startStripeServer({ stateFile: file });
    const s2 = stripeClient(second);
    try {
      expect(second.port).not.toBe(first.port);
      expect(await s2.customers.retrieve(customer.id)).toEqual(before.customer);
      expect((await s2.customers.listPaymentMethods(customer.id)).data).toEqual(before.methods);
      expect((await s2.paymentIntents.list({ customer: customer.id })).data).toEqual(before.intents);
      expect(second.events().map((e) => e.id)).toEqual(before.events);
      // The open setup session links to the page where the server is now.
      expect((await s2.checkout.sessions.retrieve(session.id)).url).toBe(`${second.url}/checkout/${session.id}`);

      const replayed = await s2.paymentIntents.create(offSession(customer.id, card.id), { idempotencyKey: 'kept-1' });
      expect(replayed).toEqual(paid);
      expect(replayed.lastResponse.headers['idempotent-replayed']).toBe('true');
      const other = await failure(() =>
        s2.paymentIntents.create(offSession(customer.id, card.id, { amount: 999 }), { idempotencyKey: 'kept-1' }),
      );
      expect(other).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });

      // New objects get new ids, and charging a kept method does what its test token says.
      const fresh = await s2.customers.create({ email: 'new@example.test' });
      const freshCard = await s2.paymentMethods.attach('pm_card_visa', { customer: fresh.id });
      const again = await s2.paymentIntents.create(offSession(customer.id, paidOff.id));
      expect(again.status).toBe('succeeded');
      expect([customer.id]).not.toContain(fresh.id);
      expect(before.methods.map((m) => m.id)).not.toContain(freshCard.id);
      expect(before.intents.map((p) => p.id)).not.toContain(again.id);
      expect(second.customers().map((c) => c.id)).toEqual([customer.id, fresh.id]);

      expect(second.settle(debit.id)).toMatchObject({ status: 'succeeded', amount_received: 20_000 });
      expect((await s2.paymentIntents.retrieve(debit.id)).status).toBe('succeeded');
    } finally {
      traffic.push(...second.requests);
      await second.close();
    }
    // What happened in the second run (the settle, a control call) is in the file for a third.
    const third = await startStripeServer({ stateFile: file });
    expect(third.paymentIntent(debit.id)?.status).toBe('succeeded');
    expect(third.paymentIntents()).toHaveLength(3);
    await third.close();
  });

  it('a missing file starts empty and quietly; a corrupt or foreign one starts empty with one line, the file moved aside', async () => {
    const warnings: string[] = [];
    const warn = (line: string) => warnings.push(line);
    const file = path.join(dir, 'stripe-sandbox.json');
    const fresh = await startStripeServer({ stateFile: file, warn });
    expect(fresh.customers()).toEqual([]);
    expect(fs.existsSync(file)).toBe(false); // nothing changed yet, nothing written
    fresh.createCustomer({ email: 'a@example.test' });
    await fresh.close();
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).state.customers).toHaveLength(1);
    expect(warnings).toEqual([]);

    for (const content of [
      '{"format":"balance-desk-stripe-sandbox","version":1,"state":{"cus',
      JSON.stringify({ format: 'balance-desk-stripe-sandbox', version: 1, state: { customers: 'x' }, idempotency: [] }),
      '[]',
    ]) {
      fs.writeFileSync(file, content);
      const s = await startStripeServer({ stateFile: file, warn });
      try {
        expect(warnings).toHaveLength(1);
        expect(warnings.pop()).toMatch(
          /^Stripe test server: cannot use the state file .*stripe-sandbox\.json \(.+\); starting empty, it was moved to stripe-sandbox\.json\.corrupt\.$/,
        );
        expect(fs.readFileSync(`${file}.corrupt`, 'utf8')).toBe(content);
        expect(s.customers()).toEqual([]);
        expect((await stripeClient(s).customers.list()).data).toEqual([]);
        // It works, and its first change makes a good file again.
        const c = await stripeClient(s).customers.create({ email: 'b@example.test' });
        expect(JSON.parse(fs.readFileSync(file, 'utf8')).state.customers.map(([id]: [string]) => id)).toEqual([c.id]);
        traffic.push(...s.requests);
      } finally {
        await s.close();
      }
    }
  });
});

describe('Stripe OpenAPI description (2023-08-16)', () => {
  let v: SpecValidator;
  beforeAll(() => {
    if (HAVE_SPEC) v = new SpecValidator(loadSpec(SPEC_FILE), { extraFields: EXTRA_FIELDS, newerParams: NEWER_PARAMS });
  });

  it.skipIf(!HAVE_SPEC)(`the validator itself catches what it should${SKIP_WHY}`, () => {
    const good = { id: 'cus_1', object: 'customer', created: 1, livemode: false, email: null, metadata: { a: 'b' } };
    expect(v.validateNamed('customer', good)).toEqual([]);
    expect(v.validateNamed('customer', { ...good, bogus: 1 })).toEqual(['$.bogus: not a property of customer']);
    expect(v.validateNamed('customer', { ...good, created: '1' })).toEqual(['$.created: expected integer, got "1"']);
    const { livemode: _omitted, ...noLivemode } = good;
    expect(v.validateNamed('customer', noLivemode)).toEqual(['$.livemode: required by customer but missing']);
    expect(v.validateNamed('customer', { ...good, tax_exempt: 'sometimes' })[0]).toMatch(/is not one of/);
    expect(v.validateNamed('customer', { ...good, invoice_settings: null })[0]).toMatch(/not nullable/);
    expect(v.validateNamed('customer', { ...good, metadata: { a: 1 } })[0]).toMatch(/expected string/);
    expect(v.validateNamed('payment_intent', { object: 'payment_intent' }).length).toBeGreaterThan(5);
    // Expandable fields: an id or the object.
    expect(v.validateNamed('payment_method', { ...fakePm(), customer: good })).toEqual([]);
    expect(v.validateNamed('payment_method', { ...fakePm(), customer: 7 })[0]).toMatch(/no anyOf branch/);
    expect(v.checkRequest('POST', '/v1/payment_intents', { amount: 'x', currency: 'usd', zzz: '1' })).toEqual([
      'POST /v1/payment_intents amount: "x" is not an integer',
      'POST /v1/payment_intents: parameter zzz is not declared for POST /v1/payment_intents',
    ]);
    expect(
      v.checkRequest('POST', '/v1/payment_intents', {
        amount: '100',
        currency: 'usd',
        automatic_payment_methods: { enabled: 'yes' },
      })[0],
    ).toMatch(/not a boolean/);
    expect(v.checkRequest('GET', '/v1/refunds_nope', {})).toEqual([
      'GET /v1/refunds_nope: not an operation of the description',
    ]);
  });

  it.skipIf(!HAVE_SPEC)(`every response body the server gave matches its schema${SKIP_WHY}`, () => {
    expect(traffic.length).toBeGreaterThan(100);
    const problems: string[] = [];
    let checked = 0;
    for (const r of traffic) {
      if (r.response === undefined || r.status === null) continue;
      checked++;
      problems.push(...v.validateResponse(r.method, r.path, r.status, r.response));
      // An event's data.object is a free-form hash in the description: check it as the object it is.
      const events =
        r.response.object === 'list'
          ? r.response.data.filter((x: { object: string }) => x.object === 'event')
          : r.response.object === 'event'
            ? [r.response]
            : [];
      for (const e of events)
        problems.push(...v.validateNamed(e.data.object.object, e.data.object, `${e.type} ${e.id}.data.object`));
    }
    expect(checked).toBeGreaterThan(100);
    expect(problems.slice(0, 40)).toEqual([]);
  });

  it.skipIf(!HAVE_SPEC)(
    `every request the SDK sent is an operation of the description, with declared parameters${SKIP_WHY}`,
    () => {
      const problems = traffic.flatMap((r) => v.checkRequest(r.method, r.path, r.params));
      // The typo, the bad integer and the missing amount sent on purpose above, and nothing else.
      expect(problems).toEqual([
        'POST /v1/customers: parameter emial is not declared for POST /v1/customers',
        'POST /v1/payment_intents amount: "ten" is not an integer',
        'POST /v1/payment_intents: required parameter amount missing',
      ]);
    },
  );

  it.skipIf(!HAVE_SPEC)(
    `the traffic covered every operation the server implements, and its parameter lists match the description${SKIP_WHY}`,
    () => {
      const seen = new Set(traffic.map((r) => v.operation(r.method, r.path)?.key));
      expect(Object.keys(SPEC_PARAMS).filter((op) => !seen.has(op))).toEqual([]);
      for (const [op, names] of Object.entries(SPEC_PARAMS)) {
        const [method, template] = op.split(' ');
        const m = v.operation(method, template.replace(/\{[^}]+\}/g, 'x_1'));
        expect(m?.key, op).toBe(op);
        expect([...names].sort(), op).toEqual(Object.keys(v.declaredParams(m!).params).sort());
      }
      // The allowlist of newer parameters names only what the description lacks.
      for (const [op, names] of Object.entries(NEWER_PARAMS)) {
        const [method, template] = op.split(' ');
        const declared = Object.keys(
          v.declaredParams(v.operation(method, template.replace(/\{[^}]+\}/g, 'x_1'))!).params,
        );
        expect(
          names.filter((n) => declared.includes(n)),
          op,
        ).toEqual([]);
      }
    },
  );
});

function fakePm() {
  return {
    id: 'pm_1',
    object: 'payment_method',
    billing_details: {},
    created: 1,
    livemode: false,
    type: 'card',
    customer: null,
  };
}
