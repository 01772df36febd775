/**
 * The foundation end to end, through the UI only, in headless Chromium against the headless host on a
 * fresh data folder: a first reseller and client (with an inline validation error on the way), a usage
 * import sent in two parts with one bad row (its file line shown, the good rows kept), a re-import that
 * adds nothing, a change made elsewhere appearing live, a manual adjustment, and the client's balance,
 * ledger and chart. Screenshots go to test/artifacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/main/headless';
import { useChromium, waitForText } from '../support/browser';

const RENDERER = path.resolve(__dirname, '../../out/renderer');

/** 6,001 data rows, so the file goes in two parts (5,000 rows each, the header counted in the first). */
const GOOD_ROWS = 6000;
/** The bad row sits in the second part: its line number proves each part says where it starts. */
const BAD_LINE = 5003;

function usageCsv(): string {
  const lines = ['client_ref,time,amount,external_id,description'];
  let n = 0;
  while (lines.length < GOOD_ROWS + 2) {
    if (lines.length + 1 === BAD_LINE) {
      lines.push('C-100,2026-11-02T08:00:00Z,ten cents,bad-1,typed by hand');
      continue;
    }
    n++;
    const at = new Date(Date.parse('2026-11-01T00:00:00Z') + n * 60_000).toISOString();
    lines.push(`C-100,${at},0.01,call-${n},"Call ${n}, 1 min"`);
  }
  return lines.join('\n') + '\n';
}

