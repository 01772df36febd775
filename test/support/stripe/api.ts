/**
 * The Stripe resources of the test server, without HTTP: customers, payment methods, payment intents,
 * checkout sessions (setup mode) with their setup intents, and events. `StripeState.handle()` takes a
 * method, a path and the parsed form parameters and returns Stripe's JSON (or throws an `ApiError` with
 * Stripe's error object); server.ts adds HTTP, keys, idempotency and faults around it.
 *
 * Objects are kept in the shape of Stripe's API version 2023-08-16 (the OpenAPI description in
 * ../shared/stripe/ that the integration test validates every response against). Responses are deep
 * copies, so a test holding one does not see later changes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ApiError, docUrl, invalid, missingParam, noSuch, type StripeErrorBody } from './errors';
import type { FormObject, FormValue } from './form';
import { acceptedParams } from './params';
import { BANK_FAILURE_MESSAGES, TEST_PAYMENT_METHODS, isTestToken, type TestMethod } from './tokens';

/** Stripe's JSON objects, as the server keeps them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export interface RequestContext {
  requestId: string | null;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  /** The server's own base URL (for checkout links). */
  baseUrl: string;
}

export interface Result {
  status: number;
  body: Obj;
}

/** The API version whose shapes the server answers with (and reports on events when no header came). */
export const SERVER_API_VERSION = '2023-08-16';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function randomId(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[bytes[i] % ALNUM.length];
  return s;
}
const newId = (prefix: string, n = 24) => `${prefix}_${randomId(n)}`;
const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

const PI_CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
const PI_CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action'];
const SUPPORTED_PM_TYPES = ['card', 'us_bank_account'];

// ---------------------------------------------------------------------------------------------------
// Parameter coercion, with Stripe's error wording.

function str(p: FormObject, name: string): string | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(`Invalid string: ${JSON.stringify(v)}`, { param: name });
  return v;
}
/** A string parameter where '' means "unset" (null), as on Stripe's updates. */
function nullableStr(p: FormObject, name: string): string | null | undefined {
  const v = str(p, name);
  return v === '' ? null : v;
}
function int(p: FormObject, name: string): number | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) {
    throw invalid(`Invalid integer: ${typeof v === 'string' ? v : JSON.stringify(v)}`, {
      param: name,
      code: 'parameter_invalid_integer',
    });
  }
  return Number(v);
}
function bool(p: FormObject, name: string): boolean | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalid(`Invalid boolean: ${typeof v === 'string' ? v : JSON.stringify(v)}`, { param: name });
}
function strArray(p: FormObject, name: string): string[] | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (v === '') return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalid(`Invalid array`, { param: name });
  return v as string[];
}
function hash(p: FormObject, name: string): FormObject | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(`Invalid object`, { param: name });
  return v;
}

/**
 * The payment method types a request names: `payment_method_types` (the 2023-08-16 name) or
 * `allowed_payment_method_types` (its name in the API version stripe-node 23 sends). Only card and
 * us_bank_account are supported.
 */
function methodTypes(p: FormObject): string[] | undefined {
  if (p.payment_method_types !== undefined && p.allowed_payment_method_types !== undefined) {
    throw invalid('You may only specify one of these parameters: allowed_payment_method_types, payment_method_types.', {
      param: 'payment_method_types',
    });
  }
  const param = p.allowed_payment_method_types !== undefined ? 'allowed_payment_method_types' : 'payment_method_types';
  const types = strArray(p, param);
  for (const t of types ?? []) {
    if (!SUPPORTED_PM_TYPES.includes(t)) {
      throw invalid(
        `The payment method type provided: ${t} is invalid. The test server supports card and us_bank_account.`,
        { param },
      );
    }
  }
  if (types !== undefined && types.length === 0) throw invalid('payment method types cannot be empty', { param });
  return types;
}

/** Metadata rules: up to 50 keys of at most 40 characters, values up to 500; '' deletes a key, `metadata=` clears. */
function mergeMetadata(value: FormValue | undefined, current: Record<string, string>): Record<string, string> {
  if (value === undefined) return current;
  if (value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('Invalid object', { param: 'metadata' });
  const out = { ...current };
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalid(`Invalid string: ${JSON.stringify(v)}`, { param: `metadata[${k}]` });
    if (k.length > 40) throw invalid('Metadata keys can have up to 40 characters.', { param: `metadata[${k}]` });
    if (v.length > 500) throw invalid('Metadata values can have up to 500 characters.', { param: `metadata[${k}]` });
    if (v === '') delete out[k];
    else out[k] = v;
  }
  if (Object.keys(out).length > 50) throw invalid('Metadata can have up to 50 keys.', { param: 'metadata' });
  return out;
}

function address(v: FormValue | undefined, param: string): Obj | null | undefined {
  if (v === undefined) return undefined;
  if (v === '') return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid('Invalid object', { param });
  const fields = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'];
  const out: Obj = {};
  for (const f of fields) {
    const x = v[f];
    if (x !== undefined && typeof x !== 'string') throw invalid('Invalid string', { param: `${param}[${f}]` });
    out[f] = x === undefined || x === '' ? null : x;
  }
  for (const k of Object.keys(v))
    if (!fields.includes(k))
      throw invalid(`Received unknown parameter: ${param}[${k}]`, {
        param: `${param}[${k}]`,
        code: 'parameter_unknown',
      });
  return out;
}

/** `created` filters on lists: an integer, or gt/gte/lt/lte. */
function createdFilter(p: FormObject): (created: number) => boolean {
  const v = p.created;
  if (v === undefined) return () => true;
  if (typeof v === 'string') {
    const n = int(p, 'created')!;
    return (c) => c === n;
  }
  if (Array.isArray(v)) throw invalid('Invalid created', { param: 'created' });
  const bounds: Record<string, number> = {};
  for (const k of Object.keys(v)) {
    if (!['gt', 'gte', 'lt', 'lte'].includes(k))
      throw invalid(`Received unknown parameter: created[${k}]`, { param: `created[${k}]`, code: 'parameter_unknown' });
    bounds[k] = int(v, k)!;
  }
  return (c) =>
    (bounds.gt === undefined || c > bounds.gt) &&
    (bounds.gte === undefined || c >= bounds.gte) &&
    (bounds.lt === undefined || c < bounds.lt) &&
    (bounds.lte === undefined || c <= bounds.lte);
}

// ---------------------------------------------------------------------------------------------------

export interface PmInfo {
  /** The test token the method was made from: it decides what charging it does. */
  token: string;
  method: TestMethod;
  /** Detached from a customer: Stripe refuses to use or attach it again. */
  detached: boolean;
  /** Used once on a PaymentIntent without being attached to a customer: not reusable either. */
  consumed: boolean;
}

