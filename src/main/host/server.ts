/**
 * The headless host: the core in plain Node, serving the built renderer and every channel over HTTP on
 * loopback. A public interface for scripts as well as the browser UI (see docs/api.md):
 *   POST /rpc/<channel>   Authorization: Bearer <token>, JSON body → the envelope; once sign-in is on,
 *                         also x-balance-desk-session: <token from session.signIn>
 *   GET  /events?token=…  server-sent events, one `change` event per committed change
 *   GET  /exports/<id>/<name>?token=…[&session=…]  a finished export (notifications.export), as a download
 *   GET  /…               the renderer, with the token handed to the page in a <meta> tag
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ChangeEvent } from '../../shared/contracts';
import type { Result } from '../../shared/result';
import { createCore, type Core } from '../core';
import { ManualClock } from '../core/clock/clock';
import { seedDemoStripeIfFresh } from '../core/demo/stripe';
import { defaultDataDir } from '../core/db/paths';
import { CSP } from '../../shared/csp';
import { readToken } from './token';
import { serveStatic } from './static';

export const DEFAULT_PORT = 47110;
/** Large enough for a 64 MB CSV part as JSON, small enough that nobody can exhaust memory. */
export const MAX_BODY = 80 * 1024 * 1024;

export interface HostOptions {
  dataDir: string;
  /** 0 picks any free port; default DEFAULT_PORT. */
  port?: number;
  demo?: boolean;
  /** Starts the core on a controllable clock with the clock.* channels. Refused for the default data folder. */
  testClock?: boolean | { startAt: number };
  /** Where the built renderer is (default: out/renderer next to the build). */
  rendererDir?: string;
  /** How often due work runs on the real clock (ms); 0 turns it off. */
  tickMs?: number;
  /** The largest request body accepted, in bytes (default MAX_BODY). */
  maxBody?: number;
  log?: (line: string) => void;
  /** SMTP_URL: mail goes to this server whatever the settings say (smtp://user:pass@127.0.0.1:2525). */
  smtpUrl?: string;
  /** STRIPE_SECRET_KEY and STRIPE_API_BASE (the sandbox test server, for one). */
  stripeKey?: string;
  stripeApiBase?: string;
}

export interface Host {
  url: string;
  token: string;
  port: number;
  core: Core;
  close(): Promise<void>;
}

export function defaultRendererDir(): string {
  const candidates = [
    path.resolve(__dirname, '../renderer'),
    path.resolve(__dirname, '../../../out/renderer'),
    path.resolve(process.cwd(), 'out/renderer'),
  ];
  return candidates.find((p) => fs.existsSync(path.join(p, 'index.html'))) ?? candidates[candidates.length - 1];
}

const STATUS: Record<string, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  internal: 500,
  unavailable: 502,
};

