/** The Stripe settings: the key sealed and never shown, STRIPE_SECRET_KEY and STRIPE_API_BASE, the check in words. */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyProblem, parseApiBase } from '../../../src/main/core/stripe/service';
import { tempDir, testCore, type TestCore } from '../../support/core';

const cores: TestCore[] = [];
afterEach(() => {
  for (const c of cores.splice(0)) c.close();
});

describe('Stripe settings', () => {
  it('stores the secret key sealed, shows only its hint, audits without it, and removes it', async () => {
    const dataDir = tempDir();
    const core = testCore({ dataDir, inMemory: false });
    cores.push(core);
    expect(await core.ok('stripe.get', {})).toMatchObject({
      source: 'none',
      keyHint: null,
      mode: null,
      apiBase: null,
      secretStorage: 'keyfile',
    });
    const key = 'sk_test_UniqueKey0123456789xyz';
    const s = await core.ok('stripe.set', { secretKey: key });
    expect(s).toMatchObject({ source: 'settings', keyHint: 'sk_test_…9xyz', mode: 'test' });
    expect(JSON.stringify(s)).not.toContain('UniqueKey');
    const audit = (await core.ok('audit.list', { limit: 5 })).items.find((a) => a.action === 'stripe.set')!;
    expect(JSON.stringify(audit.detail)).not.toContain('UniqueKey');
    expect(await core.fails('stripe.set', { secretKey: 'pk_test_publishable000' })).toMatchObject({
      kind: 'validation',
      field: 'secretKey',
    });
    expect(await core.fails('stripe.check', { secretKey: 'hello' })).toMatchObject({
      kind: 'validation',
      field: 'secretKey',
    });
    core.close();
    for (const f of fs.readdirSync(dataDir).filter((n) => n.startsWith('ledger.sqlite'))) {
      expect(fs.readFileSync(path.join(dataDir, f)).includes(Buffer.from('UniqueKey0123456789')), f).toBe(false);
    }
    const again = testCore({ dataDir, inMemory: false });
    cores.push(again);
    expect(again.payments.key()).toBe(key);
    expect(await again.ok('stripe.set', { secretKey: null })).toMatchObject({ source: 'none' });
  });

  it('STRIPE_SECRET_KEY overrides the stored key; STRIPE_API_BASE points the SDK elsewhere; the check says what went wrong in words', async () => {
    // A port with nothing listening: the check cannot connect.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const core = testCore({ stripeKey: 'sk_test_FromTheEnvironment1', stripeApiBase: `http://127.0.0.1:${port}` });
    cores.push(core);
    expect(await core.ok('stripe.get', {})).toMatchObject({
      source: 'env',
      keyHint: 'sk_test_…ent1',
      apiBase: `http://127.0.0.1:${port}`,
    });
    const check = await core.ok('stripe.check', {});
    expect(check).toMatchObject({ ok: false, mode: 'test' });
    expect(check.message).toMatch(/^Stripe could not be reached/);
    expect(() => parseApiBase('ftp://x')).toThrow(/http/);
    expect(() => parseApiBase('http://127.0.0.1:1/v1')).toThrow(/protocol, host and port only/);
    expect(parseApiBase('http://127.0.0.1:12111')).toEqual({ protocol: 'http', host: '127.0.0.1', port: 12111 });
    expect(() => testCore({ stripeKey: 'nonsense' })).toThrow(/STRIPE_SECRET_KEY/);
  });

  it('says what is wrong with a text that is not a key (issue 15: sk_test_fprobe was refused as "not a Stripe secret key")', async () => {
    expect(() => testCore({ stripeKey: 'sk_test_fprobe' })).toThrow(
      'STRIPE_SECRET_KEY is too short: after sk_test_ a Stripe key has at least 8 more letters or digits (yours has 6) — was it cut off when copied?',
    );
    expect(keyProblem('pk_test_51Habcdefgh', 'secretKey')).toMatch(/^secretKey is a publishable key \(pk_…\)/);
    expect(keyProblem('sk_test_abc defghij', 'secretKey')).toBe(
      'secretKey contains a space or a line break: paste the key alone',
    );
    expect(keyProblem('sk_live_abc-defghij', 'secretKey')).toBe(
      'secretKey may hold only letters, digits and _ after sk_live_',
    );
    expect(keyProblem('sk_test_balance_desk_sandbox', 'secretKey')).toBeNull();
    const core = testCore();
    cores.push(core);
    expect(await core.fails('stripe.set', { secretKey: 'sk_live_short' })).toMatchObject({
      kind: 'validation',
      field: 'secretKey',
      message: expect.stringMatching(/^secretKey is too short: after sk_live_/),
    });
  });

  it('an installed app (stripeApiBaseTestOnly) sends only test keys to STRIPE_API_BASE; a live key goes to Stripe itself', async () => {
    // A server that records whatever key reaches it, answering as Stripe's customer list does.
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [], has_more: false, url: '/v1/customers' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const host = (c: TestCore) =>
        (c.payments.client() as unknown as { getApiField(k: string): unknown }).getApiField('host');

      const live = testCore({
        stripeKey: 'sk_live_RealMoneyKey0123456',
        stripeApiBase: base,
        stripeApiBaseTestOnly: true,
      });
      cores.push(live);
      expect(await live.ok('stripe.get', {})).toMatchObject({ mode: 'live', apiBase: null, defaultReturnUrl: null });
      expect(live.payments.returnPage()).toBeNull();
      expect(host(live)).toBe('api.stripe.com');
      // A stored live key, and a restricted live key, no differently.
      const stored = testCore({ stripeApiBase: base, stripeApiBaseTestOnly: true });
      cores.push(stored);
      expect(await stored.ok('stripe.set', { secretKey: 'rk_live_RestrictedKey012345' })).toMatchObject({
        mode: 'live',
        apiBase: null,
      });
      expect(host(stored)).toBe('api.stripe.com');

      // A test key cannot move real money: the sandbox is honoured for it.
      const test = testCore({
        stripeKey: 'sk_test_SandboxKey01234567',
        stripeApiBase: base,
        stripeApiBaseTestOnly: true,
      });
      cores.push(test);
      expect(await test.ok('stripe.get', {})).toMatchObject({
        mode: 'test',
        apiBase: base,
        defaultReturnUrl: `${base}/`,
      });
      expect(await test.ok('stripe.check', {})).toMatchObject({
        ok: true,
        message: expect.stringMatching(/sandbox, no real money/),
      });
      expect(seen).toEqual(['Bearer sk_test_SandboxKey01234567']);

      // A development build (the option off) honours it for any key, as the headless host does.
      const dev = testCore({ stripeKey: 'sk_live_RealMoneyKey0123456', stripeApiBase: base });
      cores.push(dev);
      expect(await dev.ok('stripe.get', {})).toMatchObject({ apiBase: base });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
