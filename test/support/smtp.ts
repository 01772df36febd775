/**
 * A real SMTP server on loopback (smtp-server) for tests: it keeps every message it accepts, can require
 * a user and password, refuse chosen recipients with a 5xx or a 4xx, and be stopped and started again on
 * the same port (the "server down, then up" case).
 *
 * smtp-server's built-in certificate has expired, so STARTTLS is switched off and AUTH allowed without
 * TLS (see ENVIRONMENT.md): this is a loopback test server, not a model of a production one.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { headers as parseHeaders } from '../../src/main/core/mail/notifier';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** Headers, lower-cased names, unfolded, encoded words decoded. */
  headers: Record<string, string>;
  messageId: string;
  subject: string;
}

export interface SmtpTestServerOptions {
  /** Require AUTH with this user and password. */
  auth?: { user: string; pass: string };
  /** Recipients refused: address → reply code (550 permanent, 450 for now). */
  refuse?: Record<string, number>;
  port?: number;
}

export interface SmtpTestServer {
  readonly port: number;
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Refuse (or with 0 accept again) a recipient. */
  refuse(address: string, code: number): void;
  /** Waits until at least n messages have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
  /** Starts again on the same port after stop(). */
  start(): Promise<void>;
}

export async function startSmtpServer(opts: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const received: ReceivedMail[] = [];
  const refuse = new Map<string, number>(Object.entries(opts.refuse ?? {}).map(([a, c]) => [a.toLowerCase(), c]));
  const waiters = new Set<() => void>();
  let port = opts.port ?? 0;
  let server: SMTPServer | null = null;

  const make = () => {
    const options: SMTPServerOptions = {
      disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      allowInsecureAuth: true,
      authOptional: !opts.auth,
      logger: false,
      // stop() must not wait for a client's idle pooled connection (the default is 30 s).
      closeTimeout: 200,
      onAuth(auth, _session, cb) {
        if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass)
          return cb(null, { user: auth.username });
        const err = new Error('Authentication credentials invalid') as Error & { responseCode: number };
        err.responseCode = 535;
        cb(err);
      },
      onRcptTo(address, _session, cb) {
        const code = refuse.get(address.address.toLowerCase());
        if (code) {
          const err = new Error(
            code >= 500 ? `Mailbox ${address.address} does not exist` : `Mailbox ${address.address} is busy, try later`,
          ) as Error & { responseCode: number };
          err.responseCode = code;
          return cb(err);
        }
        cb();
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const headers = parseHeaders(raw);
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            headers,
            messageId: headers['message-id'] ?? '',
            subject: headers.subject ?? '',
          });
          for (const w of waiters) w();
          cb();
        });
      },
    };
    return new SMTPServer(options);
  };

  const start = async () => {
    server = make();
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server.server.address() as AddressInfo).port;
  };
  await start();

  return {
    get port() {
      return port;
    },
    get url() {
      return opts.auth
        ? `smtp://${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@127.0.0.1:${port}`
        : `smtp://127.0.0.1:${port}`;
    },
    received,
    refuse(address, code) {
      if (code) refuse.set(address.toLowerCase(), code);
      else refuse.delete(address.toLowerCase());
    },
    waitFor(n, timeoutMs = 5000) {
      if (received.length >= n) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length >= n) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(received);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${n} messages at the SMTP server within ${timeoutMs} ms, got ${received.length}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    async stop() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    start,
  };
}
