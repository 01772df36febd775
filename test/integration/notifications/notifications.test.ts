/**
 * Notifications against a real SMTP server on loopback (smtp-server): every template delivered to the
 * right recipients with its stable Message-ID; the server down then up, every message delivered exactly
 * once; a 5xx refusal marked failed; auth errors in words; the outbox folder when no server is set up;
 * mail settings with the password sealed; resend; and the migration of a log from before this shape.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../../src/main/core/db/open';
import { KEY_FILE } from '../../../src/main/core/settings/secrets';
import { T0, tempDir, testCore, withClient, type TestCore } from '../../support/core';
import { startSmtpServer, type SmtpTestServer } from '../../support/smtp';

const HOUR = 3_600_000;
const cores: TestCore[] = [];
const servers: SmtpTestServer[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
});

async function smtp(opts: Parameters<typeof startSmtpServer>[0] = {}) {
  const s = await startSmtpServer(opts);
  servers.push(s);
  return s;
}
function open(opts: Parameters<typeof testCore>[0] = {}) {
  const c = testCore(opts);
  cores.push(c);
  return c;
}

/** A reseller with a staff user, a USD client under a profile with all three rules. */
async function ledgerWithProfile(core: TestCore) {
  const { reseller, client } = await withClient(core);
  const staff = await core.ok('staff.create', {
    resellerId: reseller.id,
    name: 'Ann Ops',
    email: 'ann@acme.test',
    role: 'admin',
  });
  await core.ok('profiles.create', {
    resellerId: reseller.id,
    name: 'Standard',
    currency: 'USD',
    maxQty: 3,
    periodHours: 72,
    staffRule: {
      enabled: true,
      threshold: 2000,
      notifyReseller: true,
      staffIds: [staff.id],
      emails: ['night@acme.test'],
    },
    clientRule: { enabled: true, threshold: 1000, notifyClient: true, emails: [] },
    inactivityRule: { enabled: true, threshold: 5000, notifyClient: true, inactivityHours: 48, emails: [] },
  });
  await core.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 4000 });
  return { reseller, client, staff };
}

const list = async (core: TestCore, filter: Record<string, unknown> = {}) =>
  (await core.ok('notifications.list', { limit: 500, ...filter })).items;
