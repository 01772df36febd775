/**
 * Stripe, through the real `stripe` SDK only. The secret key comes from STRIPE_SECRET_KEY, or from
 * Settings (sealed like the SMTP password); STRIPE_API_BASE (e.g. http://127.0.0.1:12111) points the SDK
 * at another server with Stripe's API — the sandbox test server — in the desktop app and the headless host.
 * An installed desktop app honours it only for test keys (apiBaseTestKeysOnly): the variable names any
 * host, over plain http too, and the key in force — a live one included — would be sent there.
 *
 * The SDK never retries on its own (maxNetworkRetries 0): our jobs retry, always with the idempotency key
 * that was saved before the first request, so a retry can never become a second charge.
 */
import Stripe from 'stripe';
import { invalid } from '../../../shared/result';
import type { SecretBox } from '../settings/secrets';
import type { SettingsStore } from '../settings/store';
import type { StripeStatus } from '../../../shared/contracts';

const KEY = 'stripe';
const RETURN_PAGE = 'stripe.returnPage';

export interface ApiBase {
  protocol: 'http' | 'https';
  host: string;
  port: number;
}

/** STRIPE_API_BASE as the SDK's host, port and protocol. */
export function parseApiBase(url: string): ApiBase {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('STRIPE_API_BASE is not a URL such as http://127.0.0.1:12111');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error('STRIPE_API_BASE must start with http:// or https://');
  if (u.pathname !== '/' || u.search)
    throw new Error('STRIPE_API_BASE is a protocol, host and port only, such as http://127.0.0.1:12111');
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return {
    protocol,
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : protocol === 'http' ? 80 : 443,
  };
}

/** A secret key as Stripe issues them: sk_test_…, sk_live_…, or a restricted rk_…. */
export const STRIPE_KEY = /^(sk|rk)_(test|live)_[A-Za-z0-9_]{8,247}$/;

/**
 * What is wrong with a text given as a Stripe secret key, in words (`what` names it: the field or the
 * variable); null when it has a key's shape. Said precisely, so a truncated paste is not taken for a
 * publishable key or a typo.
 */
export function keyProblem(key: string, what: string): string | null {
  if (STRIPE_KEY.test(key)) return null;
  const kinds = 'a secret key (sk_test_… or sk_live_…) or a restricted key (rk_test_… or rk_live_…)';
  if (/^pk_/.test(key))
    return `${what} is a publishable key (pk_…): Balance Desk needs ${kinds}, from the Stripe dashboard (Developers → API keys)`;
  if (/\s/.test(key)) return `${what} contains a space or a line break: paste the key alone`;
  const m = /^(sk|rk)_(test|live)_(.*)$/.exec(key);
  if (!m) return `${what} must be ${kinds}`;
  if (m[3].length < 8)
    return `${what} is too short: after ${m[1]}_${m[2]}_ a Stripe key has at least 8 more letters or digits (yours has ${m[3].length}) — was it cut off when copied?`;
  if (m[3].length > 247)
    return `${what} is too long for a Stripe key (${m[3].length} characters after ${m[1]}_${m[2]}_, at most 247)`;
  return `${what} may hold only letters, digits and _ after ${m[1]}_${m[2]}_`;
}

/** A test-mode key (secret or restricted): it cannot move real money, wherever it is sent. */
export const isTestKey = (key: string) => /^(sk|rk)_test_/.test(key);

/** "sk_test_…4242": enough to tell keys apart, never enough to use one. */
export const keyHint = (key: string) => `${key.slice(0, key.indexOf('_', 3) + 1)}…${key.slice(-4)}`;

export interface PaymentsOptions {
  settings: SettingsStore;
  secrets: SecretBox;
  /** STRIPE_SECRET_KEY: overrides the stored key. */
  envKey?: string;
  /** STRIPE_API_BASE. */
  apiBase?: string;
  /** Use apiBase only while the key in force is a test key; other keys go to Stripe itself (installed apps). */
  apiBaseTestKeysOnly?: boolean;
  /** One request's time limit; 30 s unless told. */
  timeoutMs?: number;
}

export type { StripeStatus };

export class Payments {
  private cached?: { key: string; client: Stripe };
  private readonly base: ApiBase | null;

  constructor(private readonly o: PaymentsOptions) {
    this.base = o.apiBase ? parseApiBase(o.apiBase) : null;
    const wrong = o.envKey ? keyProblem(o.envKey, 'STRIPE_SECRET_KEY') : null;
    if (wrong) throw new Error(wrong);
  }

  private storedKey(): string | null {
    const sealed = this.o.settings.get<{ key: string }>(KEY)?.key;
    return sealed ? this.o.secrets.open(sealed) : null;
  }

  /** The key in force, or null when Stripe is not set up. Throws SecretError when the stored key cannot be opened here. */
  key(): string | null {
    return this.o.envKey || this.storedKey();
  }

