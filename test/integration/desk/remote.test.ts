/**
 * A client desk against a real office server (src/main/host/office.ts) on 127.0.0.2: the probe, calls and
 * change events over TLS pinned to the certificate's fingerprint, a wrong pin refused before anything is
 * sent, and the server going away and coming back (same port, same data folder, same session).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../../src/shared/contracts';
import { serveOffice, type OfficeServer } from '../../../src/main/host/office';
import {
  fingerprintWords,
  normalFingerprint,
  officeUrl,
  probeOffice,
  RemoteDesk,
  type LiveStatus,
} from '../../../src/main/desk/remote';
import { tempDir, testCore, withClient, type TestCore } from '../../support/core';

const ADDRESS = '127.0.0.2';
const EMAIL = 'ana@acme.test';
const PASSWORD = 'a long admin passphrase';
const TOKEN = 'f'.repeat(64);

let dataDir: string;
let rendererDir: string;
let core: TestCore;
let server: OfficeServer;
let port: number;
let resellerId: number;
/** The channels the office server's core was asked for, in order (the real core, counted on the way in). */
let served: string[] = [];
const desks: RemoteDesk[] = [];

/** A core on the data folder whose every call is counted in `served`. */
function countedCore(): TestCore {
  const c = testCore({ dataDir, inMemory: false });
  const call = c.call.bind(c);
  c.call = (channel, input, opts) => {
    if (opts?.remote) served.push(channel);
    return call(channel, input, opts);
  };
  return c;
}

const start = () =>
  serveOffice({ core, dataDir, listen: ADDRESS, port: port ?? 0, token: TOKEN, rendererDir, log: () => {} });

function remote(fingerprint = server.fingerprint) {
  const d = new RemoteDesk({
    url: `https://${ADDRESS}:${port}/`,
    fingerprint,
    deskName: 'Front desk',
    backoff: { firstMs: 50, maxMs: 200 },
  });
  desks.push(d);
  return d;
}

/** Resolves when `check` holds, polling every 10 ms; fails after `ms`. */
async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  dataDir = tempDir('bd-office-');
  rendererDir = tempDir('bd-renderer-');
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
  core = countedCore();
  const { reseller } = await withClient(core);
  resellerId = reseller.id;
  const admin = await core.ok('staff.create', { resellerId, name: 'Ana Admin', email: EMAIL, role: 'admin' });
  await core.ok('staff.setPassword', { id: admin.id, password: PASSWORD });
  server = await start();
  port = server.port;
});

afterAll(async () => {
  for (const d of desks) d.close();
  await server?.close();
  core?.close();
});

describe('officeUrl: what a person types', () => {
  it('takes an address, a name, a port and https://, with 47111 unless told', () => {
    expect(officeUrl('192.168.1.5')).toEqual({ ok: true, value: 'https://192.168.1.5:47111/' });
    expect(officeUrl(' 192.168.1.5:47200 ')).toEqual({ ok: true, value: 'https://192.168.1.5:47200/' });
    expect(officeUrl('office.local')).toEqual({ ok: true, value: 'https://office.local:47111/' });
    expect(officeUrl('https://Office.Local:9000/')).toEqual({ ok: true, value: 'https://office.local:9000/' });
    expect(officeUrl('fe80::1')).toEqual({ ok: true, value: 'https://[fe80::1]:47111/' });
    for (const bad of ['', 'http://office.local', 'office.local/rpc', 'a b', 'https://u:p@office.local'])
      expect(officeUrl(bad), bad).toMatchObject({ ok: false, error: { kind: 'validation', field: 'address' } });
  });

  it('writes a fingerprint in groups of four for reading aloud', () => {
    expect(fingerprintWords('ab:cd:01:23:45:67')).toBe('ABCD 0123 4567');
    expect(normalFingerprint('abcd 0123')).toBe('AB:CD:01:23');
  });
});

