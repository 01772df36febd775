/**
 * The headless host: the core in plain Node, serving the built renderer and every channel over HTTP on
 * loopback (requests.ts says what it answers; docs/api.md for scripts). With `office` it also shares the
 * ledger with the office network over TLS (office.ts), where every caller signs in.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createCore, VERSION, type Core } from '../core';
import { ManualClock } from '../core/clock/clock';
import { seedDemoStripeIfFresh } from '../core/demo/stripe';
import { defaultDataDir } from '../core/db/paths';
import { readToken } from './token';
import { hostRequests, ListenerNames } from './requests';
import { serveOffice, type OfficeOptions, type OfficeServer } from './office';

export { MAX_BODY } from './requests';
export const DEFAULT_PORT = 47110;

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
  /** Shares the ledger with the office network too (npm run serve -- --office). */
  office?: Pick<OfficeOptions, 'listen' | 'port' | 'names' | 'certFile' | 'keyFile'>;
}

export interface Host {
  url: string;
  token: string;
  port: number;
  core: Core;
  /** The office listener, when started with `office`. */
  office: OfficeServer | null;
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
  // DNS rebinding: a hostile page can point its own name at 127.0.0.1, but its Host header still says its
  // name; and a foreign page may POST to loopback (a "simple" cross-site request): only our own are answered.
  const answersTo = new ListenerNames();
  const requests = hostRequests({
    core,
    token,
    rendererDir,
    maxBody: opts.maxBody,
    log,
    remote: false,
    names: answersTo,
    version: VERSION,
  });
  const server = http.createServer(requests.handle);

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
    // Plain HTTP on loopback, for this machine: the office listener (office.ts, TLS) is the only way in from the network.
    server.listen(opts.port ?? DEFAULT_PORT, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  answersTo.allow(['127.0.0.1', 'localhost'], port, 'http');
  const url = `http://127.0.0.1:${port}/`;
  let office: OfficeServer | null = null;
  if (opts.office) {
    try {
      office = await serveOffice({ ...opts.office, core, dataDir, token, rendererDir, maxBody: opts.maxBody, log });
    } catch (e) {
      requests.close();
      if (tick) clearInterval(tick);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      core.close();
      throw e;
    }
  }
  // What fell due while no one ran (mail queued before a restart, a sweep) starts at once, as in the desktop app.
  if (tick) setImmediate(runDue);
  const hostFile = path.join(dataDir, 'host.json');
  fs.writeFileSync(
    hostFile,
    JSON.stringify(
      { url, token, pid: process.pid, ...(office ? { office: office.urls, fingerprint: office.fingerprint } : {}) },
      null,
      2,
    ) + '\n',
    { mode: 0o600 },
  );

  let closed = false;
  return {
    url,
    token,
    port,
    core,
    office,
    async close() {
      if (closed) return;
      closed = true;
      if (tick) clearInterval(tick);
      await office?.close();
      requests.close();
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