/** The message with quoted-printable undone (nodemailer writes non-ASCII text that way). */
const body = (raw: string) =>
  Buffer.from(
    raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');

describe('sending through a real SMTP server', () => {
  it('delivers every template to its recipients with the notification’s Message-ID, in the client’s currency', async () => {
    const server = await smtp({ auth: { user: 'desk', pass: 's3cret' } });
    const core = open({ smtpUrl: `${server.url}?from=${encodeURIComponent('Acme Billing <billing@acme.test>')}` });
    const { client } = await ledgerWithProfile(core);
    // Below the staff threshold ($20) and the client one ($10): two rule decisions.
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -3101 });
    // Two quiet days: the inactivity rule ($50) fires at its check time.
    core.testClock.advance(49 * HOUR);
    await core.runDue();
    // The auto-recharge flow's messages, for a client in euros.
    const eur = await core.ok('clients.create', {
      resellerId: client.resellerId,
      externalRef: 'E-1',
      name: 'Zoë Café',
      billingEmail: 'zoe@cafe.test',
      currency: 'EUR',
    });
    const now = core.clock.now();
    core.db.$client.transaction(() => {
      core.notifyLog.message({
        kind: 'top_up_receipt',
        clientId: eur.id,
        reason: 'Automatic top-up succeeded.',
        now,
        available: 4500,
        data: { amount: 2500, balanceAfter: 4500, method: 'Visa •••• 4242', paymentIntent: 'pi_123' },
      });
      core.notifyLog.message({
        kind: 'recharge_failed',
        clientId: eur.id,
        reason: 'Every payment method failed.',
        now,
        available: 120,
        data: { amount: 2500, failure: 'the card was declined' },
      });
      core.notifyLog.message({
        kind: 'method_disabled',
        clientId: eur.id,
        reason: 'Declined: paused 48 h.',
        now,
        data: {
          method: 'Visa •••• 0002',
          failure: 'the card was declined',
          until: new Date(now + 48 * HOUR).toISOString(),
        },
      });
      core.notifyLog.message({
        kind: 'settings_changed',
        clientId: eur.id,
        reason: 'Settings saved by desk.',
        now,
        data: { changes: [{ label: 'Recharge amount', before: '€20.00', after: '€25.00' }] },
      });
    })();
    await core.runDue();

    const rows = await list(core);
    expect(rows.map((r) => r.kind).sort()).toEqual([
      'inactivity',
      'low_balance_client',
      'low_balance_staff',
      'method_disabled',
      'recharge_failed',
      'settings_changed',
      'top_up_receipt',
    ]);
    expect(rows.every((r) => r.status === 'sent' && r.via === 'smtp' && r.attempts === 1 && r.error === null)).toBe(
      true,
    );
    await server.waitFor(7);
    expect(server.received).toHaveLength(7);
    const byId = new Map(server.received.map((m) => [m.messageId, m]));
    for (const r of rows) {
      const m = byId.get(r.messageId);
      expect(m, `${r.kind} ${r.messageId} was not received`).toBeDefined();
      expect(m!.to.sort()).toEqual([...r.recipients].sort());
      expect(m!.subject).toBe(r.subject);
      expect(m!.headers['x-balance-desk-notification']).toBe(String(r.id));
      expect(m!.headers.from).toContain('billing@acme.test');
    }
    const of = (kind: string) => byId.get(rows.find((r) => r.kind === kind)!.messageId)!;
    expect(of('low_balance_staff').to.sort()).toEqual(['ann@acme.test', 'billing@acme.test', 'night@acme.test']);
    expect(of('low_balance_client').to).toEqual(['ap@bluefox.test']);
    expect(body(of('low_balance_client').raw)).toContain('$8.99');
    expect(of('low_balance_client').subject).toBe('Your Acme Telecom balance is low: $8.99');
    expect(body(of('top_up_receipt').raw)).toMatch(/€25\.00[\s\S]*Visa •••• 4242[\s\S]*€45\.00/);
    expect(body(of('top_up_receipt').raw)).toContain('Hello Zoë Café');
    expect(of('settings_changed').to).toEqual(['zoe@cafe.test']);
    expect(body(of('settings_changed').raw)).toContain('€20.00 → €25.00');
    // Client-facing mail is answered by the reseller.
    expect(of('recharge_failed').headers['reply-to']).toContain('billing@acme.test');
    // Every message has a text and an HTML part.
    for (const m of server.received) expect(m.raw).toMatch(/text\/plain[\s\S]*text\/html/);
  });

  it('server down, then up: every message is delivered exactly once, retried with backoff and a visible status', async () => {
    const server = await smtp();
    const core = open({ smtpUrl: server.url });
    const { client } = await ledgerWithProfile(core);
    await server.stop();
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -3101 });
    await core.runDue();
    let rows = await list(core);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'queued', attempts: 1 });
      expect(r.error).toMatch(/connection was refused/);
    }
    const detail = await core.ok('notifications.get', { id: rows[0].id });
    expect(detail.nextAttemptAt).toBe(new Date(T0 + 30_000).toISOString());

    // Still down at the first retry: the second retry waits twice as long.
    core.testClock.advance(30_000);
    await core.runDue();
    rows = await list(core);
    expect(rows.every((r) => r.status === 'queued' && r.attempts === 2)).toBe(true);
    expect((await core.ok('notifications.get', { id: rows[0].id })).nextAttemptAt).toBe(
      new Date(T0 + 30_000 + 60_000).toISOString(),
    );

    await server.start();
    core.testClock.advance(60_000);
    await core.runDue();
    // More due work later sends nothing again.
    core.testClock.advance(HOUR);
    await core.runDue();
    await core.runDue();
    rows = await list(core);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 3 && r.error === null)).toBe(true);
    expect(server.received).toHaveLength(2);
    expect(new Set(server.received.map((m) => m.messageId))).toEqual(new Set(rows.map((r) => r.messageId)));
    expect((await core.ok('scheduler.status', {})).jobs).toMatchObject({ queued: 0, running: 0, failed: 0, done: 2 });
  });

  it('tries an unreachable server once per run, not once per message, so a run never waits on every timeout', async () => {
    // A port that accepts connections and hangs up at once: every attempt is a connection failure.
    let connections = 0;
    const sink = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', () => resolve()));
    const port = (sink.address() as net.AddressInfo).port;
    try {
      const core = open({ smtpUrl: `smtp://127.0.0.1:${port}` });
      const { client } = await ledgerWithProfile(core);
      await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -3101 });
      await core.runDue();
      const rows = await list(core);
      expect(rows.map((r) => [r.status, r.attempts])).toEqual([
        ['queued', 1],
        ['queued', 1],
      ]);
      expect(rows[0].error).toBe(rows[1].error);
      expect(connections).toBe(1);
      core.testClock.advance(30_000);
      await core.runDue();
      expect(connections).toBe(2);
      expect((await list(core)).every((r) => r.attempts === 2)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => sink.close(() => resolve()));
    }
  });

  it('a 5xx refusal of the address is failed at once with the server’s reason; a 4xx is retried', async () => {
    const server = await smtp({ refuse: { 'ap@bluefox.test': 550, 'ann@acme.test': 450 } });
    const core = open({ smtpUrl: server.url });
    const { client } = await ledgerWithProfile(core);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -3101 });
    await core.runDue();
    const rows = await list(core);
    const clientRow = rows.find((r) => r.kind === 'low_balance_client')!;
    expect(clientRow).toMatchObject({ status: 'failed', attempts: 1 });
    expect(clientRow.error).toMatch(/refused the message .*550.*will not help/);
    expect(clientRow.error).toContain('Mailbox ap@bluefox.test does not exist');
    // The staff message went to the two addresses the server took; the refused one is noted.
    const staffRow = rows.find((r) => r.kind === 'low_balance_staff')!;
    expect(staffRow.status).toBe('sent');
    expect(staffRow.error).toMatch(/refused ann@acme\.test/);
    expect(server.received.map((m) => m.to.sort())).toEqual([['billing@acme.test', 'night@acme.test']]);
    const jobs = core.db.$client.prepare(`SELECT key, status FROM jobs ORDER BY id`).all();
    expect(jobs).toContainEqual({ key: `notify:${clientRow.id}`, status: 'failed' });

    // A whole message refused for now (every recipient 4xx) stays queued and is retried.
    server.refuse('ap@bluefox.test', 451);
    const again = await core.ok('notifications.resend', { id: clientRow.id });
    await core.runDue();
    expect((await core.ok('notifications.get', { id: again.id })).notification).toMatchObject({
      status: 'queued',
      attempts: 1,
    });
    server.refuse('ap@bluefox.test', 0);
    core.testClock.advance(30_000);
    await core.runDue();
    expect((await core.ok('notifications.get', { id: again.id })).notification).toMatchObject({
      status: 'sent',
      attempts: 2,
      resendOf: clientRow.id,
    });
  });

  it('reports authentication and connection errors in words (test email), and keeps messages queued on a wrong password', async () => {
    const server = await smtp({ auth: { user: 'desk', pass: 's3cret' } });
    const core = open({ smtpUrl: `smtp://desk:wrong@127.0.0.1:${server.port}` });
    const base = {
      host: '127.0.0.1',
      port: server.port,
      security: 'none' as const,
      user: 'desk',
      from: 'Desk <desk@acme.test>',
    };
    const wrong = await core.ok('mail.test', { to: 'ann@acme.test', smtp: { ...base, password: 'nope' } });
    expect(wrong).toMatchObject({ ok: false, via: 'smtp', code: 535 });
    expect(wrong.message).toMatch(/refused the user name or password: check them in Settings/);
    const none = await core.ok('mail.test', { to: 'ann@acme.test', smtp: { ...base, user: '' } });
    expect(none.ok).toBe(false);
    expect(none.message).toMatch(/wants a user name and password|Authentication|530/i);
    const closed = await core.ok('mail.test', { to: 'ann@acme.test', smtp: { ...base, port: 1, password: 'x' } });
    expect(closed).toMatchObject({ ok: false, code: null });
    expect(closed.message).toBe(
      'Could not connect to 127.0.0.1:1: the connection was refused. Is the mail server running, and is the port right?',
    );
    const right = await core.ok('mail.test', { to: 'ann@acme.test', smtp: { ...base, password: 's3cret' } });
    expect(right).toMatchObject({ ok: true, via: 'smtp' });
    await server.waitFor(1);
    expect(server.received[0]).toMatchObject({ to: ['ann@acme.test'], subject: 'Balance Desk test email' });

    // The job with SMTP_URL's wrong password: queued, retrying, the reason in words.
    const { client } = await ledgerWithProfile(core);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -2500 });
    await core.runDue();
    const [row] = await list(core, { kind: 'low_balance_staff' });
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row.error).toMatch(/refused the user name or password/);
  });
});

