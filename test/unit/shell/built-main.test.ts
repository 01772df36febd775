/**
 * The desktop main process itself (src/main/index.ts, as built into out/main/index.js), started in plain
 * Node on a recording stand-in for `electron` (test/support/electron-standin/): no Electron binary can be
 * installed here, and the pure shell modules' tests cannot show that index.ts wires them together. Each
 * start is a real process on a temporary data folder, with the real core and the real renderer build.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CSP } from '../../../src/shared/csp';
import { channelNames, testClockChannels } from '../../../src/shared/contracts';
import { APP_URL } from '../../../src/main/shell/protocol';
import { startDesk, type Desk, type Rec } from '../../support/electron-standin/desk';
import { useTempDirs } from '../../support/temp-dirs';
import { testCore, withClient } from '../../support/core';
import { SANDBOX_API_KEY, startStripeServer, type StripeTestServer } from '../../support/stripe/server';

const root = path.resolve(__dirname, '../../..');
const tmp = useTempDirs('bd-desk-');
const desks: Desk[] = [];
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const d of desks.splice(0)) d.kill();
  for (const s of servers.splice(0)) await s.close();
});

/**
 * The Stripe sandbox behind a gate: while `hold` is on, a new PaymentIntent request waits (`held` resolves
 * when one arrives) until release(), so a test can act while the desk is in the middle of a charge.
 */
