/**
 * The office server (issue 17): the ledger shared over TLS on an office address (127.0.0.2 here), where
 * every caller signs in. Real TLS, a real SQLite data folder, the host restarted on it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { contracts } from '../../../src/shared/contracts';
import { parseServeArgs, startHost, type Host } from '../../../src/main/headless';
import { fingerprintOf } from '../../../src/main/host/office';
import { tempDir } from '../../support/core';
import { httpsRequest, officeLedger, officeRpc, OFFICE_PASSWORD } from '../../support/office';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

function renderer(): string {
  const dir = tempDir('bd-renderer-');
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><head></head><body>desk</body></html>');
  return dir;
}

async function office(dataDir: string, port = 0, officePort = 0): Promise<{ host: Host; base: string }> {
  const host = await startHost({
    dataDir,
    port,
    rendererDir: renderer(),
    tickMs: 0,
    office: { listen: '127.0.0.2', port: officePort },
  });
  hosts.push(host);
  return { host, base: host.office!.urls[0] };
}

const desk = (session: string, name = 'Front desk') => ({
  'x-balance-desk-session': session,
  'x-balance-desk-desk': name,
});

async function signIn(base: string, email = 'ana@acme.test', name = 'Front desk'): Promise<string> {
  const r = await officeRpc(
    base,
    'session.signIn',
    { email, password: OFFICE_PASSWORD },
    { 'x-balance-desk-desk': name },
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body.value as unknown as { token: string }).token;
}

/** Opens /events and collects the change frames until closed. */
function stream(url: string) {
  const frames: string[] = [];
  let status = 0;
  let close = () => {};
  const ready = new Promise<number>((resolve, reject) => {
    const req = https.get(url, { rejectUnauthorized: false, agent: false }, (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (c: string) => frames.push(...c.split('\n').filter((l) => l.startsWith('data: '))));
      resolve(status);
    });
    req.on('error', reject);
    close = () => req.destroy();
  });
  return { frames, ready, close: () => close() };
}

const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return cond();
};