/** The maps of Stripe objects a StripeState keeps, each keyed by the object's id. */
const OBJECT_MAPS = ['customers', 'paymentMethods', 'paymentIntents', 'setupIntents', 'checkoutSessions'] as const;
type ObjectMap = (typeof OBJECT_MAPS)[number];

/**
 * Everything a StripeState keeps, as plain JSON for the state file: each map as [id, value] pairs in
 * insertion order (lists answer newest first by that order), the test-token behaviour of every
 * PaymentMethod (pmInfo), and the events. Ids are random, so there is no counter to keep.
 */
export type StateSnapshot = Record<ObjectMap, [string, Obj][]> & { pmInfo: [string, PmInfo][]; events: Obj[] };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A snapshot's [key, value] list, checked entry by entry; throws naming the part that is not one. */
function pairs<T>(v: unknown, name: string, ok: (key: string, value: Obj) => boolean): [string, T][] {
  if (!Array.isArray(v)) throw new Error(`${name} is not a list`);
  for (const e of v) {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string' || !isObj(e[1]) || !ok(e[0], e[1])) {
      throw new Error(`${name} holds something that is not one: ${JSON.stringify(e)?.slice(0, 80)}`);
    }
  }
  return v as [string, T][];
}

const isPmInfo = (v: Obj) =>
  typeof v.token === 'string' &&
  typeof v.detached === 'boolean' &&
  typeof v.consumed === 'boolean' &&
  isObj(v.method) &&
  (v.method.type === 'card'
    ? isObj(v.method.outcome)
    : v.method.type === 'us_bank_account' && v.method.settles !== undefined);

type Route = {
  method: string;
  pattern: RegExp;
  op: string;
  run: (m: string[], p: FormObject, ctx: RequestContext) => Result;
};

export class StripeState {
  readonly customers = new Map<string, Obj>();
  readonly paymentMethods = new Map<string, Obj>();
  readonly pmInfo = new Map<string, PmInfo>();
  readonly paymentIntents = new Map<string, Obj>();
  readonly setupIntents = new Map<string, Obj>();
  readonly checkoutSessions = new Map<string, Obj>();
  readonly events: Obj[] = [];
  private readonly routes: Route[];

  constructor(public now: () => number) {
    const r = (method: string, path: string, run: Route['run']): Route => ({
      method,
      op: `${method} ${path}`,
      pattern: new RegExp(`^${path.replace(/\{[a-z_]+\}/g, '([^/]+)')}$`),
      run,
    });
    this.routes = [
      r('GET', '/v1/customers', (_m, p) => this.list('/v1/customers', this.liveCustomers(p), p, 'customer')),
      r('POST', '/v1/customers', (_m, p, ctx) => this.ok(this.createCustomer(p, ctx), p, 'customer')),
      r('GET', '/v1/customers/{customer}', ([id], p) => this.ok(this.customer(id, 'id', true), p, 'customer')),
      r('POST', '/v1/customers/{customer}', ([id], p, ctx) => this.ok(this.updateCustomer(id, p, ctx), p, 'customer')),
      r('DELETE', '/v1/customers/{customer}', ([id], _p, ctx) => ({ status: 200, body: this.deleteCustomer(id, ctx) })),
      r('GET', '/v1/customers/{customer}/payment_methods', ([id], p) => {
        const c = this.customer(id, 'customer', true);
        if (c.deleted) throw noSuch('customer', id, 'customer', true);
        return this.list(
          `/v1/customers/${id}/payment_methods`,
          this.methodsOf(id, str(p, 'type')),
          p,
          'payment_method',
        );
      }),
      r('GET', '/v1/payment_methods', (_m, p) => {
        const customer = str(p, 'customer');
        if (customer !== undefined) this.customer(customer, 'customer', false);
        // Without a customer Stripe lists Treasury payment methods, which the test server has none of.
        const items = customer === undefined ? [] : this.methodsOf(customer, str(p, 'type'));
        return this.list('/v1/payment_methods', items, p, 'payment_method');
      }),
      r('GET', '/v1/payment_methods/{payment_method}', ([id], p) =>
        this.ok(this.paymentMethod(id, 'payment_method', true), p, 'payment_method'),
      ),
      r('POST', '/v1/payment_methods/{payment_method}', ([id], p, ctx) =>
        this.ok(this.updatePaymentMethod(id, p, ctx), p, 'payment_method'),
      ),
      r('POST', '/v1/payment_methods/{payment_method}/attach', ([id], p, ctx) =>
        this.ok(this.attach(id, p, ctx), p, 'payment_method'),
      ),
      r('POST', '/v1/payment_methods/{payment_method}/detach', ([id], p, ctx) =>
        this.ok(this.detach(id, ctx), p, 'payment_method'),
      ),
      r('GET', '/v1/payment_intents', (_m, p) => {
        const customer = str(p, 'customer');
        const inRange = createdFilter(p);
        const items = [...this.paymentIntents.values()].filter(
          (pi) => (customer === undefined || pi.customer === customer) && inRange(pi.created),
        );
        return this.list('/v1/payment_intents', items.reverse(), p, 'payment_intent');
      }),
      r('POST', '/v1/payment_intents', (_m, p, ctx) => this.createPaymentIntent(p, ctx)),
      r('GET', '/v1/payment_intents/{intent}', ([id], p) => this.ok(this.paymentIntent(id, true), p, 'payment_intent')),
      r('POST', '/v1/payment_intents/{intent}', ([id], p, ctx) =>
        this.ok(this.updatePaymentIntent(id, p, ctx), p, 'payment_intent'),
      ),
      r('POST', '/v1/payment_intents/{intent}/confirm', ([id], p, ctx) => {
        const pi = this.paymentIntent(id, true);
        this.confirm(pi, p, ctx);
        return this.ok(pi, p, 'payment_intent');
      }),
      r('POST', '/v1/payment_intents/{intent}/cancel', ([id], p, ctx) =>
        this.ok(this.cancel(id, p, ctx), p, 'payment_intent'),
      ),
      r('GET', '/v1/checkout/sessions', (_m, p) => {
        const customer = str(p, 'customer');
        const items = [...this.checkoutSessions.values()].filter(
          (s) => customer === undefined || s.customer === customer,
        );
        items.forEach((s) => this.expireIfDue(s));
        return this.list('/v1/checkout/sessions', items.reverse(), p, 'checkout.session');
      }),
      r('POST', '/v1/checkout/sessions', (_m, p, ctx) =>
        this.ok(this.createCheckoutSession(p, ctx), p, 'checkout.session'),
      ),
      r('GET', '/v1/checkout/sessions/{session}', ([id], p) =>
        this.ok(this.checkoutSession(id, true), p, 'checkout.session'),
      ),
      r('POST', '/v1/checkout/sessions/{session}/expire', ([id], p, ctx) =>
        this.ok(this.expireSession(id, ctx), p, 'checkout.session'),
      ),
      r('GET', '/v1/setup_intents/{intent}', ([id], p) => {
        const si = this.setupIntents.get(id);
        if (!si) throw noSuch('setupintent', id, 'intent', true);
        return this.ok(si, p, 'setup_intent');
      }),
      // What a "Check connection" button can call: the balance is what succeeded payments brought in.
      r('GET', '/v1/balance', (_m, p) => this.ok(this.balance(), p, 'balance')),
      r('GET', '/v1/events', (_m, p) => {
        const type = str(p, 'type');
        const types = strArray(p, 'types');
        if (type !== undefined && types !== undefined)
          throw invalid('You may only specify one of these parameters: type, types.', { param: 'type' });
        const matches = (t: string) =>
          (type === undefined || (type.endsWith('.*') ? t.startsWith(type.slice(0, -1)) : t === type)) &&
          (types === undefined || types.includes(t));
        const inRange = createdFilter(p);
        const items = this.events.filter((e) => matches(e.type) && inRange(e.created));
        return this.list('/v1/events', [...items].reverse(), p, 'event');
      }),
      r('GET', '/v1/events/{id}', ([id], p) => {
        const e = this.events.find((x) => x.id === id);
        if (!e) throw noSuch('event', id, 'id', true);
        return this.ok(e, p, 'event');
      }),
    ];
  }

