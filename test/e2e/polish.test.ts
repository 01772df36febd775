/**
 * Screen polish, in headless Chromium against the headless host on a fresh data folder:
 * - the desktop menu's File → Export… items and the command palette open a log with "?export=1": the
 *   Export dialog is open on arrival with the focus in it, and the parameter has left the URL, so neither
 *   Back nor a reload opens it again (the notification log and the audit log);
 * - a wide window (1920×1080) centres a screen's column (Settings, a client) while the lists (Clients)
 *   use the whole width, in the light and the dark theme.
 * Screenshots go to test/artifacts/ (polish-*.png).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/main/headless';
import { EXPORT_AUDIT_HREF, EXPORT_NOTIFICATIONS_HREF } from '../../src/main/shell/menu';
import { afterBrowser, useChromium, waitForText, type Chromium } from '../support/browser';

const RENDERER = path.resolve(__dirname, '../../out/renderer');

/** A host on a fresh folder with one reseller and two clients (so the audit log has rows). */
function useHost(chrome: Chromium) {
  const s = { host: undefined as unknown as Host, dataDir: '', clientId: 0 };
  beforeAll(async () => {
    if (!fs.existsSync(path.join(RENDERER, 'index.html')))
      throw new Error(`the renderer is not built (${RENDERER}): run \`npm test\`, which builds first`);
    s.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-polish-'));
    s.host = await startHost({ dataDir: s.dataDir, port: 0, rendererDir: RENDERER, tickMs: 0 });
    const call = async (channel: string, input: unknown) => {
      const r = await s.host.core.call(channel, input, { actor: 'api' });
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
      return r.value as { id: number };
    };
    const reseller = await call('resellers.create', { name: 'Acme Telecom', email: 'billing@acme.test' });
    s.clientId = (
      await call('clients.create', {
        resellerId: reseller.id,
        externalRef: 'C-100',
        name: 'Blue Fox Ltd',
        billingEmail: 'ap@bluefox.test',
        currency: 'USD',
      })
    ).id;
    await call('clients.create', {
      resellerId: reseller.id,
      externalRef: 'C-200',
      name: 'Red Owl GmbH',
      billingEmail: 'kasse@redowl.test',
      currency: 'EUR',
    });
  });
  afterBrowser(chrome, async () => {
    await s.host?.close();
    if (s.dataDir) fs.rmSync(s.dataDir, { recursive: true, force: true });
  });
  return s;
}

