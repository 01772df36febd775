/**
 * Automatic top-up on the client's page, end to end, in headless Chromium against the headless host on a
 * fresh data folder and a test clock: ten days of usage make the average daily spend known ($30.00 a day);
 * the panel shows it with a suggested trigger; settings with a recharge amount below the daily spend are
 * saved with the core's advice under their fields; the suggested trigger is used; each save that changes
 * something logs one "settings changed" email to the client; bad amounts are refused under their field
 * (by the form and by the core); "Test trigger" shows the steps, the email and the charge without sending
 * or charging anything; the holiday switch pauses it; and the panel follows the ledger and settings saved
 * elsewhere. Screenshots go to test/artifacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/main/headless';
import { useChromium, waitForText } from '../support/browser';

const RENDERER = path.resolve(__dirname, '../../out/renderer');
const START = Date.parse('2026-11-21T09:00:00Z');
const DAY = 86_400_000;

interface Row {
  id: number;
  kind: string;
  clientId: number;
  recipients: string[];
  status: string;
}

describe('automatic top-up in the browser', () => {
  const chrome = useChromium();
  let host: Host;
  let dataDir: string;
  let clientId = 0;

  const call = async (channel: string, input: unknown) => {
    const r = await host.core.call(channel, input, { actor: 'api' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as Record<string, unknown>;
  };
  const confirmations = async () =>
    (await call('notifications.list', { kind: 'settings_changed', limit: 100 })).items as Row[];
  const everyNotification = async () => (await call('notifications.list', { limit: 100 })).items as Row[];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(RENDERER, 'index.html')))
      throw new Error(`the renderer is not built (${RENDERER}): run \`npm test\`, which builds first`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-recharge-'));
    host = await startHost({ dataDir, port: 0, rendererDir: RENDERER, testClock: { startAt: START } });
    const reseller = await call('resellers.create', { name: 'Acme Telecom', email: 'billing@acme.test' });
    clientId = (
      await call('clients.create', {
        resellerId: reseller.id,
        externalRef: 'C-100',
        name: 'Blue Fox Ltd',
        billingEmail: 'ap@bluefox.test',
        currency: 'USD',
      })
    ).id as number;
    await call('ledger.post', { clientId, kind: 'top_up', amount: 35_000 });
    // Ten days of usage, $30.00 a day: $300.00 over the ten days since the client was created.
    for (let day = 1; day <= 10; day++) {
      await call('clock.advance', { ms: DAY });
      await call('ledger.post', {
        clientId,
        kind: 'usage',
        amount: -3000,
        description: `Calls, day ${day}`,
        externalId: `cdr-${day}`,
      });
    }
  });

  afterAll(async () => {
    // The browser first: an open connection of it can hold the host's close (see notifications.test.ts).
    try {
      await chrome.browser.close();
    } catch {
      /* the browser never started */
    }
    await host?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the average daily spend and the suggested trigger; the fields the mode does not use are disabled with a reason', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/clients/${clientId}`);
    const panel = page.getByTestId('recharge-panel');
    await waitForText(panel.getByTestId('recharge-spend'), 'Average daily spend: $30.00 (last 10 days)');
    await waitForText(panel.getByTestId('use-suggested'), 'Use suggested ($60.00)');
    await panel.getByTestId('recharge-not-saved').waitFor();
    expect(await panel.getByRole('radio', { name: 'Do nothing' }).isChecked()).toBe(true);
    for (const name of ['alertThreshold', 'triggerThreshold', 'rechargeAmount', 'dailyCap']) {
      expect(await panel.locator(`[name="${name}"]`).isDisabled(), name).toBe(true);
    }
    await waitForText(panel.getByTestId('reason-rechargeAmount'), /Not used: “Do nothing” never charges/);
    await panel.scrollIntoViewIfNeeded();
    await chrome.screenshot('recharge-not-set-up');
    // Every input has a label.
    expect(await panel.getByLabel('Top up when the balance falls below').count()).toBe(1);
    expect(await panel.getByLabel('Daily cap (most auto-recharged in any 24 h)').count()).toBe(1);

    // Notify only: the alert applies; the trigger, the recharge and the cap do not.
    await panel.getByRole('radio', { name: 'Notify only' }).check();
    expect(await panel.locator('[name="alertThreshold"]').isEnabled()).toBe(true);
    expect(await panel.locator('[name="triggerThreshold"]').isDisabled()).toBe(true);
    await waitForText(panel.getByTestId('reason-dailyCap'), /Not used: “Notify only” never charges/);
    expect(await panel.getByTestId('use-suggested').isDisabled()).toBe(true);
  });

  it('saves automatic top-up with a recharge below the daily spend: the advice shows under its field, and the client is emailed once', async () => {
    const page = chrome.page;
    const panel = page.getByTestId('recharge-panel');
    // The mode from the keyboard: the radios move with the arrow keys.
    await panel.getByRole('radio', { name: 'Notify only' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await panel.getByRole('radio', { name: 'Automatic top-up' }).isChecked()).toBe(true);
    await panel.locator('[name="alertThreshold"]').fill('$80');
    await panel.locator('[name="triggerThreshold"]').fill('20');
    await panel.locator('[name="rechargeAmount"]').fill('25.00');
    await panel.locator('[name="dailyCap"]').fill('');
    // The advice follows what is typed, before anything is saved.
    await waitForText(
      panel.getByTestId('warning-rechargeAmount'),
      /The recharge amount \(\$25\.00\) is smaller than the average daily spend \(\$30\.00\)/,
    );
    await panel.locator('[name="rechargeAmount"]').fill('25.0x');
    await expect.poll(() => panel.getByTestId('warning-rechargeAmount').count()).toBe(0);
    await panel.locator('[name="rechargeAmount"]').fill('25.00');
    await panel.getByTestId('recharge-save').click();

    await waitForText(panel.getByTestId('recharge-saved'), /^Saved\. The client was emailed the change\./);
    expect(await panel.getByTestId('recharge-log-link').getAttribute('href')).toBe(
      `#/notifications?clientId=${clientId}&kind=settings_changed`,
    );
    await waitForText(
      panel.getByTestId('warning-rechargeAmount'),
      /The recharge amount \(\$25\.00\) is smaller than the average daily spend \(\$30\.00\)/,
    );
    await waitForText(
      panel.getByTestId('warning-triggerThreshold'),
      /less than two days of spend: \$60\.00 is suggested/,
    );
    // Advice is not an error: amber, and nothing is marked invalid.
    expect(await panel.locator('[aria-invalid="true"]').count()).toBe(0);
    const [amber, red] = await panel.getByTestId('warning-rechargeAmount').evaluate((el) => {
      const probe = document.createElement('span');
      probe.className = 'field-error';
      document.body.append(probe);
      const colours = [getComputedStyle(el).color, getComputedStyle(probe).color];
      probe.remove();
      return colours;
    });
    expect(amber).not.toBe(red);

    let logged = await confirmations();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ kind: 'settings_changed', clientId, recipients: ['ap@bluefox.test'] });
    await panel.scrollIntoViewIfNeeded();
    await chrome.screenshot('recharge-panel');

    // The suggested trigger, a recharge above the daily spend, and Ctrl+Enter: the advice is worked out again.
    await panel.getByTestId('use-suggested').click();
    expect(await panel.locator('[name="triggerThreshold"]').inputValue()).toBe('60.00');
    await expect.poll(() => panel.getByTestId('warning-triggerThreshold').count()).toBe(0);
    await panel.locator('[name="rechargeAmount"]').fill('100');
    await expect.poll(() => panel.locator('[data-testid^="warning-"]').count()).toBe(0);
    await panel.locator('[name="rechargeAmount"]').press('Control+Enter');
    await waitForText(panel.getByTestId('recharge-saved'), /^Saved\. The client was emailed the change\./);
    expect(await panel.locator('[data-testid^="warning-"]').count()).toBe(0);
    expect(await panel.locator('[name="rechargeAmount"]').inputValue()).toBe('100.00');
    logged = await confirmations();
    expect(logged).toHaveLength(2);

    // Saving the same values again stores nothing and emails nobody.
    await panel.getByTestId('recharge-save').click();
    await waitForText(panel.getByTestId('recharge-saved'), 'Saved. Nothing had changed, so no email was sent.');
    expect(await confirmations()).toHaveLength(2);
  });

  it('refuses a bad amount under its field, whether the form or the core finds it', async () => {
    const page = chrome.page;
    const panel = page.getByTestId('recharge-panel');
    const amount = panel.locator('[name="rechargeAmount"]');
    await amount.fill('abc');
    await panel.getByTestId('recharge-save').click();
    await waitForText(panel.getByTestId('error-rechargeAmount'), /"abc" is not an amount/);
    expect(await amount.getAttribute('aria-invalid')).toBe('true');
    expect(await amount.evaluate((el) => el === document.activeElement)).toBe(true);

    await amount.fill('€5');
    await amount.press('Enter');
    await waitForText(
      panel.getByTestId('error-rechargeAmount'),
      'The recharge amount is in EUR but this client is in USD.',
    );

    // "-5" reads as an amount; the core refuses it, naming the field.
    await amount.fill('-5');
    await amount.press('Enter');
    await waitForText(panel.getByTestId('error-rechargeAmount'), 'Must be more than zero');
    expect(await confirmations()).toHaveLength(2);

    await chrome.screenshot('recharge-error');

    await amount.fill('$100');
    expect(await panel.getByTestId('error-rechargeAmount').count()).toBe(0);
    // Once left, the amount is shown as the currency writes it.
    await amount.press('Tab');
    expect(await amount.inputValue()).toBe('100.00');
  });

  it('tests the trigger: the steps, the email and the charge, with nothing sent or charged', async () => {
    const page = chrome.page;
    const panel = page.getByTestId('recharge-panel');
    // Saving below the trigger started a real charge; with no Stripe set up here it fails when due work runs,
    // and the dry run then says why no new one is made (an open attempt would be the pending top-up).
    await call('clock.advance', { ms: 1000 });
    const before = await everyNotification();
    await panel.getByTestId('test-trigger').click();
    const dry = panel.getByTestId('dry-run');
    await waitForText(dry.locator('h3'), 'Dry run — nothing was sent or charged');
    const steps = dry.getByTestId('dry-run-steps');
    await waitForText(steps, /Available balance \$50\.00\./);
    // Saving below the alert threshold emailed the client then: the dry run would not email again.
    expect(await steps.textContent()).toMatch(
      /\$50\.00 is below the alert threshold of \$80\.00; the client was emailed at .* and is not emailed again/,
    );
    expect(await steps.textContent()).toContain(
      '$50.00 is below the trigger of $60.00: one charge of $100.00 — due, but not made now.',
    );
    expect(await steps.textContent()).toContain(
      'The last automatic top-up failed and everyone was told: the next one waits until a payment method can be charged again',
    );
    await dry.getByTestId('dry-run-no-email').waitFor();
    await dry.getByTestId('dry-run-no-charge').waitFor();
    expect(await dry.getByTestId('dry-run-charge').count()).toBe(0);
    await dry.scrollIntoViewIfNeeded();
    await chrome.screenshot('recharge-dry-run');
    await page.emulateMedia({ colorScheme: 'dark' });
    await chrome.screenshot('recharge-dry-run-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Nothing was sent, logged or charged.
    expect(await everyNotification()).toHaveLength(before.length);
    const client = await call('clients.get', { id: clientId });
    expect(client.available).toBe(5000);
  });

  it('pauses with the switch, keeping the settings; the dry run then says paused', async () => {
    const page = chrome.page;
    const panel = page.getByTestId('recharge-panel');
    const toggle = panel.getByTestId('recharge-enabled');
    expect(await toggle.isChecked()).toBe(true);
    await toggle.focus();
    await page.keyboard.press('Space');
    expect(await toggle.isChecked()).toBe(false);
    await waitForText(panel.locator('.rc-switch-text'), 'Paused — settings kept');
    await page.keyboard.press('Control+Enter');
    await waitForText(panel.getByTestId('recharge-saved'), /^Saved\. The client was emailed the change\./);
    // Saving put away the dry run of the old settings.
    expect(await panel.getByTestId('dry-run').count()).toBe(0);
    expect(await confirmations()).toHaveLength(3);
    const stored = await call('recharge.get', { clientId });
    expect(stored).toMatchObject({
      mode: 'auto',
      enabled: false,
      alertThreshold: 8000,
      triggerThreshold: 6000,
      rechargeAmount: 10_000,
      dailyCap: null,
    });

    await panel.getByTestId('test-trigger').click();
    await waitForText(
      panel.getByTestId('dry-run-steps'),
      /switched off \(paused\): no email, no charge\. The settings are kept\./,
    );
    await panel.getByTestId('dry-run-no-charge').waitFor();
    await panel.getByTestId('dry-run-no-email').waitFor();
    await chrome.screenshot('recharge-paused');

    // The link of the saved message opens the log on this client's confirmations.
    await panel.getByTestId('recharge-log-link').click();
    await expect.poll(() => page.getByTestId('nlog-row').count()).toBe(3);
    await waitForText(page.getByTestId('nlog-row').first(), /Blue Fox Ltd/);
    await page.goBack();
    await waitForText(page.getByTestId('recharge-updated'), /Last saved/);
  });

  it('follows the ledger: more usage moves the average on screen by itself', async () => {
    const panel = chrome.page.getByTestId('recharge-panel');
    await call('ledger.post', { clientId, kind: 'usage', amount: -3000, description: 'Calls, late' });
    await waitForText(panel.getByTestId('recharge-spend'), 'Average daily spend: $33.00 (last 10 days)');
    await waitForText(panel.getByTestId('use-suggested'), 'Use suggested ($66.00)');
  });

  it('keeps what the user is typing when the settings are saved elsewhere, and says so', async () => {
    const panel = chrome.page.getByTestId('recharge-panel');
    await panel.locator('[name="dailyCap"]').fill('500');
    await call('clock.advance', { ms: 60_000 });
    await call('recharge.set', {
      clientId,
      mode: 'auto',
      enabled: true,
      alertThreshold: 8000,
      triggerThreshold: 6000,
      rechargeAmount: 10_000,
      dailyCap: null,
    });
    await waitForText(panel.getByTestId('recharge-elsewhere'), /saved elsewhere while you were editing/);
    expect(await panel.locator('[name="dailyCap"]').inputValue()).toBe('500');
    expect(await panel.getByTestId('recharge-enabled').isChecked()).toBe(false);
    await panel.getByRole('button', { name: 'Show the saved ones' }).click();
    expect(await panel.locator('[name="dailyCap"]').inputValue()).toBe('');
    expect(await panel.getByTestId('recharge-enabled').isChecked()).toBe(true);
    expect(await panel.getByTestId('recharge-elsewhere').count()).toBe(0);
    expect(chrome.problems).toEqual([]);
  });
});