  status(): StripeStatus {
    const key = this.keyOrNull();
    return {
      source: this.o.envKey ? 'env' : key ? 'settings' : 'none',
      keyHint: key ? keyHint(key) : null,
      mode: key ? (key.includes('_live_') ? 'live' : 'test') : null,
      apiBase: this.sandboxUrl(key),
      secretStorage: this.o.secrets.storage,
      returnUrl: this.returnUrl(),
      defaultReturnUrl: this.defaultReturnUrl(key),
    };
  }

  /**
   * The server `key` is sent to: STRIPE_API_BASE's, or null for Stripe itself. Where the base is for test
   * keys only, a live key (or none yet) never goes there: whoever set the variable could be listening.
   */
  private baseFor(key: string | null): ApiBase | null {
    if (!this.base) return null;
    if (this.o.apiBaseTestKeysOnly && !(key && isTestKey(key))) return null;
    return this.base;
  }

  /** The key in force for deciding where it goes; a stored key that cannot be opened counts as none. */
  private keyOrNull(): string | null {
    try {
      return this.key();
    } catch {
      return null;
    }
  }

  private sandboxUrl(key: string | null) {
    const base = this.baseFor(key);
    return base ? `${base.protocol}://${base.host.includes(':') ? `[${base.host}]` : base.host}:${base.port}` : null;
  }

  /** The page that stands in while returnUrl is not set: the sandbox's own; none with Stripe itself. */
  private defaultReturnUrl(key: string | null): string | null {
    const url = this.sandboxUrl(key);
    return url ? `${url}/` : null;
  }

  /** Where a setup link sends the client back: the reseller's page, else the sandbox's; null when neither. */
  returnPage(): string | null {
    // The key is opened only when where it goes depends on it: a setup link need not unseal it otherwise.
    return this.returnUrl() ?? this.defaultReturnUrl(this.base && this.o.apiBaseTestKeysOnly ? this.keyOrNull() : null);
  }

  /** The reseller's page a client returns to from a setup link, when set. */
  returnUrl(): string | null {
    return this.o.settings.get<{ url: string }>(RETURN_PAGE)?.url ?? null;
  }

  /** Stores the return page (inside the caller's transaction); null clears it. */
  setReturnUrl(url: string | null, now: number): void {
    if (url === null) this.o.settings.delete(RETURN_PAGE);
    else this.o.settings.set(RETURN_PAGE, { url }, now);
  }

  /** Stores the key sealed (inside the caller's transaction); null removes it. */
  setKey(key: string | null, now: number): void {
    if (key === null) {
      this.o.settings.delete(KEY);
    } else {
      const wrong = keyProblem(key, 'secretKey');
      if (wrong) throw invalid('secretKey', wrong);
      this.o.settings.set(KEY, { key: this.o.secrets.seal(key) }, now);
    }
    this.cached = undefined;
  }

  /** The SDK client for the key in force; throws in words when Stripe is not set up. */
  client(key = this.key()): Stripe {
    if (!key) throw invalid('stripe', 'Stripe is not set up: enter the secret key in Settings → Stripe');
    if (this.cached?.key === key) return this.cached.client;
    const base = this.baseFor(key);
    const client = new Stripe(key, {
      maxNetworkRetries: 0,
      timeout: this.o.timeoutMs ?? 30_000,
      appInfo: { name: 'Balance Desk' },
      ...(base ? { host: base.host, port: base.port, protocol: base.protocol } : {}),
    });
    this.cached = { key, client };
    return client;
  }

  /** Checks a key (the stored one when omitted) with one harmless read; the answer in words. */
  async check(key?: string): Promise<{ ok: boolean; message: string; mode: 'test' | 'live' | null }> {
    let k: string | null;
    try {
      k = key ?? this.key();
    } catch (e) {
      return { ok: false, message: (e as Error).message, mode: null };
    }
    if (!k) return { ok: false, message: 'No Stripe secret key is set.', mode: null };
    const mode = k.includes('_live_') ? 'live' : 'test';
    try {
      await this.client(k).customers.list({ limit: 1 });
      const base = this.baseFor(k);
      const where = base ? ` at ${base.host}:${base.port} (sandbox, no real money)` : '';
      return { ok: true, message: `Connected to Stripe${where} in ${mode} mode with ${keyHint(k)}.`, mode };
    } catch (e) {
      return { ok: false, message: stripeErrorWords(e), mode };
    }
  }
}

/** A Stripe SDK error in words. */
export function stripeErrorWords(e: unknown): string {
  const err = e as { type?: string; code?: string; message?: string; statusCode?: number; decline_code?: string };
  switch (err.type) {
    case 'StripeAuthenticationError':
      return 'Stripe refused the secret key: check it in the Stripe dashboard (Developers → API keys).';
    case 'StripePermissionError':
      return `This key may not do that (a restricted key?): ${err.message ?? ''}`.trim();
    case 'StripeConnectionError':
      return `Stripe could not be reached: ${err.message ?? 'no answer'}. Is the computer online?`;
    case 'StripeRateLimitError':
      return 'Stripe asks to slow down (too many requests); it will be tried again.';
    case 'StripeAPIError':
      return `Stripe had a problem on its side${err.statusCode ? ` (${err.statusCode})` : ''}; it will be tried again.`;
    default:
      return err.message ?? String(e);
  }
}
