/**
 * Secrets never land anywhere in plain text: the Stripe secret key and the SMTP password are used for
 * real — charges against the Stripe test server (one card declining), mail against an SMTP server that
 * refuses the password and then one that takes it — and then every log line of the host, every file
 * of its data folder (the database, its WAL, the outbox, host.json) and every answer of the audit log
 * are searched for them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../../src/main/headless';
import { tempDir } from '../../support/core';
import { startSmtpServer, type SmtpTestServer } from '../../support/smtp';
import { startStripeServer, type StripeTestServer } from '../../support/stripe/server';

const STRIPE_KEY = 'sk_test_SecretStripeKey0123456789abcdefXYZ';
const SMTP_PASSWORD = 'Smtp-Secret-Password-8271-qwerty';

let host: Host | undefined;
let smtp: SmtpTestServer | undefined;
let stripe: StripeTestServer | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await host?.close();
  await smtp?.stop();
  await stripe?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  host = smtp = stripe = dataDir = undefined;
});

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('secrets at rest and in logs', () => {
  it('the Stripe key and the SMTP password appear in no log line, no file of the data folder and no audit entry', async () => {
    stripe = await startStripeServer({ apiKeys: [STRIPE_KEY] });
    smtp = await startSmtpServer({ auth: { user: 'desk', pass: SMTP_PASSWORD } });
    const dir = (dataDir = tempDir());
    const lines: string[] = [];
    host = await startHost({
      dataDir: dir,
      port: 0,
      tickMs: 0,
      log: (l) => lines.push(l),
      stripeApiBase: stripe.url,
      testClock: { startAt: Date.parse('2026-11-21T09:00:00Z') },
    });
    const core = host.core;
    const ok = async (channel: string, input: unknown) => {
      const r = await core.call(channel, input);
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
      return r.value as Record<string, unknown>;
    };

    await ok('stripe.set', { secretKey: STRIPE_KEY });
    await ok('stripe.check', {});
    // A wrong password first: the failures are logged and recorded in the log's error column.
    await ok('mail.set', {
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        user: 'desk',
        password: 'wrong-password-1',
        from: 'desk@acme.test',
      },
    });
    const reseller = await ok('resellers.create', { name: 'Acme', email: 'billing@acme.test' });
    const client = await ok('clients.create', {
      resellerId: reseller.id,
      externalRef: 'C-1',
      name: 'Blue Fox',
      billingEmail: 'ap@bluefox.test',
      currency: 'USD',
    });
    await ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 10_000 });
    const linked = await ok('methods.link', { clientId: client.id });
    stripe.attachTestPaymentMethod(linked.customerId as string, 'pm_card_chargeDeclined');
    await ok('methods.refresh', { clientId: client.id });
    await ok('recharge.set', {
      clientId: client.id,
      mode: 'auto',
      enabled: true,
      alertThreshold: 8000,
      triggerThreshold: 5000,
      rechargeAmount: 20_000,
      dailyCap: null,
    });
    await ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -6000 });
    await core.runDue();
    await ok('mail.test', {
      to: 'ann@acme.test',
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        user: 'desk',
        password: 'wrong-password-2',
        from: 'desk@acme.test',
      },
    });
    // Then the right one: the queued mail goes out.
    await ok('mail.set', {
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        user: 'desk',
        password: SMTP_PASSWORD,
        from: 'desk@acme.test',
      },
    });
    await ok('mail.test', { to: 'ann@acme.test' });
    await ok('clock.advance', { ms: 3_600_000 });
    await core.runDue();
    expect(smtp.received.length).toBeGreaterThan(1);
    const charges = (await ok('charges.list', {})).items as { status: string }[];
    expect(charges.map((c) => c.status)).toEqual(['failed']);

    const audit = JSON.stringify(await ok('audit.list', { limit: 200 }));
    const mail = JSON.stringify(await ok('mail.get', {}));
    // The files as they are while the host runs (the WAL, host.json) and after it stopped.
    const running = filesUnder(dir).map(
      (f) => [`${path.relative(dir, f)} (running)`, fs.readFileSync(f)] as [string, Buffer],
    );
    await host.close();
    host = undefined;

    const needles = [STRIPE_KEY, STRIPE_KEY.slice(8, 30), SMTP_PASSWORD, SMTP_PASSWORD.slice(5, 25)];
    const haystacks: [string, Buffer][] = [
      ['log lines', Buffer.from(lines.join('\n'))],
      ['audit.list', Buffer.from(audit)],
      ['mail.get', Buffer.from(mail)],
      ...running,
      ...filesUnder(dir).map((f) => [path.relative(dir, f), fs.readFileSync(f)] as [string, Buffer]),
    ];
    expect(haystacks.map(([name]) => name)).toEqual(
      expect.arrayContaining(['ledger.sqlite', 'ledger.sqlite-wal (running)', 'host.json (running)']),
    );
    for (const [name, bytes] of haystacks) {
      for (const needle of needles) {
        for (const enc of ['utf8', 'utf16le'] as const)
          expect(bytes.includes(Buffer.from(needle, enc)), `${name} holds a secret (${enc})`).toBe(false);
      }
    }
    // The sandbox saw the key (it was used), so the search can find it where it is.
    expect(stripe.requests.length).toBeGreaterThan(0);
  });
});
