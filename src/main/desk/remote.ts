/**
 * A client desk's connection to the office server (src/main/host/office.ts): the desk opens no ledger of
 * its own and sends every call there instead, over HTTPS pinned to the certificate fingerprint the person
 * compared on first connection (trust on first use). Plain Node, no electron: the desktop main process
 * wires it to IPC (src/main/shell/ipc.ts) in place of the core, and the tests drive it against a real server.
 *
 *   probeOffice(address)        what answers at an address typed by a person: its URL, fingerprint, version
 *   new RemoteDesk({ url, fingerprint, deskName })
 *     .call(channel, input, { session })   POST /rpc/<channel>; network failures answer 'unavailable'
 *     .onChange(listener, onStatus)        GET /events?session= (server-sent events), reconnecting with backoff
 *     .setSession(token | null)            the session the change stream uses (also taken from calls)
 */
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ChangeEvent } from '../../shared/contracts';
import type { AppErrorShape, Result } from '../../shared/result';
import type { CallOptions, Core } from '../core/types';

/** The office listener's port unless told (the same as DEFAULT_OFFICE_PORT in host/office.ts). */
export const OFFICE_PORT = 47111;
const CONNECT_TIMEOUT_MS = 10_000;
/** The server sends a keep-alive comment every 25 s: a stream silent for longer than this is dead. */
const STREAM_IDLE_MS = 60_000;

/** What probeOffice found at an address. */
export interface OfficeProbe {
  /** https://host:port/, the address the desk will use. */
  url: string;
  /** The certificate's SHA-256 fingerprint, AB:CD:… (to compare with the one on the server's screen). */
  fingerprint: string;
  version: string;
}

export type LiveStatus = 'live' | 'reconnecting';

const fail = (kind: AppErrorShape['kind'], message: string, field?: string): { ok: false; error: AppErrorShape } => ({
  ok: false,
  error: field ? { kind, message, field } : { kind, message },
});

/** "AB:CD:…" in one spelling (upper case, colons), whatever spacing or case it was given in. */
export function normalFingerprint(f: string): string {
  const hex = f.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return (hex.match(/.{1,2}/g) ?? []).join(':');
}

/** A fingerprint for a person to read aloud and compare: groups of 4 hex digits ("AB12 CD34 …"). */
export function fingerprintWords(f: string): string {
  const hex = f.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return (hex.match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * The office server's URL for what a person typed: "192.168.1.5", "192.168.1.5:47111", "office.local",
 * "[fe80::1]:47111", "https://office.local:47111/"; the port is 47111 unless given.
 */
export function officeUrl(address: string): Result<string> {
  const typed = address.trim();
  if (!typed) return fail('validation', 'type the office server’s address (e.g. 192.168.1.5)', 'address');
  if (/^http:\/\//i.test(typed))
    return fail(
      'validation',
      'the office server speaks https only: type its address without http://, or with https://',
      'address',
    );
  let text = typed;
  if (net.isIPv6(text)) text = `[${text}]`;
  if (!/^https:\/\//i.test(text)) text = `https://${text}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return fail(
      'validation',
      `“${typed}” is not an address: type a name or IP address, with :port if not 47111`,
      'address',
    );
  }
  if (!u.hostname || u.username || u.password || u.search || u.hash || (u.pathname !== '/' && u.pathname !== ''))
    return fail('validation', `“${typed}” is not an address: type only a name or IP address, and :port`, 'address');
  return { ok: true, value: `https://${u.hostname}:${u.port || OFFICE_PORT}/` };
}

/** The address in words for messages: host:port. */
const placeOf = (u: URL) => `${u.hostname}:${u.port || OFFICE_PORT}`;

/** Why a connection failed, in words a person can act on (after "cannot reach the office server at X: "). */
function networkWords(e: NodeJS.ErrnoException, u: URL): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'the connection was refused: is Balance Desk sharing the ledger there, on this port?';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `no computer called ${u.hostname} was found on the network`;
    case 'ETIMEDOUT':
    case 'ECONNABORTED':
      return `no answer in ${CONNECT_TIMEOUT_MS / 1000} s: is the computer on, and on this network?`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'there is no route to it from this computer';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection was cut';
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
      return 'it does not speak https: it is not a Balance Desk office server';
    default:
      return e.message || String(e);
  }
}