  get created(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Everything kept, as the state file holds it: the live objects, to be serialized at once (not copied twice). */
  snapshot(): StateSnapshot {
    const out = { pmInfo: [...this.pmInfo], events: this.events } as StateSnapshot;
    for (const name of OBJECT_MAPS) out[name] = [...this[name]];
    return out;
  }

  /**
   * Fills this empty state from a snapshot. Every part is checked before any is used, so a snapshot that
   * is not one (a truncated or hand-edited file) throws and leaves the state empty.
   */
  restore(data: unknown): void {
    if (!isObj(data)) throw new Error('the state is not an object');
    if (this.events.length > 0 || OBJECT_MAPS.some((name) => this[name].size > 0))
      throw new Error('restore: the state is not empty');
    const maps = OBJECT_MAPS.map((name) => [name, pairs<Obj>(data[name], name, (id, obj) => obj.id === id)] as const);
    const info = new Map(pairs<PmInfo>(data.pmInfo, 'pmInfo', (_id, v) => isPmInfo(v)));
    const events: unknown = data.events;
    if (
      !Array.isArray(events) ||
      !events.every((e) => isObj(e) && typeof e.id === 'string' && typeof e.type === 'string')
    )
      throw new Error('events is not a list of events');
    // Charging a PaymentMethod asks what its test token does: none may be without one.
    const lost = maps.find(([name]) => name === 'paymentMethods')![1].find(([id]) => !info.has(id));
    if (lost) throw new Error(`payment method ${lost[0]} has no test token behind it`);
    for (const [name, entries] of maps) for (const [id, obj] of entries) this[name].set(id, obj);
    for (const [id, v] of info) this.pmInfo.set(id, v);
    for (const e of events as Obj[]) this.events.push(e);
  }

  /** The server came back on another port: open Checkout Sessions link to the page where it is now. */
  moveBase(from: string, to: string): void {
    for (const s of this.checkoutSessions.values()) {
      if (typeof s.url === 'string' && s.url.startsWith(`${from}/`)) s.url = to + s.url.slice(from.length);
    }
  }

  /** Routes a request. Unknown URLs get Stripe's "Unrecognized request URL" (404). */
  handle(method: string, path: string, params: FormObject, ctx: RequestContext): Result {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const accepted = acceptedParams(route.op);
      for (const key of Object.keys(params)) {
        if (!accepted.has(key))
          throw invalid(`Received unknown parameter: ${key}`, { param: key, code: 'parameter_unknown' });
      }
      return route.run(m.slice(1).map(decodeURIComponent), params, ctx);
    }
    throw invalid(
      `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/. (The Balance Desk Stripe test server implements only the resources the app uses.)`,
      { status: 404 },
    );
  }

  /** The operation key (`POST /v1/payment_intents/{intent}`) of a request, or null. */
  operationOf(method: string, path: string): string | null {
    return this.routes.find((r) => r.method === method && r.pattern.test(path))?.op ?? null;
  }

  // -------------------------------------------------------------------------------------------------
  // Responses: copies, with `expand[]` applied.

  private ok(obj: Obj, p: FormObject, type: string): Result {
    return { status: 200, body: this.expand(clone(obj), strArray(p, 'expand') ?? [], type) };
  }

  private static EXPANDABLE: Record<string, string[]> = {
    payment_intent: ['customer', 'payment_method'],
    payment_method: ['customer'],
    customer: ['invoice_settings.default_payment_method'],
    setup_intent: ['customer', 'payment_method'],
    'checkout.session': ['customer', 'setup_intent', 'setup_intent.payment_method'],
    event: [],
    balance: [],
  };

  private expand(obj: Obj, paths: string[], type: string): Obj {
    for (const path of paths) {
      if (!(StripeState.EXPANDABLE[type] ?? []).includes(path))
        throw invalid(`This property cannot be expanded (${path}).`, { param: 'expand' });
      this.expandPath(obj, path.split('.'));
    }
    return obj;
  }

  private expandPath(obj: Obj | null, segs: string[]): void {
    if (!obj || typeof obj !== 'object') return;
    const [head, ...rest] = segs;
    if (rest.length > 0) return this.expandPath(obj[head], rest);
    const v = obj[head];
    if (typeof v === 'string') obj[head] = clone(this.lookup(v));
  }

  private lookup(id: string): Obj | string {
    return (
      this.customers.get(id) ??
      this.paymentMethods.get(id) ??
      this.setupIntents.get(id) ??
      this.paymentIntents.get(id) ??
      this.checkoutSessions.get(id) ??
      id
    );
  }

