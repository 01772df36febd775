/**
 * Signing in (issue 7): staff passwords hashed with scrypt, sessions for windows and the host, and the
 * rules that keep an admin able to sign in. A call "from a window or the host" carries the `session` key
 * (null when it has none); in-process callers (tests, the demo) do not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../../src/main/headless';
import { SESSION_IDLE_MS } from '../../../src/main/core/session/sessions';
import { checksum } from '../../support/checksum';
import { tempDir, testCore, withClient, type TestCore } from '../../support/core';

const ADMIN_PW = 'correct horse battery';
const OP_PW = 'operator passphrase 1';

let core: TestCore;
let admin: { id: number };
let operator: { id: number };
let clientId: number;

/** A call as a window makes it: with the session token, or null. */
const as = (session: string | null, channel: string, input: unknown = {}) =>
  core.call(channel, input, { actor: 'desk', session });

async function signIn(email: string, password: string): Promise<string> {
  const r = await as(null, 'session.signIn', { email, password });
  if (!r.ok) throw new Error(`sign-in failed: ${r.error.message}`);
  return (r.value as { token: string }).token;
}

beforeEach(async () => {
  core = testCore();
  const { reseller, client } = await withClient(core);
  clientId = client.id;
  admin = await core.ok('staff.create', {
    resellerId: reseller.id,
    name: 'Ana Admin',
    email: 'ana@acme.test',
    role: 'admin',
  });
  operator = await core.ok('staff.create', {
    resellerId: reseller.id,
    name: 'Oli Operator',
    email: 'oli@acme.test',
    role: 'operator',
  });
});

describe('before any password', () => {
  it('the desk is an admin, and says sign-in is off', async () => {
    const r = await as(null, 'session.get');
    expect(r).toMatchObject({ ok: true, value: { required: false, staff: null, role: 'admin', actor: 'desk' } });
    expect((r as { value: { channels: string[] } }).value.channels).toContain('staff.setPassword');
    expect((await as(null, 'ledger.post', { clientId, kind: 'adjustment', amount: 100, description: 'x' })).ok).toBe(
      true,
    );
  });

  it('the first password must be an active admin’s; a refusal changes nothing', async () => {
    const before = checksum(core.db);
    expect(await core.call('staff.setPassword', { id: operator.id, password: OP_PW })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', field: 'id', message: expect.stringContaining('admin') },
    });
    expect(await core.call('staff.setPassword', { id: admin.id, password: 'short' })).toMatchObject({
      ok: false,
      error: { kind: 'validation', field: 'password', message: expect.stringContaining('10 characters') },
    });
    expect(checksum(core.db)).toBe(before);
    expect(
      (await as(null, 'session.get')).ok &&
        ((await as(null, 'session.get')) as { value: { required: boolean } }).value.required,
    ).toBe(false);
  });
});

