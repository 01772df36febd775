/**
 * The dashboard and the client's chart, end to end, in headless Chromium against the headless host on a
 * fresh data folder, a test clock and the Stripe test server: twelve days of top-ups and usage in three
 * currencies, a low balance profile, and two clients on automatic top-up (one failing over from a
 * declined card, one whose only card declines). The tiles show the core's figures, follow a change live,
 * and open the filtered lists behind them; the 30-day chart draws per currency; the client's chart shows
 * its threshold lines and its markers, and hovering one shows the entry. Screenshots: dashboard.png,
 * dashboard-dark.png, dashboard-1920.png, client-chart.png in test/artifacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/main/headless';
import { useChromium, waitForText, type Chromium } from '../support/browser';
import { SANDBOX_API_KEY, startStripeServer, type StripeTestServer } from '../support/stripe/server';

const RENDERER = path.resolve(__dirname, '../../out/renderer');
const START = Date.parse('2026-11-10T09:00:00Z');
const DAY = 86_400_000;

let host: Host;
let server: StripeTestServer;
let dataDir: string;
const ids: Record<string, number> = {};

async function call<T = Record<string, unknown>>(channel: string, input: unknown): Promise<T> {
  const r = await host.core.call(channel, input, { actor: 'api' });
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value as T;
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(RENDERER, 'index.html')))
    throw new Error(`the renderer is not built (${RENDERER}): run \`npm test\`, which builds first`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-dashboard-'));
  server = await startStripeServer({ now: () => (host ? host.core.clock.now() : START) });
  host = await startHost({
    dataDir,
    port: 0,
    rendererDir: RENDERER,
    testClock: { startAt: START },
    stripeApiBase: server.url,
  });
  await call('stripe.set', { secretKey: SANDBOX_API_KEY });
  const reseller = await call<{ id: number }>('resellers.create', { name: 'Acme Telecom', email: 'billing@acme.test' });
  for (const [ref, name, currency] of [
    ['C-100', 'Blue Fox Ltd', 'USD'],
    ['C-200', 'Red Kite LLC', 'USD'],
    ['C-300', 'Nordlicht GmbH', 'EUR'],
    ['C-400', 'Sakura KK', 'JPY'],
  ]) {
    ids[ref] = (
      await call<{ id: number }>('clients.create', {
        resellerId: reseller.id,
        externalRef: ref,
        name,
        billingEmail: `ap@${ref.toLowerCase()}.test`,
        currency,
      })
    ).id;
  }
  await call('profiles.create', {
    resellerId: reseller.id,
    name: 'Standard USD',
    currency: 'USD',
    staffRule: { enabled: true, threshold: 5000, notifyReseller: true, staffIds: [], emails: [] },
    clientRule: { enabled: true, threshold: 2000, notifyClient: true, emails: [] },
  });
  // Twelve days: a top-up every fourth day, usage every day.
  for (let day = 0; day < 12; day++) {
    if (day % 4 === 0) {
      await call('ledger.post', {
        clientId: ids['C-100'],
        kind: 'top_up',
        amount: 40_000,
        description: 'Bank transfer',
      });
      await call('ledger.post', {
        clientId: ids['C-200'],
        kind: 'top_up',
        amount: 10_000,
        description: 'Card payment',
      });
      await call('ledger.post', {
        clientId: ids['C-300'],
        kind: 'top_up',
        amount: 30_000,
        description: 'SEPA transfer',
      });
      await call('ledger.post', { clientId: ids['C-400'], kind: 'top_up', amount: 50_000, description: 'Furikomi' });
    }
    await call('ledger.post', {
      clientId: ids['C-100'],
      kind: 'usage',
      amount: -(2500 + day * 150),
      description: 'Outbound calls',
    });
    await call('ledger.post', {
      clientId: ids['C-200'],
      kind: 'usage',
      amount: -(1900 + day * 40),
      description: 'SMS',
    });
    await call('ledger.post', {
      clientId: ids['C-300'],
      kind: 'usage',
      amount: -(2100 + day * 90),
      description: 'API requests',
    });
    await call('ledger.post', {
      clientId: ids['C-400'],
      kind: 'usage',
      amount: -(3000 + day * 200),
      description: 'Lead delivery',
    });
    await call('clock.advance', { ms: DAY });
  }
  // Automatic top-up: Blue Fox's first card declines and its second pays; Red Kite's only card declines.
  for (const [ref, tokens] of [
    ['C-100', ['pm_card_chargeDeclinedInsufficientFunds', 'pm_card_visa']],
    ['C-200', ['pm_card_chargeDeclined']],
  ] as const) {
    const clientId = ids[ref];
    const { customerId } = await call<{ customerId: string }>('methods.link', { clientId });
    for (const t of tokens) server.attachTestPaymentMethod(customerId, t);
    const { methods } = await call<{ methods: { id: number }[] }>('methods.refresh', { clientId });
    await call('methods.reorder', { clientId, order: [...methods].reverse().map((m) => m.id) });
    const c = await call<{ available: number }>('clients.get', { id: clientId });
    // The trigger just above the balance: the next usage charges.
    await call('recharge.set', {
      clientId,
      mode: 'auto',
      enabled: true,
      alertThreshold: null,
      triggerThreshold: c.available + 100,
      rechargeAmount: 20_000,
      dailyCap: null,
    });
    await call('ledger.post', { clientId, kind: 'usage', amount: -500, description: 'Outbound calls' });
  }
  await call('clock.advance', { ms: 60_000 });
}, 120_000);

afterAll(async () => {
  await host?.close();
  await server?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The figure each tile shows, as the core counts it. */
