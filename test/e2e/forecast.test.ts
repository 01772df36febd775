/**
 * The run-dry forecast end to end, in headless Chromium against the headless host on a test clock: the
 * clients list's "Runs dry" column sorted soonest first, the line under a client's figures with its
 * thresholds, and the threshold suggestion applied with one click. Screenshots (light and dark) go to
 * test/artifacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/main/headless';
import { afterBrowser, useChromium, waitForText } from '../support/browser';

const RENDERER = path.resolve(__dirname, '../../out/renderer');
const START = Date.parse('2026-11-21T09:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;

let host: Host;
let dataDir: string;
const ids: Record<'steady' | 'fast' | 'idle', number> = { steady: 0, fast: 0, idle: 0 };

const call = async (channel: string, input: unknown) => {
  const r = await host.core.call(channel, input, { actor: 'api' });
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value as Record<string, unknown>;
};

/** Usage of `perDay` on each of the 7 days before today and in proportion so far today (09:00). */
async function spend(clientId: number, perDay: number, now: number) {
  const today = Math.floor(now / DAY) * DAY;
  for (let k = 7; k >= 1; k--)
    await call('ledger.post', {
      clientId,
      kind: 'usage',
      amount: -perDay,
      at: new Date(today - k * DAY + 12 * HOUR).toISOString(),
    });
  await call('ledger.post', {
    clientId,
    kind: 'usage',
    amount: -Math.round((perDay * 9) / 24),
    at: new Date(today + 8 * HOUR).toISOString(),
  });
}

async function setUp() {
  if (!fs.existsSync(path.join(RENDERER, 'index.html')))
    throw new Error(`the renderer is not built (${RENDERER}): run \`npm test\`, which builds first`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-forecast-'));
  host = await startHost({ dataDir, port: 0, rendererDir: RENDERER, testClock: { startAt: START } });
  const reseller = await call('resellers.create', { name: 'Acme Telecom', email: 'billing@acme.test' });
  await call('profiles.create', {
    resellerId: reseller.id,
    name: 'Standard',
    currency: 'USD',
    staffRule: { enabled: true, threshold: 5000, notifyReseller: true, staffIds: [], emails: [] },
    clientRule: { enabled: true, threshold: 2000, notifyClient: true, emails: [] },
    forecastRule: { enabled: true, withinHours: 24, notifyReseller: true, emails: [] },
  });
  for (const [key, ref, name] of [
    ['steady', 'C-100', 'Blue Fox Ltd'],
    ['fast', 'C-200', 'Red Kite Media'],
    ['idle', 'C-300', 'Grey Owl Co'],
  ] as const) {
    ids[key] = (
      await call('clients.create', {
        resellerId: reseller.id,
        externalRef: ref,
        name,
        billingEmail: `ap@${ref}.test`,
        currency: 'USD',
      })
    ).id as number;
  }
  await call('clock.advance', { ms: 8 * DAY });
  const now = START + 8 * DAY;
  // Steady: $24.00 a day (1.00 an hour) with $123.00 left. Fast: $240.00 a day with $30.00 left. Idle: no usage.
  await call('ledger.post', {
    clientId: ids.steady,
    kind: 'top_up',
    amount: 30_000,
    at: new Date(START).toISOString(),
  });
  await spend(ids.steady, 2400, now);
  await call('ledger.post', { clientId: ids.fast, kind: 'top_up', amount: 180_000, at: new Date(START).toISOString() });
  await spend(ids.fast, 24_000, now);
  await call('ledger.post', { clientId: ids.idle, kind: 'top_up', amount: 8_000, at: new Date(START).toISOString() });
}

function suite(scheme: 'light' | 'dark') {
  describe(`the run-dry forecast in the browser (${scheme})`, () => {
    const chrome = useChromium({ colorScheme: scheme });
    beforeAll(setUp);
    afterBrowser(chrome, async () => {
      await host?.close();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('sorts the clients list by run-dry time, soonest first, clients without usage last', async () => {
      const page = chrome.page;
      await page.goto(`${host.url}#/clients`);
      await waitForText(page.getByTestId('clients-total'), '3 clients');
      await page.getByRole('button', { name: 'Runs dry' }).click();
      await waitForText(page.getByTestId('client-row').first(), /Red Kite Media/);
      const rows = page.getByTestId('client-row');
      expect(await rows.allTextContents()).toEqual([
        expect.stringMatching(/^Red Kite Media.*in about 3 h/),
        expect.stringMatching(/^Blue Fox Ltd.*in 5 days/),
        expect.stringMatching(/^Grey Owl Co.*—/),
      ]);
      expect(await page.getByRole('columnheader', { name: /Runs dry/ }).getAttribute('aria-sort')).toBe('ascending');
      await chrome.screenshot(`forecast-clients-${scheme}`);
      expect(chrome.problems).toEqual([]);
    });

    it('says on the client page when the balance runs out and crosses each threshold, and applies the suggested threshold', async () => {
      const page = chrome.page;
      await page.goto(`${host.url}#/clients/${ids.fast}`);
      await waitForText(
        page.getByTestId('run-dry-line'),
        'At the current rate (≈ $240.00/day), runs out in about 3 h; is below the staff threshold ($50.00) now; falls below the client threshold ($20.00) in about 1 h.',
      );
      // 177,000 of usage over the 8 days since the client was made: $221.25 a day, $442.50 suggested.
      const suggestion = page.getByTestId('threshold-suggestion');
      await waitForText(
        suggestion,
        /Suggested client threshold: \$442\.50 — twice the average daily spend of \$221\.25 \(8 days\)/,
      );
      await chrome.screenshot(`forecast-client-${scheme}`);
      // The profile's forecast rule, beside the three rules: within its 24 h, one notification sent.
      const forecastRule = page.getByTestId('rule-forecast');
      await waitForText(forecastRule, /when forecast to run dry within 24 h; runs dry in about 3 h/);
      await waitForText(page.getByTestId('state-forecast'), /due to run dry\s*1 of \d+ sent/);
      await suggestion.scrollIntoViewIfNeeded();
      await chrome.screenshot(`forecast-suggest-${scheme}`);
      await page.getByTestId('apply-suggestion').click();
      await waitForText(page.getByTestId('threshold-client'), '$442.50');
      await waitForText(suggestion, /The client rule uses it\./);
      expect(await page.getByTestId('rule-client').getAttribute('data-threshold-source')).toBe('client');
      // The line follows: the client threshold is above the balance now.
      await waitForText(page.getByTestId('run-dry-line'), /is below the client threshold \(\$442\.50\) now/);
      await page.getByTestId('threshold-suggestion').scrollIntoViewIfNeeded();
      await chrome.screenshot(`forecast-suggestion-${scheme}`);

      await page.goto(`${host.url}#/clients/${ids.idle}`);
      await waitForText(page.getByTestId('run-dry-line'), 'No usage in the last 7 days: no run-dry forecast.');
      expect(await page.getByTestId('threshold-suggestion').count()).toBe(0);
      expect(chrome.problems).toEqual([]);
    });
  });
}

suite('light');
suite('dark');