/** Thrown (as a socket error) when a connection's certificate is not the pinned one. */
export class CertificateChanged extends Error {
  constructor(
    readonly where: string,
    readonly presented: string,
    readonly expected: string,
  ) {
    super(
      `the office server at ${where} presented a different certificate (fingerprint ${presented}, expected ${expected}): ` +
        'it may have been replaced, or someone is in between. Ask your admin before trusting the new one.',
    );
    this.name = 'CertificateChanged';
  }
}

/**
 * An HTTPS agent that checks every new connection's certificate against `pin` before any request is
 * written on it. CA verification is off (the office's certificate is self-signed); the pin replaces it.
 * TLS session resumption is off too, so every connection shows its certificate. With `pin` null it
 * accepts any certificate and remembers what it saw (the probe).
 */
class PinnedAgent extends https.Agent {
  /** The fingerprint of the last certificate seen. */
  seen: string | null = null;

  constructor(
    private readonly pin: string | null,
    private readonly where: string,
    private readonly connectTimeoutMs: number,
    keepAlive: boolean,
  ) {
    super({ keepAlive, maxCachedSessions: 0, rejectUnauthorized: false });
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const host = options.hostname ?? options.host ?? 'localhost';
    const socket = tls.connect({
      host,
      port: Number(options.port),
      // SNI takes names only; an IP address there is a warning and means nothing.
      ...(net.isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(() => {
      socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    }, this.connectTimeoutMs);
    const done = (err: Error | null) => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      callback?.(err, socket);
    };
    const onError = (e: Error) => done(e);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      const presented = socket.getPeerCertificate()?.fingerprint256 ?? '';
      this.seen = presented || null;
      if (this.pin !== null && normalFingerprint(presented) !== normalFingerprint(this.pin)) {
        const err = new CertificateChanged(this.where, presented || 'none', normalFingerprint(this.pin));
        socket.destroy();
        return done(err);
      }
      done(null);
    });
    // The callback form: the agent waits for it, so nothing is written before the certificate is checked.
    return undefined;
  }
}

interface Answer {
  status: number;
  text: string;
}

