/**
 * A Stripe-compatible test server: plain Node `http` on loopback that the real `stripe` SDK talks to,
 * for the resources Balance Desk uses. Sandbox, no real money: nothing leaves the machine.
 *
 *   const server = await startStripeServer();          // port 0 = a free port; opts below
 *   const stripe = stripeClient(server);               // new Stripe(key, { host, port, protocol: 'http', ... })
 *   const customer = await stripe.customers.create({ email: 'a@b.test' });
 *   const card = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });  // a NEW pm_...
 *   await stripe.paymentIntents.create(
 *     { amount: 2000, currency: 'usd', customer: customer.id, payment_method: card.id, off_session: true, confirm: true },
 *     { idempotencyKey: 'attempt-1' },
 *   );
 *   server.paymentIntents();                           // every PaymentIntent, with its status
 *   await server.close();
 *
 * HTTP, as Stripe speaks it
 * - Auth: `Authorization: Bearer <key>` (or Basic with the key as user). A missing or unknown key is a 401
 *   invalid_request_error. Keys: `opts.apiKeys`, default [SANDBOX_API_KEY] = 'sk_test_balance_desk_sandbox'.
 * - Bodies and query strings are form-encoded with Stripe's brackets (`metadata[k]=v`, `expand[0]=...`,
 *   `payment_method_types[]=card`); unknown top-level parameters are refused (400 parameter_unknown),
 *   see params.ts. Responses are JSON objects with `object`, Stripe id prefixes (cus_, pm_, pi_, cs_test_,
 *   seti_, evt_), `created` in unix seconds from `now()`, `livemode: false`; lists are
 *   `{ object: 'list', data, has_more, url }`, newest first, with limit / starting_after / ending_before.
 * - stripe-node 23 targets API version 2026-10-28.endive, whose request types call the payment method
 *   types `allowed_payment_method_types`; the server takes that or the 2023 name `payment_method_types`,
 *   and answers with 2023-08-16 shapes (fields added since, e.g. a session's `allowed_payment_method_types`,
 *   are absent).
 * - Errors: `{ error: { type, code, decline_code, message, param, doc_url, payment_intent, ... } }` with
 *   400 invalid_request_error, 402 card_error, 404 resource_missing (id in the URL; 400 when it was a
 *   parameter), 401, 400 idempotency_error, 500 api_error.
 *
 * Resources (api.ts): customers (create, retrieve, update, delete, list); payment methods (attach a test
 * token or a pm_, detach, retrieve, update, list by `GET /v1/customers/{id}/payment_methods` or
 * `GET /v1/payment_methods?customer=&type=`); payment intents (create with confirm / off_session /
 * metadata, confirm, retrieve, update, cancel, list by customer); checkout sessions in setup mode (create
 * → `status: 'open'`, a `url` served by this server, a `setup_intent`; retrieve; list; expire) and
 * setup intents (retrieve); the balance (GET /v1/balance: what succeeded payments brought in; a cheap
 * "Check connection"); events (list with type / types / created, retrieve), recorded as things happen:
 * payment_intent.created / .processing / .succeeded / .payment_failed / .requires_action / .canceled,
 * customer.*, payment_method.attached / .detached / .updated, setup_intent.*, checkout.session.*.
 *
 * Test payment methods (tokens.ts): pm_card_visa, pm_card_mastercard, pm_card_amex succeed;
 * pm_card_chargeDeclined and pm_card_chargeCustomerFail → 402 card_declined / generic_decline;
 * pm_card_chargeDeclinedInsufficientFunds → card_declined / insufficient_funds;
 * pm_card_chargeDeclinedExpiredCard → expired_card; pm_card_authenticationRequired → off session (or with
 * error_on_requires_action) 402 authentication_required, on session status requires_action;
 * pm_usBankAccount_success / _accountClosed / _noAccount / _insufficientFunds / _debitNotAuthorized /
 * _processing → `processing` until `server.settle()`. A declined PaymentIntent is left in
 * requires_payment_method with `last_payment_error` filled and `payment_method: null`, and the 402's
 * error carries the PaymentIntent (`err.payment_intent` on the SDK's StripeCardError).
 * Deviation: real Stripe may refuse to ATTACH some declining cards (it checks them); here every token
 * attaches, so a test can hold a saved card that declines later (as a real card does once it is expired
 * or out of funds).
 *
 * Idempotency-Key (every POST): the first result is saved per (API key, Idempotency-Key) and replayed
 * byte for byte (same status and body, header `Idempotent-Replayed: true`) for the same method, path and
 * parameters; other parameters (or another endpoint) with the same key → 400 `idempotency_error`. Saved:
 * results of requests that ran (2xx, and 402 payment failures); not saved: 400/404 validation errors
 * and injected 5xx (Stripe: "results are only saved if an API endpoint started executing"). A result is
 * forgotten 24 hours after it was saved (`idempotencyTtlMs`), as Stripe may: the same key then makes a
 * new object — the reason Balance Desk looks a payment up before sending its key again. Note that
 * stripe-node sends an Idempotency-Key of its own (`stripe-node-retry-<uuid>`) on every POST you send
 * without one, and retries a closed connection once even with maxNetworkRetries: 0.
 *
 * Faults, for the next matching requests (`match`: method and/or path prefix, default every /v1 request):
 *   server.fail({ times: 1, status: 500 })            5xx api_error, nothing done, nothing saved
 *   server.fail({ times: 1, mode: 'timeout' })         held unanswered (nothing done) until the client gives
 *                                                      up: create the client with a small `timeout`
 *   server.fail({ times: 1, mode: 'timeout', perform: true })  done and saved, then held unanswered
 *   server.fail({ times: 1, mode: 'lost' })            done and saved, then the socket is destroyed: the
 *                                                      same Idempotency-Key later gets the saved result.
 *                                                      stripe-node retries a dropped connection once by
 *                                                      itself, so `times: 2` makes the SDK call throw.
 *   server.fail(..., { method: 'POST', path: '/v1/payment_intents' })
 *
 * Control and inspection: `settle(pi, 'succeeded' | 'failed', code?)` for bank debits,
 * `completeCheckout(cs, token)` (what the customer does on the Checkout page), `createCustomer()` /
 * `attachTestPaymentMethod()` to seed without HTTP, `paymentIntents()`, `paymentMethods()`,
 * `customers()`, `checkoutSessions()`, `events()`, `requests` (every HTTP request with its parsed
 * params, Idempotency-Key, status and JSON body), `setNow()`, `reset()`, `url`, `port`, `close()`.
 * For a person: GET `url` in a browser shows the state (and settles bank debits); a checkout `url` shows
 * a page that completes the session with a chosen test card or bank account, then redirects to
 * `success_url` (with `{CHECKOUT_SESSION_ID}` filled in, as Stripe does).
 *
 * State file (`stateFile`, state-file.ts; `main.ts --state FILE`, or `--demo` / `--data-dir DIR` for
 * DATA/stripe-sandbox.json beside the ledger): everything the sandbox keeps — objects, events, test-token
 * behaviours (`behaveAs` too), saved Idempotency-Key results — is loaded from the JSON file at start and
 * written to it (atomically, before the answer goes out) after every request or control call that may
 * have changed it, so a sandbox started again still knows the cus_ and pm_ an app stored. Not kept: the
 * recorded `requests`, queued faults and the clock, which belong to one run. A missing file starts empty;
 * an unusable one is moved aside to FILE.corrupt with a one-line warning, and the server starts empty.
 *
 * Keeping app tests Stripe-shaped: `new SpecValidator(loadSpec(file), { newerParams: NEWER_PARAMS })` from
 * openapi.ts checks `server.requests` (checkRequest / validateResponse), as stripe-server.test.ts does.
 * Launcher for a person: `npx tsx test/support/stripe/main.ts --port 12111`.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Stripe from 'stripe';
import { StripeState, randomId, SERVER_API_VERSION, type Obj, type RequestContext, type Result } from './api';
import { ApiError, type StripeErrorBody } from './errors';
import { fingerprint, parseForm, type FormObject } from './form';
import { loadState, saveState, type SavedResult } from './state-file';
import { TEST_PAYMENT_METHODS } from './tokens';

export { TEST_PAYMENT_METHODS } from './tokens';
export type { StripeErrorBody } from './errors';

/** The fixed test key of the sandbox (a test key: it only ever works against this server). */
export const SANDBOX_API_KEY = 'sk_test_balance_desk_sandbox';

