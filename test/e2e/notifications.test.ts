/**
 * Notifications end to end, in headless Chromium against the headless host on a fresh data folder and a
 * test clock, with a real SMTP server on loopback: set up SMTP in Settings and send a test email (and one
 * with a wrong password), let a low balance email go out through the server with its Message-ID, find it
 * in the log by status and client, read it on its page, export the filtered log as CSV and download it,
 * and resend it. Screenshots go to test/artifacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/main/headless';
import { useChromium, waitForText } from '../support/browser';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp';

const RENDERER = path.resolve(__dirname, '../../out/renderer');
const START = Date.parse('2026-11-21T09:00:00Z');

interface Row {
  id: number;
  clientId: number;
  status: string;
  subject: string;
  messageId: string;
  recipients: string[];
  resendOf: number | null;
}

describe('notifications in the browser', () => {
  const chrome = useChromium({ height: 860 });
  let host: Host;
  let server: SmtpTestServer;
  let dataDir: string;
  let blueFox = 0;
  let redOwl = 0;
  let sent: Row;

  const call = async (channel: string, input: unknown) => {
    const r = await host.core.call(channel, input, { actor: 'api' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as Record<string, unknown>;
  };
  const list = async (filter: Record<string, unknown>) =>
    (await call('notifications.list', { limit: 100, ...filter })).items as Row[];
  /** Moves the test clock, which runs the work that has fallen due (the notify jobs). */
  const advance = (ms: number) => call('clock.advance', { ms });

  beforeAll(async () => {
    if (!fs.existsSync(path.join(RENDERER, 'index.html')))
      throw new Error(`the renderer is not built (${RENDERER}): run \`npm test\`, which builds first`);
    server = await startSmtpServer({ auth: { user: 'desk', pass: 's3cret' } });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-notify-'));
    host = await startHost({ dataDir, port: 0, rendererDir: RENDERER, testClock: { startAt: START } });
    const reseller = await call('resellers.create', { name: 'Acme Telecom', email: 'billing@acme.test' });
    blueFox = (
      await call('clients.create', {
        resellerId: reseller.id,
        externalRef: 'C-100',
        name: 'Blue Fox Ltd',
        billingEmail: 'ap@bluefox.test',
        currency: 'USD',
      })
    ).id as number;
    redOwl = (
      await call('clients.create', {
        resellerId: reseller.id,
        externalRef: 'C-200',
        name: 'Red Owl GmbH',
        billingEmail: 'kasse@redowl.test',
        currency: 'USD',
      })
    ).id as number;
    await call('ledger.post', { clientId: blueFox, kind: 'top_up', amount: 3000 });
    await call('ledger.post', { clientId: redOwl, kind: 'top_up', amount: 1000 });
  });

  afterAll(async () => {
    // Close the browser first: host.close() awaits server.close() before it calls closeAllConnections(),
    // so a connection of the browser still open then (a keep-alive one, or the event stream coming back)
    // can hold it open for good (a core issue, reported; seen in about one run in six).
    try {
      await chrome.browser.close();
    } catch {
      /* the browser never started */
    }
    await host?.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('sets up SMTP in Settings and sends a test email that reaches the server; a wrong password is refused in words', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/settings`);
    const section = page.getByTestId('mail-settings');
    await waitForText(
      section.getByTestId('mail-route'),
      /No SMTP server is set up: every email is written as an \.eml file to the outbox folder/,
    );
    await waitForText(section.getByTestId('secret-storage'), /sealed with a key file in the data folder/);

    const form = page.getByTestId('smtp-form');
    await form.locator('[name="smtp.host"]').fill('mail.acme.test');
    await form.locator('[name="smtp.security"]').selectOption('tls');
    expect(await form.locator('[name="smtp.port"]').inputValue()).toBe('465');
    await form.locator('[name="smtp.security"]').selectOption('none');
    expect(await form.locator('[name="smtp.port"]').inputValue()).toBe('25');
    // None to a remote host: warned, not blocked.
    await waitForText(
      section.getByTestId('mail-unencrypted'),
      /the password and mail travel unencrypted to mail\.acme\.test/,
    );
    await form.locator('[name="smtp.host"]').fill('127.0.0.1');
    expect(await section.getByTestId('mail-unencrypted').count()).toBe(0);
    await form.locator('[name="smtp.port"]').fill(String(server.port));
    await form.locator('[name="smtp.user"]').fill('desk');
    await form.locator('[name="smtp.password"]').fill('s3cret');
    await form.locator('[name="smtp.from"]').fill('not an address');
    await page.getByTestId('mail-save').click();
    await waitForText(form.getByTestId('error-smtp.from'), /email address/);
    await form.locator('[name="smtp.from"]').fill('Acme Billing <billing@acme.test>');
    await form.locator('[name="smtp.from"]').press('Control+Enter');
    await waitForText(form.getByTestId('mail-saved'), 'Saved.');
    await waitForText(
      section.getByTestId('mail-route'),
      new RegExp(
        `Mail is sent through the SMTP server 127\\.0\\.0\\.1:${server.port} \\(None, as desk\\), from Acme Billing`,
      ),
    );
    expect(await form.locator('[name="smtp.password"]').getAttribute('placeholder')).toBe(
      'stored — leave empty to keep',
    );
    expect(await form.locator('[name="smtp.password"]').inputValue()).toBe('');

    // The test email, with the stored password (the field is left empty).
    const test = page.getByTestId('mail-test');
    await test.locator('[name="to"]').fill('ops@acme.test');
    await test.getByTestId('mail-test-send').click();
    const result = test.getByTestId('mail-test-result');
    await waitForText(result, /^Sent\. 127\.0\.0\.1 accepted the test email for ops@acme\.test/);
    expect(await result.getAttribute('data-ok')).toBe('true');
    await server.waitFor(1);
    expect(server.received[0]).toMatchObject({ to: ['ops@acme.test'], subject: 'Balance Desk test email' });
    await chrome.screenshot('settings-mail');

    // The form's values as typed, before saving: a wrong password is refused, in words.
    await form.locator('[name="smtp.password"]').fill('wrong');
    await test.getByTestId('mail-test-send').click();
    await waitForText(
      result,
      /^Not sent \(server reply 535\)\. The server at 127\.0\.0\.1:\d+ refused the user name or password: check them in Settings/,
    );
    expect(await result.getAttribute('data-ok')).toBe('false');
    await chrome.screenshot('settings-mail-refused');
    expect(server.received).toHaveLength(1);
    await form.locator('[name="smtp.password"]').fill('');
  });

  it('sends a low balance email through the server with the notification’s Message-ID', async () => {
    await call('profiles.create', {
      resellerId: (await call('clients.get', { id: blueFox })).resellerId,
      name: 'Standard',
      currency: 'USD',
      maxQty: 3,
      periodHours: 24,
      staffRule: { enabled: false, threshold: 0, notifyReseller: true, staffIds: [], emails: [] },
      clientRule: { enabled: true, threshold: 2500, notifyClient: true, emails: ['ops@acme.test'] },
      inactivityRule: { enabled: false, threshold: 0, notifyClient: true, inactivityHours: 168, emails: [] },
    });
    // Blue Fox goes from $30.00 to $20.00, below $25.00; Red Owl ($10.00) is found by the sweep.
    await call('ledger.post', { clientId: blueFox, kind: 'usage', amount: -1000, description: 'Outbound calls' });
    await advance(60_000);
    await expect.poll(async () => (await list({ clientId: blueFox }))[0]?.status).toBe('sent');
    sent = (await list({ clientId: blueFox }))[0];
    expect(sent.recipients).toEqual(['ap@bluefox.test', 'ops@acme.test']);
    await server.waitFor(2);
    const mail = server.received.find((m) => m.messageId === sent.messageId);
    expect(mail, `a message with Message-ID ${sent.messageId} at the server`).toBeDefined();
    expect(mail!.to.sort()).toEqual(['ap@bluefox.test', 'ops@acme.test']);
    expect(mail!.subject).toBe(sent.subject);
    expect(sent.subject).toBe('Your Acme Telecom balance is low: $20.00');
    await expect.poll(async () => (await list({ clientId: redOwl }))[0]?.status).toBe('sent');
    // Another debit within the Period: decided and held back.
    await call('ledger.post', { clientId: blueFox, kind: 'usage', amount: -500, description: 'Outbound calls' });
    expect((await list({ clientId: blueFox }))[0]).toMatchObject({ status: 'suppressed' });
  });

  it('finds it in the log by status and client, and shows every field and the message on its page', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/notifications`);
    const rows = page.getByTestId('nlog-row');
    await expect.poll(() => rows.count()).toBe(3);
    await chrome.screenshot('notifications-log');
    const filters = page.getByTestId('nlog-filters');
    await filters.locator('[name="status"]').selectOption('sent');
    await expect.poll(() => page.url()).toMatch(/#\/notifications\?status=sent$/);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['sent', 'sent']);

    // The client by type-ahead.
    const picker = filters.locator('[name="clientId"]');
    await picker.fill('blue');
    const option = page.getByTestId('client-option');
    await waitForText(option, /Blue Fox Ltd\s*C-100/);
    await picker.press('Enter');
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/notifications\\?clientId=${blueFox}&status=sent$`));
    await expect.poll(() => rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.getAttribute('data-id')).toBe(String(sent.id));
    await waitForText(
      row,
      /Blue Fox Ltd.*Low balance \(client\).*ap@bluefox\.test, ops@acme\.test.*Your Acme Telecom balance is low: \$20\.00.*Sent.*1/,
    );
    expect(await picker.inputValue()).toBe('Blue Fox Ltd (C-100)');
    await chrome.screenshot('notifications-log-filtered');

    // A linked view opens with its filters.
    await page.goto(`${host.url}#/notifications?clientId=${blueFox}&status=suppressed`);
    await expect.poll(() => rows.count()).toBe(1);
    await waitForText(rows.first(), /Suppressed: period/);
    await expect.poll(() => filters.locator('[name="clientId"]').inputValue()).toBe('Blue Fox Ltd (C-100)');
    await page.goBack();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-status')).toBe('sent');

    await rows.first().click();
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/notifications/${sent.id}$`));
    const detail = page.getByTestId('notification-detail');
    await waitForText(
      detail.getByTestId('notification-reason'),
      /Available \$20\.00 is below the client threshold of \$25\.00/,
    );
    await waitForText(detail.getByTestId('mail-subject'), 'Your Acme Telecom balance is low: $20.00');
    await waitForText(detail.getByTestId('mail-to'), 'ap@bluefox.test, ops@acme.test');
    await waitForText(detail.getByTestId('mail-from'), 'Acme Billing <billing@acme.test>');
    await waitForText(detail.getByTestId('fact-recipients'), /ap@bluefox\.test\s*ops@acme\.test/);
    await waitForText(detail.getByTestId('fact-message-id'), sent.messageId);
    await waitForText(detail.getByTestId('fact-via'), 'SMTP server');
    await waitForText(detail.getByTestId('fact-status'), /Sent/);
    await waitForText(
      detail.getByTestId('mail-text'),
      /Hello Blue Fox Ltd,[\s\S]*Your Acme Telecom balance is \$20\.00, below \$25\.00\./,
    );
    expect(await detail.getByTestId('fact-client').locator('a').getAttribute('href')).toBe(`#/clients/${blueFox}`);
    await detail.getByTestId('mail-view-html').check();
    const frame = detail.getByTestId('mail-html');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await expect
      .poll(async () => (await frame.contentFrame().locator('body').textContent()) ?? '')
      .toMatch(/Your Acme Telecom balance is \$20\.00, below \$25\.00\./);
    await chrome.screenshot('notification-detail');
    await detail.getByTestId('mail-view-text').check();
  });

  it('exports the filtered log as CSV, with progress, and downloads it', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/notifications?clientId=${blueFox}`);
    await expect.poll(() => page.getByTestId('nlog-row').count()).toBe(2);
    await page.getByTestId('export-open').click();
    const dialog = page.getByTestId('export-dialog');
    await waitForText(dialog, /Writes the notifications of Blue Fox Ltd \(C-100\) to a file/);
    await dialog.getByTestId('export-format-csv').check();
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('export-start').click()]);
    await waitForText(dialog.getByTestId('export-rows'), '2 of 2 rows');
    await waitForText(
      dialog.getByTestId('export-message'),
      /Done: 2 rows exported\. Your browser is downloading notifications-.*\.csv\. Download again/,
    );
    expect(await dialog.getByTestId('export-state').getAttribute('data-state')).toBe('done');
    await chrome.screenshot('export-done');

    expect(download.suggestedFilename()).toMatch(/^notifications-\d{4}-\d{2}-\d{2}T\d{4}\.csv$/);
    const file = await download.path();
    const text = fs.readFileSync(file, 'utf8');
    const lines = text
      .replace(/^\ufeff/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(lines[0]).toMatch(
      /^id,decided_at,kind,status,suppressed,client_ref,client_name,rule,profile,currency,available,threshold,/,
    );
    expect(lines[0]).toMatch(/,message_id,reason$/);
    expect(lines).toHaveLength(3);
    const line = lines.find((l) => l.startsWith(`${sent.id},`));
    expect(line, `the row of notification ${sent.id}`).toBeDefined();
    expect(line).toContain(sent.subject);
    expect(line).toContain(',low_balance_client,sent,');
    expect(line).toContain('C-100');

    // "Download again" is a link to the same file.
    const again = dialog.getByTestId('export-download-again');
    expect(await again.getAttribute('href')).toMatch(
      /^\/exports\/[\w-]+\/notifications-\d{4}-\d{2}-\d{2}T\d{4}\.csv\?token=/,
    );
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('resends from the detail page: a second row, linked to the first, goes out', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/notifications/${sent.id}`);
    const detail = page.getByTestId('notification-detail');
    await waitForText(detail.getByTestId('fact-resends'), '—');
    await detail.getByTestId('resend').click();
    const dialog = page.getByTestId('resend-dialog');
    await waitForText(dialog, /sent again, now, to ap@bluefox\.test, ops@acme\.test/);
    await dialog.getByTestId('confirm-resend').click();
    await expect.poll(() => /#\/notifications\/(\d+)$/.exec(page.url())?.[1]).not.toBe(String(sent.id));
    const resendId = Number(/#\/notifications\/(\d+)$/.exec(page.url())?.[1]);
    expect(resendId).toBeGreaterThan(sent.id);
    const fresh = page.getByTestId('notification-detail');
    await expect.poll(() => fresh.getAttribute('data-id')).toBe(String(resendId));
    await waitForText(fresh.getByTestId('fact-resend-of'), `Notification #${sent.id}`);
    await waitForText(
      fresh.getByTestId('notification-reason'),
      new RegExp(`Resent by desk from notification ${sent.id}`),
    );
    await waitForText(fresh.getByTestId('fact-status'), /Queued/);

    // The job runs when the clock moves: the page follows.
    await advance(1000);
    await waitForText(fresh.getByTestId('fact-status'), /Sent/);
    await server.waitFor(4);
    const resent = (await list({ clientId: blueFox })).find((n) => n.id === resendId)!;
    expect(resent).toMatchObject({ resendOf: sent.id, status: 'sent', subject: sent.subject });
    expect(server.received.some((m) => m.messageId === resent.messageId)).toBe(true);

    await fresh.getByTestId('fact-resend-of').locator('a').click();
    await expect.poll(() => page.getByTestId('notification-detail').getAttribute('data-id')).toBe(String(sent.id));
    await waitForText(page.getByTestId('fact-resends'), new RegExp(`Notification #${resendId}\\s*Sent`));

    // The log shows both, the resend marked.
    await page.goto(`${host.url}#/notifications?clientId=${blueFox}&status=sent`);
    const rows = page.getByTestId('nlog-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual([
      String(resendId),
      String(sent.id),
    ]);
    await waitForText(rows.first(), /resend/);

    // The client's timeline links each entry to its page.
    await page.goto(`${host.url}#/clients/${blueFox}`);
    const link = page.getByTestId(`notification-${sent.id}`).locator('a.lb-event-time');
    expect(await link.getAttribute('href')).toBe(`#/notifications/${sent.id}`);

    // Back to the outbox, after a confirmation that says nobody receives the mail then.
    await page.goto(`${host.url}#/settings`);
    await page.getByTestId('mail-stop').click();
    const stop = page.getByTestId('mail-stop-dialog');
    await waitForText(stop, /nobody receives it/);
    await stop.getByTestId('confirm-mail-stop').click();
    await waitForText(page.getByTestId('mail-route'), /No SMTP server is set up/);
    expect(await call('mail.get', {})).toMatchObject({ route: 'outbox', smtp: null });
    expect(chrome.problems).toEqual([]);
  });
});