describe('the office server', () => {
  it('refuses to share a ledger until an admin has a password, saying so', async () => {
    const dataDir = tempDir();
    await expect(
      startHost({ dataDir, port: 0, rendererDir: renderer(), tickMs: 0, office: { listen: '127.0.0.2', port: 0 } }),
    ).rejects.toThrow(/cannot be shared with the office yet: an admin needs a password first/);
    // Nothing is left listening: the plain host starts again on the same folder.
    const plain = await startHost({ dataDir, port: 0, rendererDir: renderer(), tickMs: 0 });
    hosts.push(plain);
    expect(plain.office).toBeNull();
  });

  it('serves TLS with a certificate made once and kept; its fingerprint is the one shown', async () => {
    const { dataDir } = await officeLedger();
    const { host, base } = await office(dataDir);
    expect(base).toMatch(/^https:\/\/127\.0\.0\.2:\d+\/$/);
    const pem = fs.readFileSync(path.join(dataDir, 'office', 'cert.pem'), 'utf8');
    expect(host.office!.fingerprint).toBe(fingerprintOf(pem));
    expect(host.office!.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const hello = await httpsRequest(`${base}office/hello`);
    expect(hello.fingerprint).toBe(host.office!.fingerprint);
    expect(JSON.parse(hello.body)).toEqual({ product: 'Balance Desk', version: expect.any(String), signIn: true });
    // The key is readable by its owner only.
    expect(fs.statSync(path.join(dataDir, 'office', 'key.pem')).mode & 0o077).toBe(0);
    // office.get tells the desks' admin the same.
    const token = await signIn(base);
    expect((await officeRpc(base, 'office.get', {}, desk(token))).body.value).toEqual({
      sharing: true,
      canShare: false,
      urls: [base],
      fingerprint: host.office!.fingerprint,
      certificate: 'self-signed',
      blocked: null,
    });
    // Restarted, the same certificate.
    await host.close();
    hosts.splice(hosts.indexOf(host), 1);
    const again = await office(dataDir);
    expect(again.host.office!.fingerprint).toBe(fingerprintOf(pem));
    // Plain HTTP is not spoken there.
    await expect(fetch(again.base.replace('https:', 'http:') + 'office/hello')).rejects.toThrow();
  });

  it('takes the office’s own PEM files instead, and refuses half a pair or a broken one', async () => {
    const { dataDir } = await officeLedger();
    const { host } = await office(dataDir);
    const own = tempDir();
    const cert = path.join(own, 'cert.pem');
    const key = path.join(own, 'key.pem');
    fs.copyFileSync(path.join(dataDir, 'office', 'cert.pem'), cert);
    fs.copyFileSync(path.join(dataDir, 'office', 'key.pem'), key);
    const fp = host.office!.fingerprint;
    await host.close();
    hosts.splice(0);
    const other = (await officeLedger()).dataDir;
    const provided = await startHost({
      dataDir: other,
      port: 0,
      rendererDir: renderer(),
      tickMs: 0,
      office: { listen: '127.0.0.2', port: 0, certFile: cert, keyFile: key },
    });
    hosts.push(provided);
    expect(provided.office).toMatchObject({ fingerprint: fp, certificate: 'provided' });
    expect(fs.existsSync(path.join(other, 'office'))).toBe(false);
    const broken = path.join(own, 'broken.pem');
    fs.writeFileSync(broken, 'not a certificate');
    const start = (o: object) =>
      startHost({
        dataDir: other,
        port: 0,
        rendererDir: renderer(),
        tickMs: 0,
        office: { listen: '127.0.0.2', port: 0, ...o },
      });
    await provided.close();
    hosts.splice(0);
    await expect(start({ certFile: cert })).rejects.toThrow('give both --cert FILE and --key FILE');
    await expect(start({ certFile: broken, keyFile: key })).rejects.toThrow('is not valid PEM');
    await expect(start({ certFile: path.join(own, 'none.pem'), keyFile: key })).rejects.toThrow(
      'cannot read the certificate',
    );
  });

  it('without a session every data channel and /events answer 401; the host token is never enough', async () => {
    const { dataDir } = await officeLedger();
    const { host, base } = await office(dataDir);
    const bearer = { authorization: `Bearer ${host.token}` };
    for (const c of contracts) {
      if (!host.core.registry.has(c.name)) continue;
      const r = await officeRpc(base, c.name, {}, bearer);
      if (c.signedOut) expect(r.status, c.name).not.toBe(401);
      else
        expect({ channel: c.name, status: r.status, kind: r.body.error?.kind }).toEqual({
          channel: c.name,
          status: 401,
          kind: 'unauthorized',
        });
    }
    // Before sign-in only the signed-out channels answer, and as nobody.
    expect((await officeRpc(base, 'session.get', {}, bearer)).body.value).toMatchObject({ required: true, role: null });
    const events = await httpsRequest(`${base}events?token=${host.token}`);
    expect(events.status).toBe(401);
    expect(JSON.parse(events.body).error.message).toMatch(/needs a valid session/);
    expect((await httpsRequest(`${base}events?session=${'f'.repeat(64)}`)).status).toBe(401);
    // The page served to the office network carries no host token.
    const page = await httpsRequest(base);
    expect(page.body).toContain('<meta name="balance-desk-token" content="" />');
    expect(page.body).not.toContain(host.token);
    // On loopback the token still reaches the page (this machine), and /events wants a session now too.
    const local = await fetch(host.url).then((r) => r.text());
    expect(local).toContain(host.token);
    expect((await fetch(`${host.url}events?token=${host.token}`)).status).toBe(401);
  });

  it('answers only to its own names: a foreign Host or Origin is refused', async () => {
    const { dataDir } = await officeLedger();
    const { base } = await office(dataDir);
    const port = new URL(base).port;
    const hello = (headers: Record<string, string>) => httpsRequest(`${base}office/hello`, { headers });
    expect((await hello({})).status).toBe(200);
    expect((await hello({ host: `127.0.0.2:${port}` })).status).toBe(200);
    const rebinding = await hello({ host: `evil.example:${port}` });
    expect(rebinding.status).toBe(403);
    expect(JSON.parse(rebinding.body).error.message).toContain(`127.0.0.2:${port}`);
    expect((await hello({ host: `127.0.0.1:${port}` })).status).toBe(403);
    expect((await hello({ origin: `https://127.0.0.2:${port}` })).status).toBe(200);
    expect((await hello({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await hello({ origin: `http://127.0.0.2:${port}` })).status).toBe(403);
    const post = await officeRpc(
      base,
      'session.signIn',
      { email: 'ana@acme.test', password: OFFICE_PASSWORD },
      {
        origin: 'https://evil.example',
      },
    );
    expect(post.status).toBe(403);
  });

  it('signs desks in with their name and address, lists them, audits what they do, and signs one out', async () => {
    const { dataDir, clientId } = await officeLedger();
    const { host, base } = await office(dataDir);
    const ana = await signIn(base, 'ana@acme.test', 'Front desk');
    const oli = await signIn(base, 'oli@acme.test', 'Back office');
    const post = await officeRpc(
      base,
      'ledger.post',
      { clientId, kind: 'top_up', amount: 2500, description: 'cash' },
      desk(oli, 'Back office'),
    );
    expect(post.status).toBe(200);
    const audit = host.core.db.$client
      .prepare("SELECT actor, desk FROM audit_log WHERE action = 'ledger.top_up'")
      .get() as { actor: string; desk: string };
    expect(audit).toEqual({
      actor: 'Oli Operator <oli@acme.test>',
      desk: expect.stringMatching(/^Back office \(127\.0\.0\.\d+\)$/),
    });
    // Role checks as on one desk: the operator changes no settings.
    expect((await officeRpc(base, 'office.desks', {}, desk(oli))).status).toBe(403);
    const desks = (await officeRpc(base, 'office.desks', {}, desk(ana))).body.value as unknown as {
      desks: { id: string; staff: string; desk: string; address: string; current: boolean }[];
    };
    expect(desks.desks.map((d) => [d.staff, d.desk, d.current]).sort()).toEqual([
      ['Ana Admin <ana@acme.test>', 'Front desk', true],
      ['Oli Operator <oli@acme.test>', 'Back office', false],
    ]);
    expect(desks.desks[0].address).toMatch(/^127\.0\.0\.\d+$/);
    // Oli's stream is open; signing his desk out ends it and his calls.
    const s = stream(`${base}events?session=${oli}`);
    expect(await s.ready).toBe(200);
    const other = desks.desks.find((d) => !d.current)!;
    expect((await officeRpc(base, 'office.signOutDesk', { id: other.id }, desk(ana))).body).toEqual({
      ok: true,
      value: { signedOut: true },
    });
    expect((await officeRpc(base, 'clients.list', {}, desk(oli))).status).toBe(401);
    expect((await officeRpc(base, 'office.signOutDesk', { id: other.id }, desk(ana))).body.error).toMatchObject({
      kind: 'not_found',
      field: 'id',
    });
    expect(
      host.core.db.$client.prepare("SELECT count(*) FROM audit_log WHERE action = 'office.signOutDesk'").pluck().get(),
    ).toBe(1);
    s.close();
  });

  it('throttles wrong passwords per email and per address, and audits each', async () => {
    const { dataDir } = await officeLedger();
    const { host, base } = await office(dataDir);
    const wrong = (email: string) =>
      officeRpc(base, 'session.signIn', { email, password: 'not the password' }, { 'x-balance-desk-desk': 'Kiosk' });
    for (let i = 0; i < 5; i++)
      expect((await wrong('ana@acme.test')).body.error!.message).toBe('the email or password is wrong');
    // The sixth is refused without a check, even with the right password.
    const locked = await officeRpc(base, 'session.signIn', { email: 'ana@acme.test', password: OFFICE_PASSWORD });
    expect(locked.body.error!.message).toMatch(/too many wrong passwords for ana@acme.test or from this address/);
    // Another email from the same address: five more lock the address for everyone on it.
    for (let i = 0; i < 5; i++) await wrong('oli@acme.test');
    const vic = await officeRpc(base, 'session.signIn', { email: 'vic@acme.test', password: OFFICE_PASSWORD });
    expect(vic.status).toBe(401);
    expect(vic.body.error!.message).toMatch(/too many wrong passwords/);
    // On this machine (loopback, no address) Vic still signs in.
    const local = await host.core.call(
      'session.signIn',
      { email: 'vic@acme.test', password: OFFICE_PASSWORD },
      { session: null },
    );
    expect(local.ok).toBe(true);
    const failed = host.core.db.$client
      .prepare("SELECT detail, desk FROM audit_log WHERE action = 'session.signInFailed' ORDER BY id")
      .all() as { detail: string; desk: string }[];
    expect(failed).toHaveLength(10);
    expect(JSON.parse(failed[0].detail)).toEqual({ email: 'ana@acme.test' });
    expect(failed[0].desk).toMatch(/^Kiosk \(127\.0\.0\.\d+\)$/);
  });

  it('an export started at a desk is downloaded by that desk and not kept on the server', async () => {
    const { dataDir } = await officeLedger();
    const { base } = await office(dataDir);
    const ana = await signIn(base);
    const started = (await officeRpc(base, 'audit.export', { format: 'csv' }, desk(ana))).body.value as unknown as {
      id: string;
    };
    let state: { state: string; downloadPath: string | null; path: string } | undefined;
    for (let i = 0; i < 100 && state?.state !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 30));
      state = (await officeRpc(base, 'exports.status', { id: started.id }, desk(ana))).body.value;
    }
    expect(state!.state).toBe('done');
    const url = `${base.replace(/\/$/, '')}${state!.downloadPath}`;
    expect((await httpsRequest(url)).status).toBe(401);
    const file = await httpsRequest(`${url}?session=${ana}`);
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="audit-log-.*\.csv"$/);
    expect(file.body).toContain('session.signIn');
    await until(() => !fs.existsSync(state!.path));
    expect(fs.existsSync(state!.path)).toBe(false);
    expect((await httpsRequest(`${url}?session=${ana}`)).status).toBe(404);
    expect((await officeRpc(base, 'exports.status', { id: started.id }, desk(ana))).body.value).toMatchObject({
      state: 'done',
      downloadPath: null,
    });
  });

  it('restarted on the same folder, it keeps the ledger and the desks’ sessions', async () => {
    const { dataDir, clientId } = await officeLedger();
    const first = await office(dataDir);
    const ana = await signIn(first.base);
    const s = stream(`${first.base}events?session=${ana}`);
    expect(await s.ready).toBe(200);
    expect(
      (
        await officeRpc(
          first.base,
          'ledger.post',
          { clientId, kind: 'top_up', amount: 1000, description: 'x' },
          desk(ana),
        )
      ).status,
    ).toBe(200);
    expect(await until(() => s.frames.some((f) => f.includes('"ledger"')))).toBe(true);
    s.close();
    const port = Number(new URL(first.base).port);
    await first.host.close();
    hosts.splice(0);
    await expect(httpsRequest(`${first.base}office/hello`)).rejects.toThrow();
    const second = await office(dataDir, 0, port);
    expect(second.base).toBe(first.base);
    const balance = await officeRpc(second.base, 'clients.get', { id: clientId }, desk(ana));
    expect(balance.status).toBe(200);
    expect(balance.body.value).toMatchObject({ balance: 1000 });
    const again = stream(`${second.base}events?session=${ana}`);
    expect(await again.ready).toBe(200);
    again.close();
  });
});