export interface StripeServerOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Accepted secret keys (default [SANDBOX_API_KEY]). Idempotency keys are kept per API key. */
  apiKeys?: string[];
  /** The clock, in milliseconds, for `created`, expiry and events (default Date.now). */
  now?: () => number;
  /** Called with one line per request (e.g. console.log for the launcher). */
  log?: (line: string) => void;
  /** A JSON file the whole state is loaded from at start (when it exists) and saved to after every change. */
  stateFile?: string;
  /** One line when the state file cannot be read or written (default console.warn). */
  warn?: (line: string) => void;
  /**
   * How long a saved Idempotency-Key result is replayed (default 24 hours, as Stripe: "keys are eligible to
   * be removed from the system automatically after they're at least 24 hours old"); after that the same key
   * runs the request again, as a new one.
   */
  idempotencyTtlMs?: number;
}

/** Stripe keeps an idempotency key's result for at least 24 hours, and promises no longer. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export type Fault =
  | { times?: number; status: number }
  | { times?: number; mode: 'timeout'; perform?: boolean }
  | { times?: number; mode: 'lost' };

export interface FaultMatch {
  method?: string;
  /** A path prefix, e.g. '/v1/payment_intents'. */
  path?: string;
}

export interface RecordedRequest {
  seq: number;
  method: string;
  /** The path without the query string. */
  path: string;
  /** Parsed form body (POST) or query (GET, DELETE). */
  params: FormObject;
  apiKey: string | null;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  requestId: string;
  /** The operation, e.g. 'POST /v1/payment_intents/{intent}/confirm' (null for unknown URLs). */
  operation: string | null;
  /** HTTP status of the answer, or of the saved result when the answer was lost or held. */
  status: number | null;
  /** The JSON body answered (or saved but lost/held); undefined when nothing was produced. */
  response: Obj | undefined;
  replayed: boolean;
  fault: 'status' | 'timeout' | 'lost' | null;
  /** False when the answer never reached the client (timeout, lost). */
  delivered: boolean;
  /** now() at arrival, ms. */
  at: number;
}