describe('a client desk and the office server', () => {
  let desk: RemoteDesk;
  let session: string;
  const statuses: LiveStatus[] = [];
  const events: ChangeEvent[] = [];

  it('probes the server: its URL, the fingerprint it presents, its version', async () => {
    const r = await probeOffice(`${ADDRESS}:${port}`);
    expect(r).toEqual({
      ok: true,
      value: { url: `https://${ADDRESS}:${port}/`, fingerprint: server.fingerprint, version: expect.any(String) },
    });
    expect(served).toEqual([]); // /office/hello is not a call
  });

  it('says in words when nothing answers, or what answers is not an office server', async () => {
    const closed = await probeOffice(`${ADDRESS}:1`);
    expect(closed).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
    expect(!closed.ok && closed.error.message).toMatch(/cannot reach the office server at 127\.0\.0\.2:1: .*refused/);
    expect(await probeOffice('no-such-office.invalid')).toMatchObject({
      ok: false,
      error: { kind: 'unavailable', message: expect.stringContaining('no computer called no-such-office.invalid') },
    });
  });

  it('signs in, calls a channel, and hears a change made by another caller within a second', async () => {
    desk = remote();
    desk.onChange(
      (e) => events.push(e),
      (s) => statuses.push(s),
    );
    const r = await desk.call('session.signIn', { email: EMAIL, password: PASSWORD }, { session: null });
    expect(r).toMatchObject({ ok: true, value: { token: expect.any(String), staff: { email: EMAIL } } });
    session = (r as { value: { token: string } }).value.token;
    expect(desk.currentSession).toBe(session);

    const list = await desk.call('clients.list', {}, { session });
    expect(list).toMatchObject({ ok: true });
    // The server knows which desk it is, and where from (this process's loopback source address).
    const desks = await core.ok('office.desks', {});
    expect(desks.desks).toEqual([expect.objectContaining({ desk: 'Front desk', address: '127.0.0.1' })]);

    await until(() => statuses.at(-1) === 'live', 'the stream to be live');
    const at = Date.now();
    await core.ok('clients.create', {
      resellerId,
      externalRef: 'C-200',
      name: 'Red Owl Ltd',
      billingEmail: 'ap@redowl.test',
      currency: 'USD',
    });
    await until(() => events.some((e) => e.topic === 'clients'), 'the clients change', 1000);
    expect(Date.now() - at).toBeLessThan(1000);
  });

  it('refuses a server whose certificate is not the pinned one, before sending anything', async () => {
    const wrong = 'AB:'.repeat(31) + 'AB';
    const bad = remote(wrong);
    served = [];
    const clients = (await core.ok('clients.list', {})).total;

    const r = await bad.call('session.signIn', { email: EMAIL, password: PASSWORD }, { session: null });
    expect(r).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    const message = !r.ok ? r.error.message : '';
    expect(message).toContain(`the office server at ${ADDRESS}:${port} presented a different certificate`);
    expect(message).toContain(`fingerprint ${server.fingerprint}, expected ${wrong}`);
    expect(message).toContain('Ask your admin before trusting the new one.');

    // Even with a good session, nothing reaches the server: no call, no client.
    const post = await bad.call(
      'clients.create',
      { resellerId, externalRef: 'C-666', name: 'Evil', billingEmail: 'x@evil.test', currency: 'USD' },
      { session },
    );
    expect(post).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    const badStatus: LiveStatus[] = [];
    bad.onChange(
      () => {},
      (s) => badStatus.push(s),
    );
    await until(() => badStatus.includes('reconnecting'), 'the pinned stream to be refused');
    await new Promise((r) => setTimeout(r, 150));
    expect(badStatus).not.toContain('live');
    expect(served).toEqual([]);
    expect((await core.ok('clients.list', {})).total).toBe(clients);
    bad.close();
  });

  it('answers unavailable at once while the server is down, and resumes when it is back', async () => {
    await server.close();
    core.close();
    await until(() => statuses.at(-1) === 'reconnecting', 'the stream to report reconnecting');

    const at = Date.now();
    const down = await desk.call('clients.list', {}, { session });
    expect(Date.now() - at).toBeLessThan(1000);
    expect(down).toMatchObject({
      ok: false,
      error: {
        kind: 'unavailable',
        message: expect.stringMatching(/^cannot reach the office server at 127\.0\.0\.2:\d+: /),
      },
    });

    // Again on the same port and data folder: the same certificate, the same session (kept in SQLite).
    core = countedCore();
    server = await start();
    expect(server.port).toBe(port);
    await until(() => statuses.at(-1) === 'live', 'the stream to be live again');
    expect(await desk.call('clients.list', {}, { session })).toMatchObject({ ok: true, value: { total: 2 } });

    const before = events.length;
    await core.ok('clients.update', { id: 1, name: 'Blue Fox Limited' });
    await until(() => events.length > before, 'a change after the restart', 1000);
  });

  it('follows the session: a sign-out stops the stream, a call without one is refused by the server', async () => {
    expect(await desk.call('session.signOut', {}, { session })).toMatchObject({ ok: true });
    expect(desk.currentSession).toBeNull();
    expect(await desk.call('clients.list', {}, { session })).toMatchObject({
      ok: false,
      error: { kind: 'unauthorized' },
    });
  });
});