const figures = () =>
  call<{
    runDrySoon: number;
    belowThreshold: number;
    awaitingRetry: number;
    methodsCooling: number;
    notificationsToday: { sent: number; failed: number };
    topUpsToday: { currency: string; count: number; amount: number }[];
  }>('dashboard.get', {});

async function closeBrowser(chrome: Chromium) {
  try {
    await chrome.browser.close();
  } catch {
    /* never started */
  }
}

describe('the dashboard in the browser', () => {
  const chrome = useChromium();
  afterAll(() => closeBrowser(chrome));

  it('shows the core’s figures in tiles, in each client’s currency', async () => {
    const page = chrome.page;
    const f = await figures();
    expect(f.awaitingRetry).toBe(1);
    expect(f.methodsCooling).toBe(2);
    expect(f.belowThreshold).toBeGreaterThan(0);
    await page.goto(`${host.url}#/dashboard`);
    await waitForText(page.getByTestId('tile-below').locator('.tile-figure'), String(f.belowThreshold));
    await waitForText(page.getByTestId('tile-retry').locator('.tile-figure'), '1');
    await waitForText(page.getByTestId('tile-dry').locator('.tile-figure'), String(f.runDrySoon));
    await waitForText(page.getByTestId('tile-cooling').locator('.tile-figure'), '2');
    await waitForText(
      page.getByTestId('tile-cooling').locator('.tile-note'),
      /^2 clients: a declined method rests 48 hours/,
    );
    await waitForText(page.getByTestId('tile-sent').locator('.tile-figure'), String(f.notificationsToday.sent));
    await waitForText(page.getByTestId('tile-failed').locator('.tile-figure'), '0');
    await waitForText(page.getByTestId('tile-failed').locator('.tile-note'), 'No email failed today.');
    // Today's top-ups: Blue Fox's automatic $200.00, in dollars.
    expect(f.topUpsToday).toEqual([{ currency: 'USD', count: 1, amount: 20_000 }]);
    await waitForText(page.getByTestId('tile-topups-sum'), '$200.001 top-up');
    await waitForText(
      page.getByTestId('tile-topups').locator('.tile-note'),
      '1 was an automatic charge: they are in Charges',
    );
    await waitForText(page.getByTestId('tile-scheduler').locator('.tile-figure'), /^(Swept|Not swept yet)/);

    // The chart: one currency at a time, the one with the most top-ups first.
    await page.getByTestId('dashboard-chart').locator('canvas').first().waitFor();
    expect(await page.getByTestId('dashboard-chart').getAttribute('data-currency')).toBe('USD');
    await waitForText(page.getByTestId('dashboard-total'), /^\$[\d,]+\.\d\d$/);
    const days = await call<{ currencies: { currency: string; balance: number[] }[] }>('dashboard.chart', {});
    const usd = days.currencies.find((c) => c.currency === 'USD')!;
    await waitForText(
      page.getByTestId('dashboard-total'),
      `$${(usd.balance.at(-1)! / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`,
    );
    await page.getByRole('button', { name: 'EUR' }).click();
    await waitForText(page.getByTestId('dashboard-total'), /^€[\d,]+\.\d\d$/);
    expect(await page.getByTestId('dashboard-chart').getAttribute('data-currency')).toBe('EUR');
    await page.getByRole('button', { name: 'USD' }).click();
    await chrome.screenshot('dashboard');
    expect(chrome.problems).toEqual([]);
  });

  it('follows a change live', async () => {
    const page = chrome.page;
    await call('ledger.post', { clientId: ids['C-300'], kind: 'top_up', amount: 12_345, description: 'SEPA transfer' });
    await waitForText(page.getByTestId('tile-topups-sum').filter({ hasText: '€' }), '€123.451 top-up');
  });

  it('opens the filtered list behind a tile', async () => {
    const page = chrome.page;
    await page.getByTestId('tile-retry').click();
    await page.waitForURL(/#\/charges\?awaiting=retry$/);
    await page.getByTestId('charges-awaiting').waitFor();
    await waitForText(page.getByTestId('charges-summary'), /^1 attempt/);
    await waitForText(page.getByTestId('charge-status'), 'Failed');
    await page.goBack();
    await page.getByTestId('tile-below').click();
    await page.waitForURL(/#\/clients\?only=below$/);
    const f = await figures();
    await waitForText(
      page.getByTestId('clients-total'),
      `${f.belowThreshold} ${f.belowThreshold === 1 ? 'client' : 'clients'} below a low balance threshold now`,
    );
    expect(await page.getByTestId('client-row').count()).toBe(f.belowThreshold);
    await page.goBack();
    await page.getByTestId('tile-dry').click();
    await page.waitForURL(/#\/clients\?only=dry$/);
    await waitForText(
      page.getByTestId('clients-total'),
      new RegExp(`^${f.runDrySoon} clients? forecast to run dry within 24 hours`),
    );
    expect(await page.getByTestId('client-row').count()).toBe(f.runDrySoon);
    await page.goBack();
    await page.getByTestId('tile-cooling').click();
    await page.waitForURL(/#\/clients\?only=cooling$/);
    await waitForText(
      page.getByTestId('clients-total'),
      '2 clients with a payment method cooling down after a failed charge',
    );
    await page.goBack();
    await page.getByTestId('tile-sent').click();
    await page.waitForURL(/#\/notifications\?status=sent&from=2026-11-22&to=2026-11-22$/);
    expect(chrome.problems).toEqual([]);
  });

  it('draws the client’s chart with threshold lines and markers; hovering a marker shows the entry', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/clients/${ids['C-200']}`);
    const chart = page.getByTestId('balance-chart');
    await chart.locator('canvas').first().waitFor();
    const markers = chart.getByTestId('chart-marker');
    await markers.first().waitFor();
    expect(await chart.locator('[data-kind="top_up"]').count()).toBe(3);
    expect(await chart.locator('[data-kind="failed_charge"]').count()).toBe(1);
    expect(await chart.locator('[data-kind="notification"]').count()).toBeGreaterThan(0);
    await waitForText(
      page.getByTestId('chart-key'),
      /Reseller staff rule \$50\.00.*Client rule \$20\.00.*Automatic top-up trigger/,
    );
    await chart.locator('[data-kind="failed_charge"]').hover();
    await waitForText(chart.getByTestId('chart-tip'), /^Failed charge · .* · \$200\.00 · /);
    await chart.locator('[data-kind="top_up"]').first().hover();
    await waitForText(chart.getByTestId('chart-tip'), /^Top-up · Nov 10, 2026, 9:00 AM · \$100\.00 · Card payment$/);
    await chrome.screenshot('client-chart');
    expect(chrome.problems).toEqual([]);
  });
});

// Dark mode at 1280×800, and a wide screen.
for (const v of [
  { shot: 'dashboard-dark', what: 'in dark mode', opts: { colorScheme: 'dark' as const } },
  { shot: 'dashboard-1920', what: 'at 1920×1080', opts: { width: 1920, height: 1080 } },
]) {
  describe(`the dashboard ${v.what}`, () => {
    const chrome = useChromium(v.opts);
    afterAll(() => closeBrowser(chrome));
    it('shows the tiles and the chart', async () => {
      const page = chrome.page;
      await page.goto(`${host.url}#/dashboard`);
      await page.getByTestId('dashboard-chart').locator('canvas').first().waitFor();
      await waitForText(page.getByTestId('tile-retry').locator('.tile-figure'), '1');
      await chrome.screenshot(v.shot);
      expect(chrome.problems).toEqual([]);
    });
    it('shows the client’s chart', async () => {
      const page = chrome.page;
      await page.goto(`${host.url}#/clients/${ids['C-200']}`);
      await page.getByTestId('balance-chart').getByTestId('chart-marker').first().waitFor();
      await chrome.screenshot(`client-chart-${v.shot.replace('dashboard-', '')}`);
      expect(chrome.problems).toEqual([]);
    });
  });
}