export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'canceled'
  | 'succeeded';

/** The fields tests read most; the objects carry every field of Stripe's PaymentIntent (2023-08-16). */
export interface PaymentIntentSnapshot extends Obj {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  customer: string | null;
  payment_method: string | null;
  status: PaymentIntentStatus;
  metadata: Record<string, string>;
  last_payment_error: StripeErrorBody | null;
  latest_charge: string | null;
  created: number;
}

export interface StripeTestServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** The first accepted key (SANDBOX_API_KEY unless opts.apiKeys says otherwise). */
  readonly apiKey: string;
  readonly apiKeys: readonly string[];
  /** Every HTTP request to /v1, oldest first (the array is live; reset() empties it). */
  readonly requests: readonly RecordedRequest[];
  /** The server's clock, ms. */
  now(): number;
  setNow(now: () => number): void;
  /** Injects a fault into the next `times` (default 1) requests that match. Faults queue in order. */
  fail(fault: Fault, match?: FaultMatch): void;
  clearFaults(): void;
  /** Faults still waiting, with the number of times left. */
  pendingFaults(): Array<{ fault: Fault; match: FaultMatch; left: number }>;
  /**
   * Settles a bank debit in `processing`: succeeded, or failed (requires_payment_method, with
   * `last_payment_error.code` = `failureCode` or the token's own, e.g. account_closed). Without an outcome,
   * the token's documented one. Records the event. Throws if the PaymentIntent is not processing.
   */
  settle(paymentIntentId: string, outcome?: 'succeeded' | 'failed', failureCode?: string): PaymentIntentSnapshot;
  /**
   * From now on a saved PaymentMethod behaves as another test token's card (same brand and digits kept):
   * the client paid off the card, or it was replaced at the bank. Tests use it for a Retry that works.
   */
  behaveAs(paymentMethodId: string, token: string): void;
  /** Completes an open Checkout Session (setup mode) as the customer would, with a test token. */
  completeCheckout(sessionId: string, token: string): { session: Obj; setupIntent: Obj; paymentMethod: Obj };
  /** Seeding without HTTP (no request recorded): a customer, and a test token attached to one. */
  createCustomer(params?: { email?: string; name?: string; metadata?: Record<string, string> }): Obj;
  attachTestPaymentMethod(customerId: string, token: string): Obj;
  paymentIntents(filter?: { customer?: string; status?: PaymentIntentStatus }): PaymentIntentSnapshot[];
  paymentIntent(id: string): PaymentIntentSnapshot | undefined;
  paymentMethods(filter?: { customer?: string }): Obj[];
  customers(): Obj[];
  checkoutSessions(): Obj[];
  /** Events, oldest first (the API lists them newest first). */
  events(type?: string): Obj[];
  /** Forgets everything: objects, events, idempotency results, requests, faults (and empties the state file). The clock stays. */
  reset(): void;
  close(): Promise<void>;
}

