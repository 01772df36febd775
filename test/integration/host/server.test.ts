/** The headless host as scripts and browsers see it: real HTTP on loopback, hostile requests included. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../../src/main/headless';
import { parseServeArgs } from '../../../src/main/headless';
import { tempDir } from '../../support/core';

let host: Host;
let dataDir: string;
let rendererDir: string;

/** A raw request, so Host and Origin headers can be anything a hostile page could send. */
function request(
  pathname: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; port?: number } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the body it expects
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; json: () => any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: opts.port ?? host.port,
        path: pathname,
        method: opts.method ?? 'GET',
        headers: opts.headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const rpc = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
  request(`/rpc/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  dataDir = tempDir();
  rendererDir = tempDir('bd-renderer-');
  fs.writeFileSync(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><html><head><title>t</title></head><body></body></html>',
  );
  fs.mkdirSync(path.join(rendererDir, 'assets'));
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dataDir, 'secret.txt'), 'do not serve');
  host = await startHost({ dataDir, port: 0, rendererDir, testClock: { startAt: Date.parse('2026-11-01T00:00:00Z') } });
});
afterAll(async () => {
  await host?.close();
});

describe('the headless host', () => {
  it('writes host.json with url, token and pid, and keeps one token per data folder', async () => {
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, 'host.json'), 'utf8'));
    expect(info).toEqual({ url: host.url, token: host.token, pid: process.pid });
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(host.token).toMatch(/^[a-f0-9]{64}$/);
    const other = tempDir();
    const second = await startHost({ dataDir: other, port: 0, rendererDir, tickMs: 0 });
    expect(second.token).not.toBe(host.token);
    const token = second.token;
    await second.close();
    const again = await startHost({ dataDir: other, port: 0, rendererDir, tickMs: 0 });
    expect(again.token).toBe(token);
    await again.close();
    expect(fs.existsSync(path.join(other, 'host.json'))).toBe(false);
  });

  it('serves every channel with the envelope', async () => {
    const r = await rpc('resellers.create', { name: 'Acme' });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ ok: true, value: { id: 1, name: 'Acme' } });
    const bad = await rpc('clients.create', {
      resellerId: 1,
      externalRef: 'C1',
      name: 'X',
      billingEmail: 'not-an-email',
      currency: 'USD',
    });
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({
      ok: false,
      error: { kind: 'validation', message: expect.stringContaining('billingEmail'), field: 'billingEmail' },
    });
    const unknown = await rpc('clients.explode', {});
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    const missing = await rpc('clients.get', { id: 12345 });
    expect(missing.status).toBe(404);
    // The audit log names the caller: a script is 'api', the browser UI says it is the desk.
    await rpc('resellers.create', { name: 'From the UI' }, { 'x-balance-desk-actor': 'desk' });
    await rpc('resellers.create', { name: 'Spoofed' }, { 'x-balance-desk-actor': 'x; DROP TABLE staff' });
    const audit = (await rpc('audit.list', { subjectType: 'reseller', limit: 3 })).json().value.items;
    expect(audit.map((a: { actor: string }) => a.actor)).toEqual(['api', 'desk', 'api']);
  });

  it('refuses requests without the token or with a wrong one', async () => {
    const none = await request('/rpc/app.info', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(401);
    expect(none.json()).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    const wrong = await rpc('app.info', {}, { authorization: `Bearer ${'0'.repeat(64)}` });
    expect(wrong.status).toBe(401);
    const short = await rpc('app.info', {}, { authorization: 'Bearer x' });
    expect(short.status).toBe(401);
    const events = await new Promise<number>((resolve) =>
      http.get({ port: host.port, host: '127.0.0.1', path: '/events?token=nope' }, (res) => resolve(res.statusCode!)),
    );
    expect(events).toBe(401);
  });

  it('refuses a foreign Origin and a foreign Host (DNS rebinding), even with the token', async () => {
    const origin = await rpc('app.info', {}, { origin: 'http://evil.example' });
    expect(origin.status).toBe(403);
    expect(origin.json()).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    const rebound = await rpc('app.info', {}, { host: `evil.example:${host.port}` });
    expect(rebound.status).toBe(403);
    const page = await request('/', { headers: { host: `evil.example:${host.port}` } });
    expect(page.status).toBe(403);
    expect(page.text).not.toContain(host.token);
    const own = await rpc('app.info', {}, { origin: `http://localhost:${host.port}`, host: `localhost:${host.port}` });
    expect(own.status).toBe(200);
  });

  it('refuses bodies that are too large, not JSON, or not sent by POST', async () => {
    const small = await startHost({ dataDir: tempDir(), port: 0, rendererDir, tickMs: 0, maxBody: 1024 });
    try {
      const body = JSON.stringify({ name: 'x'.repeat(4000) });
      const framings: Record<string, string>[] = [
        { 'content-length': String(Buffer.byteLength(body)) },
        { 'transfer-encoding': 'chunked' },
      ];
      for (const headers of framings) {
        const big = await request('/rpc/resellers.create', {
          port: small.port,
          method: 'POST',
          headers: {
            authorization: `Bearer ${small.token}`,
            'content-type': 'application/json',
            host: `127.0.0.1:${small.port}`,
            ...headers,
          },
          body,
        });
        expect(big.status).toBe(413);
        expect(big.json()).toMatchObject({ ok: false, error: { kind: 'validation', field: 'body' } });
      }
      expect(small.core.db.$client.prepare('SELECT count(*) FROM resellers').pluck().get()).toBe(0);
    } finally {
      await small.close();
    }
    const notJson = await request('/rpc/app.info', {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(notJson.status).toBe(400);
    expect(notJson.json()).toMatchObject({ error: { kind: 'validation', field: 'body' } });
    const form = await request('/rpc/app.info', {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}`, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(415);
    const get = await request('/rpc/app.info', { headers: { authorization: `Bearer ${host.token}` } });
    expect(get.status).toBe(405);
  });

  it('serves the renderer with the token and a strict CSP, and nothing outside it', async () => {
    const page = await request('/');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<meta name="balance-desk-token" content="${host.token}" />`);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'/);
    expect((await request('/assets/app.js')).text).toBe('console.log(1)');
    expect((await request('/clients')).status).toBe(200); // a client-side route falls back to the app
    for (const p of [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%00.js',
      '/nope.js',
      '/..%5csecret.txt',
    ]) {
      const r = await request(p);
      expect(r.status, p).toBe(404);
      expect(r.text).not.toContain('do not serve');
    }
    // The URL parser folds /%2e%2e/ away: what is left is an app route, answered with the app, never the file.
    const dots = await request('/%2e%2e/%2e%2e/etc/passwd');
    expect(dots.text).not.toMatch(/root:/);
    expect(dots.text).toContain('balance-desk-token');
  });

  it('streams change events after a commit', async () => {
    const received = new Promise<string>((resolve, reject) => {
      const req = http.get({ port: host.port, host: '127.0.0.1', path: `/events?token=${host.token}` }, (res) => {
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (c: string) => {
          buf += c;
          if (buf.includes('"topic":"resellers"')) {
            req.destroy();
            resolve(buf);
          }
        });
      });
      req.on('error', (e) => (e.message.includes('aborted') ? undefined : reject(e)));
      setTimeout(() => rpc('resellers.create', { name: 'Event Co' }), 100);
    });
    expect(await received).toMatch(/event: change\ndata: \{"topic":"resellers"\}\n\n/);
  });

  it('has the test clock channels only with --test-clock', async () => {
    expect((await rpc('clock.get', {})).json()).toEqual({ ok: true, value: { now: '2026-11-01T00:00:00.000Z' } });
    expect((await rpc('clock.advance', { ms: 3_600_000 })).json()).toEqual({
      ok: true,
      value: { now: '2026-11-01T01:00:00.000Z' },
    });
    expect((await rpc('clock.set', { iso: '2026-12-01T00:00:00Z' })).json().value.now).toBe('2026-12-01T00:00:00.000Z');
    expect((await rpc('clock.set', { iso: '2026-01-01T00:00:00Z' })).json()).toMatchObject({
      ok: false,
      error: { field: 'iso' },
    });
    expect((await rpc('app.info', {})).json().value).toMatchObject({
      testClock: true,
      now: '2026-12-01T00:00:00.000Z',
    });
    const plain = await startHost({ dataDir: tempDir(), port: 0, rendererDir, tickMs: 0 });
    try {
      const r = await request('/rpc/clock.get', {
        port: plain.port,
        method: 'POST',
        headers: {
          authorization: `Bearer ${plain.token}`,
          'content-type': 'application/json',
          host: `127.0.0.1:${plain.port}`,
        },
        body: '{}',
      });
      expect(r.status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('refuses the test clock on the default data folder', async () => {
    const home = tempDir();
    const prev = process.env.XDG_DATA_HOME;
    process.env.XDG_DATA_HOME = home;
    try {
      const { defaultDataDir } = await import('../../../src/main/core/db/paths');
      await expect(startHost({ dataDir: defaultDataDir(), port: 0, testClock: true })).rejects.toThrow(
        /refused for the default data folder/,
      );
    } finally {
      if (prev === undefined) delete process.env.XDG_DATA_HOME;
      else process.env.XDG_DATA_HOME = prev;
    }
  });
});

describe('npm run serve (the built host as a program)', () => {
  const built = path.resolve(__dirname, '../../../out/main/headless.js');

  it('parses its options and explains a wrong one', () => {
    expect(parseServeArgs(['--data-dir', 'x', '--port', '0', '--demo', '--test-clock'])).toEqual({
      dataDir: 'x',
      port: 0,
      demo: true,
      testClock: true,
    });
    expect(parseServeArgs(['--port=8080'])).toMatchObject({ port: 8080 });
    expect(() => parseServeArgs(['--port', 'abc'])).toThrow(/--port must be a whole number/);
    expect(() => parseServeArgs(['--bogus'])).toThrow(/unknown option --bogus/);
    expect(() => parseServeArgs(['--data-dir'])).toThrow(/--data-dir needs a value/);
  });

  it('starts on a data folder, prints its URL, writes host.json, and stops cleanly', async () => {
    expect(fs.existsSync(built), 'out/main/headless.js is missing: run `npm run build` first (npm test does)').toBe(
      true,
    );
    const dir = tempDir();
    const child = spawn(process.execPath, [built, '--data-dir', dir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 15_000);
      child.stdout.on('data', () => {
        if (/Open http:\/\/127\.0\.0\.1:\d+\//.test(out)) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    const info = JSON.parse(fs.readFileSync(path.join(dir, 'host.json'), 'utf8'));
    expect(out).toContain(`Open ${info.url}`);
    expect(info.pid).toBe(child.pid);
    const res = await fetch(`${info.url}rpc/app.info`, {
      method: 'POST',
      headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await res.json()).toMatchObject({ ok: true, value: { dataDir: dir, host: 'headless' } });
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'host.json'))).toBe(false);
  });

  it('refuses --test-clock without a data folder, in words', async () => {
    const home = tempDir();
    const child = spawn(process.execPath, [built, '--test-clock', '--port', '0'], {
      env: { ...process.env, XDG_DATA_HOME: home, BALANCE_DESK_DATA_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/--test-clock is refused for the default data folder/);
  });
});

describe('due work at start', () => {
  it('sends the mail that was queued before a restart as soon as the host starts, not a tick later', async () => {
    const dir = tempDir();
    const first = await startHost({ dataDir: dir, port: 0, rendererDir, tickMs: 0 });
    const call = async (channel: string, input: unknown) => {
      const r = await first.core.call(channel, input);
      if (!r.ok) throw new Error(r.error.message);
      return r.value as { id: number };
    };
    const reseller = await call('resellers.create', { name: 'R', email: 'r@x.test' });
    await call('profiles.create', {
      resellerId: reseller.id,
      name: 'P',
      currency: 'USD',
      clientRule: { enabled: true, threshold: 1000, notifyClient: true, emails: [] },
    });
    const client = await call('clients.create', {
      resellerId: reseller.id,
      externalRef: 'C-1',
      name: 'One',
      billingEmail: 'o@x.test',
      currency: 'USD',
    });
    await call('ledger.post', { clientId: client.id, kind: 'usage', amount: -1 });
    expect(first.core.jobs.counts().queued).toBe(1);
    await first.close();
    // An hour between ticks: only the run at start can send it.
    const second = await startHost({ dataDir: dir, port: 0, rendererDir, tickMs: 3_600_000 });
    try {
      for (let i = 0; i < 100 && second.core.jobs.counts().done === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(second.core.jobs.counts()).toMatchObject({ queued: 0, done: 1 });
      expect(fs.readdirSync(path.join(dir, 'outbox'))).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