  /** Stripe's list object: newest first, `limit` (1–100, default 10), `starting_after` / `ending_before`. */
  private list(url: string, items: Obj[], p: FormObject, type: string): Result {
    const limit = int(p, 'limit') ?? 10;
    if (limit < 1 || limit > 100) throw invalid('Invalid limit: must be between 1 and 100', { param: 'limit' });
    const after = str(p, 'starting_after');
    const before = str(p, 'ending_before');
    if (after !== undefined && before !== undefined)
      throw invalid('You may only specify one of these parameters: ending_before, starting_after.', {
        param: 'starting_after',
      });
    let page: Obj[];
    let hasMore: boolean;
    if (before !== undefined) {
      const i = items.findIndex((x) => x.id === before);
      if (i === -1) throw noSuch(type, before, 'ending_before', false);
      const start = Math.max(0, i - limit);
      page = items.slice(start, i);
      hasMore = start > 0;
    } else {
      let start = 0;
      if (after !== undefined) {
        const i = items.findIndex((x) => x.id === after);
        if (i === -1) throw noSuch(type, after, 'starting_after', false);
        start = i + 1;
      }
      page = items.slice(start, start + limit);
      hasMore = start + limit < items.length;
    }
    const expand = (strArray(p, 'expand') ?? []).map((e) => {
      if (!e.startsWith('data.')) throw invalid(`This property cannot be expanded (${e}).`, { param: 'expand' });
      return e.slice(5);
    });
    const data = page.map((x) => this.expand(clone(x), expand, type));
    return { status: 200, body: { object: 'list', data, has_more: hasMore, url } };
  }

  // -------------------------------------------------------------------------------------------------
  // Events

  private emit(type: string, obj: Obj, ctx: RequestContext | null): void {
    this.events.push({
      id: newId('evt'),
      object: 'event',
      api_version: ctx?.stripeVersion ?? SERVER_API_VERSION,
      created: this.created,
      data: { object: clone(obj) },
      livemode: false,
      pending_webhooks: 0,
      request: { id: ctx?.requestId ?? null, idempotency_key: ctx?.idempotencyKey ?? null },
      type,
    });
  }

  private balance(): Obj {
    const by = new Map<string, { card: number; bank_account: number }>();
    for (const pi of this.paymentIntents.values()) {
      if (pi.status !== 'succeeded') continue;
      const sums = by.get(pi.currency) ?? { card: 0, bank_account: 0 };
      const type = this.paymentMethods.get(pi.payment_method)?.type;
      sums[type === 'us_bank_account' ? 'bank_account' : 'card'] += pi.amount_received;
      by.set(pi.currency, sums);
    }
    if (by.size === 0) by.set('usd', { card: 0, bank_account: 0 });
    const available = [...by].map(([currency, s]) => ({ amount: s.card + s.bank_account, currency, source_types: s }));
    return {
      object: 'balance',
      available,
      livemode: false,
      pending: available.map((a) => ({ amount: 0, currency: a.currency, source_types: { bank_account: 0, card: 0 } })),
    };
  }

  // -------------------------------------------------------------------------------------------------
  // Customers

  private liveCustomers(p: FormObject): Obj[] {
    const email = str(p, 'email');
    const inRange = createdFilter(p);
    return [...this.customers.values()]
      .filter((c) => !c.deleted && (email === undefined || c.email === email) && inRange(c.created))
      .reverse();
  }

  customer(id: string, param: string, inPath: boolean): Obj {
    const c = this.customers.get(id);
    if (!c) throw noSuch('customer', id, param, inPath);
    return c;
  }

  private liveCustomer(id: string, param: string, inPath: boolean): Obj {
    const c = this.customer(id, param, inPath);
    if (c.deleted) throw noSuch('customer', id, param, inPath);
    return c;
  }

  createCustomer(p: FormObject, ctx: RequestContext | null): Obj {
    const c: Obj = {
      id: newId('cus', 14),
      object: 'customer',
      address: address(p.address, 'address') ?? null,
      balance: int(p, 'balance') ?? 0,
      created: this.created,
      currency: null,
      default_source: null,
      delinquent: false,
      description: nullableStr(p, 'description') ?? null,
      discount: null,
      email: nullableStr(p, 'email') ?? null,
      invoice_prefix: randomId(8).toUpperCase(),
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      livemode: false,
      metadata: mergeMetadata(p.metadata, {}),
      name: nullableStr(p, 'name') ?? null,
      next_invoice_sequence: 1,
      phone: nullableStr(p, 'phone') ?? null,
      preferred_locales: strArray(p, 'preferred_locales') ?? [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    };
    const pm = str(p, 'payment_method');
    const def = hash(p, 'invoice_settings');
    this.customers.set(c.id, c);
    this.emit('customer.created', c, ctx);
    if (pm !== undefined) this.attachTo(pm, c.id, 'payment_method', ctx);
    if (def !== undefined) this.setInvoiceSettings(c, def);
    return c;
  }

  private setInvoiceSettings(c: Obj, settings: FormObject): void {
    for (const k of Object.keys(settings)) {
      if (k !== 'default_payment_method')
        throw invalid(`The test server does not support invoice_settings[${k}]`, { param: `invoice_settings[${k}]` });
    }
    const pmId = nullableStr(settings, 'default_payment_method');
    if (pmId === undefined) return;
    if (pmId !== null) {
      const pm = this.paymentMethods.get(pmId);
      if (!pm || pm.customer !== c.id) {
        throw invalid(
          `The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`,
          {
            param: 'invoice_settings[default_payment_method]',
            code: 'resource_missing',
          },
        );
      }
    }
    c.invoice_settings.default_payment_method = pmId;
  }

  private updateCustomer(id: string, p: FormObject, ctx: RequestContext): Obj {
    const c = this.liveCustomer(id, 'id', true);
    const next = clone(c);
    for (const f of ['description', 'email', 'name', 'phone']) {
      const v = nullableStr(p, f);
      if (v !== undefined) next[f] = v;
    }
    const addr = address(p.address, 'address');
    if (addr !== undefined) next.address = addr;
    const balance = int(p, 'balance');
    if (balance !== undefined) next.balance = balance;
    const locales = strArray(p, 'preferred_locales');
    if (locales !== undefined) next.preferred_locales = locales;
    next.metadata = mergeMetadata(p.metadata, c.metadata);
    const settings = hash(p, 'invoice_settings');
    if (settings !== undefined) this.setInvoiceSettings(next, settings);
    Object.assign(c, next);
    this.emit('customer.updated', c, ctx);
    return c;
  }

  private deleteCustomer(id: string, ctx: RequestContext): Obj {
    const c = this.liveCustomer(id, 'id', true);
    for (const pm of this.paymentMethods.values()) {
      if (pm.customer === id) {
        pm.customer = null;
        this.pmInfo.get(pm.id)!.detached = true;
      }
    }
    this.emit('customer.deleted', c, ctx);
    for (const k of Object.keys(c)) delete c[k];
    Object.assign(c, { id, object: 'customer', deleted: true });
    return clone(c);
  }

  // -------------------------------------------------------------------------------------------------
  // Payment methods

  private methodsOf(customer: string, type: string | undefined): Obj[] {
    if (type !== undefined && !/^[a-z_]+$/.test(type)) throw invalid(`Invalid type: ${type}`, { param: 'type' });
    return [...this.paymentMethods.values()]
      .filter((pm) => pm.customer === customer && (type === undefined || pm.type === type))
      .reverse();
  }

  paymentMethod(id: string, param: string, inPath: boolean): Obj {
    const pm = this.paymentMethods.get(id);
    if (!pm) throw noSuch('PaymentMethod', id, param, inPath);
    return pm;
  }

  /** A new PaymentMethod from a test token, as Stripe makes one when a token is attached or used. */
  fromToken(token: string): Obj {
    const method = TEST_PAYMENT_METHODS[token];
    const now = new Date(this.now());
    const fingerprint = createHash('sha256').update(token).digest('base64url').slice(0, 16);
    const pm: Obj = {
      id: newId('pm'),
      object: 'payment_method',
      billing_details: {
        address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
        email: null,
        name: method.type === 'us_bank_account' ? 'Test Account Holder' : null,
        phone: null,
      },
      created: this.created,
      customer: null,
      livemode: false,
      metadata: {},
      type: method.type,
    };
    if (method.type === 'card') {
      pm.card = {
        brand: method.brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'unchecked' },
        country: 'US',
        exp_month: now.getUTCMonth() + 1,
        exp_year: now.getUTCFullYear() + 1,
        fingerprint,
        funding: method.funding,
        generated_from: null,
        last4: method.last4,
        networks: { available: [method.brand], preferred: null },
        three_d_secure_usage: { supported: true },
        wallet: null,
      };
    } else {
      pm.us_bank_account = {
        account_holder_type: 'individual',
        account_type: 'checking',
        bank_name: 'STRIPE TEST BANK',
        financial_connections_account: null,
        fingerprint,
        last4: method.last4,
        networks: { preferred: 'ach', supported: ['ach'] },
        routing_number: '110000000',
        status_details: {},
      };
    }
    this.paymentMethods.set(pm.id, pm);
    this.pmInfo.set(pm.id, { token, method, detached: false, consumed: false });
    return pm;
  }