describe('Export… opens the dialog on arrival', () => {
  const chrome = useChromium();
  const s = useHost(chrome);

  /** The export dialog is open, modal, named, and holds the focus. */
  async function expectDialogWithFocus(title: string): Promise<void> {
    const page = chrome.page;
    const dialog = page.getByTestId('export-dialog');
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-label')).toBe(title);
    await page.waitForFunction(() => !!document.activeElement?.closest('dialog[open]'));
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open && d.contains(document.activeElement))).toBe(
      true,
    );
    // On Export itself, so Enter exports.
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'export-start');
  }

  for (const [log, href, title, heading] of [
    ['notifications', EXPORT_NOTIFICATIONS_HREF, 'Export the notification log', 'Notification log'],
    ['audit', EXPORT_AUDIT_HREF, 'Export the audit log', 'Audit log'],
  ] as const) {
    it(`${href} (File → Export the ${log === 'audit' ? 'Audit' : 'Notification'} Log…) opens the ${log} log's Export dialog, once`, async () => {
      const page = chrome.page;
      // Somewhere else first, so Back has a page to go to.
      await page.goto(`${s.host.url}#/clients`);
      await waitForText(page.getByTestId('clients-total'), '2 clients');
      await page.goto(`${s.host.url}${href}`);
      await waitForText(page.locator('main h1'), heading);
      await expectDialogWithFocus(title);
      // The one-shot parameter has left the URL (no new history entry).
      await page.waitForFunction((want) => window.location.hash === want, `#/${log}`);
      await chrome.screenshot(`polish-export-${log}`);

      // Esc closes it; a reload does not open it again.
      await page.keyboard.press('Escape');
      await page.getByTestId('export-dialog').waitFor({ state: 'detached' });
      await page.reload();
      await waitForText(page.locator('main h1'), heading);
      await page.waitForTimeout(300);
      expect(await page.getByTestId('export-dialog').count()).toBe(0);

      // Back goes to the page before (the clients), and Forward comes back without the dialog.
      await page.goBack();
      await waitForText(page.getByTestId('clients-total'), '2 clients');
      await page.goForward();
      await waitForText(page.locator('main h1'), heading);
      await page.waitForTimeout(300);
      expect(await page.getByTestId('export-dialog').count()).toBe(0);
      expect(chrome.problems).toEqual([]);
    });
  }

  it('arriving while on the log (the menu again) opens it too, and keeps the filter in the URL', async () => {
    const page = chrome.page;
    await page.goto(`${s.host.url}#/audit?subjectType=client`);
    await waitForText(page.locator('main h1'), 'Audit log');
    // What the desktop shell does: the same page with a new hash (a same-document navigation).
    await page.evaluate(() => (window.location.hash = '#/audit?subjectType=client&export=1'));
    await expectDialogWithFocus('Export the audit log');
    await page.waitForFunction(() => window.location.hash === '#/audit?subjectType=client');
    await page.keyboard.press('Escape');
    await page.getByTestId('export-dialog').waitFor({ state: 'detached' });
    expect(chrome.problems).toEqual([]);
  });

  it('the command palette finds the exports by a word and opens the dialog', async () => {
    const page = chrome.page;
    await page.goto(`${s.host.url}#/clients`);
    await waitForText(page.getByTestId('clients-total'), '2 clients');
    await page.keyboard.press('Control+k');
    const palette = page.getByTestId('command-palette');
    await palette.waitFor();
    // Not listed until something is typed: the empty palette stays the sections.
    expect(await palette.getByTestId('palette-option').allTextContents()).not.toContain('Export the audit log…');
    await palette.getByTestId('palette-input').fill('export');
    await waitForText(palette.getByTestId('palette-status'), /No client name or reference starts with “export”/);
    expect(await palette.getByTestId('palette-option').allTextContents()).toEqual([
      'Export the notification log…',
      'Export the audit log…',
    ]);
    await chrome.screenshot('polish-palette-export');
    await palette.getByTestId('palette-input').press('Enter');
    await palette.waitFor({ state: 'detached' });
    await expectDialogWithFocus('Export the notification log');
    await page.waitForFunction(() => window.location.hash === '#/notifications');
    await page.keyboard.press('Escape');
    expect(chrome.problems).toEqual([]);
  });
});

for (const theme of ['light', 'dark'] as const) {
  describe(`a wide window (1920×1080, ${theme})`, () => {
    const chrome = useChromium({ width: 1920, height: 1080, colorScheme: theme });
    const s = useHost(chrome);

    /** The left and right gaps between the screen's section and the content area. */
    async function gaps(): Promise<{ left: number; right: number; width: number; area: number }> {
      return chrome.page.evaluate(() => {
        const area = document.querySelector('main.content')!;
        const section = area.querySelector('section.screen')!;
        const a = area.getBoundingClientRect();
        const b = section.getBoundingClientRect();
        return {
          left: b.left - a.left,
          right: a.left + area.clientWidth - b.right,
          width: b.width,
          area: area.clientWidth,
        };
      });
    }

    it('centres a form screen and a page in the content area; a list uses the whole width', async () => {
      const page = chrome.page;
      await page.goto(`${s.host.url}#/settings`);
      await page.getByTestId('smtp-form').waitFor();
      let g = await gaps();
      expect(g.width).toBeLessThanOrEqual(960);
      expect(Math.abs(g.left - g.right), JSON.stringify(g)).toBeLessThanOrEqual(1);
      expect(g.left).toBeGreaterThan(300);
      await chrome.screenshot(`polish-settings-1920-${theme}`);

      await page.goto(`${s.host.url}#/clients/${s.clientId}`);
      await page.getByTestId('recharge-form').waitFor();
      g = await gaps();
      expect(g.width).toBeLessThanOrEqual(1400);
      expect(Math.abs(g.left - g.right), JSON.stringify(g)).toBeLessThanOrEqual(1);
      await chrome.screenshot(`polish-client-1920-${theme}`);

      await page.goto(`${s.host.url}#/clients`);
      await waitForText(page.getByTestId('clients-total'), '2 clients');
      g = await gaps();
      expect(g.width, JSON.stringify(g)).toBe(g.area);
      await chrome.screenshot(`polish-clients-1920-${theme}`);
      expect(chrome.problems).toEqual([]);
    });
  });
}
