/**
 * The audit log end to end, in headless Chromium against the headless host on a fresh data folder and a
 * test clock: actions by several actors (one whose name and one whose text look like spreadsheet
 * formulas) and a long run of postings; the screen is reached from the navigation, shows them newest
 * first and pages in the rest as the list scrolls; a row opens from the keyboard with its detail laid
 * out; the kind of record and its number narrow the list (in the URL); Export… writes the filtered log
 * as CSV with progress, the browser downloads it, and its rows are exactly the log's. Screenshots go to
 * test/artifacts/ (audit-log.png is the screen itself).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/main/headless';
import { parseCsv } from '../../src/shared/csv';
import { afterBrowser, useChromium, waitForText } from '../support/browser';

const RENDERER = path.resolve(__dirname, '../../out/renderer');
const START = Date.parse('2026-11-21T09:00:00Z');
/** Postings after the first actions: more than a page (100), so the list pages in the rest. */
const POSTS = 120;

describe('the audit log in the browser', () => {
  const chrome = useChromium({ height: 820 });
  let host: Host;
  let dataDir: string;
  let blueFox = 0;
  let redOwl = 0;
  let adjustmentEntry = 0;
  let total = 0;

  const call = async (channel: string, input: unknown, actor = 'api') => {
    const r = await host.core.call(channel, input, { actor });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as Record<string, unknown>;
  };
  const advance = (ms: number) => call('clock.advance', { ms });

  beforeAll(async () => {
    if (!fs.existsSync(path.join(RENDERER, 'index.html')))
      throw new Error(`the renderer is not built (${RENDERER}): run \`npm test\`, which builds first`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-audit-'));
    host = await startHost({ dataDir, port: 0, rendererDir: RENDERER, testClock: { startAt: START } });
    const reseller = await call('resellers.create', { name: 'Acme Telecom', email: 'billing@acme.test' }, 'desk');
    blueFox = (
      await call(
        'clients.create',
        {
          resellerId: reseller.id,
          externalRef: 'C-100',
          name: 'Blue Fox Ltd',
          billingEmail: 'ap@bluefox.test',
          currency: 'USD',
        },
        'desk',
      )
    ).id as number;
    redOwl = (
      await call(
        'clients.create',
        {
          resellerId: reseller.id,
          externalRef: 'C-200',
          name: 'Red Owl GmbH',
          billingEmail: 'kasse@redowl.test',
          currency: 'EUR',
        },
        '=HYPERLINK("http://evil.test")',
      )
    ).id as number;
    for (let i = 1; i <= POSTS; i++) {
      await advance(60_000);
      await call('ledger.post', {
        clientId: i % 3 ? blueFox : redOwl,
        kind: 'usage',
        amount: -i,
        description: `Call ${i}`,
      });
    }
    await advance(60_000);
    const adjustment = (await call(
      'ledger.post',
      { clientId: blueFox, kind: 'adjustment', amount: 2500, description: '=SUM(A1), "goodwill"\nfor the outage' },
      'ann',
    )) as { entry: { id: number } };
    adjustmentEntry = adjustment.entry.id;
    await advance(60_000);
    await call('ledger.reverse', { entryId: adjustmentEntry, reason: 'posted twice' }, 'ann');
    total = 3 + POSTS + 2;
  });

  afterBrowser(chrome, async () => {
    await host?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is reached from the navigation and shows the newest action first, paging in the rest as the list scrolls', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/clients`);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(/#\/audit$/);
    expect(await page.getByRole('link', { name: 'Audit log' }).getAttribute('aria-current')).toBe('page');
    await waitForText(page.getByTestId('audit-summary'), '100+ actions, newest first');
    expect(await page.title()).toBe('Audit log · Balance Desk');

    const rows = page.getByTestId('audit-row');
    const first = rows.first();
    expect(await first.getAttribute('data-id')).toBe(String(total));
    await waitForText(first.getByTestId('audit-actor'), 'ann');
    await waitForText(first.getByTestId('audit-action'), 'ledger.reverse');
    await waitForText(first.getByTestId('audit-subject'), `client #${blueFox}`);
    expect(await first.getByTestId('audit-subject').locator('a').getAttribute('href')).toBe(`#/clients/${blueFox}`);
    await waitForText(
      first.getByTestId('audit-detail'),
      new RegExp(`^entryId \\d+ · reverses ${adjustmentEntry} · amount -2500 · reason posted twice$`),
    );
    await waitForText(
      rows.nth(1).getByTestId('audit-detail'),
      /^entryId \d+ · amount 2500 · description =SUM\(A1\), "goodwill" for the outage$/,
    );
    await chrome.screenshot('audit-log');

    // Scrolled to the end, the next page comes in: every action, the first one last.
    await page.getByTestId('audit-list').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await waitForText(page.getByTestId('audit-summary'), `${total} actions, newest first`);
    await page.getByTestId('audit-list').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect.poll(() => rows.last().getAttribute('data-id')).toBe('1');
    await waitForText(rows.last().getByTestId('audit-action'), 'reseller.create');
    expect(chrome.problems).toEqual([]);
  });

  it('opens an entry from the keyboard with its detail laid out, and narrows the list by the kind of record and its number', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/audit`);
    // Still the same screen, scrolled to the end by the test before: back to the top.
    await page.getByTestId('audit-list').evaluate((el) => el.scrollTo({ top: 0 }));
    const rows = page.getByTestId('audit-row');
    await expect.poll(() => rows.first().getAttribute('data-id')).toBe(String(total));
    // ↓ from the first row to the second, Enter opens it.
    await rows.first().focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-id'))).toBe(String(total - 1));
    await page.keyboard.press('Enter');
    const entry = page.getByTestId('audit-entry');
    await waitForText(entry.locator('h2'), `Audit entry #${total - 1}: ledger.adjustment`);
    const detail = entry.getByTestId('audit-entry-detail');
    await waitForText(detail, /description=SUM\(A1\), "goodwill"\s*for the outage/);
    expect(await detail.locator('dt').allTextContents()).toEqual(['entryId', 'amount', 'description']);
    expect(JSON.parse((await entry.getByTestId('audit-entry-json').textContent()) ?? '')).toEqual({
      entryId: adjustmentEntry,
      amount: 2500,
      description: '=SUM(A1), "goodwill"\nfor the outage',
    });
    await chrome.screenshot('audit-entry');
    // "Every action by ann" narrows the list to her two.
    await entry.getByTestId('audit-entry-by-actor').click();
    await page.waitForURL(/#\/audit\?actor=ann$/);
    await entry.waitFor({ state: 'detached' });
    await waitForText(page.getByTestId('audit-summary'), '2 actions, newest first');

    // The kind of record, then its number (applied on Enter): the list and the URL follow.
    await page.getByTestId('audit-clear').click();
    await waitForText(page.getByTestId('audit-summary'), '100+ actions, newest first');
    const filters = page.getByTestId('audit-filters');
    await filters.locator('[name="subjectType"]').selectOption('reseller');
    await page.waitForURL(/#\/audit\?subjectType=reseller$/);
    await waitForText(page.getByTestId('audit-summary'), '1 action, newest first');
    await waitForText(rows.first().getByTestId('audit-action'), 'reseller.create');
    await filters.locator('[name="subjectType"]').selectOption('client');
    await filters.locator('[name="subjectId"]').fill(String(redOwl));
    await filters.locator('[name="subjectId"]').press('Enter');
    await page.waitForURL(new RegExp(`#/audit\\?subjectType=client&subjectId=${redOwl}$`));
    const redOwlActions = 1 + Math.floor(POSTS / 3);
    await waitForText(page.getByTestId('audit-summary'), `${redOwlActions} actions, newest first`);
    await page.getByTestId('audit-list').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await waitForText(rows.last().getByTestId('audit-actor'), '=HYPERLINK("http://evil.test")');
    await filters.locator('[name="subjectId"]').fill('abc');
    await filters.locator('[name="subjectId"]').press('Enter');
    await waitForText(filters.getByTestId('error-subjectId'), 'Not a record number.');
    expect(page.url()).toMatch(new RegExp(`subjectId=${redOwl}$`));
    expect(chrome.problems).toEqual([]);
  });

  it('exports the filtered log as CSV with progress, and the download holds exactly its rows', async () => {
    const page = chrome.page;
    // From another screen, so the audit log opens afresh on the link.
    await page.goto(`${host.url}#/clients`);
    await page.goto(`${host.url}#/audit?subjectType=client&subjectId=${redOwl}`);
    const redOwlActions = 1 + Math.floor(POSTS / 3);
    await waitForText(page.getByTestId('audit-summary'), `${redOwlActions} actions, newest first`);
    await page.getByTestId('audit-export-open').click();
    const dialog = page.getByTestId('export-dialog');
    await waitForText(dialog.locator('h2'), 'Export the audit log');
    await waitForText(
      dialog,
      new RegExp(`Writes the actions on client #${redOwl} to a file on this computer, newest first, with who did it`),
    );
    await waitForText(dialog, /one row per action, the detail as JSON text/);
    await dialog.getByTestId('export-format-csv').check();
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('export-start').click()]);
    await waitForText(dialog.getByTestId('export-rows'), `${redOwlActions} of ${redOwlActions} rows`);
    await waitForText(
      dialog.getByTestId('export-message'),
      new RegExp(
        `Done: ${redOwlActions} rows exported\\. Your browser is downloading audit-log-2026-11-21T\\d{4}\\.csv\\. Download again`,
      ),
    );
    expect(await dialog.getByTestId('export-state').getAttribute('data-state')).toBe('done');
    expect(await dialog.getByTestId('export-progress').getAttribute('value')).toBe('1');
    await chrome.screenshot('audit-export');

    expect(download.suggestedFilename()).toMatch(/^audit-log-2026-11-21T\d{4}\.csv$/);
    const bytes = fs.readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    const records = [...parseCsv(text)].map((r) => r.fields);
    expect(records[0]).toEqual(['id', 'at', 'actor', 'action', 'subject_type', 'subject_id', 'detail', 'desk']);
    // Exactly the rows of the list, from the core: newest first, the detail as its JSON text.
    const list = (await call('audit.list', { subjectType: 'client', subjectId: redOwl, limit: 500 })) as {
      items: { id: number; at: string; actor: string; action: string; detail: unknown }[];
    };
    expect(records.slice(1)).toEqual(
      list.items.map((i) => [
        String(i.id),
        i.at,
        i.actor.startsWith('=') ? `'${i.actor}` : i.actor,
        i.action,
        'client',
        String(redOwl),
        JSON.stringify(i.detail),
        '',
      ]),
    );
    // The first action on Red Owl was its creation, by the formula-looking actor: written safely.
    expect(
      text.endsWith(
        `,"'=HYPERLINK(""http://evil.test"")",client.create,client,${redOwl},"{""externalRef"":""C-200"",""name"":""Red Owl GmbH"",""currency"":""EUR""}",\r\n`,
      ),
    ).toBe(true);

    // The dialog's link downloads the same file again, from the host, with the token.
    const again = dialog.getByTestId('export-download-again');
    expect(await again.getAttribute('href')).toMatch(/^\/exports\/[\w-]+\/audit-log-2026-11-21T\d{4}\.csv\?token=/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(chrome.problems).toEqual([]);
  });
});