describe('npm run serve -- --office', () => {
  it('parses the office options and refuses office options without --office', () => {
    expect(
      parseServeArgs(['--office', '--listen', '192.168.1.5', '--office-port', '8443', '--name', 'Office.LAN']),
    ).toMatchObject({
      office: { listen: '192.168.1.5', port: 8443, names: ['office.lan'] },
    });
    expect(parseServeArgs(['--office']).office).toEqual({ listen: '0.0.0.0', port: 47111, names: [] });
    expect(parseServeArgs([]).office).toBeUndefined();
    expect(() => parseServeArgs(['--listen', '0.0.0.0'])).toThrow('--listen needs --office');
    expect(() => parseServeArgs(['--office', '--office-port', '70000'])).toThrow(
      '--office-port must be a whole number',
    );
    expect(() => parseServeArgs(['--office', '--name', 'bad name!'])).toThrow('is not a host name');
  });

  it('refuses a --listen that is not an address', async () => {
    const { dataDir } = await officeLedger();
    await expect(
      startHost({ dataDir, port: 0, rendererDir: renderer(), tickMs: 0, office: { listen: 'office.lan', port: 0 } }),
    ).rejects.toThrow('--listen must be an IP address');
  });
});

// A check of the test's own helper: a fingerprint is what the TLS socket saw.
it('httpsRequest reports the certificate it was shown', async () => {
  const { dataDir } = await officeLedger();
  const { host, base } = await office(dataDir);
  const r = await httpsRequest(`${base}office/hello`);
  const raw = await new Promise<string>((resolve) =>
    https.get(`${base}office/hello`, { rejectUnauthorized: false, agent: false }, (res) => {
      resolve(
        crypto
          .createHash('sha256')
          .update((res.socket as TLSSocket).getPeerCertificate().raw)
          .digest('hex'),
      );
      res.resume();
    }),
  );
  expect(r.fingerprint.replace(/:/g, '').toLowerCase()).toBe(raw);
  expect(host.office!.fingerprint).toBe(r.fingerprint);
});