  /** A PaymentMethod named by a parameter: an existing `pm_...` or a test token (which makes a new one). */
  private resolvePaymentMethod(idOrToken: string, param: string): Obj {
    if (isTestToken(idOrToken)) return this.fromToken(idOrToken);
    return this.paymentMethod(idOrToken, param, false);
  }

  private assertReusable(pm: Obj, param: string): void {
    const info = this.pmInfo.get(pm.id)!;
    if (info.detached || info.consumed) {
      throw invalid(
        'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.',
        { param },
      );
    }
  }

  private attach(id: string, p: FormObject, ctx: RequestContext): Obj {
    const customer = str(p, 'customer');
    if (customer === undefined) throw missingParam('customer');
    return this.attachTo(id, customer, null, ctx);
  }

  /** Attaches `id` (a pm_ or a test token) to a customer. `param` is null when the id is in the URL. */
  attachTo(id: string, customerId: string, param: string | null, ctx: RequestContext | null): Obj {
    const customer = this.liveCustomer(customerId, 'customer', false);
    const pm = isTestToken(id) ? this.fromToken(id) : this.paymentMethod(id, param ?? 'payment_method', param === null);
    if (pm.customer === customer.id) return pm;
    if (pm.customer !== null)
      throw invalid('The payment method you provided has already been attached to a customer.', {
        param: param ?? undefined,
      });
    this.assertReusable(pm, param ?? 'payment_method');
    pm.customer = customer.id;
    this.emit('payment_method.attached', pm, ctx);
    return pm;
  }

  private detach(id: string, ctx: RequestContext): Obj {
    const pm = this.paymentMethod(id, 'payment_method', true);
    if (pm.customer === null)
      throw invalid('The payment method you provided is not attached to a customer so detachment is impossible.');
    const c = this.customers.get(pm.customer);
    if (c && c.invoice_settings?.default_payment_method === pm.id) c.invoice_settings.default_payment_method = null;
    pm.customer = null;
    this.pmInfo.get(pm.id)!.detached = true;
    this.emit('payment_method.detached', pm, ctx);
    return pm;
  }

  private updatePaymentMethod(id: string, p: FormObject, ctx: RequestContext): Obj {
    const pm = this.paymentMethod(id, 'payment_method', true);
    const next = clone(pm);
    next.metadata = mergeMetadata(p.metadata, pm.metadata);
    const card = hash(p, 'card');
    if (card !== undefined) {
      if (pm.type !== 'card')
        throw invalid('You can only update card details on a card PaymentMethod.', { param: 'card' });
      const m = int(card, 'exp_month');
      const y = int(card, 'exp_year');
      if (m !== undefined) {
        if (m < 1 || m > 12)
          throw invalid("Your card's expiration month is invalid.", {
            param: 'card[exp_month]',
            code: 'invalid_expiry_month',
          });
        next.card.exp_month = m;
      }
      if (y !== undefined) next.card.exp_year = y;
    }
    const billing = hash(p, 'billing_details');
    if (billing !== undefined) {
      for (const f of ['email', 'name', 'phone']) {
        const v = nullableStr(billing, f);
        if (v !== undefined) next.billing_details[f] = v;
      }
      const addr = address(billing.address, 'billing_details[address]');
      if (addr !== undefined)
        next.billing_details.address = addr ?? {
          city: null,
          country: null,
          line1: null,
          line2: null,
          postal_code: null,
          state: null,
        };
    }
    Object.assign(pm, next);
    this.emit('payment_method.updated', pm, ctx);
    return pm;
  }

  // -------------------------------------------------------------------------------------------------
  // Payment intents

  paymentIntent(id: string, inPath: boolean): Obj {
    const pi = this.paymentIntents.get(id);
    if (!pi) throw noSuch('payment_intent', id, inPath ? 'intent' : 'payment_intent', inPath);
    return pi;
  }

