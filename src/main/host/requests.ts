/**
 * What the host answers, whichever listener a request came in on:
 *   POST /rpc/<channel>   JSON body → the envelope. On loopback: Authorization: Bearer <token> (host.json);
 *                         once sign-in is on, also x-balance-desk-session: <token from session.signIn>.
 *                         From the office network: the session alone (the host token is never enough there).
 *   GET  /events          server-sent events, one `change` event per committed change (?token= on loopback;
 *                         ?session= once sign-in is on, and always from the office network)
 *   GET  /exports/<id>/<name>  a finished export, as a download (?session=, and ?token= on loopback)
 *   GET  /office/hello    what this server is, for a desk about to connect (no sign-in needed)
 *   GET  /…               the renderer; on loopback with the token handed to the page in a <meta> tag
 * The Host and Origin checks (DNS rebinding, cross-site posts) take the names each listener answers to.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import net from 'node:net';
import type { ChangeEvent } from '../../shared/contracts';
import type { Result } from '../../shared/result';
import type { Core } from '../core';
import type { CallOptions } from '../core/types';
import { CSP } from '../../shared/csp';
import { serveStatic } from './static';

/** Large enough for a 64 MB CSV part as JSON, small enough that nobody can exhaust memory. */
export const MAX_BODY = 80 * 1024 * 1024;

export interface RequestOptions {
  core: Core;
  /** The host token (host-token in the data folder): proof of a caller on this machine, on loopback only. */
  token: string;
  rendererDir: string;
  maxBody?: number;
  log: (line: string) => void;
  /** True for the office listener: every request is from another machine and needs a session. */
  remote: boolean;
  /** The Host header values and page origins this listener answers to, filled once its port is known. */
  names: ListenerNames;
  /** For /office/hello. */
  version: string;
}

/** How a name appears in a Host header or URL: IPv6 addresses in brackets. */
export const hostPart = (n: string) => (net.isIPv6(n) ? `[${n}]` : n);

/**
 * What a listener answers to: Host header values ("127.0.0.1:47110", "[fe80::1]:47111") against DNS
 * rebinding, and the origins whose pages may call it ("https://office.local:47111") against cross-site posts.
 */
export class ListenerNames {
  readonly hosts = new Set<string>();
  readonly origins = new Set<string>();

  /** `names` on `port` under `scheme`; when `port` is `defaultPort`, a Host without the port too. */
  allow(names: readonly string[], port: number, scheme: 'http' | 'https', defaultPort?: number): void {
    for (const n of names) {
      const name = hostPart(n);
      for (const h of port === defaultPort ? [`${name}:${port}`, name] : [`${name}:${port}`]) {
        this.hosts.add(h);
        this.origins.add(`${scheme}://${h}`);
      }
    }
  }
}

