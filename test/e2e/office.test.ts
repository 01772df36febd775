/**
 * The office, end to end: a host shares its ledger on 127.0.0.2 over TLS (its self-signed certificate);
 * two browser contexts open https://127.0.0.2:<port>/ and sign in, one as an admin and one as an operator
 * (the page carries no host token there: the session alone says who calls). A change at one desk appears
 * at the other within a second; Settings → Office lists both desks, and signing the other desk out sends it
 * back to the sign-in screen. The server is then stopped and started again on the same folder and port:
 * both windows say it is not answering and refuse to save, then are live again without signing in, and the
 * change made before is there. A foreign Host header is refused. Screenshots go to test/artifacts/.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startHost, type Host } from '../../src/main/headless';
import { ARTIFACTS, useChromium, waitForText } from '../support/browser';

const RENDERER = path.resolve(__dirname, '../../out/renderer');
const ANA = { email: 'ana@acme.test', password: 'correct horse battery', chip: /Ana Admin\s*· admin/ };
const OLGA = { email: 'olga@acme.test', password: 'operator passphrase 7', chip: /Olga Operator\s*· operator/ };
const OFFICE = { listen: '127.0.0.2', port: 0 };

describe('the office in the browser', () => {
  const chrome = useChromium();
  let host: Host;
  let dataDir: string;
  let officeUrl: string;
  let officePort: number;
  let clientId: number;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  let a: Page; // Ana, an admin
  let b: Page; // Olga, an operator

  async function desk(colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const context = await chrome.browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
      timezoneId: 'UTC',
      colorScheme,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    return page;
  }

  async function signIn(page: Page, who: typeof ANA) {
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.keyboard.press('Enter');
    await waitForText(page.getByTestId('session-chip'), who.chip, 10_000);
  }

  /** Posts a credit from the client page's Manual adjustment form; answers the form. */
  async function credit(page: Page, amount: string, reason: string) {
    const form = page.getByRole('form', { name: 'Manual adjustment' });
    await form.getByLabel('Credit (add)').check();
    await form.getByLabel('Amount (USD)').fill(amount);
    await form.getByLabel('Reason').fill(reason);
    await form.getByRole('button', { name: 'Post adjustment' }).click();
    return form;
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-office-'));
    // The office listener refuses to start until an admin has a password: give one on a plain host first.
    const plain = await startHost({ dataDir, port: 0, rendererDir: RENDERER, tickMs: 0 });
    const as: { session?: string } = {};
    const call = async (channel: string, input: unknown) => {
      const r = await plain.core.call(channel, input, as.session ? { session: as.session } : undefined);
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
      return r.value as { id: number; token?: string };
    };
    const reseller = await call('resellers.create', { name: 'Acme Telecom' });
    const ana = await call('staff.create', {
      resellerId: reseller.id,
      name: 'Ana Admin',
      email: ANA.email,
      role: 'admin',
    });
    const olga = await call('staff.create', {
      resellerId: reseller.id,
      name: 'Olga Operator',
      email: OLGA.email,
      role: 'operator',
    });
    clientId = (
      await call('clients.create', {
        resellerId: reseller.id,
        externalRef: 'C-100',
        name: 'Blue Fox Ltd',
        billingEmail: 'ap@bluefox.test',
        currency: 'USD',
      })
    ).id;
    await call('staff.setPassword', { id: ana.id, password: ANA.password });
    as.session = (await call('session.signIn', { email: ANA.email, password: ANA.password })).token;
    await call('staff.setPassword', { id: olga.id, password: OLGA.password });
    // The setup's own session ends, so only the two browser desks are signed in.
    await call('session.signOut', {});
    await plain.close();

    host = await startHost({ dataDir, port: 0, rendererDir: RENDERER, tickMs: 0, office: OFFICE });
    officePort = host.office!.port;
    officeUrl = `https://127.0.0.2:${officePort}/`;
    expect(host.office!.urls).toContain(officeUrl);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await chrome.browser.close().catch(() => undefined);
    await host?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('two desks sign in over TLS and see each other’s changes within a second', async () => {
    a = await desk();
    b = await desk();
    await a.goto(officeUrl);
    await signIn(a, ANA);
    await b.goto(officeUrl);
    await signIn(b, OLGA);
    // No host token in a page served to the office network.
    expect(await a.locator('meta[name="balance-desk-token"]').getAttribute('content')).toBe('');

    for (const p of [a, b]) {
      await p.goto(`${officeUrl}#/clients/${clientId}`);
      await waitForText(p.getByTestId('client-balance'), '$0.00');
      await waitForText(p.getByTestId('live-status'), 'Live');
    }

    await credit(a, '42.50', 'Top-up by bank transfer');
    await waitForText(a.getByTestId('client-balance'), '$42.50');
    const at = Date.now();
    await waitForText(b.getByTestId('client-balance'), '$42.50', 1000);
    expect(Date.now() - at).toBeLessThan(1000);
  });

  it('Settings → Office lists both desks; signing the other out sends it back to sign-in', async () => {
    await a.goto(`${officeUrl}#/settings`);
    const office = a.getByTestId('settings-office');
    await waitForText(office.getByTestId('office-sharing'), /^Shared with the office network\./);
    await waitForText(office.getByTestId('office-urls'), officeUrl);
    const fingerprint = host.office!.fingerprint;
    expect(await office.getByTestId('office-fingerprint').getAttribute('title')).toBe(fingerprint);
    expect((await office.getByTestId('office-fingerprint').textContent())?.length).toBe(64);
    await waitForText(office.getByTestId('office-certificate'), /^Self-signed/);
    // The headless host is shared by its --office option: no switch here.
    expect(await office.getByTestId('office-share').count()).toBe(0);

    const rows = office.getByTestId('office-desks').locator('tbody tr');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    const mine = office.locator('tr[data-current="true"]');
    await waitForText(mine.locator('td').first(), 'Ana Admin <ana@acme.test>this desk');
    const other = office.locator('tr[data-current="false"]');
    await waitForText(other.locator('td').first(), 'Olga Operator <olga@acme.test>');
    expect(await other.locator('td').nth(2).textContent()).toMatch(/^127\.0\.0\.\d+$/);

    await office.scrollIntoViewIfNeeded();
    await a.screenshot({ path: path.join(ARTIFACTS, 'office-settings.png') });
    await a.emulateMedia({ colorScheme: 'dark' });
    await a.screenshot({ path: path.join(ARTIFACTS, 'office-settings-dark.png') });
    await a.emulateMedia({ colorScheme: 'light' });

    await other.getByRole('button', { name: 'Sign out that desk: Olga Operator <olga@acme.test>' }).click();
    const dialog = a.getByTestId('office-sign-out');
    await waitForText(
      dialog.locator('p').first(),
      /^Olga Operator <olga@acme\.test> at 127\.0\.0\.\d+ is signed out at once/,
    );
    await dialog.getByTestId('office-sign-out-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await waitForText(office.getByTestId('office-desks').locator('tbody tr'), /Ana Admin/);
    expect(await office.getByTestId('office-desks').locator('tbody tr').count()).toBe(1);

    // Olga's window finds its stream refused, asks the server, and goes back to the sign-in screen.
    await b.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 10_000 });

    // The audit log names the desk with the actor: the sign-out was done from Ana's browser.
    await a.goto(`${officeUrl}#/audit`);
    const newest = a.getByTestId('audit-row').first();
    await waitForText(newest.getByTestId('audit-action'), 'office.signOutDesk');
    await waitForText(newest.getByTestId('audit-desk'), /^at .*127\.0\.0\.\d+/);
    await waitForText(newest.getByTestId('audit-actor'), /^Ana Admin .*at .*127\.0\.0\.\d+/);
    await signIn(b, OLGA);
    await b.goto(`${officeUrl}#/clients/${clientId}`);
    await waitForText(b.getByTestId('live-status'), 'Live');
  });

  it('says when the server is away, refuses to save, and is live again after a restart', async () => {
    await a.goto(`${officeUrl}#/clients/${clientId}`);
    await waitForText(a.getByTestId('live-status'), 'Live');
    await waitForText(a.getByTestId('client-balance'), '$42.50');

    await host.close();
    for (const p of [a, b]) {
      await waitForText(
        p.getByTestId('offline-banner'),
        /^The office server is not answering\. You see the last data, read-only; retrying…/,
        5000,
      );
      await waitForText(p.getByTestId('live-status'), 'Reconnecting…');
      // The last data stays on screen.
      await waitForText(p.getByTestId('client-balance'), '$42.50');
    }

    // A save while it is away is refused in words, and nothing is sent.
    const form = await credit(a, '1.00', 'Sent while the server is away');
    await waitForText(form.getByTestId('form-error'), /^The office server is not answering, so nothing was sent/);
    await a.screenshot({ path: path.join(ARTIFACTS, 'office-offline.png') });
    await b.emulateMedia({ colorScheme: 'dark' });
    await b.screenshot({ path: path.join(ARTIFACTS, 'office-offline-dark.png') });

    host = await startHost({
      dataDir,
      port: 0,
      rendererDir: RENDERER,
      tickMs: 0,
      office: { ...OFFICE, port: officePort },
    });
    for (const [p, who] of [
      [a, ANA],
      [b, OLGA],
    ] as const) {
      // The stream is tried again after 1 s, 2 s, 4 s …: back within the next try, with the same session.
      await waitForText(p.getByTestId('live-status'), 'Live', 35_000);
      expect(await p.getByTestId('offline-banner').count()).toBe(0);
      await waitForText(p.getByTestId('session-chip'), who.chip);
      await waitForText(p.getByTestId('client-balance'), '$42.50');
    }
    // Nothing lost, nothing sent twice: the adjustment made before is there, the refused one is not.
    const signedIn = await host.core.call('session.signIn', { email: ANA.email, password: ANA.password });
    if (!signedIn.ok) throw new Error(signedIn.error.message);
    const entries = await host.core.call(
      'ledger.list',
      { clientId },
      { session: (signedIn.value as { token: string }).token },
    );
    expect(entries.ok).toBe(true);
    const text = JSON.stringify(entries);
    expect(text).toContain('Top-up by bank transfer');
    expect(text).not.toContain('Sent while the server is away');

    // Saving works again, and the other desk sees it.
    await form.getByRole('button', { name: 'Post adjustment' }).click();
    await waitForText(a.getByTestId('client-balance'), '$43.50');
    await waitForText(b.getByTestId('client-balance'), '$43.50', 2000);
    expect(errors).toEqual([]);
  });

  it('refuses a foreign Host header on the office listener', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.2',
          port: officePort,
          path: '/office/hello',
          headers: { host: `evil.example:${officePort}` },
          rejectUnauthorized: false,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});