async function gatedStripe() {
  const sandbox: StripeTestServer = await startStripeServer();
  let hold = false;
  let arrived!: () => void;
  const held = new Promise<void>((r) => (arrived = r));
  let opened!: () => void;
  const gate = new Promise<void>((r) => (opened = r));
  const proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (hold && req.method === 'POST' && req.url?.startsWith('/v1/payment_intents')) {
        arrived();
        await gate;
      }
      const out = http.request(sandbox.url + req.url, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const server = {
    url,
    sandbox,
    held,
    hold: () => (hold = true),
    release: () => opened(),
    async close() {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
      await sandbox.close();
    },
  };
  servers.push(server);
  return server;
}

/** A desk on a fresh data folder and Electron user-data folder, started from a folder that is not the project. */
function desk(env: NodeJS.ProcessEnv = {}, args: string[] = []) {
  const dir = tmp();
  const dataDir = path.join(dir, 'data');
  const d = startDesk({
    args: ['--data-dir', dataDir, ...args],
    cwd: dir,
    env: { STANDIN_APP_PATH: root, STANDIN_USER_DATA: path.join(dir, 'user-data'), ...env },
  });
  desks.push(d);
  return { d, dir, dataDir };
}

const of = (d: Desk, type: string) => d.records.filter((r) => r.type === type);
const loaded = (d: Desk) => d.waitFor((r) => r.type === 'BrowserWindow.loadURL', 'the window loading its page');
type Envelope = { ok: true; value: unknown } | { ok: false; error: { kind: string; message: string } };

describe('the built desktop main process', () => {
  it('opens the ledger, answers every contract channel, guards the window and serves app:// with the CSP', async () => {
    const { d, dataDir } = desk();
    await loaded(d);
    expect(fs.existsSync(path.join(dataDir, 'ledger.sqlite'))).toBe(true);

    // One IPC handler carries every contract channel by name (the preload's allowlist is the contracts).
    expect(of(d, 'ipcMain.handle').map((r) => r.channel)).toEqual(['bd:invoke']);
    const info = await d.command<Envelope>({ cmd: 'invoke', channel: 'app.info', input: {}, frameUrl: APP_URL });
    expect(info).toMatchObject({ ok: true, value: { dataDir, host: 'desktop', demo: false } });
    // Each channel reaches its contract: input null is refused by its schema (nothing runs), never "no channel".
    // (The clock.* channels exist only on the end-to-end tests' host.)
    const desktopChannels = channelNames.filter((c) => !testClockChannels.includes(c));
    expect(desktopChannels.length).toBeGreaterThan(40);
    for (const channel of desktopChannels) {
      const r = await d.command<Envelope>({ cmd: 'invoke', channel, input: null, frameUrl: `${APP_URL}#/clients` });
      expect(
        r.ok === false && r.error.kind === 'not_found' && /there is no channel/.test(r.error.message),
        `${channel}: ${JSON.stringify(r)}`,
      ).toBe(false);
    }
    expect(await d.command({ cmd: 'invoke', channel: 'no.such', input: {}, frameUrl: APP_URL })).toMatchObject({
      ok: false,
      error: { kind: 'not_found' },
    });
    // Only the app's own page is heard.
    for (const frameUrl of ['https://evil.example/', 'app://other/index.html', null]) {
      expect(
        await d.command({ cmd: 'invoke', channel: 'app.info', input: {}, frameUrl }),
        String(frameUrl),
      ).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    }

    // The window: the secure options, a preload that exists, hidden until painted, then shown.
    const [created] = of(d, 'BrowserWindow.new') as (Rec & {
      options: { show: boolean; webPreferences: Record<string, unknown> };
      preloadExists: boolean;
    })[];
    expect(created.options.show).toBe(false);
    expect(created.options.webPreferences).toMatchObject({
      preload: path.join(root, 'out/preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(created.preloadExists).toBe(true);
    expect(of(d, 'BrowserWindow.loadURL').map((r) => r.url)).toEqual([APP_URL]);
    await d.waitFor((r) => r.type === 'BrowserWindow.show', 'the window shown once painted');

    // app:// was declared before ready, and serves the built renderer with the CSP as a header.
    const types = d.records.map((r) => r.type);
    expect(types.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(types.indexOf('app.ready'));
    const page = await d.command<{ status: number; headers: Record<string, string>; body: string }>({
      cmd: 'fetch',
      url: APP_URL,
    });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CSP);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toMatch(/<script[^>]+src="\.?\/?assets\//);
    expect(await d.command({ cmd: 'fetch', url: 'app://balance-desk/..%2F..%2Fmain%2Findex.js' })).toMatchObject({
      status: 404,
    });
    // And every other response of the session gets the same policy.
    expect(await d.command({ cmd: 'headers' })).toEqual({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CSP] },
    });

    // Closing the window hides it: the desk stays in the tray, with its icon.
    expect(await d.command({ cmd: 'close-window' })).toEqual({ prevented: true, visible: false, destroyed: false });
    expect(of(d, 'Tray.new')).toMatchObject([{ iconExists: true }]);

    // Quit from the tray: everything is let go and the process ends by itself (the stand-in's watchdog would
    // name a timer or handle left running and exit with 99), with nothing written to the error log.
    await d.command({ cmd: 'tray', label: 'Quit Balance Desk' });
    expect(await d.exited).toEqual({ code: 0, signal: null });
    const after = d.records.map((r) => r.type);
    for (const step of ['ipcMain.removeHandler', 'Tray.destroy', 'BrowserWindow.destroy'])
      expect(after.indexOf(step), step).toBeLessThan(after.indexOf('app.quit-done'));
    expect(d.stderr()).toBe('');
    // The ledger was closed properly: a clean file that opens read-only (no half-written WAL to replay).
    const db = new Database(path.join(dataDir, 'ledger.sqlite'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('takes the migrations from its own app folder, not from the folder it was started in', async () => {
    // An app folder without drizzle/, started from the project (which has one): the desk must not migrate
    // the ledger with whatever drizzle/ the working directory or its own location happens to offer.
    const dir = tmp();
    const appPath = path.join(dir, 'app');
    fs.mkdirSync(path.join(appPath, 'resources'), { recursive: true });
    const d = startDesk({
      args: ['--data-dir', path.join(dir, 'data')],
      cwd: root,
      env: { STANDIN_APP_PATH: appPath, STANDIN_USER_DATA: path.join(dir, 'user-data') },
    });
    desks.push(d);
    const box = await d.waitFor((r) => r.type === 'dialog.showErrorBox', 'the error box');
    expect(box.title).toMatch(/cannot open its ledger/);
    expect(box.content).toBe(`the database migrations are missing from ${path.join(appPath, 'drizzle')}`);
    expect(await d.exited).toMatchObject({ code: 1 });
    expect(fs.existsSync(path.join(dir, 'data', 'ledger.sqlite'))).toBe(false);
  });

  it('quitting in the middle of a charge waits for it, then closes the ledger: no work cut off, no error', async () => {
    const stripe = await gatedStripe();
    const dir = tmp();
    const dataDir = path.join(dir, 'data');
    // A client below its auto top-up trigger, with a Visa on file: the desk's first due-work run charges it.
    const setup = testCore({
      dataDir,
      inMemory: false,
      testClock: undefined,
      stripeKey: SANDBOX_API_KEY,
      stripeApiBase: stripe.url,
    });
    const { client } = await withClient(setup);
    await setup.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 10_000 });
    const { customerId } = await setup.ok('methods.link', { clientId: client.id });
    stripe.sandbox.attachTestPaymentMethod(customerId!, 'pm_card_visa');
    await setup.ok('methods.refresh', { clientId: client.id });
    await setup.ok('recharge.set', {
      clientId: client.id,
      mode: 'auto',
      enabled: true,
      alertThreshold: null,
      triggerThreshold: 5000,
      rechargeAmount: 20_000,
      dailyCap: null,
    });
    await setup.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -6000 });
    setup.close();

    stripe.hold();
    const d = startDesk({
      args: ['--data-dir', dataDir],
      cwd: dir,
      env: {
        STANDIN_APP_PATH: root,
        STANDIN_USER_DATA: path.join(dir, 'user-data'),
        STRIPE_API_BASE: stripe.url,
        STRIPE_SECRET_KEY: SANDBOX_API_KEY,
      },
    });
    desks.push(d);
    await loaded(d);
    await stripe.held;
    // Quit while the charge waits on Stripe: will-quit is held off, and the core stays open.
    await d.command({ cmd: 'tray', label: 'Quit Balance Desk' });
    expect(await d.waitFor((r) => r.type === 'app.will-quit', 'will-quit')).toMatchObject({ prevented: true });
    expect(of(d, 'app.quit-done')).toEqual([]);
    stripe.release();
    // The charge ends, then the core closes and the quit goes through by itself.
    expect(await d.exited).toEqual({ code: 0, signal: null });
    expect(of(d, 'app.will-quit').map((r) => r.prevented)).toEqual([true, false]);
    expect(d.stderr()).toBe('');
    const db = new Database(path.join(dataDir, 'ledger.sqlite'), { readonly: true });
    expect(db.prepare('SELECT status, amount FROM charge_attempts').all()).toEqual([
      { status: 'succeeded', amount: 20_000 },
    ]);
    expect(
      db.prepare("SELECT count(*) AS n FROM ledger_entries WHERE kind = 'top_up' AND external_id LIKE 'pi_%'").get(),
    ).toEqual({ n: 1 });
    db.close();
  });

  it('a page that fails to load is tried again, and never ends the app', async () => {
    const { d } = desk({ STANDIN_FAIL_LOADS: '1' });
    await d.waitFor((r) => r.type === 'BrowserWindow.show', 'the window shown');
    expect(of(d, 'BrowserWindow.loadURL').map((r) => r.url)).toEqual([APP_URL, APP_URL]);
    expect(of(d, 'app.exit')).toEqual([]);
    expect(d.stderr()).toMatch(
      /^balance-desk: the window could not load app:\/\/balance-desk\/index\.html \(ERR_FAILED \(-2\).*\); trying again in 0\.25 s\n$/,
    );
    await d.command({ cmd: 'tray', label: 'Quit Balance Desk' });
    expect(await d.exited).toEqual({ code: 0, signal: null });
  });

  it('a page that never loads is explained in the window while the desk goes on in the tray', async () => {
    const { d } = desk({ STANDIN_FAIL_LOADS: '99' });
    const errorPage = await d.waitFor(
      (r) => r.type === 'BrowserWindow.loadURL' && String(r.url).startsWith('data:text/html'),
      'the error page',
      5000,
    );
    expect(decodeURIComponent(String(errorPage.url))).toContain('Balance Desk could not show its window');
    expect(of(d, 'BrowserWindow.loadURL')).toHaveLength(4);
    await d.waitFor((r) => r.type === 'BrowserWindow.show', 'the window shown');
    expect(of(d, 'app.exit')).toEqual([]);
    // Still a working desk: the core answers, and Quit ends it cleanly.
    expect(await d.command({ cmd: 'invoke', channel: 'app.info', input: {}, frameUrl: APP_URL })).toMatchObject({
      ok: true,
    });
    await d.command({ cmd: 'tray', label: 'Quit Balance Desk' });
    expect(await d.exited).toEqual({ code: 0, signal: null });
  });

  it('locks per data folder: its own user-data folder, its folder handed on, another folder told apart', async () => {
    const { d, dir, dataDir } = desk();
    await loaded(d);
    // The user-data folder is set before the lock is asked for (the lock is scoped to it).
    const types = d.records.map((r) => r.type);
    expect(types.indexOf('app.setPath')).toBeLessThan(types.indexOf('app.requestSingleInstanceLock'));
    const [set] = of(d, 'app.setPath');
    expect(set).toMatchObject({
      name: 'userData',
      value: expect.stringMatching(new RegExp(`^${path.join(dir, 'user-data', 'desks')}/[0-9a-f]{16}$`)),
    });
    expect(of(d, 'app.requestSingleInstanceLock')).toEqual([
      { type: 'app.requestSingleInstanceLock', additionalData: { dataDir }, userData: set.value, granted: true },
    ]);
    // Its window state is kept there, not in the default user-data folder of the real desk.
    await d.command({ cmd: 'close-window' });
    expect(fs.existsSync(path.join(String(set.value), 'window-state.json'))).toBe(true);

    // The same folder again (the shortcut clicked twice): the window comes back.
    const shown = of(d, 'BrowserWindow.show').length;
    await d.command({
      cmd: 'second-instance',
      argv: ['balance-desk', '--data-dir', dataDir],
      cwd: dir,
      additionalData: { dataDir },
    });
    await d.waitFor(
      (r) => r.type === 'BrowserWindow.show' && of(d, 'BrowserWindow.show').length > shown,
      'the window shown again',
    );
    // Another folder: said in words, and this ledger's window stays hidden.
    const other = path.join(dir, 'demo');
    const before = of(d, 'BrowserWindow.show').length;
    await d.command({
      cmd: 'second-instance',
      argv: ['balance-desk', '--data-dir', other],
      cwd: dir,
      additionalData: { dataDir: other },
    });
    const box = await d.waitFor((r) => r.type === 'dialog.showMessageBox', 'the dialog');
    expect(box.options).toMatchObject({
      title: 'Balance Desk is already running',
      message: `Balance Desk is already running on ${dataDir}.`,
      detail: expect.stringContaining(other),
    });
    expect(box.withWindow).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(of(d, 'BrowserWindow.show')).toHaveLength(before);
    await d.command({ cmd: 'tray', label: 'Quit Balance Desk' });
    expect(await d.exited).toEqual({ code: 0, signal: null });
  });

  it('a start whose lock is held opens nothing and ends', async () => {
    const { d, dataDir } = desk({ STANDIN_LOCK_HELD: '1' });
    expect(await d.exited).toEqual({ code: 0, signal: null });
    expect(of(d, 'BrowserWindow.new')).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'ledger.sqlite'))).toBe(false);
    expect(d.stdout()).toContain(`it answers this start for ${dataDir}`);
  });

  it('seals secrets under a keychain-sealed key with the asynchronous safeStorage calls only, and opens older ones', async () => {
    const dir = tmp();
    const dataDir = path.join(dir, 'data');
    // A Stripe key saved by an older desk, sealed directly by the keychain (the stand-in's: bytes XOR 0x5a).
    const old = `os:v1:${Buffer.from([...Buffer.from('sk_test_SavedByAnOlderDesk01', 'utf8')].map((b) => b ^ 0x5a)).toString('base64')}`;
    const setup = testCore({ dataDir, inMemory: false });
    setup.settings.set('stripe', { key: old }, Date.now());
    setup.close();

    const d = startDesk({
      args: ['--data-dir', dataDir],
      cwd: dir,
      env: { STANDIN_APP_PATH: root, STANDIN_USER_DATA: path.join(dir, 'user-data') },
    });
    desks.push(d);
    await loaded(d);
    expect(await d.command({ cmd: 'invoke', channel: 'stripe.get', input: {}, frameUrl: APP_URL })).toMatchObject({
      ok: true,
      value: { keyHint: 'sk_test_…sk01', secretStorage: 'os' },
    });
    expect(
      await d.command({
        cmd: 'invoke',
        channel: 'stripe.set',
        input: { secretKey: 'sk_test_EnteredOnThisDesk0001' },
        frameUrl: APP_URL,
      }),
    ).toMatchObject({ ok: true, value: { keyHint: 'sk_test_…0001' } });
    await d.command({ cmd: 'tray', label: 'Quit Balance Desk' });
    expect(await d.exited).toEqual({ code: 0, signal: null });

    const keychainCalls = d.records.filter((r) => r.type.startsWith('safeStorage.')).map((r) => r.type);
    expect(new Set(keychainCalls)).toEqual(
      new Set(['safeStorage.encryptStringAsync', 'safeStorage.decryptStringAsync']),
    );
    expect(fs.existsSync(path.join(dataDir, 'os-secret.key'))).toBe(true);
    const db = new Database(path.join(dataDir, 'ledger.sqlite'), { readonly: true });
    const stored = JSON.parse(
      db.prepare("SELECT value FROM settings WHERE key = 'stripe'").pluck().get() as string,
    ) as { key: string };
    db.close();
    expect(stored.key.startsWith('os:v2:')).toBe(true);
    expect(stored.key).not.toContain('EnteredOnThisDesk');
  });
});