function send(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function fail(res: http.ServerResponse, status: number, kind: string, message: string, field?: string) {
  send(res, status, { ok: false, error: field ? { kind, message, field } : { kind, message } });
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export async function startHost(opts: HostOptions): Promise<Host> {
  const dataDir = path.resolve(opts.dataDir);
  if (opts.testClock && dataDir === path.resolve(defaultDataDir())) {
    throw new Error('--test-clock is refused for the default data folder: give a --data-dir for tests');
  }
  const log = opts.log ?? (() => {});
  fs.mkdirSync(dataDir, { recursive: true });
  const testClock = opts.testClock
    ? new ManualClock(typeof opts.testClock === 'object' ? opts.testClock.startAt : Date.now())
    : undefined;
  const core = createCore({
    dataDir,
    demo: opts.demo,
    testClock,
    host: 'headless',
    log,
    smtpUrl: opts.smtpUrl,
    stripeKey: opts.stripeKey,
    stripeApiBase: opts.stripeApiBase,
  });
  // A demo ledger just seeded, with Stripe pointed at a sandbox: some of its clients get a Stripe side too.
  await seedDemoStripeIfFresh(core, log);
  const token = readToken(dataDir);
  const rendererDir = opts.rendererDir ?? defaultRendererDir();
  const streams = new Set<http.ServerResponse>();
  let port = 0;

  // DNS rebinding: a hostile page can point its own name at 127.0.0.1; the Host header still says its name.
  const hostOk = (req: http.IncomingMessage) =>
    req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
  // A foreign page may POST to loopback (a "simple" cross-site request): refuse any Origin but our own.
  const originOk = (req: http.IncomingMessage) => {
    const origin = req.headers.origin;
    return origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      log(`request failed: ${(e as Error).message}`);
      if (!res.headersSent) fail(res, 500, 'internal', 'the host could not answer this request');
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!hostOk(req)) return fail(res, 403, 'forbidden', 'this host answers only to 127.0.0.1 and localhost');
    if (!originOk(req)) return fail(res, 403, 'forbidden', `requests from ${req.headers.origin} are not allowed`);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    if (url.pathname.startsWith('/rpc/')) {
      if (req.method !== 'POST') return fail(res, 405, 'validation', 'channels are called with POST');
      const auth = req.headers.authorization;
      if (!sameToken(auth?.startsWith('Bearer ') ? auth.slice(7) : undefined, token)) {
        return fail(
          res,
          401,
          'unauthorized',
          'a valid token is required (Authorization: Bearer <token> from host.json)',
        );
      }
      const channel = decodeURIComponent(url.pathname.slice('/rpc/'.length));
      if (!core.registry.has(channel)) return fail(res, 404, 'not_found', `there is no channel ${channel}`);
      const type = req.headers['content-type'] ?? 'application/json';
      if (!/^application\/json\b/i.test(type))
        return fail(res, 415, 'validation', 'the body must be JSON (content-type: application/json)', 'body');
      const maxBody = opts.maxBody ?? MAX_BODY;
      const body = await readBody(req, maxBody);
      if (body === null) {
        res.setHeader('connection', 'close');
        return fail(res, 413, 'validation', `the body is larger than ${Math.round(maxBody / 1024)} KB`, 'body');
      }
      let input: unknown;
      try {
        input = body.length === 0 ? {} : JSON.parse(body);
      } catch {
        return fail(res, 400, 'validation', 'the body is not valid JSON', 'body');
      }
      // Once sign-in is on, the caller is the staff user of its session (session.signIn); until then the
      // caller may say who it is for the audit log: the browser UI says 'desk'.
      const said = req.headers['x-balance-desk-actor'];
      const actor = typeof said === 'string' && /^[\w.@ -]{1,64}$/.test(said) ? said : 'api';
      const session = req.headers['x-balance-desk-session'];
      const result: Result<unknown> = await core.call(channel, input, {
        actor,
        session: typeof session === 'string' && session ? session : null,
      });
      return send(res, result.ok ? 200 : (STATUS[result.error.kind] ?? 500), result);
    }

    if (url.pathname === '/events') {
      if (!sameToken(url.searchParams.get('token'), token))
        return fail(res, 401, 'unauthorized', 'a valid token is required (?token=)');
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }

    if (url.pathname.startsWith('/exports/')) {
      if (req.method !== 'GET') return fail(res, 405, 'validation', 'exports are downloaded with GET');
      if (!sameToken(url.searchParams.get('token'), token))
        return fail(res, 401, 'unauthorized', 'a valid token is required (?token=)');
      // Once sign-in is on, an export (the notification or audit log) is for a signed-in staff member only.
      const who = await core.call(
        'session.get',
        {},
        { actor: 'api', session: url.searchParams.get('session') || null },
      );
      if (!who.ok || (who.value as { role: string | null }).role === null)
        return fail(res, 401, 'unauthorized', 'sign in first: a valid session is required (?session=)');
      const id = url.pathname.split('/')[2] ?? '';
      const file = /^[\w-]{1,64}$/.test(id) ? core.exporter.downloadFile(id) : null;
      if (!file) return fail(res, 404, 'not_found', 'there is no finished export with this id');
      const stat = fs.statSync(file.path);
      res.writeHead(200, {
        'content-type': file.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        'content-length': stat.size,
        'content-disposition': `attachment; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      fs.createReadStream(file.path).pipe(res);
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'validation', 'only GET serves files');
    return serveStatic(req, res, url.pathname, rendererDir, {
      csp: CSP,
      transformIndex: (html) =>
        html.replace('<head>', `<head>\n    <meta name="balance-desk-token" content="${token}" />`),
    });
  }

  const unsubscribe = core.onChange((e: ChangeEvent) => {
    const frame = `event: change\ndata: ${JSON.stringify(e)}\n\n`;
    for (const s of streams) s.write(frame);
  });
  const keepAlive = setInterval(() => {
    for (const s of streams) s.write(': keep-alive\n\n');
  }, 25_000);
  keepAlive.unref();

  // On the real clock due work runs on a timer; on a test clock only when the clock is moved.
  const tickMs = testClock ? 0 : (opts.tickMs ?? 30_000);
  let ticking = false;
  const runDue = () => {
    if (ticking) return;
    ticking = true;
    core
      .runDue()
      .catch((e: unknown) => console.error('balance-desk: due work failed', e))
      .finally(() => (ticking = false));
  };
  const tick = tickMs ? setInterval(runDue, tickMs) : undefined;
  tick?.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the ledger is never reachable from the network.
    server.listen(opts.port ?? DEFAULT_PORT, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;
  // What fell due while no one ran (mail queued before a restart, a sweep) starts at once, as in the desktop app.
  if (tick) setImmediate(runDue);
  const hostFile = path.join(dataDir, 'host.json');
  fs.writeFileSync(hostFile, JSON.stringify({ url, token, pid: process.pid }, null, 2) + '\n', { mode: 0o600 });

  let closed = false;
  return {
    url,
    token,
    port,
    core,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(keepAlive);
      if (tick) clearInterval(tick);
      unsubscribe();
      for (const s of streams) s.end();
      // A browser's keep-alive connection would hold server.close() open for good: drop them first.
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await stopped;
      try {
        const current = JSON.parse(fs.readFileSync(hostFile, 'utf8')) as { pid?: number; url?: string };
        if (current.pid === process.pid && current.url === url) fs.unlinkSync(hostFile);
      } catch {
        /* already gone */
      }
      core.close();
    },
  };
}

/** The request body as text, or null when it is larger than `max` bytes. */
function readBody(req: http.IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      req.resume();
      return resolve(null);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      else if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