describe('once an admin has a password', () => {
  beforeEach(async () => {
    await core.ok('staff.setPassword', { id: admin.id, password: ADMIN_PW });
    await core.ok('staff.setPassword', { id: operator.id, password: OP_PW });
  });

  it('stores only a scrypt hash: no password in the database, the audit log or any answer', async () => {
    const rows = core.db.$client
      .prepare('SELECT password_hash FROM staff_users WHERE password_hash IS NOT NULL')
      .pluck()
      .all() as string[];
    expect(rows).toHaveLength(2);
    for (const h of rows) expect(h).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(rows[0]).not.toBe(rows[1]);
    const everything =
      JSON.stringify(core.db.$client.prepare('SELECT * FROM audit_log').all()) +
      JSON.stringify(await core.ok('staff.list', {}));
    expect(everything).not.toContain(ADMIN_PW);
    expect(everything).not.toContain('password_hash');
    expect(await core.ok('staff.list', {})).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: admin.id, signsIn: true })]),
    );
  });

  it('a window without a session reaches only what is open before sign-in', async () => {
    const before = checksum(core.db);
    expect(await as(null, 'clients.list', {})).toMatchObject({
      ok: false,
      error: { kind: 'unauthorized', message: expect.stringContaining('sign in') },
    });
    expect(
      await as(null, 'ledger.post', { clientId, kind: 'adjustment', amount: 100, description: 'x' }),
    ).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    expect(checksum(core.db)).toBe(before);
    expect((await as(null, 'app.info')).ok).toBe(true);
    const s = await as(null, 'session.get');
    expect(s).toMatchObject({ ok: true, value: { required: true, staff: null, role: null, actor: null } });
    expect((s as { value: { channels: string[] } }).value.channels.sort()).toEqual([
      'app.info',
      'session.get',
      'session.signIn',
      'session.signOut',
    ]);
    // In-process callers (the demo, the scheduler's tests) are not windows: they stay trusted.
    expect((await core.call('clients.list', {})).ok).toBe(true);
  });

  it('signs in by email (any case) and password; calls then act as that staff member with their role', async () => {
    const token = await signIn('OLI@acme.test', OP_PW);
    expect(token).toMatch(/^[a-f0-9]{64}$/);
    expect(await as(token, 'session.get')).toMatchObject({
      ok: true,
      value: { required: true, role: 'operator', actor: 'Oli Operator <oli@acme.test>', staff: { id: operator.id } },
    });
    const post = await as(token, 'ledger.post', { clientId, kind: 'adjustment', amount: 250, description: 'goodwill' });
    expect(post).toMatchObject({ ok: true, value: { entry: { actor: 'Oli Operator <oli@acme.test>' } } });
    const audit = core.db.$client
      .prepare("SELECT actor, action FROM audit_log WHERE action = 'ledger.adjustment'")
      .all();
    expect(audit).toEqual([{ actor: 'Oli Operator <oli@acme.test>', action: 'ledger.adjustment' }]);
    expect(await as(token, 'mail.set', { outbox: true })).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    const channels = ((await as(token, 'session.get')) as { value: { channels: string[] } }).value.channels;
    expect(channels).toContain('charges.retry');
    expect(channels).not.toContain('staff.setPassword');
    // Sign-ins are in the audit log, under the staff member.
    expect(
      core.db.$client.prepare("SELECT subject_id FROM audit_log WHERE action = 'session.signIn'").pluck().all(),
    ).toEqual([operator.id]);
  });

  it('a wrong email or password gets one answer naming the password; five lock the email for 5 minutes', async () => {
    for (const [email, password] of [
      ['nobody@acme.test', ADMIN_PW],
      ['ana@acme.test', 'wrong password'],
    ]) {
      expect(await as(null, 'session.signIn', { email, password })).toEqual({
        ok: false,
        error: { kind: 'unauthorized', message: 'the email or password is wrong', field: 'password' },
      });
    }
    for (let i = 0; i < 4; i++) await as(null, 'session.signIn', { email: 'ana@acme.test', password: `guess ${i}` });
    const locked = await as(null, 'session.signIn', { email: 'ana@acme.test', password: ADMIN_PW });
    expect(locked).toMatchObject({
      ok: false,
      error: { kind: 'unauthorized', field: 'password', message: expect.stringContaining('too many wrong passwords') },
    });
    // Another email is not locked by it.
    expect(await signIn('oli@acme.test', OP_PW)).toMatch(/^[a-f0-9]{64}$/);
    core.testClock.advance(5 * 60_000 + 1);
    expect(await signIn('ana@acme.test', ADMIN_PW)).toMatch(/^[a-f0-9]{64}$/);
  });

  it('a session ends at sign-out, after 12 idle hours, when its user is deactivated, and when its password is changed', async () => {
    const t1 = await signIn('oli@acme.test', OP_PW);
    expect(await as(t1, 'session.signOut')).toEqual({ ok: true, value: { signedOut: true } });
    expect(await as(t1, 'clients.list', {})).toMatchObject({
      ok: false,
      error: { kind: 'unauthorized', message: expect.stringContaining('sign in again') },
    });

    const t2 = await signIn('oli@acme.test', OP_PW);
    core.testClock.advance(SESSION_IDLE_MS - 1000);
    expect((await as(t2, 'clients.list', {})).ok).toBe(true); // a call keeps it alive
    core.testClock.advance(SESSION_IDLE_MS - 1000);
    expect((await as(t2, 'clients.list', {})).ok).toBe(true);
    core.testClock.advance(SESSION_IDLE_MS + 1);
    expect(await as(t2, 'clients.list', {})).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });

    const t3 = await signIn('oli@acme.test', OP_PW);
    const adminToken = await signIn('ana@acme.test', ADMIN_PW);
    expect((await as(adminToken, 'staff.update', { id: operator.id, active: false })).ok).toBe(true);
    expect(await as(t3, 'clients.list', {})).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    expect(await as(null, 'session.signIn', { email: 'oli@acme.test', password: OP_PW })).toMatchObject({
      ok: false,
      error: { kind: 'unauthorized' },
    });

    // An admin who changes their own password keeps this session; their others end.
    const other = await signIn('ana@acme.test', ADMIN_PW);
    expect((await as(adminToken, 'staff.setPassword', { id: admin.id, password: 'a newer admin passphrase' })).ok).toBe(
      true,
    );
    expect((await as(adminToken, 'clients.list', {})).ok).toBe(true);
    expect(await as(other, 'clients.list', {})).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
  });

  it('a role changed takes effect at the next call', async () => {
    const t = await signIn('oli@acme.test', OP_PW);
    expect((await as(t, 'ledger.post', { clientId, kind: 'adjustment', amount: 1, description: 'x' })).ok).toBe(true);
    await core.ok('staff.update', { id: operator.id, role: 'viewer' });
    expect(await as(t, 'ledger.post', { clientId, kind: 'adjustment', amount: 1, description: 'x' })).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
  });

  it('an admin stays able to sign in: the last one cannot be demoted, deactivated or lose the password', async () => {
    const before = checksum(core.db);
    expect(await core.call('staff.update', { id: admin.id, role: 'operator' })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', field: 'role' },
    });
    expect(await core.call('staff.update', { id: admin.id, active: false })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', field: 'active' },
    });
    expect(await core.call('staff.setPassword', { id: admin.id, password: null })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', field: 'id' },
    });
    expect(checksum(core.db)).toBe(before);
    // Once no one else signs in, removing the last password turns sign-in off again.
    await core.ok('staff.setPassword', { id: operator.id, password: null });
    await core.ok('staff.setPassword', { id: admin.id, password: null });
    expect(await as(null, 'session.get')).toMatchObject({ ok: true, value: { required: false, role: 'admin' } });
  });

  it('one email signs in as one staff user', async () => {
    const other = await core.ok('resellers.create', { name: 'Other Reseller' });
    const twin = await core.ok('staff.create', {
      resellerId: other.id,
      name: 'Ana Twin',
      email: 'ANA@acme.test',
      role: 'admin',
    });
    expect(await core.call('staff.setPassword', { id: twin.id, password: 'yet another passphrase' })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', field: 'id', message: expect.stringContaining('ana@acme.test already signs in') },
    });
  });

  it('changes one’s own password with the current one', async () => {
    const t = await signIn('oli@acme.test', OP_PW);
    const other = await signIn('oli@acme.test', OP_PW);
    expect(
      await as(t, 'session.changePassword', { current: 'not it at all', next: 'a fresh passphrase' }),
    ).toMatchObject({ ok: false, error: { kind: 'validation', field: 'current' } });
    expect(await as(t, 'session.changePassword', { current: OP_PW, next: 'short' })).toMatchObject({
      ok: false,
      error: { kind: 'validation', field: 'next' },
    });
    expect((await as(t, 'session.changePassword', { current: OP_PW, next: 'a fresh passphrase' })).ok).toBe(true);
    expect((await as(t, 'clients.list', {})).ok).toBe(true);
    expect(await as(other, 'clients.list', {})).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    expect(await as(null, 'session.signIn', { email: 'oli@acme.test', password: OP_PW })).toMatchObject({ ok: false });
    expect(await signIn('oli@acme.test', 'a fresh passphrase')).toMatch(/^[a-f0-9]{64}$/);
    // Without a session there is no "own" password.
    expect(await core.call('session.changePassword', { current: OP_PW, next: 'whatever passphrase' })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', field: 'current' },
    });
  });
});

