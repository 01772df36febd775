/**
 * Accessibility and looks of every screen, in headless Chromium against the headless host on a demo ledger
 * (3,000 clients, four weeks of usage, default profiles, its Stripe side on the Stripe test server): axe-core
 * (test/support/axe.ts) finds no serious or critical violation on any screen, in the light theme or the dark
 * one; each screen is photographed at 1280×800 and 1920×1080 in both themes (test/artifacts/screens-*.png).
 * The command palette (Ctrl+K) is checked from the keyboard, then the sign-in screen once a password is set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/main/headless';
import { afterBrowser, useChromium, waitForText } from '../support/browser';
import { describeViolations, seriousViolations } from '../support/axe';
import { SANDBOX_API_KEY, startStripeServer, type StripeTestServer } from '../support/stripe/server';

const RENDERER = path.resolve(__dirname, '../../out/renderer');
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;
const THEMES = ['light', 'dark'] as const;
const ADMIN_PW = 'accessible passphrase 8';

describe('every screen: axe-core and screenshots', () => {
  const chrome = useChromium();
  let host: Host;
  let server: StripeTestServer;
  let dataDir: string;
  const ids = { client: 0, profile: 0, notification: 0, admin: 0 };

  const call = async <T = Record<string, unknown>>(channel: string, input: unknown): Promise<T> => {
    const r = await host.core.call(channel, input, { actor: 'api' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as T;
  };

  beforeAll(async () => {
    if (!fs.existsSync(path.join(RENDERER, 'index.html')))
      throw new Error(`the renderer is not built (${RENDERER}): run \`npm test\`, which builds first`);
    server = await startStripeServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-a11y-'));
    host = await startHost({
      dataDir,
      port: 0,
      rendererDir: RENDERER,
      demo: true,
      tickMs: 0,
      stripeKey: SANDBOX_API_KEY,
      stripeApiBase: server.url,
    });
    // Decisions for the log (the demo's clients below their thresholds), so the notification screens have rows.
    await call('scheduler.sweep', {});
    // The demo's Stripe clients spend below their trigger, and their charges run (paid, failed over,
    // declined, needing the client, processing), so the Charges screen has rows of every kind.
    const linked = host.core.db.$client
      .prepare('SELECT client_id AS id FROM stripe_customers ORDER BY client_id')
      .all() as { id: number }[];
    for (const { id } of linked) {
      const { available } = await call<{ available: number }>('clients.get', { id });
      await call('ledger.post', { clientId: id, kind: 'usage', amount: -(available - 100), description: 'A busy day' });
    }
    for (let i = 0; i < 3; i++) await host.core.runDue();
    const charges = await call<{ items: { status: string }[] }>('charges.list', { limit: 50 });
    expect(new Set(charges.items.map((c) => c.status))).toEqual(
      new Set(['succeeded', 'failed', 'requires_action', 'processing']),
    );
    ids.client = (await call<{ items: { id: number }[] }>('clients.list', { search: 'Blue', limit: 1 })).items[0].id;
    ids.profile = (await call<{ id: number }[]>('profiles.list', {}))[0].id;
    ids.notification = (await call<{ items: { id: number }[] }>('notifications.list', { limit: 1 })).items[0]?.id ?? 0;
    const list = await call<{ id: number; role: string }[]>('staff.list', {});
    ids.admin = list.find((s) => s.role === 'admin')!.id;
    expect(
      Object.values(ids).every((id) => id > 0),
      JSON.stringify(ids),
    ).toBe(true);
  }, 120_000);

  afterBrowser(chrome, async () => {
    await host?.close();
    await server?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Waits until the screen has its heading and nothing on it says it is still loading. */
  async function settle(): Promise<void> {
    const page = chrome.page;
    await page.locator('main h1, .signin h1, h1').first().waitFor();
    await page
      .waitForFunction(
        () => !document.querySelector('[aria-busy="true"], .loading-row, [data-loading="true"]'),
        undefined,
        { timeout: 4000 },
      )
      .catch(() => undefined);
    // Charts draw and lists size themselves on the next frames.
    await page.waitForTimeout(250);
  }

  async function check(name: string): Promise<void> {
    const page = chrome.page;
    const failures: string[] = [];
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await settle();
        await chrome.screenshot(`screens-${name}-${size.width}-${theme}`);
      }
      const found = await seriousViolations(page);
      if (found.length) failures.push(`${name} (${theme}):\n${describeViolations(found)}`);
    }
    await page.setViewportSize(SIZES[0]);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(failures.join('\n\n'), failures.join('\n\n')).toBe('');
  }

  const screens: [string, () => string][] = [
    ['dashboard', () => '#/dashboard'],
    ['clients', () => '#/clients'],
    ['client', () => `#/clients/${ids.client}`],
    ['profiles', () => '#/profiles'],
    ['profile', () => `#/profiles/${ids.profile}`],
    ['profile-new', () => '#/profiles/new'],
    ['charges', () => '#/charges'],
    ['notifications', () => '#/notifications'],
    ['notification', () => `#/notifications/${ids.notification}`],
    ['outbox', () => '#/outbox'],
    ['import', () => '#/import'],
    ['settings', () => '#/settings'],
    ['audit', () => '#/audit'],
  ];

  it('the check itself: an image without a text alternative and a button without a name are caught', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/clients`);
    await settle();
    await page.evaluate(() => {
      const probe = document.createElement('div');
      probe.id = 'axe-probe';
      probe.innerHTML =
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="8" height="8"><button type="button"></button>';
      document.querySelector('main')!.append(probe);
    });
    const found = await seriousViolations(page);
    expect(found.map((v) => v.id).sort()).toEqual(['button-name', 'image-alt']);
    expect(found.flatMap((v) => v.nodes.map((n) => n.html))).toEqual([
      expect.stringMatching(/^<button/),
      expect.stringMatching(/^<img/),
    ]);
    await page.evaluate(() => document.getElementById('axe-probe')!.remove());
    expect(await seriousViolations(page)).toEqual([]);
  });

  for (const [name, href] of screens) {
    it(`${name}: no serious or critical axe violation, light and dark`, async () => {
      await chrome.page.goto(`${host.url}${href()}`);
      await check(name);
    });
  }

  it('the command palette: Ctrl+K, a client by name, the arrows and Enter, and a section', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/settings`);
    await settle();
    await page.keyboard.press('Control+k');
    const palette = page.getByTestId('command-palette');
    await palette.waitFor();
    const input = palette.getByTestId('palette-input');
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await input.getAttribute('role')).toBe('combobox');
    // Empty: the sections, the first one active.
    expect(await palette.getByTestId('palette-option').allTextContents()).toEqual([
      'Go to Dashboard',
      'Go to Clients',
      'Go to Profiles',
      'Go to Charges',
      'Go to Notifications',
      'Go to Audit log',
      'Go to Import',
      'Go to Settings',
    ]);
    await input.fill('blue');
    await waitForText(palette.getByTestId('palette-option').first(), /^Blue/);
    const names = await palette.getByTestId('palette-option').allTextContents();
    expect(names.length).toBeGreaterThan(1);
    await chrome.screenshot('palette-clients');
    await check('palette');
    // ↓ moves to the second client; aria-activedescendant follows; Enter opens it.
    await input.press('ArrowDown');
    const activeId = await input.getAttribute('aria-activedescendant');
    const second = palette.locator(`[id="${activeId}"]`);
    expect(await second.getAttribute('aria-selected')).toBe('true');
    const secondName = (await second.locator('.truncate').textContent())!;
    await input.press('Enter');
    await palette.waitFor({ state: 'detached' });
    expect(page.url()).toMatch(/#\/clients\/\d+$/);
    await waitForText(page.locator('main h1'), new RegExp(secondName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

    // A reference works too, and a section by its name; Esc closes without moving.
    await page.keyboard.press('Control+k');
    await input.fill('charg');
    await waitForText(palette.getByTestId('palette-status'), /No client name or reference starts with “charg”/);
    expect(await palette.getByTestId('palette-option').allTextContents()).toEqual(['Go to Charges']);
    await input.press('Enter');
    await palette.waitFor({ state: 'detached' });
    expect(page.url()).toMatch(/#\/charges$/);
    await page.keyboard.press('Control+k');
    await palette.waitFor();
    await page.keyboard.press('Escape');
    await palette.waitFor({ state: 'detached' });
    expect(page.url()).toMatch(/#\/charges$/);
    // For the mouse: the nav's Go to… button, which shows the shortcut.
    await waitForText(page.getByTestId('palette-button'), 'Go to…Ctrl K');
    await page.getByTestId('palette-button').click();
    await palette.waitFor();
    await palette.getByTestId('palette-option').filter({ hasText: 'Go to Audit log' }).click();
    await palette.waitFor({ state: 'detached' });
    expect(page.url()).toMatch(/#\/audit$/);
    expect(chrome.problems).toEqual([]);
  });

  it('the sign-in screen, once an admin has a password', async () => {
    await call('staff.setPassword', { id: ids.admin, password: ADMIN_PW });
    const page = chrome.page;
    await page.goto(`${host.url}#/clients`);
    await page.reload();
    await page.getByLabel('Password').first().waitFor();
    await check('sign-in');
  });
});
