/**
 * Low balance profiles end to end, in headless Chromium against the headless host on a fresh data folder
 * and a test clock: create a profile through its form (with a threshold in the wrong currency and a bad
 * email refused on the way), assign it to a client, post usage that crosses the threshold, and see the
 * decision appear in the client's timeline; then a client threshold, the scheduler, and deleting the
 * profile with its confirmation. Screenshots go to test/artifacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/main/headless';
import { useChromium, waitForText } from '../support/browser';

const RENDERER = path.resolve(__dirname, '../../out/renderer');
const START = Date.parse('2026-11-21T09:00:00Z');

describe('low balance profiles in the browser', () => {
  const chrome = useChromium();
  let host: Host;
  let dataDir: string;
  let clientId = 0;
  let profileId = 0;

  const call = async (channel: string, input: unknown) => {
    const r = await host.core.call(channel, input, { actor: 'api' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as Record<string, unknown>;
  };

  beforeAll(async () => {
    if (!fs.existsSync(path.join(RENDERER, 'index.html')))
      throw new Error(`the renderer is not built (${RENDERER}): run \`npm test\`, which builds first`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-profiles-'));
    host = await startHost({ dataDir, port: 0, rendererDir: RENDERER, testClock: { startAt: START } });
    const reseller = await call('resellers.create', { name: 'Acme Telecom', email: 'billing@acme.test' });
    await call('staff.create', { resellerId: reseller.id, name: 'Ann Ops', email: 'ann@acme.test', role: 'admin' });
    const client = await call('clients.create', {
      resellerId: reseller.id,
      externalRef: 'C-100',
      name: 'Blue Fox Ltd',
      billingEmail: 'ap@bluefox.test',
      currency: 'USD',
    });
    clientId = client.id as number;
    await call('ledger.post', { clientId, kind: 'top_up', amount: 3000 });
  });

  afterAll(async () => {
    await host?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a profile through its form, refusing a threshold in another currency and a bad email', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/profiles`);
    await page.getByTestId('profiles-empty').waitFor();
    await page.getByTestId('new-profile').click();
    const form = page.getByTestId('profile-form');
    await form.locator('[name="name"]').fill('Gold watch');
    await form.locator('[name="resellerId"]').selectOption({ label: 'Acme Telecom' });
    await form.locator('[name="currency"]').selectOption('USD');
    await form.locator('[name="maxQty"]').fill('2');
    await form.locator('[name="periodHours"]').fill('1');
    await form.locator('[name="periodUnit"]').selectOption('days');
    // Not the default: the client gets it by assignment below.
    await form.locator('[name="isDefault"]').uncheck();
    await form.locator('[name="staffRule.enabled"]').check();
    await form.locator('[name="staffRule.threshold"]').fill('50');
    await form.getByTestId(/^staff-user-/).check();
    await form.locator('[name="clientRule.threshold"]').fill('€25');
    await form.locator('[name="clientRule.emails"]').fill('ops@acme.test, not-an-email');
    await page.getByTestId('save-profile').click();
    await waitForText(page.getByTestId('error-clientRule.threshold'), /in EUR but this profile is in USD/);
    await form.locator('[name="clientRule.threshold"]').fill('25.00');
    await page.getByTestId('save-profile').click();
    await waitForText(page.getByTestId('error-clientRule.emails'), /not-an-email.*is not a valid email address/);
    await chrome.screenshot('profiles-form-error');
    await form.locator('[name="clientRule.emails"]').fill('ops@acme.test');
    await form.locator('[name="clientRule.emails"]').press('Control+Enter');
    await waitForText(page.getByTestId('profile-note'), /Gold watch.*created/);
    profileId = Number(/#\/profiles\/(\d+)/.exec(page.url())?.[1]);
    expect(profileId).toBeGreaterThan(0);

    await page.goto(`${host.url}#/profiles`);
    const row = page.getByTestId(`profile-row-${profileId}`);
    await waitForText(row, /Gold watch.*Acme Telecom.*USD/);
    expect(await row.textContent()).toMatch(/24 h/);
    await chrome.screenshot('profiles-list');
  });

  it('assigns the profile to a client, and a debit that crosses the threshold shows up in its timeline', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/clients/${clientId}`);
    const panel = page.getByTestId('low-balance-panel');
    await waitForText(panel.getByTestId('profile-in-force'), /No low balance profile/);
    await panel.getByTestId('profile-select').selectOption({ label: 'Gold watch' });
    await expect.poll(() => panel.getByTestId('profile-in-force').getAttribute('data-source')).toBe('assigned');
    await waitForText(panel.getByTestId('threshold-client'), '$25.00');
    expect(await panel.getByTestId('rule-client').getAttribute('data-below')).toBe('false');
    // $30.00 is already below the staff rule's $50.00: the assignment itself is evaluated at once.
    const timeline = panel.getByTestId('notification-timeline');
    await waitForText(
      timeline,
      /Available \$30\.00 is below the reseller staff threshold of \$50\.00\. Notification 1 of 2/,
    );
    await waitForText(timeline, /billing@acme\.test.*ann@acme\.test/);

    // Usage arrives from elsewhere ($30.00 → $20.00): the page updates by itself.
    await call('ledger.post', { clientId, kind: 'usage', amount: -1000, description: 'Outbound calls' });
    await waitForText(timeline, /Available \$20\.00 is below the client threshold of \$25\.00\. Notification 1 of 2/);
    await waitForText(timeline, /ap@bluefox\.test.*ops@acme\.test/);
    // The staff rule was told within the day: this debit is recorded as held back by the period.
    await waitForText(timeline, /Not sent: the period is 1 day/);
    const items = timeline.locator('[data-testid^="notification-"][data-status]');
    expect(
      await items.evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-rule')} ${e.getAttribute('data-status')}`),
      ),
    ).toEqual(['client queued', 'staff suppressed', 'staff queued']);
    expect(await panel.getByTestId('rule-client').getAttribute('data-below')).toBe('true');
    await waitForText(panel.getByTestId('state-client'), /1 of 2 sent/);
    await chrome.screenshot('profiles-client-timeline');
  });

  it('overrides the client threshold on the client page and shows where it comes from', async () => {
    const page = chrome.page;
    const panel = page.getByTestId('low-balance-panel');
    await panel.getByTestId('override-client').click();
    const form = panel.getByTestId('override-form-client');
    await form.locator('[name="threshold"]').fill('ten');
    await form.getByTestId('save-override').click();
    await form.getByTestId('error-threshold').waitFor();
    await form.locator('[name="threshold"]').fill('10');
    await form.locator('[name="threshold"]').press('Enter');
    await expect.poll(() => panel.getByTestId('rule-client').getAttribute('data-threshold-source')).toBe('client');
    await waitForText(panel.getByTestId('threshold-client'), '$10.00');
    expect(await panel.getByTestId('rule-client').getAttribute('data-below')).toBe('false');
  });

  it('shows the scheduler in the header and sweeps on demand', async () => {
    const page = chrome.page;
    await page.getByTestId('scheduler-chip').click();
    const dialog = page.getByTestId('scheduler-dialog');
    await waitForText(dialog.getByTestId('scheduler-jobs-queued'), '2');
    await dialog.getByTestId('sweep-now').click();
    await waitForText(dialog.getByTestId('sweep-report'), /1 client/);
    await chrome.screenshot('profiles-scheduler');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('switches on the optional forecast rule (run dry within N hours) in the form; light and dark', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/profiles/${profileId}`);
    const form = page.getByTestId('profile-form');
    const section = page.getByTestId('section-forecastRule');
    await waitForText(section, /Run-dry forecast notification.*Off/);
    await form.locator('[name="forecastRule.enabled"]').check();
    await form.locator('[name="forecastRule.withinHours"]').fill('12');
    await form.locator('[name="forecastRule.emails"]').fill('ops@acme.test');
    await page.getByTestId('save-profile').click();
    await waitForText(page.getByTestId('profile-saved'), 'Saved.');
    expect((await call('profiles.get', { id: profileId })).forecastRule).toEqual({
      enabled: true,
      withinHours: 12,
      notifyReseller: true,
      emails: ['ops@acme.test'],
    });
    await section.scrollIntoViewIfNeeded();
    await chrome.screenshot('profiles-forecast-rule');
    await page.emulateMedia({ colorScheme: 'dark' });
    await chrome.screenshot('profiles-forecast-rule-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Two hours on, $11.00 of usage so far today ($5.50 an hour): $19.00 runs out in about 3 h, within 12 h.
    await call('clock.advance', { ms: 2 * 3_600_000 });
    await call('ledger.post', { clientId, kind: 'usage', amount: -100, description: 'Outbound calls' });
    await page.goto(`${host.url}#/clients/${clientId}`);
    const timeline = page.getByTestId('low-balance-panel').getByTestId('notification-timeline');
    await waitForText(
      timeline,
      /At the current rate, available \$19\.00 runs out in about 3 h, within the forecast rule’s 12 h\. Notification 1 of 2/,
    );
    expect(await timeline.locator('[data-rule="forecast"]').count()).toBe(1);
    await timeline.locator('[data-rule="forecast"]').scrollIntoViewIfNeeded();
    await chrome.screenshot('profiles-forecast-timeline');
  });

  it('deletes the profile after a confirmation that says what happens to its client', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/profiles`);
    await page.getByTestId(`delete-profile-${profileId}`).click();
    const dialog = page.getByTestId('profile-delete-dialog');
    await waitForText(dialog.getByTestId('profile-delete-message'), /1 client/);
    await chrome.screenshot('profiles-delete');
    // Esc cancels; nothing is deleted.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId(`profile-row-${profileId}`).waitFor();
    await page.getByTestId(`delete-profile-${profileId}`).click();
    await page.getByTestId('confirm-delete-profile').click();
    await waitForText(page.getByTestId('profiles-note'), /Deleted “Gold watch”/);
    expect(await page.getByTestId(`profile-row-${profileId}`).count()).toBe(0);
    const client = await call('clients.get', { id: clientId });
    expect(client.profileId).toBeNull();
    expect(chrome.problems).toEqual([]);
  });
});