describe('the outbox folder, when no SMTP server is set up', () => {
  it('is the default: each message is an .eml file the app lists and shows', async () => {
    const dataDir = tempDir();
    const core = open({ dataDir, inMemory: false });
    expect(await core.ok('mail.get', {})).toMatchObject({
      route: 'outbox',
      smtp: null,
      outboxDir: path.join(dataDir, 'outbox'),
      secretStorage: 'keyfile',
    });
    const { client } = await ledgerWithProfile(core);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -3101 });
    await core.runDue();
    const rows = await list(core);
    expect(rows.map((r) => [r.status, r.via])).toEqual([
      ['sent', 'outbox'],
      ['sent', 'outbox'],
    ]);
    const files = fs.readdirSync(path.join(dataDir, 'outbox')).sort();
    expect(files).toEqual(rows.map((r) => `notification-${r.id}.eml`).sort());
    const eml = fs.readFileSync(path.join(dataDir, 'outbox', `notification-${rows[0].id}.eml`), 'utf8');
    expect(eml).toContain(`Message-ID: ${rows[0].messageId}`);

    const out = await core.ok('outbox.list', { limit: 1 });
    expect(out.total).toBe(2);
    expect(out.nextCursor).not.toBeNull();
    const next = await core.ok('outbox.list', { limit: 1, cursor: out.nextCursor! });
    const items = [...out.items, ...next.items];
    expect(items.map((i) => i.notificationId).sort()).toEqual(rows.map((r) => r.id).sort());
    const staff = items.find((i) => i.notificationId === rows.find((r) => r.kind === 'low_balance_staff')!.id)!;
    expect(staff.subject).toBe('Low balance: Blue Fox Ltd (C-100) has $8.99');
    expect(staff.to).toContain('ann@acme.test');
    const one = await core.ok('outbox.get', { file: staff.file });
    expect(one.eml).toContain('Blue Fox Ltd (C-100) is below the low balance threshold.');
    expect(await core.fails('outbox.get', { file: '../ledger.sqlite.eml' })).toMatchObject({
      kind: 'validation',
      field: 'file',
    });
    expect(await core.fails('outbox.get', { file: 'nothing.eml' })).toMatchObject({ kind: 'not_found' });

    const test = await core.ok('mail.test', { to: 'ann@acme.test' });
    expect(test).toMatchObject({ ok: true, via: 'outbox' });
    expect((await core.ok('outbox.list', {})).total).toBe(3);
  });
});