interface QueuedFault {
  fault: Fault;
  match: FaultMatch;
  left: number;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function errorResult(e: ApiError): Result {
  return { status: e.status, body: { error: e.error } };
}

export async function startStripeServer(opts: StripeServerOptions = {}): Promise<StripeTestServer> {
  const apiKeys = opts.apiKeys && opts.apiKeys.length > 0 ? [...opts.apiKeys] : [SANDBOX_API_KEY];
  let clock = opts.now ?? Date.now;
  const warn = opts.warn ?? ((line: string) => console.warn(line));
  const stateFile = opts.stateFile || null;
  const loaded = stateFile ? loadState(stateFile, () => clock(), warn) : null;
  const state = { current: loaded?.state ?? new StripeState(() => clock()) };
  const requests: RecordedRequest[] = [];
  const saved = loaded?.saved ?? new Map<string, SavedResult>();
  let faults: QueuedFault[] = [];
  const held = new Set<Socket>();
  let seq = 0;
  let baseUrl = '';

  // Writes are synchronous: the file is up to date before any answer goes out, so close() has only a
  // failed write to make up for.
  let unsaved = false;
  const persist = () => {
    if (!stateFile) return;
    try {
      saveState(stateFile, { state: state.current, saved }, baseUrl);
      unsaved = false;
    } catch (e) {
      if (!unsaved)
        warn(
          `Stripe test server: cannot write the state file ${stateFile} (${(e as Error).message}); going on in memory, tried again at the next change.`,
        );
      unsaved = true;
    }
  };
  /** Runs a control call and saves the state; `always` false: only when it recorded an event (an expiry). */
  const kept = <T>(fn: () => T, always = true): T => {
    const before = state.current.events.length;
    try {
      return fn();
    } finally {
      if (always || state.current.events.length !== before) persist();
    }
  };

  const takeFault = (method: string, path: string): Fault | null => {
    const i = faults.findIndex(
      (f) =>
        (!f.match.method || f.match.method.toUpperCase() === method) &&
        (!f.match.path || path.startsWith(f.match.path)),
    );
    if (i === -1) return null;
    const q = faults[i];
    q.left -= 1;
    if (q.left <= 0) faults.splice(i, 1);
    return q.fault;
  };

  const authenticate = (req: http.IncomingMessage): { key: string } | { error: Result } => {
    const header = req.headers.authorization ?? '';
    let key: string | null = null;
    const bearer = /^Bearer\s+(.+)$/i.exec(header);
    const basic = /^Basic\s+(.+)$/i.exec(header);
    if (bearer) key = bearer[1].trim();
    else if (basic) key = Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
    if (!key) {
      return {
        error: {
          status: 401,
          body: {
            error: {
              message:
                "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
              type: 'invalid_request_error',
            },
          },
        },
      };
    }
    if (!apiKeys.includes(key)) {
      return {
        error: {
          status: 401,
          body: {
            error: {
              message: `Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`,
              type: 'invalid_request_error',
            },
          },
        },
      };
    }
    return { key };
  };

  const serveApi = (req: http.IncomingMessage, res: http.ServerResponse, body: string, url: URL) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const params = parseForm(method === 'POST' ? body : url.search.slice(1));
    const idemHeader = req.headers['idempotency-key'];
    const idempotencyKey = typeof idemHeader === 'string' && idemHeader !== '' ? idemHeader : null;
    const versionHeader = req.headers['stripe-version'];
    const stripeVersion = typeof versionHeader === 'string' ? versionHeader : null;
    const requestId = `req_${randomId(14)}`;
    const record: RecordedRequest = {
      seq: ++seq,
      method,
      path,
      params,
      apiKey: null,
      idempotencyKey,
      stripeVersion,
      requestId,
      operation: state.current.operationOf(method, path),
      status: null,
      response: undefined,
      replayed: false,
      fault: null,
      delivered: false,
      at: clock(),
    };
    requests.push(record);

    const send = (status: number, text: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
        'Request-Id': requestId,
        'Stripe-Version': stripeVersion ?? SERVER_API_VERSION,
        ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
        ...extra,
      });
      res.end(text);
      record.delivered = true;
    };
    const log = () =>
      opts.log?.(
        `${method} ${path} → ${record.status ?? '-'}${record.replayed ? ' (replayed)' : ''}${record.fault ? ` [${record.fault}]` : ''}`,
      );

    const auth = authenticate(req);
    if ('error' in auth) {
      record.status = auth.error.status;
      record.response = auth.error.body;
      send(auth.error.status, JSON.stringify(auth.error.body, null, 2));
      return log();
    }
    record.apiKey = auth.key;

    const fault = takeFault(method, path);
    if (fault && 'status' in fault) {
      const body = {
        error: {
          message:
            "Sorry, something went wrong (a fault injected by the Balance Desk Stripe test server). We've already been notified of the problem.",
          type: 'api_error',
        },
      };
      record.fault = 'status';
      record.status = fault.status;
      record.response = body;
      send(fault.status, JSON.stringify(body, null, 2));
      return log();
    }
    if (fault && fault.mode === 'timeout' && !fault.perform) {
      record.fault = 'timeout';
      hold(req);
      return log();
    }

    // Run it, or replay what the same Idempotency-Key got before.
    const ctx: RequestContext = { requestId, idempotencyKey, stripeVersion, baseUrl };
    const fp = fingerprint(params);
    const slot = method === 'POST' && idempotencyKey ? `${auth.key}\n${idempotencyKey}` : null;
    const ttl = opts.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS;
    let prior = slot ? saved.get(slot) : undefined;
    // A result saved before savedAt was kept (an older state file) is kept for good.
    if (prior?.savedAt !== undefined && clock() - prior.savedAt >= ttl) {
      saved.delete(slot!);
      prior = undefined;
    }
    let status: number;
    let text: string;
    let extra: Record<string, string> = {};
    if (prior && (prior.method !== method || prior.path !== path || prior.fingerprint !== fp)) {
      const sameEndpoint = prior.method === method && prior.path === path;
      const body = {
        error: {
          message: sameEndpoint
            ? `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`
            : `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${prior.method} ${prior.path}' vs. '${method} ${path}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          type: 'idempotency_error',
        },
      };
      status = 400;
      text = JSON.stringify(body, null, 2);
    } else if (prior) {
      status = prior.status;
      text = prior.text;
      extra = { 'Idempotent-Replayed': 'true', 'Original-Request': prior.requestId };
      record.replayed = true;
    } else {
      const eventsBefore = state.current.events.length;
      let result: Result;
      try {
        result = state.current.handle(method, path, params, ctx);
      } catch (e) {
        if (!(e instanceof ApiError)) {
          opts.log?.(`internal error: ${(e as Error).stack ?? e}`);
          throw e;
        }
        result = errorResult(e);
      }
      status = result.status;
      text = JSON.stringify(result.body, null, 2);
      if (slot && (status < 400 || status === 402))
        saved.set(slot, { method, path, fingerprint: fp, status, text, requestId, savedAt: clock() });
      // A GET changes nothing but an expiry, which records an event.
      if (method !== 'GET' || state.current.events.length !== eventsBefore) persist();
    }
    record.status = status;
    record.response = JSON.parse(text);

    if (fault && fault.mode === 'lost') {
      record.fault = 'lost';
      req.socket.destroy();
      return log();
    }
    if (fault && fault.mode === 'timeout') {
      record.fault = 'timeout';
      hold(req);
      return log();
    }
    send(status, text, extra);
    log();
  };

  const hold = (req: http.IncomingMessage) => {
    const socket = req.socket;
    held.add(socket);
    socket.once('close', () => held.delete(socket));
  };

  // ---- pages for a person (sandbox UI) -----------------------------------------------------------

  const page = (res: http.ServerResponse, title: string, content: string, status = 200) => {
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left}
.banner{background:#fff3cd;border:1px solid #e0c36b;padding:.5rem 1rem;margin-bottom:1rem}button{margin:.15rem}</style></head>
<body><div class="banner"><strong>Stripe test server: sandbox, no real money.</strong></div><h1>${esc(title)}</h1>${content}</body></html>`;
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  };
  const redirect = (res: http.ServerResponse, location: string) => {
    res.writeHead(303, { Location: location });
    res.end();
  };

  const servePages = (req: http.IncomingMessage, res: http.ServerResponse, body: string, url: URL) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const s = state.current;
    const checkout = /^\/checkout\/([^/]+)$/.exec(url.pathname);
    if (checkout) {
      const id = decodeURIComponent(checkout[1]);
      const session = s.checkoutSessions.get(id);
      if (!session) return page(res, 'No such Checkout Session', `<p>${esc(id)}</p>`, 404);
      if (method === 'POST') {
        const token = String(parseForm(body).token ?? '');
        try {
          server.completeCheckout(id, token);
        } catch (e) {
          return page(res, 'Could not complete', `<p>${esc((e as Error).message)}</p>`, 400);
        }
        return redirect(res, String(session.success_url).replace('{CHECKOUT_SESSION_ID}', id));
      }
      kept(() => s.checkoutSession(id, true), false); // expires it when its time is up
      if (session.status !== 'open') return page(res, 'Checkout', `<p>This session is ${esc(session.status)}.</p>`);
      const buttons = Object.entries(TEST_PAYMENT_METHODS)
        .filter(([, m]) => session.payment_method_types.includes(m.type))
        .map(([token, m]) => `<button name="token" value="${esc(token)}">${esc(token)}</button> ${esc(m.describe)}<br>`)
        .join('');
      const cancel = session.cancel_url ? `<p><a href="${esc(session.cancel_url)}">Cancel</a></p>` : '';
      return page(
        res,
        'Save a payment method',
        `<p>Customer ${esc(session.customer ?? '(none)')}. Choose a test payment method to save:</p><form method="post">${buttons}</form>${cancel}`,
      );
    }
    const settleMatch = /^\/_sandbox\/payment_intents\/([^/]+)\/settle$/.exec(url.pathname);
    if (settleMatch && method === 'POST') {
      const outcome = String(parseForm(body).outcome ?? '');
      try {
        server.settle(
          decodeURIComponent(settleMatch[1]),
          outcome === 'failed' ? 'failed' : outcome === 'succeeded' ? 'succeeded' : undefined,
        );
      } catch (e) {
        return page(res, 'Could not settle', `<p>${esc((e as Error).message)}</p>`, 400);
      }
      return redirect(res, '/');
    }
    if (url.pathname === '/' && method === 'GET') {
      const pis = [...s.paymentIntents.values()].reverse();
      const rows = pis
        .map((pi) => {
          const settle =
            pi.status === 'processing'
              ? `<form method="post" action="/_sandbox/payment_intents/${esc(pi.id)}/settle"><button name="outcome" value="succeeded">Settle: succeeded</button><button name="outcome" value="failed">Settle: failed</button></form>`
              : '';
          return `<tr><td>${esc(pi.id)}</td><td>${esc(pi.customer ?? '')}</td><td>${(pi.amount / 100).toFixed(2)} ${esc(pi.currency)}</td><td>${esc(pi.status)}</td><td>${esc(pi.last_payment_error?.code ?? '')}</td><td>${settle}</td></tr>`;
        })
        .join('');
      const sessions = [...s.checkoutSessions.values()]
        .filter((x) => x.status === 'open')
        .map(
          (x) => `<li><a href="/checkout/${esc(x.id)}">${esc(x.id)}</a> (customer ${esc(x.customer ?? 'none')})</li>`,
        )
        .join('');
      return page(
        res,
        'Stripe test server',
        `<p>API base <code>${esc(baseUrl)}</code>, secret key <code>${esc(apiKeys[0])}</code>.</p>
<h2>Payment intents</h2><table><tr><th>id</th><th>customer</th><th>amount</th><th>status</th><th>failure</th><th></th></tr>${rows}</table>
<h2>Open Checkout Sessions</h2><ul>${sessions || '<li>none</li>'}</ul>`,
      );
    }
    return page(res, 'Not found', `<p>${esc(url.pathname)}</p>`, 404);
  };

  const httpServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      try {
        if (url.pathname.startsWith('/v1/')) serveApi(req, res, body, url);
        else servePages(req, res, body, url);
      } catch (e) {
        if (!res.headersSent) {
          const text = JSON.stringify({
            error: { message: `Internal error in the Stripe test server: ${(e as Error).message}`, type: 'api_error' },
          });
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(text);
        }
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  const oldBase = loaded?.baseUrl;
  if (oldBase && oldBase !== baseUrl) kept(() => state.current.moveBase(oldBase, baseUrl));

  const server: StripeTestServer = {
    url: baseUrl,
    port,
    apiKey: apiKeys[0],
    apiKeys,
    requests,
    now: () => clock(),
    setNow(now) {
      clock = now;
    },
    fail(fault, match = {}) {
      const times = fault.times ?? 1;
      if (!Number.isInteger(times) || times < 1) throw new Error('fail: times must be a positive integer');
      if ('status' in fault && (fault.status < 500 || fault.status > 599))
        throw new Error('fail: status must be a 5xx');
      faults.push({ fault, match, left: times });
    },
    clearFaults() {
      faults = [];
    },
    pendingFaults: () => faults.map((f) => ({ fault: f.fault, match: f.match, left: f.left })),
    settle: (id, outcome, code) => kept(() => state.current.settle(id, outcome, code) as PaymentIntentSnapshot),
    completeCheckout: (id, token) => kept(() => state.current.completeCheckout(id, token)),
    behaveAs: (id, token) =>
      kept(() => {
        const info = state.current.pmInfo.get(id);
        const method = TEST_PAYMENT_METHODS[token];
        if (!info) throw new Error(`behaveAs: no PaymentMethod ${id}`);
        if (!method || method.type !== info.method.type)
          throw new Error(`behaveAs: ${token} is not a test token of the same type`);
        info.method =
          method.type === 'card' && info.method.type === 'card' ? { ...info.method, outcome: method.outcome } : method;
      }),
    createCustomer(params = {}) {
      const p: FormObject = {};
      if (params.email !== undefined) p.email = params.email;
      if (params.name !== undefined) p.name = params.name;
      if (params.metadata) p.metadata = { ...params.metadata };
      return clone(kept(() => state.current.createCustomer(p, null)));
    },
    attachTestPaymentMethod(customerId, token) {
      if (!(token in TEST_PAYMENT_METHODS)) throw new Error(`attachTestPaymentMethod: ${token} is not a test token`);
      return clone(kept(() => state.current.attachTo(token, customerId, 'payment_method', null)));
    },
    paymentIntents(filter = {}) {
      return [...state.current.paymentIntents.values()]
        .filter(
          (pi) =>
            (filter.customer === undefined || pi.customer === filter.customer) &&
            (filter.status === undefined || pi.status === filter.status),
        )
        .map((pi) => clone(pi) as PaymentIntentSnapshot);
    },
    paymentIntent(id) {
      const pi = state.current.paymentIntents.get(id);
      return pi ? (clone(pi) as PaymentIntentSnapshot) : undefined;
    },
    paymentMethods(filter = {}) {
      return [...state.current.paymentMethods.values()]
        .filter((pm) => filter.customer === undefined || pm.customer === filter.customer)
        .map(clone);
    },
    customers: () => [...state.current.customers.values()].map(clone),
    checkoutSessions() {
      const s = state.current;
      return kept(() => [...s.checkoutSessions.keys()].map((id) => clone(s.checkoutSession(id, true))), false);
    },
    events: (type) => state.current.events.filter((e) => type === undefined || e.type === type).map(clone),
    reset() {
      state.current = new StripeState(() => clock());
      requests.length = 0;
      saved.clear();
      faults = [];
      seq = 0;
      persist();
    },
    async close() {
      if (unsaved) persist();
      for (const socket of held) socket.destroy();
      held.clear();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
  return server;
}

export interface StripeClientOptions {
  /** Default: the server's first key. */
  apiKey?: string;
  /** Default 0: tests of retries say how many they want. */
  maxNetworkRetries?: number;
  /** Request timeout in ms (default 10 000; small values make timeout faults quick). */
  timeout?: number;
}

/** The stripe-node options that point the SDK at the test server (what the app derives from STRIPE_API_BASE). */
export function stripeClientConfig(
  server: Pick<StripeTestServer, 'port'>,
  opts: StripeClientOptions = {},
): Stripe.StripeConfig {
  return {
    host: '127.0.0.1',
    port: server.port,
    protocol: 'http',
    maxNetworkRetries: opts.maxNetworkRetries ?? 0,
    timeout: opts.timeout ?? 10_000,
    telemetry: false,
  };
}

/** The real SDK, pointed at the test server. */
export function stripeClient(
  server: Pick<StripeTestServer, 'port' | 'apiKey'>,
  opts: StripeClientOptions = {},
): Stripe {
  return new Stripe(opts.apiKey ?? server.apiKey, stripeClientConfig(server, opts));
}