/** One request on `agent`; rejects with the socket's error (CertificateChanged, ECONNREFUSED …). */
function send(
  agent: PinnedAgent,
  base: URL,
  method: 'GET' | 'POST',
  pathname: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        agent,
        method,
        hostname: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port || OFFICE_PORT,
        path: pathname,
        headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * What answers at `address`: connects with TLS without CA verification, reads the certificate's
 * fingerprint, and asks GET /office/hello whether it is a Balance Desk office server.
 */
export async function probeOffice(
  address: string,
  opts: { connectTimeoutMs?: number } = {},
): Promise<Result<OfficeProbe>> {
  const url = officeUrl(address);
  if (!url.ok) return url;
  const base = new URL(url.value);
  const where = placeOf(base);
  const agent = new PinnedAgent(null, where, opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, false);
  try {
    const answer = await send(agent, base, 'GET', '/office/hello', { accept: 'application/json' });
    type Hello = { product?: unknown; version?: unknown } | null;
    let hello: Hello;
    try {
      hello = JSON.parse(answer.text) as Hello;
    } catch {
      hello = null;
    }
    if (answer.status !== 200 || !hello || hello.product !== 'Balance Desk' || !agent.seen)
      return fail(
        'unavailable',
        `${where} answered (${answer.status}), but it is not a Balance Desk office server: check the address and port`,
      );
    return {
      ok: true,
      value: {
        url: url.value,
        fingerprint: normalFingerprint(agent.seen),
        version: typeof hello.version === 'string' ? hello.version : 'unknown',
      },
    };
  } catch (e) {
    return fail('unavailable', `cannot reach the office server at ${where}: ${networkWords(e as Error, base)}`);
  } finally {
    agent.destroy();
  }
}

/** The name a desk gives itself, in the characters the server accepts (requests.ts: deskName). */
export function plainDeskName(name: string | null | undefined): string {
  const kept = (name ?? '')
    .replace(/[^\p{L}\p{N} .@'’_-]/gu, '-')
    .trim()
    .slice(0, 64);
  return kept || plainDeskName(os.hostname()) || 'desk';
}

export interface RemoteDeskOptions {
  /** https://host:port/ (from probeOffice). */
  url: string;
  /** The pinned SHA-256 fingerprint the person trusted. */
  fingerprint: string;
  /** Sent as x-balance-desk-desk with every call (default: this computer's name). */
  deskName?: string | null;
  /** The change stream's reconnect delays: firstMs, doubled after each failure, at most maxMs (1 s, 30 s). */
  backoff?: { firstMs?: number; maxMs?: number };
  connectTimeoutMs?: number;
  /** A change stream silent this long (no keep-alive) is dropped and reconnected (60 s). */
  streamIdleMs?: number;
  log?: (line: string) => void;
}

interface Subscription {
  listener: (e: ChangeEvent) => void;
  onStatus?: (status: LiveStatus) => void;
  status: LiveStatus | null;
  req: ClientRequest | null;
  timer: NodeJS.Timeout | null;
  failures: number;
  closed: boolean;
}

/** The core as a client desk sees it: every call and change over the office network. */
export class RemoteDesk implements Pick<Core, 'call' | 'onChange'> {
  readonly url: string;
  readonly fingerprint: string;
  readonly deskName: string;
  private readonly base: URL;
  private readonly where: string;
  private readonly agent: PinnedAgent;
  private readonly streamAgent: PinnedAgent;
  private readonly subs = new Set<Subscription>();
  private session: string | null = null;
  private closed = false;

  constructor(private readonly o: RemoteDeskOptions) {
    this.base = new URL(o.url);
    this.url = `https://${this.base.host}/`;
    this.where = placeOf(this.base);
    this.fingerprint = normalFingerprint(o.fingerprint);
    this.deskName = plainDeskName(o.deskName);
    const timeout = o.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    this.agent = new PinnedAgent(this.fingerprint, this.where, timeout, true);
    // One connection per stream, never handed to a call.
    this.streamAgent = new PinnedAgent(this.fingerprint, this.where, timeout, false);
  }

  /** The session the change stream uses; a new one reconnects the streams with it. */
  setSession(token: string | null): void {
    const next = token || null;
    if (next === this.session) return;
    this.session = next;
    for (const s of this.subs) this.restart(s);
  }

  get currentSession(): string | null {
    return this.session;
  }

  private errorOf(e: unknown): { ok: false; error: AppErrorShape } {
    if (e instanceof CertificateChanged) return fail('forbidden', e.message);
    return fail(
      'unavailable',
      `cannot reach the office server at ${this.where}: ${networkWords(e as NodeJS.ErrnoException, this.base)}`,
    );
  }

  /** One call, sent once: a failure is answered, never retried (a post must not land twice). */
  async call(channel: string, input: unknown, opts: CallOptions = {}): Promise<Result<unknown>> {
    if (this.closed) return fail('unavailable', 'this desk is no longer connected to the office server');
    // The window sends its session with every call: the stream follows it (a sign-out stops it).
    if (opts.session !== undefined) this.setSession(opts.session);
    const session = opts.session === undefined ? this.session : opts.session;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-balance-desk-desk': this.deskName,
    };
    if (session) headers['x-balance-desk-session'] = session;
    let answer: Answer;
    try {
      const body = Buffer.from(JSON.stringify(input ?? {}), 'utf8');
      answer = await send(this.agent, this.base, 'POST', `/rpc/${encodeURIComponent(channel)}`, headers, body);
    } catch (e) {
      return this.errorOf(e);
    }
    let result: Result<unknown> | null;
    try {
      result = JSON.parse(answer.text) as Result<unknown>;
    } catch {
      result = null;
    }
    if (!result || typeof result !== 'object' || typeof result.ok !== 'boolean')
      return fail('unavailable', `the office server at ${this.where} answered ${answer.status} without an answer`);
    if (result.ok && channel === 'session.signIn') {
      const token = (result.value as { token?: unknown } | null)?.token;
      if (typeof token === 'string') this.setSession(token);
    }
    if (result.ok && channel === 'session.signOut') this.setSession(null);
    return result;
  }

  /**
   * Change events from the office server: one stream per subscription, reconnected after a drop with
   * backoff (1 s, 2 s, 4 s … 30 s, back to 1 s once connected). `onStatus` hears 'live' and 'reconnecting'.
   * Without a session there is nothing to stream: it connects once setSession (or a call) gives one.
   */
  onChange(listener: (e: ChangeEvent) => void, onStatus?: (status: LiveStatus) => void): () => void {
    const s: Subscription = { listener, onStatus, status: null, req: null, timer: null, failures: 0, closed: false };
    this.subs.add(s);
    this.connect(s);
    return () => {
      s.closed = true;
      this.subs.delete(s);
      this.stop(s);
    };
  }

  private report(s: Subscription, status: LiveStatus) {
    if (s.status === status) return;
    s.status = status;
    s.onStatus?.(status);
  }

  private stop(s: Subscription) {
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    const req = s.req;
    s.req = null;
    req?.destroy();
  }

  /** Drops the stream and connects at once (a new session). */
  private restart(s: Subscription) {
    this.stop(s);
    s.failures = 0;
    this.connect(s);
  }

  private retry(s: Subscription, why: string) {
    if (s.closed || this.closed || s.timer) return;
    s.req?.destroy();
    s.req = null;
    this.report(s, 'reconnecting');
    const first = this.o.backoff?.firstMs ?? 1000;
    const max = this.o.backoff?.maxMs ?? 30_000;
    const delay = Math.min(first * 2 ** s.failures, max);
    s.failures += 1;
    if (s.failures === 1) this.o.log?.(`office change stream: ${why}; reconnecting`);
    s.timer = setTimeout(() => {
      s.timer = null;
      this.connect(s);
    }, delay);
  }

  private connect(s: Subscription) {
    if (s.closed || this.closed || !this.session) return;
    const session = this.session;
    let buffer = '';
    let idle: NodeJS.Timeout | null = null;
    const idleMs = this.o.streamIdleMs ?? STREAM_IDLE_MS;
    const req = https.request({
      agent: this.streamAgent,
      method: 'GET',
      hostname: this.base.hostname.replace(/^\[|\]$/g, ''),
      port: this.base.port || OFFICE_PORT,
      path: `/events?session=${encodeURIComponent(session)}`,
      headers: { accept: 'text/event-stream', 'x-balance-desk-desk': this.deskName },
    });
    s.req = req;
    const mine = () => s.req === req;
    const dropped = (why: string) => {
      if (idle) clearTimeout(idle);
      if (mine()) this.retry(s, why);
    };
    const alive = () => {
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => req.destroy(new Error(`no keep-alive in ${idleMs / 1000} s`)), idleMs);
    };
    req.on('error', (e) => dropped(e instanceof CertificateChanged ? e.message : networkWords(e, this.base)));
    req.on('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        res.resume();
        return dropped(`the server answered ${res.statusCode}`);
      }
      s.failures = 0;
      this.report(s, 'live');
      alive();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        alive();
        buffer += chunk;
        let end: number;
        while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
          this.frame(s, frame);
        }
      });
      res.on('end', () => dropped('the server ended the stream'));
      res.on('close', () => dropped('the stream closed'));
      res.on('error', (e) => dropped(e.message));
    });
    req.end();
  }

  /** One server-sent event: `event: change` with a JSON `data:` line; comments (": keep-alive") are skipped. */
  private frame(s: Subscription, frame: string) {
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split(/\r?\n/)) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (event !== 'change' || data.length === 0) return;
    try {
      s.listener(JSON.parse(data.join('\n')) as ChangeEvent);
    } catch (e) {
      this.o.log?.(`office change stream: an event could not be read: ${(e as Error).message}`);
    }
  }

  /** Ends the streams and the connections; calls answer 'unavailable' after this. */
  close(): void {
    this.closed = true;
    for (const s of this.subs) {
      s.closed = true;
      this.stop(s);
    }
    this.subs.clear();
    this.agent.destroy();
    this.streamAgent.destroy();
  }
}