describe('mail settings', () => {
  it('stores the SMTP password sealed, never as plain text; a new host needs the password again', async () => {
    const dataDir = tempDir();
    const server = await smtp({ auth: { user: 'desk', pass: 'Pa55-unique-9b1f' } });
    const core = open({ dataDir, inMemory: false });
    const saved = await core.ok('mail.set', {
      smtp: {
        host: '127.0.0.1',
        port: server.port,
        security: 'none',
        user: 'desk',
        password: 'Pa55-unique-9b1f',
        from: 'Acme Billing <billing@acme.test>',
      },
    });
    expect(saved).toMatchObject({ route: 'settings', smtp: { host: '127.0.0.1', user: 'desk', hasPassword: true } });
    expect(JSON.stringify(saved)).not.toContain('Pa55-unique-9b1f');
    expect((fs.statSync(path.join(dataDir, KEY_FILE)).mode & 0o777).toString(8)).toBe('600');
    // The saved settings work (the stored password is used when the form leaves it out)…
    expect(await core.ok('mail.test', { to: 'ann@acme.test' })).toMatchObject({ ok: true, via: 'smtp' });
    expect(
      await core.ok('mail.test', {
        to: 'ann@acme.test',
        smtp: { host: '127.0.0.1', port: server.port, security: 'none', user: 'desk', from: 'desk@acme.test' },
      }),
    ).toMatchObject({ ok: true });
    // …but are never handed to another server.
    expect(
      await core.fails('mail.test', {
        to: 'ann@acme.test',
        smtp: { host: 'localhost', port: server.port, security: 'none', user: 'desk', from: 'desk@acme.test' },
      }),
    ).toMatchObject({ kind: 'validation', field: 'smtp.password' });
    expect(
      await core.fails('mail.set', {
        smtp: { host: 'smtp.elsewhere.test', port: 587, security: 'starttls', user: 'desk', from: 'desk@acme.test' },
      }),
    ).toMatchObject({ kind: 'validation', field: 'smtp.password' });
    const audit = await core.ok('audit.list', { limit: 10 });
    const entry = audit.items.find((a) => a.action === 'mail.set')!;
    expect(entry.detail).toMatchObject({ host: '127.0.0.1', password: 'changed' });
    core.close();
    // Nothing in the database files holds the password as text.
    for (const f of fs.readdirSync(dataDir).filter((n) => n.startsWith('ledger.sqlite'))) {
      expect(fs.readFileSync(path.join(dataDir, f)).includes(Buffer.from('Pa55-unique-9b1f')), f).toBe(false);
    }
    // Reopened, the sealed password still works; removing the settings sends mail to the outbox again.
    const again = open({ dataDir, inMemory: false });
    expect(await again.ok('mail.test', { to: 'ann@acme.test' })).toMatchObject({ ok: true, via: 'smtp' });
    expect(await again.ok('mail.set', { smtp: null })).toMatchObject({ route: 'outbox', smtp: null });
    await server.waitFor(2);
  });

  it('refuses bad settings by field, and SMTP_URL overrides the stored settings', async () => {
    const core = open({ smtpUrl: 'smtp://desk:secret@127.0.0.1:2525' });
    const good = { host: 'smtp.acme.test', port: 587, security: 'starttls' as const, user: '', from: 'desk@acme.test' };
    expect(await core.fails('mail.set', { smtp: { ...good, port: 70000 } })).toMatchObject({ field: 'smtp.port' });
    expect(await core.fails('mail.set', { smtp: { ...good, host: 'smtp acme' } })).toMatchObject({
      field: 'smtp.host',
    });
    expect(await core.fails('mail.set', { smtp: { ...good, security: 'ssl' } })).toMatchObject({
      field: 'smtp.security',
    });
    expect(await core.fails('mail.set', { smtp: { ...good, from: 'Desk <not an address>' } })).toMatchObject({
      field: 'smtp.from',
    });
    const s = await core.ok('mail.set', { smtp: good });
    expect(s).toMatchObject({ route: 'env', envUrl: 'smtp://desk:•••@127.0.0.1:2525' });
    expect(JSON.stringify(s)).not.toContain(':secret@');
  });

  it('refuses host names that cannot be, in words naming smtp.host, and changes nothing', async () => {
    const core = open();
    const good = { host: 'smtp.acme.test', port: 587, security: 'starttls' as const, user: '', from: 'desk@acme.test' };
    const refusals: [string, RegExp][] = [
      [
        'mail.example.com:25',
        /^smtp\.host must be the host alone: the port goes in its own field \(host mail\.example\.com, port 25\)$/,
      ],
      ['mail..example.com', /empty part: two dots in a row/],
      ['..', /empty part/],
      ['.mail.example.com', /empty part/],
      ['-mail.example.com', /starts or ends with a hyphen/],
      ['mail-.example.com', /starts or ends with a hyphen/],
      [`${'a'.repeat(64)}.example.com`, /longer than 63 characters/],
      ['300.1.1.1', /four numbers from 0 to 255/],
      ['[::1', /host name or IP address/],
    ];
    for (const [host, message] of refusals) {
      const e = await core.fails('mail.set', { smtp: { ...good, host } });
      expect(e, host).toMatchObject({ kind: 'validation', field: 'smtp.host' });
      expect(e.message, host).toMatch(message);
    }
    expect((await core.ok('mail.get', {})).smtp).toBeNull();
    for (const host of ['smtp.acme.test', 'localhost', '192.168.1.10', '::1', '[::1]', 'mail-1.example.co.uk']) {
      expect((await core.ok('mail.set', { smtp: { ...good, host } })).smtp?.host, host).toBe(host);
    }
  });

  it('gives every test email a Message-ID of its own, even two sent in the same millisecond', async () => {
    // The test clock stands still, so both are sent at one instant, as two quick clicks can be.
    const server = await smtp();
    const core = open({ smtpUrl: server.url });
    await core.ok('mail.test', { to: 'ann@acme.test' });
    await core.ok('mail.test', { to: 'bob@acme.test' });
    const got = await server.waitFor(2);
    const ids = got.map((m) => m.messageId);
    expect(ids[0]).toMatch(/^<test-\d+\.[0-9a-f]{12}\.[^@]+@balance-desk>$/);
    expect(new Set(ids).size).toBe(2);
    // Without SMTP, both land in the outbox as two files.
    const outbox = open();
    await outbox.ok('mail.test', { to: 'ann@acme.test' });
    await outbox.ok('mail.test', { to: 'bob@acme.test' });
    expect((await outbox.ok('outbox.list', {})).total).toBe(2);
  });
});