describe('foundation in the browser', () => {
  const chrome = useChromium();
  let host: Host;
  let dataDir: string;
  let clientUrl = '';

  beforeAll(async () => {
    if (!fs.existsSync(path.join(RENDERER, 'index.html'))) {
      throw new Error(
        `the renderer is not built (${RENDERER}/index.html is missing): run \`npx electron-vite build\` or \`npm test\`, which builds first`,
      );
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-'));
    host = await startHost({ dataDir, port: 0, rendererDir: RENDERER });
  });

  afterAll(async () => {
    await host?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens on an empty ledger with the app info in the header', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/clients`);
    await waitForText(page.getByTestId('clients-total'), '0 clients');
    await waitForText(page.getByTestId('app-version'), /^Balance Desk \d+\.\d+\.\d+/);
    expect(await page.getByTestId('app-data-dir').textContent()).toBe(path.resolve(dataDir));
    expect(await page.getByTestId('demo-badge').count()).toBe(0);
    // On an empty ledger the dashboard says where to start.
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByTestId('dashboard-start').waitFor();
    await page.goBack();
    await waitForText(page.getByTestId('clients-total'), '0 clients');
  });

  it('creates a first reseller and a client, showing a bad email next to its field', async () => {
    const page = chrome.page;
    await page.getByRole('button', { name: 'New client' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('There is no reseller yet').waitFor();
    await dialog.getByLabel('Reseller name').fill('Acme Telecom');
    await dialog.getByLabel('Reseller email').fill('billing@acme.test');
    await dialog.getByRole('button', { name: 'Create reseller' }).click();

    await dialog.getByLabel('Reference').fill('C-100');
    await dialog.getByLabel('Name', { exact: true }).fill('Blue Fox Ltd');
    await dialog.getByLabel('Billing email').fill('accounts at bluefox');
    await dialog.getByRole('button', { name: 'Create client' }).click();
    await waitForText(dialog.getByTestId('error-billingEmail'), /not a valid email address/);
    expect(await dialog.getByLabel('Billing email').getAttribute('aria-invalid')).toBe('true');
    await chrome.screenshot('new-client-error');

    await dialog.getByLabel('Billing email').fill('ap@bluefox.test');
    await dialog.getByLabel('Billing email').press('Enter'); // forms submit with Enter
    await page.waitForURL(/#\/clients\/\d+$/);
    clientUrl = page.url();
    await waitForText(page.getByTestId('client-name'), 'Blue Fox Ltd');
    await waitForText(page.getByTestId('client-balance'), '$0.00');
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('previews and imports a CSV in parts, keeping the good rows and naming the bad line', async () => {
    const page = chrome.page;
    await page.getByRole('link', { name: 'Import' }).click();
    await waitForText(page.getByTestId('import-columns'), 'client_ref,time,amount,external_id,description');
    const reseller = page.getByLabel('Reseller');
    await waitForText(reseller.locator('option:checked'), 'Acme Telecom');
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'usage-november.csv', mimeType: 'text/csv', buffer: Buffer.from(usageCsv()) });
    await waitForText(page.getByTestId('import-file'), /usage-november\.csv/);

    await page.getByRole('button', { name: 'Preview' }).click();
    await waitForText(page.getByRole('heading', { name: /Preview: nothing has changed/ }), /Preview/, 10_000);
    await waitForText(page.getByTestId('import-rows'), '6,001');
    await waitForText(page.getByTestId('import-valid'), '6,000');
    await waitForText(page.getByTestId('import-errors'), '1');
    await waitForText(page.getByTestId('import-error-line'), String(BAD_LINE));
    expect(await page.getByTestId('import-error-row').textContent()).toMatch(/amount.*not an amount/);
    await chrome.screenshot('import-preview');

    await page.getByRole('button', { name: 'Commit import' }).click();
    await waitForText(page.getByRole('heading', { name: 'Import finished' }), 'Import finished', 10_000);
    await waitForText(page.getByText(/^Part \d+ of \d+$/), 'Part 2 of 2');
    await waitForText(page.getByTestId('import-imported'), '6,000');
    await waitForText(page.getByTestId('import-duplicates'), '0');
    await waitForText(page.getByTestId('import-errors'), '1');
    await waitForText(page.getByTestId('import-error-line'), String(BAD_LINE));
    await chrome.screenshot('import-committed');

    // The same file again: every row is already in, nothing is added.
    await page.getByRole('button', { name: 'Commit import' }).click();
    await waitForText(page.getByTestId('import-duplicates'), '6,000', 10_000);
    await waitForText(page.getByRole('heading', { name: 'Import finished' }), 'Import finished', 10_000);
    await waitForText(page.getByTestId('import-imported'), '0');
    await chrome.screenshot('import-again');
  });

  it('shows the imported balance, a change made elsewhere live, and a manual adjustment', async () => {
    const page = chrome.page;
    await page.goto(clientUrl);
    // 6,000 rows of 0.01 kept; the bad row is not.
    await waitForText(page.getByTestId('client-balance'), '-$60.00');
    expect(await page.getByTestId('client-available').getAttribute('class')).toMatch(/tone-negative/);
    // Change events flow only once the stream is open: a change made before that is not missed by a
    // person (the screen loaded after it), but it would be by this test.
    await waitForText(page.getByTestId('live-status'), 'Live');

    // A top-up posted by another desk (straight into the host's core) shows up without a reload.
    const clientId = Number(clientUrl.split('/').pop());
    const posted = await host.core.call('ledger.post', {
      clientId,
      kind: 'top_up',
      amount: 100,
      description: 'Bank transfer',
    });
    expect(posted.ok).toBe(true);
    await waitForText(page.getByTestId('client-balance'), '-$59.00');

    const form = page.getByRole('form', { name: 'Manual adjustment' });
    await form.getByLabel('Credit (add)').check();
    await form.getByLabel('Amount (USD)').fill('55.255');
    await form.getByLabel('Reason').fill('Goodwill credit for the outage on 12 Nov');
    await form.getByRole('button', { name: 'Post adjustment' }).click();
    await waitForText(form.getByTestId('error-amount'), 'USD has at most 2 decimals');
    await waitForText(page.getByTestId('client-balance'), '-$59.00');

    await form.getByLabel('Amount (USD)').fill('55.25');
    await form.getByLabel('Amount (USD)').press('Enter');
    await waitForText(page.getByTestId('client-balance'), '-$3.75');
    await waitForText(page.getByTestId('client-available'), '-$3.75');
    await waitForText(page.getByTestId('client-held'), '$0.00');

    const newest = page.getByTestId('ledger-row').first();
    await waitForText(newest.locator('td').nth(1), 'Adjustment');
    expect(await newest.textContent()).toContain('Goodwill credit for the outage on 12 Nov');
    expect(await newest.locator('td').nth(4).textContent()).toBe('+$55.25');
    expect(await newest.locator('td').nth(5).textContent()).toBe('-$3.75');
    expect(await page.getByTestId('ledger-row').count()).toBe(50); // the first page of 6,002 entries
    await page.getByRole('button', { name: 'Load more entries' }).click();
    await page.getByTestId('ledger-row').nth(99).waitFor();

    // Esc closes a dialog without saving.
    await page.getByRole('button', { name: 'Edit' }).click();
    await page
      .getByRole('dialog', { name: 'Edit client' })
      .getByLabel('Name', { exact: true })
      .fill('Changed but not saved');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await waitForText(page.getByTestId('client-name'), 'Blue Fox Ltd');

    await page.getByTestId('balance-chart').locator('canvas').waitFor();
    await page.getByTestId('client-name').scrollIntoViewIfNeeded();
    await chrome.screenshot('client-detail');
  });

  it('lists the client with its balance, found by a search on the reference', async () => {
    const page = chrome.page;
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.getByLabel('Search clients by name or reference').fill('c-1');
    await waitForText(page.getByTestId('clients-total'), '1 client matching “c-1”');
    const row = page.getByTestId('client-row').first();
    expect(await row.textContent()).toContain('Blue Fox Ltd');
    expect(await row.locator('.money').textContent()).toBe('-$3.75');
    await page.getByLabel('Search clients by name or reference').fill('zzz');
    await waitForText(page.getByTestId('clients-total'), '0 clients matching “zzz”');
    await chrome.screenshot('clients-search');
    expect(chrome.problems).toEqual([]);
  });
});