  private static pmOptions(types: string[]): Obj {
    const out: Obj = {};
    if (types.includes('card'))
      out.card = { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' };
    if (types.includes('us_bank_account')) out.us_bank_account = { verification_method: 'automatic' };
    return out;
  }

  private createPaymentIntent(p: FormObject, ctx: RequestContext): Result {
    const amount = int(p, 'amount');
    if (amount === undefined) throw missingParam('amount');
    const currencyRaw = str(p, 'currency');
    if (currencyRaw === undefined) throw missingParam('currency');
    const currency = currencyRaw.toLowerCase();
    if (!/^[a-z]{3}$/.test(currency)) throw invalid(`Invalid currency: ${currencyRaw}.`, { param: 'currency' });
    this.checkAmount(amount, currency);
    const customer = str(p, 'customer');
    if (customer !== undefined) this.liveCustomer(customer, 'customer', false);
    const confirm = bool(p, 'confirm') ?? false;
    const offSession = this.offSession(p);
    if (offSession !== undefined && !confirm) {
      throw invalid('You may only specify `off_session` when confirming a PaymentIntent (confirm=true).', {
        param: 'off_session',
      });
    }
    const errorOnRequiresAction = bool(p, 'error_on_requires_action');
    if (errorOnRequiresAction !== undefined && !confirm) {
      throw invalid('You may only specify `error_on_requires_action` when confirming a PaymentIntent (confirm=true).', {
        param: 'error_on_requires_action',
      });
    }
    const captureMethod = str(p, 'capture_method') ?? 'automatic';
    if (captureMethod !== 'automatic' && captureMethod !== 'automatic_async') {
      throw invalid(`The test server supports capture_method automatic only, not ${captureMethod}.`, {
        param: 'capture_method',
      });
    }
    const types = methodTypes(p);
    const apm = hash(p, 'automatic_payment_methods');
    const apmEnabled = apm === undefined ? undefined : bool(apm, 'enabled');
    if (types !== undefined && apmEnabled) {
      throw invalid('You may only specify one of these parameters: automatic_payment_methods, payment_method_types.', {
        param: 'payment_method_types',
      });
    }
    const setupFutureUsage = str(p, 'setup_future_usage');
    if (setupFutureUsage !== undefined && !['on_session', 'off_session'].includes(setupFutureUsage)) {
      throw invalid(`Invalid setup_future_usage: must be one of on_session or off_session`, {
        param: 'setup_future_usage',
      });
    }
    const pmTypes = types ?? (currency === 'usd' ? ['card', 'us_bank_account'] : ['card']);
    const pi: Obj = {
      id: newId('pi'),
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_details: { tip: {} },
      amount_received: 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods:
        types === undefined ? { allow_redirects: str(apm ?? {}, 'allow_redirects') ?? 'always', enabled: true } : null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: captureMethod,
      client_secret: '',
      confirmation_method: 'automatic',
      created: this.created,
      currency,
      customer: customer ?? null,
      description: nullableStr(p, 'description') ?? null,
      invoice: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: mergeMetadata(p.metadata, {}),
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_options: StripeState.pmOptions(pmTypes),
      payment_method_types: pmTypes,
      processing: null,
      receipt_email: nullableStr(p, 'receipt_email') ?? null,
      review: null,
      setup_future_usage: setupFutureUsage ?? null,
      shipping: null,
      statement_descriptor: nullableStr(p, 'statement_descriptor') ?? null,
      statement_descriptor_suffix: nullableStr(p, 'statement_descriptor_suffix') ?? null,
      status: 'requires_payment_method',
      transfer_data: null,
      transfer_group: null,
    };
    pi.client_secret = `${pi.id}_secret_${randomId(25)}`;
    const pmParam = str(p, 'payment_method');
    // Checks before anything is kept: a refused request leaves no PaymentIntent behind.
    const pm = pmParam === undefined ? null : this.checkUsable(pmParam, pi, 'payment_method');
    if (pm) {
      pi.payment_method = pm.id;
      pi.status = 'requires_confirmation';
    }
    this.paymentIntents.set(pi.id, pi);
    this.emit('payment_intent.created', pi, ctx);
    if (confirm)
      this.confirm(
        pi,
        {
          ...(offSession !== undefined ? { off_session: p.off_session } : {}),
          ...(errorOnRequiresAction !== undefined ? { error_on_requires_action: p.error_on_requires_action } : {}),
        },
        ctx,
      );
    return this.ok(pi, p, 'payment_intent');
  }

  private checkAmount(amount: number, currency: string): void {
    if (amount < 50) {
      throw invalid(
        currency === 'usd' ? 'Amount must be at least $0.50 usd' : `Amount must be at least 50 ${currency}`,
        { param: 'amount', code: 'amount_too_small' },
      );
    }
    if (amount > 99_999_999)
      throw invalid('Amount must be no more than $999,999.99', { param: 'amount', code: 'amount_too_large' });
  }

  private offSession(p: FormObject): boolean | undefined {
    const v = p.off_session;
    if (v === undefined) return undefined;
    if (v === 'one_off' || v === 'recurring') return true;
    return bool(p, 'off_session');
  }

  /**
   * The PaymentMethod a PaymentIntent is to use, checked as Stripe does: it exists (or is a test token),
   * it is of an allowed type, it belongs to the PaymentIntent's customer if it belongs to anyone, and it
   * was not detached or already used once without a customer.
   */
  private checkUsable(idOrToken: string, pi: Obj, param: string): Obj {
    const pm = this.resolvePaymentMethod(idOrToken, param);
    this.assertReusable(pm, param);
    if (pm.customer !== null && pm.customer !== pi.customer) {
      throw invalid(
        pi.customer === null
          ? `The provided PaymentMethod belongs to a Customer, but you did not provide a customer. Please provide the Customer (${pm.customer}) that this PaymentMethod is attached to.`
          : `The provided PaymentMethod belongs to a different Customer (${pm.customer}) than the PaymentIntent's Customer (${pi.customer}).`,
        { param },
      );
    }
    if (!pi.payment_method_types.includes(pm.type)) {
      throw invalid(
        `The PaymentMethod provided (${pm.type}) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: ${pi.payment_method_types.join(', ')}.`,
        { param, code: 'payment_intent_incompatible_payment_method' },
      );
    }
    return pm;
  }

  private unexpectedState(pi: Obj, message: string, param?: string): ApiError {
    const e = invalid(message, { code: 'payment_intent_unexpected_state', param });
    e.error.payment_intent = clone(pi);
    return e;
  }

  /** Confirms: the outcome comes from the test token behind the PaymentMethod. Throws the 402 of a failure. */
  confirm(pi: Obj, p: FormObject, ctx: RequestContext): void {
    if (!PI_CONFIRMABLE.includes(pi.status)) {
      throw this.unexpectedState(
        pi,
        pi.status === 'succeeded'
          ? 'You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.'
          : `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_action, requires_payment_method.`,
      );
    }
    const offSession = this.offSession(p) ?? false;
    const errorOnRequiresAction = bool(p, 'error_on_requires_action') ?? false;
    // New types (if any) apply only once the request is accepted.
    const types = methodTypes(p);
    const target = types === undefined ? pi : { ...pi, payment_method_types: types };
    const pmId = str(p, 'payment_method') ?? pi.payment_method;
    if (!pmId) {
      throw this.unexpectedState(
        pi,
        "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
      );
    }
    const pm = this.checkUsable(pmId, target, 'payment_method');
    if (types !== undefined) {
      pi.payment_method_types = types;
      pi.payment_method_options = StripeState.pmOptions(types);
      pi.automatic_payment_methods = null;
    }
    const info = this.pmInfo.get(pm.id)!;
    if (pm.customer === null) info.consumed = true;
    pi.payment_method = pm.id;
    pi.last_payment_error = null;
    pi.next_action = null;
    const method = info.method;
    if (method.type === 'us_bank_account') {
      pi.status = 'processing';
      pi.latest_charge = newId('py');
      this.emit('payment_intent.processing', pi, ctx);
      return;
    }
    const outcome = method.outcome;
    if (outcome.kind === 'succeed') {
      this.succeed(pi, newId('ch'), ctx);
      return;
    }
    if (outcome.kind === 'authenticate' && !offSession && !errorOnRequiresAction) {
      // On session: the customer can authenticate (3-D Secure) in the browser.
      pi.status = 'requires_action';
      pi.next_action = {
        type: 'use_stripe_sdk',
        use_stripe_sdk: {
          type: 'three_d_secure_redirect',
          stripe_js: `${ctx.baseUrl}/3ds/${pi.id}`,
          source: newId('src'),
        },
      };
      this.emit('payment_intent.requires_action', pi, ctx);
      return;
    }
    // Off session, a card that needs authentication is declined with authentication_required and the
    // PaymentIntent goes back to requires_payment_method (docs.stripe.com/payments/save-and-reuse:
    // "When a payment attempt fails, the request also fails with a 402 HTTP status code and the status
    // of the PaymentIntent is requires_payment_method").
    const decline =
      outcome.kind === 'decline'
        ? outcome
        : {
            code: 'authentication_required',
            decline_code: 'authentication_required',
            message: 'Your card was declined. This transaction requires authentication.',
            param: undefined,
          };
    const charge = newId('ch');
    const error: StripeErrorBody = {
      type: 'card_error',
      charge,
      code: decline.code,
      decline_code: decline.decline_code,
      doc_url: docUrl(decline.code),
      message: decline.message,
      ...(decline.param ? { param: decline.param } : {}),
      payment_method: clone(pm),
    };
    this.fail(pi, error, charge, ctx);
    throw new ApiError(402, { ...error, payment_intent: clone(pi) });
  }

  private succeed(pi: Obj, charge: string | null, ctx: RequestContext | null): void {
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    if (charge) pi.latest_charge = charge;
    pi.last_payment_error = null;
    pi.next_action = null;
    this.emit('payment_intent.succeeded', pi, ctx);
  }

  /** A failed attempt: back to requires_payment_method, the error kept, the method let go (as Stripe does). */
  private fail(pi: Obj, error: StripeErrorBody, charge: string | null, ctx: RequestContext | null): void {
    pi.status = 'requires_payment_method';
    pi.last_payment_error = clone(error);
    pi.payment_method = null;
    pi.next_action = null;
    if (charge) pi.latest_charge = charge;
    this.emit('payment_intent.payment_failed', pi, ctx);
  }

  /**
   * Settles a bank debit that is `processing`: succeeded, or failed (back to requires_payment_method with
   * `last_payment_error` of type card_error, the type Stripe uses for every payment failure, cards or
   * not: docs.stripe.com/error-handling, "Payment errors").
   */
  settle(id: string, outcome?: 'succeeded' | 'failed', failureCode?: string): Obj {
    const pi = this.paymentIntents.get(id);
    if (!pi) throw new Error(`settle: no PaymentIntent ${id}`);
    if (pi.status !== 'processing') throw new Error(`settle: PaymentIntent ${id} is ${pi.status}, not processing`);
    const pm = this.paymentMethods.get(pi.payment_method)!;
    const info = this.pmInfo.get(pm.id)!;
    const method = info.method;
    if (method.type !== 'us_bank_account') throw new Error(`settle: ${id} is not a bank debit`);
    let result = outcome;
    if (result === undefined) {
      if (method.settles === 'never') throw new Error(`settle: ${info.token} stays processing; name the outcome`);
      result = method.settles === 'succeeded' ? 'succeeded' : 'failed';
    }
    if (result === 'succeeded') {
      this.succeed(pi, null, null);
    } else {
      const code = failureCode ?? (typeof method.settles === 'object' ? method.settles.failed : 'insufficient_funds');
      this.fail(
        pi,
        {
          type: 'card_error',
          charge: pi.latest_charge,
          code,
          doc_url: docUrl(code),
          message: BANK_FAILURE_MESSAGES[code] ?? `The payment failed (${code}).`,
          payment_method: clone(pm),
          payment_method_type: 'us_bank_account',
        },
        null,
        null,
      );
    }
    return clone(pi);
  }

  private updatePaymentIntent(id: string, p: FormObject, _ctx: RequestContext): Obj {
    const pi = this.paymentIntent(id, true);
    const next = clone(pi);
    next.metadata = mergeMetadata(p.metadata, pi.metadata);
    for (const f of ['description', 'receipt_email', 'statement_descriptor', 'statement_descriptor_suffix']) {
      const v = nullableStr(p, f);
      if (v !== undefined) next[f] = v;
    }
    const changesPayment = [
      'amount',
      'currency',
      'customer',
      'payment_method',
      'payment_method_types',
      'allowed_payment_method_types',
    ].some((k) => p[k] !== undefined);
    if (changesPayment && !PI_CONFIRMABLE.includes(pi.status)) {
      throw this.unexpectedState(
        pi,
        `This PaymentIntent's amount, currency, customer or payment method could not be updated because it has a status of ${pi.status}.`,
      );
    }
    const amount = int(p, 'amount');
    if (amount !== undefined) next.amount = amount;
    const currency = str(p, 'currency');
    if (currency !== undefined) next.currency = currency.toLowerCase();
    if (amount !== undefined || currency !== undefined) this.checkAmount(next.amount, next.currency);
    const customer = str(p, 'customer');
    if (customer !== undefined) {
      this.liveCustomer(customer, 'customer', false);
      next.customer = customer;
    }
    const types = methodTypes(p);
    if (types !== undefined) {
      next.payment_method_types = types;
      next.payment_method_options = StripeState.pmOptions(types);
      next.automatic_payment_methods = null;
    }
    const pmParam = nullableStr(p, 'payment_method');
    if (pmParam !== undefined) {
      next.payment_method = pmParam === null ? null : this.checkUsable(pmParam, next, 'payment_method').id;
      next.status = next.payment_method ? 'requires_confirmation' : 'requires_payment_method';
    }
    Object.assign(pi, next);
    return pi;
  }

  private cancel(id: string, p: FormObject, ctx: RequestContext): Obj {
    const pi = this.paymentIntent(id, true);
    const reason = str(p, 'cancellation_reason');
    if (reason !== undefined && !['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'].includes(reason)) {
      throw invalid(
        `Invalid cancellation_reason: must be one of duplicate, fraudulent, requested_by_customer, or abandoned`,
        { param: 'cancellation_reason' },
      );
    }
    if (!PI_CANCELABLE.includes(pi.status)) {
      throw this.unexpectedState(
        pi,
        `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`,
      );
    }
    pi.status = 'canceled';
    pi.canceled_at = this.created;
    pi.cancellation_reason = reason ?? null;
    pi.next_action = null;
    this.emit('payment_intent.canceled', pi, ctx);
    return pi;
  }

  // -------------------------------------------------------------------------------------------------
  // Checkout sessions (setup mode) and their setup intents

  checkoutSession(id: string, inPath: boolean): Obj {
    const s = this.checkoutSessions.get(id);
    if (!s) throw noSuch('checkout.session', id, inPath ? 'session' : 'checkout_session', inPath);
    this.expireIfDue(s);
    return s;
  }

  private expireIfDue(s: Obj): void {
    if (s.status === 'open' && this.created >= s.expires_at) {
      s.status = 'expired';
      s.url = null;
      this.emit('checkout.session.expired', s, null);
    }
  }

  private createCheckoutSession(p: FormObject, ctx: RequestContext): Obj {
    const mode = str(p, 'mode');
    if (mode === undefined) throw missingParam('mode');
    if (mode !== 'setup')
      throw invalid(`The test server supports Checkout in setup mode only, not ${mode}.`, { param: 'mode' });
    const successUrl = str(p, 'success_url');
    if (successUrl === undefined) throw missingParam('success_url');
    if (!/^https?:\/\//.test(successUrl))
      throw invalid('Not a valid URL', { param: 'success_url', code: 'url_invalid' });
    const cancelUrl = str(p, 'cancel_url');
    if (cancelUrl !== undefined && !/^https?:\/\//.test(cancelUrl))
      throw invalid('Not a valid URL', { param: 'cancel_url', code: 'url_invalid' });
    const customer = str(p, 'customer');
    if (customer !== undefined) this.liveCustomer(customer, 'customer', false);
    const types = methodTypes(p);
    const currency = str(p, 'currency')?.toLowerCase();
    // "currency: required in setup mode when payment_method_types is not set" (Checkout Sessions API).
    if (types === undefined && currency === undefined) throw missingParam('currency');
    const pmTypes = types ?? (currency === 'usd' ? ['card', 'us_bank_account'] : ['card']);
    const created = this.created;
    const expiresAt = int(p, 'expires_at') ?? created + 24 * 3600;
    if (expiresAt < created + 30 * 60 || expiresAt > created + 24 * 3600) {
      throw invalid(
        'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
        { param: 'expires_at' },
      );
    }
    const si: Obj = {
      id: newId('seti'),
      object: 'setup_intent',
      application: null,
      automatic_payment_methods: null,
      cancellation_reason: null,
      client_secret: '',
      created,
      customer: customer ?? null,
      description: null,
      flow_directions: null,
      last_setup_error: null,
      latest_attempt: null,
      livemode: false,
      mandate: null,
      metadata: {},
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_options: null,
      payment_method_types: pmTypes,
      single_use_mandate: null,
      status: 'requires_payment_method',
      usage: 'off_session',
    };
    si.client_secret = `${si.id}_secret_${randomId(25)}`;
    const id = `cs_test_${randomId(58)}`;
    const s: Obj = {
      id,
      object: 'checkout.session',
      after_expiration: null,
      allow_promotion_codes: null,
      amount_subtotal: null,
      amount_total: null,
      automatic_tax: { enabled: false, status: null },
      billing_address_collection: null,
      cancel_url: cancelUrl ?? null,
      client_reference_id: nullableStr(p, 'client_reference_id') ?? null,
      consent: null,
      consent_collection: null,
      created,
      currency: currency ?? null,
      currency_conversion: null,
      custom_fields: [],
      custom_text: { shipping_address: null, submit: null },
      customer: customer ?? null,
      customer_creation: null,
      customer_details: null,
      customer_email: nullableStr(p, 'customer_email') ?? null,
      expires_at: expiresAt,
      invoice: null,
      invoice_creation: null,
      livemode: false,
      locale: null,
      metadata: mergeMetadata(p.metadata, {}),
      mode: 'setup',
      payment_intent: null,
      payment_link: null,
      payment_method_collection: 'always',
      payment_method_options: pmTypes.includes('us_bank_account')
        ? { us_bank_account: { verification_method: 'automatic' } }
        : {},
      payment_method_types: pmTypes,
      payment_status: 'no_payment_required',
      phone_number_collection: { enabled: false },
      recovered_from: null,
      setup_intent: si.id,
      shipping_address_collection: null,
      shipping_cost: null,
      shipping_details: null,
      shipping_options: [],
      status: 'open',
      submit_type: null,
      subscription: null,
      success_url: successUrl,
      total_details: null,
      url: `${ctx.baseUrl}/checkout/${id}`,
    };
    this.setupIntents.set(si.id, si);
    this.checkoutSessions.set(id, s);
    this.emit('setup_intent.created', si, ctx);
    return s;
  }

  private expireSession(id: string, ctx: RequestContext): Obj {
    const s = this.checkoutSession(id, true);
    if (s.status !== 'open')
      throw invalid(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${s.status}".`,
      );
    s.status = 'expired';
    s.url = null;
    this.emit('checkout.session.expired', s, ctx);
    return s;
  }

  /**
   * What the customer does on the Checkout page: a new PaymentMethod from the test token, attached to the
   * session's customer; the SetupIntent succeeds; the session completes.
   */
  completeCheckout(id: string, token: string): { session: Obj; setupIntent: Obj; paymentMethod: Obj } {
    const s = this.checkoutSessions.get(id);
    if (!s) throw new Error(`completeCheckout: no Checkout Session ${id}`);
    this.expireIfDue(s);
    if (s.status !== 'open') throw new Error(`completeCheckout: session ${id} is ${s.status}`);
    const method = TEST_PAYMENT_METHODS[token];
    if (!method)
      throw new Error(
        `completeCheckout: ${token} is not a test payment method (${Object.keys(TEST_PAYMENT_METHODS).join(', ')})`,
      );
    if (!s.payment_method_types.includes(method.type))
      throw new Error(
        `completeCheckout: session ${id} accepts ${s.payment_method_types.join(', ')}, not ${method.type}`,
      );
    const pm = s.customer ? this.attachTo(token, s.customer, 'payment_method', null) : this.fromToken(token);
    const si = this.setupIntents.get(s.setup_intent)!;
    si.payment_method = pm.id;
    si.status = 'succeeded';
    s.status = 'complete';
    s.url = null;
    this.emit('setup_intent.succeeded', si, null);
    this.emit('checkout.session.completed', s, null);
    return { session: clone(s), setupIntent: clone(si), paymentMethod: clone(pm) };
  }
}