export interface Requests {
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** Ends the event streams and stops announcing changes. */
  close(): void;
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

/** The name a desk gives itself (x-balance-desk-desk), when it is a plausible one. */
function deskName(req: http.IncomingMessage): string | null {
  const said = req.headers['x-balance-desk-desk'];
  return typeof said === 'string' && /^[\p{L}\p{N} .@'’_-]{1,64}$/u.test(said) ? said.trim() || null : null;
}

/** The caller's network address, without the IPv4-mapped prefix. */
const addressOf = (req: http.IncomingMessage) => (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '') || null;

export function hostRequests(o: RequestOptions): Requests {
  const { core, token, log } = o;
  const streams = new Set<{ res: http.ServerResponse; session: string | null }>();

  /** The session in a query string or header, or null. */
  const sessionOf = (s: string | string[] | null | undefined) => (typeof s === 'string' && s ? s : null);

  /** Where the call is from and who it is, as the core takes it. */
  const callOptions = (req: http.IncomingMessage, session: string | null, actor: string): CallOptions => ({
    actor,
    session,
    ...(o.remote ? { remote: true, from: { name: deskName(req), address: addressOf(req) } } : {}),
  });

  /** Event streams and downloads need a session once sign-in is on (always, from the network). */
  const signedIn = (session: string | null) => {
    if (session) return core.sessions.resolve(session) !== null;
    return !o.remote && !core.sessions.required();
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const { hosts, origins } = o.names;
    if (!hosts.has(req.headers.host ?? ''))
      return fail(res, 403, 'forbidden', `this server answers only to ${[...hosts].join(', ')}`);
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin))
      return fail(res, 403, 'forbidden', `requests from ${origin} are not allowed`);
    const url = new URL(req.url ?? '/', 'http://host');

    if (url.pathname.startsWith('/rpc/')) {
      if (req.method !== 'POST') return fail(res, 405, 'validation', 'channels are called with POST');
      if (!o.remote) {
        const auth = req.headers.authorization;
        if (!sameToken(auth?.startsWith('Bearer ') ? auth.slice(7) : undefined, token)) {
          return fail(
            res,
            401,
            'unauthorized',
            'a valid token is required (Authorization: Bearer <token> from host.json)',
          );
        }
      }
      const channel = decodeURIComponent(url.pathname.slice('/rpc/'.length));
      if (!core.registry.has(channel)) return fail(res, 404, 'not_found', `there is no channel ${channel}`);
      const type = req.headers['content-type'] ?? 'application/json';
      if (!/^application\/json\b/i.test(type))
        return fail(res, 415, 'validation', 'the body must be JSON (content-type: application/json)', 'body');
      const maxBody = o.maxBody ?? MAX_BODY;
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
      const result: Result<unknown> = await core.call(
        channel,
        input,
        callOptions(req, sessionOf(req.headers['x-balance-desk-session']), actor),
      );
      return send(res, result.ok ? 200 : (STATUS[result.error.kind] ?? 500), result);
    }

    if (url.pathname === '/events') {
      if (!o.remote && !sameToken(url.searchParams.get('token'), token))
        return fail(res, 401, 'unauthorized', 'a valid token is required (?token=)');
      const session = sessionOf(url.searchParams.get('session'));
      if (!signedIn(session))
        return fail(res, 401, 'unauthorized', 'sign in first: the change stream needs a valid session (?session=)');
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      const stream = { res, session };
      streams.add(stream);
      req.on('close', () => streams.delete(stream));
      return;
    }

    if (url.pathname === '/office/hello') {
      if (req.method !== 'GET') return fail(res, 405, 'validation', 'GET /office/hello');
      return send(res, 200, {
        product: 'Balance Desk',
        version: o.version,
        signIn: o.remote || core.sessions.required(),
      });
    }

    if (url.pathname.startsWith('/exports/')) {
      if (req.method !== 'GET') return fail(res, 405, 'validation', 'exports are downloaded with GET');
      if (!o.remote && !sameToken(url.searchParams.get('token'), token))
        return fail(res, 401, 'unauthorized', 'a valid token is required (?token=)');
      // Once sign-in is on, an export (the notification or audit log) is for a signed-in staff member only.
      if (!signedIn(sessionOf(url.searchParams.get('session'))))
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
      // A desk on the office network saves the export where it is: once it has all of it, the server keeps none.
      if (o.remote) res.on('finish', () => core.exporter.delivered(id));
      fs.createReadStream(file.path).pipe(res);
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'validation', 'only GET serves files');
    return serveStatic(req, res, url.pathname, o.rendererDir, {
      csp: CSP,
      // The host token is for this machine only: a page served to the office network signs in instead.
      transformIndex: (html) =>
        html.replace('<head>', `<head>\n    <meta name="balance-desk-token" content="${o.remote ? '' : token}" />`),
    });
  }

  const unsubscribe = core.onChange((e: ChangeEvent) => {
    const frame = `event: change\ndata: ${JSON.stringify(e)}\n\n`;
    for (const s of streams) {
      // A stream whose session has ended (signed out, that desk signed out by an admin) is closed.
      if (s.session && !core.sessions.rowOf(s.session)) {
        s.res.end();
        streams.delete(s);
      } else s.res.write(frame);
    }
  });
  const keepAlive = setInterval(() => {
    for (const s of streams) s.res.write(': keep-alive\n\n');
  }, 25_000);
  keepAlive.unref();

  return {
    handle(req, res) {
      void handle(req, res).catch((e: unknown) => {
        log(`request failed: ${(e as Error).message}`);
        if (!res.headersSent) fail(res, 500, 'internal', 'the host could not answer this request');
        else res.destroy();
      });
    },
    close() {
      clearInterval(keepAlive);
      unsubscribe();
      for (const s of streams) s.res.end();
      streams.clear();
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
