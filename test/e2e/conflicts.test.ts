/**
 * No lost updates, end to end (issue 17): two staff users signed in at two desks (two browser contexts)
 * open the same client's Edit form; Maria saves first; Sam's save is refused with a notice naming Maria and
 * when, his edits still in the form, and a Reload button (which has the focus) that shows Maria's name.
 * A screenshot goes to test/artifacts/conflict-reload.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startHost, type Host } from '../../src/main/headless';
import { ARTIFACTS, useChromium, waitForText } from '../support/browser';

const RENDERER = path.resolve(__dirname, '../../out/renderer');
const START = Date.parse('2026-11-21T14:00:00Z');
const PASSWORD = 'correct horse battery';

describe('a save over a newer version in the browser', () => {
  const chrome = useChromium();
  let host: Host;
  let dataDir: string;
  let clientId = 0;
  let second: BrowserContext | undefined;

  const call = async (channel: string, input: unknown) => {
    const r = await host.core.call(channel, input, { actor: 'api' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as { id: number };
  };

  beforeAll(async () => {
    if (!fs.existsSync(path.join(RENDERER, 'index.html')))
      throw new Error(`the renderer is not built (${RENDERER}): run \`npm test\`, which builds first`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-conflicts-'));
    host = await startHost({ dataDir, port: 0, rendererDir: RENDERER, testClock: { startAt: START } });
    const reseller = await call('resellers.create', { name: 'Acme Telecom', email: 'billing@acme.test' });
    for (const [name, email] of [
      ['Maria Lopez', 'maria@acme.test'],
      ['Sam Okafor', 'sam@acme.test'],
    ]) {
      const staff = await call('staff.create', { resellerId: reseller.id, name, email, role: 'admin' });
      await call('staff.setPassword', { id: staff.id, password: PASSWORD });
    }
    clientId = (
      await call('clients.create', {
        resellerId: reseller.id,
        externalRef: 'C-100',
        name: 'Blue Fox Ltd',
        billingEmail: 'ap@bluefox.test',
        currency: 'USD',
      })
    ).id;
  });

  afterAll(async () => {
    try {
      await second?.close();
      await chrome.browser.close();
    } catch {
      /* the browser never started */
    }
    await host?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Signs `email` in on the page and opens the client's Edit form. */
  async function openEditForm(page: Page, email: string, who: RegExp) {
    await page.goto(`${host.url}#/clients/${clientId}`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await waitForText(page.getByTestId('session-chip'), who, 10_000);
    await waitForText(page.getByTestId('client-name'), 'Blue Fox Ltd');
    await page.getByRole('button', { name: 'Edit' }).click();
    return page.getByRole('dialog', { name: 'Edit client' });
  }

  it('refuses the second save naming the first, and Reload shows the first one’s change', async () => {
    const maria = chrome.page;
    second = await chrome.browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    const sam = await second.newPage();
    sam.setDefaultTimeout(10_000);

    const a = await openEditForm(maria, 'maria@acme.test', /Maria Lopez/);
    const b = await openEditForm(sam, 'sam@acme.test', /Sam Okafor/);

    await call('clock.advance', { ms: 2 * 60_000 });
    await a.getByLabel('Name', { exact: true }).fill('Blue Fox Holdings');
    await a.getByRole('button', { name: 'Save changes' }).click();
    await a.waitFor({ state: 'detached' });
    await waitForText(maria.getByTestId('client-name'), 'Blue Fox Holdings');

    // Sam's page hears of the change, but his open form keeps what he loaded and typed.
    await waitForText(sam.getByTestId('client-name'), 'Blue Fox Holdings');
    await b.getByLabel('Name', { exact: true }).fill('Blue Fox Ltd (Sam)');
    await b.getByRole('button', { name: 'Save changes' }).click();
    const notice = b.getByTestId('conflict-notice');
    const text = await waitForText(
      notice.locator('.conflict-message'),
      /^Maria Lopez <maria@acme\.test> changed this client on 2026-11-21 at 14:02 UTC, after you opened it: reload/,
    );
    expect(text).toMatch(/then save again\.$/);
    expect(await b.getByLabel('Name', { exact: true }).inputValue()).toBe('Blue Fox Ltd (Sam)');
    // The Reload button has the focus: Enter reloads.
    expect(await sam.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('conflict-reload');
    expect((await call('clients.get', { id: clientId })) as unknown as { name: string }).toMatchObject({
      name: 'Blue Fox Holdings',
    });
    await sam.screenshot({ path: path.join(ARTIFACTS, 'conflict-reload.png') });

    await sam.keyboard.press('Enter');
    await notice.waitFor({ state: 'detached' });
    expect(await b.getByLabel('Name', { exact: true }).inputValue()).toBe('Blue Fox Holdings');
    // Saved again on the current version, Sam's change lands.
    await b.getByLabel('Name', { exact: true }).fill('Blue Fox Holdings (Sam)');
    await b.getByRole('button', { name: 'Save changes' }).click();
    await b.waitFor({ state: 'detached' });
    await waitForText(sam.getByTestId('client-name'), 'Blue Fox Holdings (Sam)');
    expect(chrome.problems).toEqual([]);
  });
});