describe('the headless host', () => {
  let host: Host;
  afterAll(async () => host?.close());

  it('once sign-in is on, the token alone is not enough: a session header is', async () => {
    const dataDir = tempDir();
    const rendererDir = tempDir('bd-renderer-');
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
    host = await startHost({ dataDir, port: 0, rendererDir, tickMs: 0 });
    const rpc = async (channel: string, body: unknown, session?: string) => {
      const res = await fetch(`${host.url}rpc/${channel}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${host.token}`,
          'content-type': 'application/json',
          ...(session ? { 'x-balance-desk-session': session } : {}),
        },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as { ok: boolean; value?: { token: string }; error?: { kind: string } },
      };
    };
    const reseller = (await rpc('resellers.create', { name: 'Acme' })).body.value as unknown as { id: number };
    const ana = (
      await rpc('staff.create', { resellerId: reseller.id, name: 'Ana', email: 'ana@acme.test', role: 'admin' })
    ).body.value as unknown as { id: number };
    expect((await rpc('staff.setPassword', { id: ana.id, password: ADMIN_PW })).status).toBe(200);
    expect(await rpc('clients.list', {})).toMatchObject({
      status: 401,
      body: { ok: false, error: { kind: 'unauthorized' } },
    });
    expect(await rpc('session.signIn', { email: 'ana@acme.test', password: 'nope nope nope' })).toMatchObject({
      status: 401,
    });
    // The hash (about a second at the real cost) runs off the event loop: other calls answer meanwhile.
    const order: string[] = [];
    const slow = rpc('session.signIn', { email: 'ana@acme.test', password: ADMIN_PW }).then(
      (r) => (order.push('signIn'), r),
    );
    await new Promise((r) => setTimeout(r, 20));
    await rpc('app.info', {}).then(() => order.push('app.info'));
    const signIn = await slow;
    expect(order).toEqual(['app.info', 'signIn']);
    expect(signIn.status).toBe(200);
    const token = signIn.body.value!.token;
    expect(await rpc('clients.list', {}, token)).toMatchObject({ status: 200, body: { ok: true } });
    expect(await rpc('clients.list', {}, 'f'.repeat(64))).toMatchObject({ status: 401 });
    // A finished export downloads only with a session too.
    const started = (await rpc('notifications.export', { format: 'csv' }, token)).body.value as unknown as {
      id: string;
      downloadPath: string | null;
    };
    let state = started as { id: string; state?: string; downloadPath: string | null };
    for (let i = 0; i < 100 && state.state !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = (await rpc('exports.status', { id: started.id }, token)).body.value as unknown as typeof state;
    }
    expect(state.downloadPath).toBeTruthy();
    const download = (extra: string) =>
      fetch(`${host.url}${state.downloadPath!.replace(/^\//, '')}?token=${host.token}${extra}`);
    expect((await download('')).status).toBe(401);
    expect((await download(`&session=${'0'.repeat(64)}`)).status).toBe(401);
    const ok = await download(`&session=${token}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('id,decided_at,kind,status');

    // The real cost: 2^17.
    const hash = host.core.db.$client
      .prepare('SELECT password_hash FROM staff_users WHERE id = ?')
      .pluck()
      .get(ana.id) as string;
    expect(hash.startsWith('scrypt$131072$8$1$')).toBe(true);
  });
});