describe('the log', () => {
  it('filters by client, kind, status and date range, newest first, and pages by cursor', async () => {
    const core = open();
    const { client } = await ledgerWithProfile(core);
    for (let day = 0; day < 3; day++) {
      await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -3101 });
      core.testClock.advance(24 * HOUR);
      await core.runDue();
      await core.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 3101 });
    }
    const all = await list(core);
    expect(all.length).toBeGreaterThanOrEqual(6);
    const times = all.map((r) => r.decidedAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(new Set((await list(core, { kind: 'low_balance_client' })).map((r) => r.kind))).toEqual(
      new Set(['low_balance_client']),
    );
    const day2 = await list(core, {
      from: new Date(T0 + 24 * HOUR).toISOString(),
      to: new Date(T0 + 48 * HOUR).toISOString(),
    });
    expect(day2.length).toBeGreaterThan(0);
    expect(
      day2.every((r) => Date.parse(r.decidedAt) >= T0 + 24 * HOUR && Date.parse(r.decidedAt) < T0 + 48 * HOUR),
    ).toBe(true);
    expect(
      await core.fails('notifications.list', { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }),
    ).toMatchObject({ field: 'to' });
    // Pages of 2 give the same rows as one page.
    const paged: number[] = [];
    let cursor: string | undefined;
    do {
      const p = await core.ok('notifications.list', { limit: 2, cursor });
      paged.push(...p.items.map((r) => r.id));
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all.map((r) => r.id));
    expect(
      await core.fails('notifications.list', { cursor: Buffer.from('["x"]').toString('base64url') }),
    ).toMatchObject({ field: 'cursor' });
  });

  it('uses an index ending in (decided_at, id) for every filter', () => {
    const core = open();
    const plan = (where: string) =>
      (
        core.db.$client
          .prepare(
            `EXPLAIN QUERY PLAN SELECT n.id FROM notifications n WHERE ${where} ORDER BY n.decided_at DESC, n.id DESC LIMIT 50`,
          )
          .all() as { detail: string }[]
      )
        .map((r) => r.detail)
        .join('; ');
    expect(plan('1')).toMatch(/notifications_decided/);
    expect(plan('n.client_id = 1')).toMatch(/notifications_client/);
    expect(plan("n.status = 'failed'")).toMatch(/notifications_status/);
    expect(plan("n.kind = 'inactivity'")).toMatch(/notifications_kind/);
    for (const w of ['1', 'n.client_id = 1', "n.status = 'failed'", "n.kind = 'inactivity'"])
      expect(plan(w)).not.toMatch(/TEMP B-TREE/);
  });

  it('migrates a log written before kinds existed', () => {
    const dir = tempDir();
    const file = path.join(dir, 'ledger.sqlite');
    // The migrations up to 0002 (the profiles issue), as a database of that time had them.
    const old = path.join(dir, 'drizzle');
    fs.cpSync(path.resolve(__dirname, '../../../drizzle'), old, { recursive: true });
    const journal = JSON.parse(fs.readFileSync(path.join(old, 'meta/_journal.json'), 'utf8')) as {
      entries: { tag: string }[];
    };
    journal.entries = journal.entries.filter(
      (e) => e.tag.startsWith('0000') || e.tag.startsWith('0001') || e.tag.startsWith('0002'),
    );
    fs.writeFileSync(path.join(old, 'meta/_journal.json'), JSON.stringify(journal));
    const sqlite = openDb({ file, migrationsFolder: old }).$client;
    sqlite.prepare(`INSERT INTO resellers (id, name, email, created_at) VALUES (1, 'R', 'r@x.test', 0)`).run();
    sqlite
      .prepare(
        `INSERT INTO clients (id, reseller_id, external_ref, ref_key, name, name_key, billing_email, currency, status, created_at) VALUES (1, 1, 'C', 'c', 'C', 'c', 'c@x.test', 'USD', 'active', 0)`,
      )
      .run();
    for (const rule of ['staff', 'client', 'inactivity']) {
      sqlite
        .prepare(
          `INSERT INTO notifications (client_id, profile_name, rule, decided_at, status, reason, available, threshold, currency, seq, max_qty, subject) VALUES (1, 'P', ?, 0, 'queued', 'r', 1, 2, 'USD', 1, 1, 's')`,
        )
        .run(rule);
    }
    sqlite.close();
    const raw = new Database(file);
    expect(raw.prepare(`SELECT count(*) FROM __drizzle_migrations`).pluck().get()).toBe(3);
    raw.close();
    const after = open({ file, inMemory: false });
    expect(after.db.$client.prepare(`SELECT rule, kind FROM notifications ORDER BY id`).all()).toEqual([
      { rule: 'staff', kind: 'low_balance_staff' },
      { rule: 'client', kind: 'low_balance_client' },
      { rule: 'inactivity', kind: 'inactivity' },
    ]);
  });
});
