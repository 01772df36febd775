/**
 * Stripe, payment methods and charges end to end, in headless Chromium against the headless host on a
 * fresh data folder and a test clock, with the SDK pointed at the Stripe-compatible test server (the
 * sandbox): the secret key is entered in Settings → Stripe and checked (a wrong one refused in words);
 * the client page creates a Stripe customer, makes the Checkout link where the client adds a card
 * (completed on the server, as the client would), reads the methods, and makes the declining card primary
 * from the keyboard; automatic top-up is set up in its panel; usage below the trigger fails over from the
 * declined card to Visa, credits the client and logs the receipt; the declined card cools down, and Retry
 * on it (once it works again) charges it at once and ends the cooldown; a failed attempt is retried from
 * the Charges screen. Screenshots go to test/artifacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/main/headless';
import { ARTIFACTS, useChromium, waitForText } from '../support/browser';
import { SANDBOX_API_KEY, startStripeServer, type StripeTestServer } from '../support/stripe/server';

const RENDERER = path.resolve(__dirname, '../../out/renderer');
const START = Date.parse('2026-11-21T09:00:00Z');

interface Method {
  id: number;
  stripeId: string;
  label: string;
  primary: boolean;
  cooldownUntil: string | null;
}

interface ChargeRow {
  id: number;
  status: string;
  amount: number;
  method: string | null;
  origin: string;
  tries: { method: string; status: string }[];
}

describe('payment methods and charges in the browser', () => {
  const chrome = useChromium({ height: 800 });
  let host: Host | undefined;
  let server: StripeTestServer;
  let dataDir: string;
  let clientId = 0;
  let customerId = '';
  let declinedCard = '';
  let visaCard = '';

  const call = async (channel: string, input: unknown) => {
    const r = await host!.core.call(channel, input, { actor: 'api' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as Record<string, unknown>;
  };
  /** Moves the test clock, which runs the work that has fallen due (charge jobs, emails). */
  const advance = (ms: number) => call('clock.advance', { ms });
  const methods = async () => (await call('methods.list', { clientId })).methods as Method[];
  const charges = async () => (await call('charges.list', { clientId, limit: 50 })).items as ChargeRow[];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(RENDERER, 'index.html')))
      throw new Error(`the renderer is not built (${RENDERER}): run \`npm test\`, which builds first`);
    // The server's clock is the core's test clock: card expiry and `created` agree with the app.
    server = await startStripeServer({ now: () => (host ? host.core.clock.now() : START) });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-charges-'));
    host = await startHost({
      dataDir,
      port: 0,
      rendererDir: RENDERER,
      testClock: { startAt: START },
      stripeApiBase: server.url,
    });
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
    await call('ledger.post', { clientId, kind: 'top_up', amount: 10_000 });
  });

  afterAll(async () => {
    // The browser first: an open connection of it can hold the host's close (see notifications.test.ts).
    try {
      await chrome.browser.close();
    } catch {
      /* the browser never started */
    }
    await host?.close();
    await server?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes the secret key in Settings → Stripe and checks the connection; the sandbox is labelled', async () => {
    const page = chrome.page;
    await page.goto(`${host!.url}#/settings`);
    const section = page.getByTestId('stripe-settings');
    await waitForText(
      section.getByTestId('stripe-source'),
      /No Stripe secret key is set, so automatic top-ups cannot charge anyone/,
    );
    expect(await section.getByTestId('stripe-source').getAttribute('data-source')).toBe('none');
    await waitForText(
      section.getByTestId('stripe-sandbox'),
      `Sandbox — no real money (the SDK talks to ${server.url}). Charges, customers and cards here are test objects on that server; nothing reaches Stripe and no client pays anything.`,
    );
    await waitForText(page.getByTestId('sandbox-badge'), 'Sandbox — no real money');
    await waitForText(
      section.getByTestId('stripe-secret-storage'),
      /sealed with a key file in the data folder, never stored as plain text/,
    );

    const form = section.getByTestId('stripe-form');
    const key = form.locator('[name="secretKey"]');
    expect(await key.getAttribute('type')).toBe('password');
    // Empty, then not a key: refused under the field, by the form and by the core.
    await section.getByTestId('stripe-save').click();
    await waitForText(form.getByTestId('error-secretKey'), /Enter the secret key from the Stripe dashboard/);
    await key.fill('hello');
    await key.press('Enter');
    await waitForText(
      form.getByTestId('error-secretKey'),
      /^Must be a secret key \(sk_test_… or sk_live_…\) or a restricted key \(rk_test_… or rk_live_…\)$/,
    );
    expect(await key.getAttribute('aria-invalid')).toBe('true');

    // A well-formed key the server does not know: checked before saving, refused in words (red).
    await key.fill('sk_test_not_the_sandbox_key');
    await section.getByTestId('stripe-check').click();
    const result = section.getByTestId('stripe-check-result');
    await waitForText(result, /^Not connected\. Stripe refused the secret key: check it in the Stripe dashboard/);
    expect(await result.getAttribute('data-ok')).toBe('false');
    expect((await call('stripe.get', {})).source).toBe('none');

    // A live key is called what it is before it is saved.
    await key.fill('sk_live_abcdefghijkl');
    await section.getByTestId('stripe-live-warning').waitFor();

    await key.fill(SANDBOX_API_KEY);
    expect(await section.getByTestId('stripe-live-warning').count()).toBe(0);
    await key.press('Control+Enter');
    await waitForText(section.getByTestId('stripe-saved'), 'Saved: sk_test_…dbox is stored sealed.');
    expect(await key.inputValue()).toBe('');
    await waitForText(section.getByTestId('stripe-source'), /A secret key is stored: sk_test_…dbox Test mode\./);
    await waitForText(section.getByTestId('stripe-mode'), 'Test mode');
    expect(await key.getAttribute('placeholder')).toBe('stored: sk_test_…dbox — type a new key to replace it');

    // The stored key, checked (the field is empty): green, in words.
    await section.getByTestId('stripe-check').click();
    await waitForText(
      result,
      new RegExp(
        `^✓ Connected to Stripe at 127\\.0\\.0\\.1:${server.port} \\(sandbox, no real money\\) in test mode with sk_test_…dbox\\.$`,
      ),
    );
    expect(await result.getAttribute('data-ok')).toBe('true');
    const [green, red] = await result.evaluate((el) => {
      const probe = document.createElement('span');
      probe.className = 'field-error';
      document.body.append(probe);
      const colours = [getComputedStyle(el).color, getComputedStyle(probe).color];
      probe.remove();
      return colours;
    });
    expect(green).not.toBe(red);
    expect(await call('stripe.get', {})).toMatchObject({
      source: 'settings',
      keyHint: 'sk_test_…dbox',
      mode: 'test',
      apiBase: server.url,
    });

    // The page a client returns to from a setup link: the sandbox's own until the reseller's is set.
    const back = section.getByTestId('stripe-return-form');
    await waitForText(
      back.getByTestId('hint-returnUrl'),
      new RegExp(`Not set: the sandbox's own page \\(${server.url.replace(/\./g, '\\.')}/\\) stands in\\.$`),
    );
    const returnUrl = back.locator('[name="returnUrl"]');
    await returnUrl.fill('bluefox dot example');
    await returnUrl.press('Enter');
    await waitForText(
      back.getByTestId('error-returnUrl'),
      /^Must be a web address such as https:\/\/example\.com\/thank-you$/,
    );
    expect(await returnUrl.evaluate((el) => el === document.activeElement)).toBe(true);
    await returnUrl.fill('https://acme.example/card-saved');
    await returnUrl.press('Control+Enter');
    await waitForText(back.getByTestId('stripe-return-saved'), 'Saved: setup links return the client to this page.');
    expect((await call('stripe.get', {})).returnUrl).toBe('https://acme.example/card-saved');
    await section.scrollIntoViewIfNeeded();
    await chrome.screenshot('settings-stripe');

    // Remove asks first; keeping the key changes nothing.
    await section.getByTestId('stripe-remove').click();
    const dialog = page.getByTestId('stripe-remove-dialog');
    await waitForText(dialog, /automatic top-ups charge nobody/);
    await dialog.getByRole('button', { name: 'Keep the key' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await call('stripe.get', {})).source).toBe('settings');

    // No charge yet: the Charges screen teaches what will land there.
    await page.getByRole('link', { name: 'Charges', exact: true }).click();
    await waitForText(
      page.getByTestId('charges-empty'),
      /^No automatic top-up has been charged yet\.When a client on Automatic top-up falls below its trigger/,
    );
    await waitForText(page.getByTestId('charges-summary'), 'No automatic top-up yet.');
    await chrome.screenshot('charges-empty');
  });

  it('creates the Stripe customer, makes the link where the client adds a card, and orders the methods from the keyboard', async () => {
    const page = chrome.page;
    await chrome.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(host!.url).origin });
    await page.goto(`${host!.url}#/clients/${clientId}`);
    const panel = page.getByTestId('methods-panel');
    await panel.getByTestId('pm-unlinked').waitFor();

    // A customer id Stripe does not have: refused under the field.
    const link = panel.getByTestId('pm-link-form');
    await link.locator('[name="customerId"]').fill('cus_doesnotexist');
    await link.getByTestId('pm-link-customer').click();
    await waitForText(link.getByTestId('error-customerId'), 'Stripe has no such object');
    await link.locator('[name="customerId"]').fill('abc');
    await link.locator('[name="customerId"]').press('Enter');
    await waitForText(link.getByTestId('error-customerId'), /^Must be a Stripe customer id such as cus_/);
    await panel.scrollIntoViewIfNeeded();
    await chrome.screenshot('payment-methods-unlinked');

    await panel.getByTestId('pm-create-customer').click();
    customerId = await waitForText(panel.getByTestId('pm-customer-id'), /^cus_\w+$/);
    expect(server.customers().map((c) => c.id)).toEqual([customerId]);
    await panel.getByTestId('pm-empty').waitFor();
    expect(await page.getByTestId('client-charges').getAttribute('href')).toBe(`#/charges?clientId=${clientId}`);

    // The Checkout link for the client, copied to the clipboard.
    await panel.getByTestId('pm-add').click();
    const url = await panel.getByTestId('setup-link-url').inputValue();
    const session = server.checkoutSessions().find((s) => s.customer === customerId)!;
    expect(session).toMatchObject({
      success_url: 'https://acme.example/card-saved',
      cancel_url: 'https://acme.example/card-saved',
    });
    expect(url).toBe(session.url);
    await panel.getByTestId('setup-link-copy').click();
    await waitForText(panel.getByTestId('setup-link-copied'), /^Copied/);
    await chrome.screenshot('payment-methods-link');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    // Or emailed: a fresh link, in the notification log for the client's billing address.
    await panel.getByTestId('setup-link-email').click();
    await waitForText(panel.getByTestId('setup-link-copied'), /^Emailed to ap@bluefox\.test/);
    const mailed = (await call('notifications.list', { kind: 'setup_link' })) as { items: { recipients: string[] }[] };
    expect(mailed.items.map((n) => n.recipients)).toEqual([['ap@bluefox.test']]);

    // The client adds Visa on the Checkout page; Refresh reads it.
    server.completeCheckout(session.id as string, 'pm_card_visa');
    await panel.getByTestId('pm-refresh').click();
    await waitForText(panel.getByTestId('pm-done'), 'Read from Stripe: one payment method (new: Visa •••• 4242).');
    // The client used the link: it goes away.
    expect(await panel.getByTestId('setup-link').count()).toBe(0);
    const rows = panel.getByTestId('method-row');
    await expect.poll(() => rows.count()).toBe(1);
    await waitForText(rows.first().getByTestId('method-label'), 'Visa •••• 4242');
    expect(await rows.first().getByTestId('pm-star').count()).toBe(1);
    await waitForText(rows.first().getByTestId('method-expiry'), /^Expires \d{2}\/\d{4}$/);

    // A second card that will decline, added at Stripe; it joins at the end of the order.
    server.attachTestPaymentMethod(customerId, 'pm_card_chargeDeclined');
    await panel.getByTestId('pm-refresh').click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.getByTestId('method-label').allTextContents()).toEqual(['Visa •••• 4242', 'Visa •••• 0002']);
    const list = await methods();
    visaCard = list[0].stripeId;
    declinedCard = list[1].stripeId;

    // From the keyboard: Alt+↑ on the focused row makes it the primary, and the focus stays on it.
    const declinedRow = panel.locator(`[data-testid="method-row"][data-stripe-id="${declinedCard}"]`);
    await declinedRow.focus();
    await page.keyboard.press('Alt+ArrowUp');
    await expect
      .poll(async () => rows.getByTestId('method-label').allTextContents())
      .toEqual(['Visa •••• 0002', 'Visa •••• 4242']);
    expect(await declinedRow.getAttribute('data-primary')).toBe('true');
    expect(await declinedRow.evaluate((el) => el === document.activeElement)).toBe(true);
    await waitForText(panel.getByTestId('pm-announce'), 'Visa •••• 0002 is now first: the primary.');
    await expect.poll(async () => (await methods()).map((m) => m.stripeId)).toEqual([declinedCard, visaCard]);
    // Alt+↓ and the Move up button: down and back up again.
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(async () => (await methods()).map((m) => m.stripeId)).toEqual([visaCard, declinedCard]);
    await panel.getByRole('button', { name: 'Move Visa •••• 0002 up' }).click();
    await expect.poll(async () => (await methods()).map((m) => m.stripeId)).toEqual([declinedCard, visaCard]);
    expect(await rows.first().getByTestId('pm-star').count()).toBe(1);
    expect(await rows.first().getAttribute('data-stripe-id')).toBe(declinedCard);

    // Drag and drop: the declined card onto the lower half of Visa goes below it, and back above it.
    const visaRow = panel.locator(`[data-testid="method-row"][data-stripe-id="${visaCard}"]`);
    await declinedRow.dragTo(visaRow, { targetPosition: { x: 200, y: 40 } });
    await expect.poll(async () => (await methods()).map((m) => m.stripeId)).toEqual([visaCard, declinedCard]);
    await declinedRow.dragTo(visaRow, { targetPosition: { x: 200, y: 4 } });
    await expect.poll(async () => (await methods()).map((m) => m.stripeId)).toEqual([declinedCard, visaCard]);
    expect(await rows.getByTestId('method-label').allTextContents()).toEqual(['Visa •••• 0002', 'Visa •••• 4242']);
  });

  it('charges below the trigger: fails over to Visa, credits the client, logs the receipt, and cools the declined card down', async () => {
    const page = chrome.page;
    const recharge = page.getByTestId('recharge-panel');
    await recharge.getByRole('radio', { name: 'Automatic top-up' }).check();
    await recharge.locator('[name="triggerThreshold"]').fill('50');
    await recharge.locator('[name="rechargeAmount"]').fill('200');
    await recharge.getByTestId('recharge-save').click();
    await waitForText(recharge.getByTestId('recharge-saved'), /^Saved\./);
    // Test trigger: nothing now, and what happens when the balance falls — the charge and the method order.
    await recharge.getByTestId('test-trigger').click();
    const steps = recharge.getByTestId('dry-run-steps');
    await waitForText(steps, /\$100\.00 is not below the trigger of \$50\.00: no charge\./);
    expect(await steps.textContent()).toContain(
      'When it falls below $50.00: one charge of $200.00, tried on Visa •••• 0002, then Visa •••• 4242.',
    );
    await recharge.getByTestId('dry-run-no-charge').waitFor();

    // $100.00 − $60.00 = $40.00, below the $50.00 trigger: one charge of $200.00.
    await call('ledger.post', { clientId, kind: 'usage', amount: -6000, description: 'Calls', externalId: 'cdr-1' });
    await advance(1000);
    await expect.poll(async () => (await charges())[0]?.status).toBe('succeeded');
    await waitForText(page.getByTestId('client-balance'), '$240.00');

    const panel = page.getByTestId('methods-panel');
    const declinedRow = panel.locator(`[data-testid="method-row"][data-stripe-id="${declinedCard}"]`);
    await waitForText(
      declinedRow.getByTestId('method-cooldown'),
      /^Cooling down until Nov 23, 2026, 9:00 AM — the bank declined the card\. Automatic top-ups skip it until then\.\s*Retry$/,
    );
    expect(
      await panel
        .locator(`[data-testid="method-row"][data-stripe-id="${visaCard}"]`)
        .getByTestId('method-cooldown')
        .count(),
    ).toBe(0);
    await panel.scrollIntoViewIfNeeded();
    await chrome.screenshot('payment-methods');
    await page.emulateMedia({ colorScheme: 'dark' });
    await chrome.screenshot('payment-methods-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // The Charges screen, from the client's page.
    await panel.getByTestId('client-charges-link').click();
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/charges\\?clientId=${clientId}$`));
    const rows = page.getByTestId('charge-row');
    await expect.poll(() => rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.getAttribute('data-status')).toBe('succeeded');
    await waitForText(row.getByTestId('charge-amount'), '$200.00');
    await waitForText(row.getByTestId('charge-method'), 'Visa •••• 4242 2 methods tried');
    await waitForText(row.getByTestId('charge-status'), 'Succeeded');
    await waitForText(row.getByTestId('charge-reason'), 'Visa •••• 4242: $200.00 paid and credited.');
    expect(await row.getByTestId('charge-retry').count()).toBe(0);
    await expect
      .poll(() => page.getByTestId('charges-filters').locator('[name="clientId"]').inputValue())
      .toBe('Blue Fox Ltd (C-100)');
    await chrome.screenshot('charges-failover');

    // The attempt's tries: the declined card first, in words, then Visa.
    await row.click();
    const detail = page.getByTestId('charge-detail');
    const tries = detail.getByTestId('charge-try');
    await expect.poll(() => tries.count()).toBe(2);
    expect(await tries.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual([
      'declined',
      'succeeded',
    ]);
    await waitForText(tries.nth(0), /^Visa •••• 0002\s*Declined\s*the bank declined the card \(generic_decline\)/);
    await waitForText(tries.nth(1), /^Visa •••• 4242\s*Succeeded\s*Paid\./);
    await chrome.screenshot('charge-detail');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });

    // The receipt in the notification log.
    await advance(1000);
    await page.goto(`${host!.url}#/notifications?clientId=${clientId}&kind=top_up_receipt`);
    const receipts = page.getByTestId('nlog-row');
    await expect.poll(() => receipts.count()).toBe(1);
    await waitForText(receipts.first(), /Blue Fox Ltd.*Top-up receipt.*ap@bluefox\.test/);
  });

  it('Retry on the cooled-down card charges it now and ends its cooldown', async () => {
    const page = chrome.page;
    // The client paid off the card: it now succeeds.
    server.behaveAs(declinedCard, 'pm_card_visa');
    await page.goto(`${host!.url}#/clients/${clientId}`);
    const panel = page.getByTestId('methods-panel');
    const declinedRow = panel.locator(`[data-testid="method-row"][data-stripe-id="${declinedCard}"]`);
    await declinedRow.getByTestId('method-retry').click();
    const dialog = page.getByTestId('method-retry-dialog');
    await waitForText(dialog.locator('h2'), 'Charge $200.00 on Visa •••• 0002 now?');
    await waitForText(dialog, /Sandbox — no real money/);
    await dialog.getByTestId('confirm-method-retry').click();
    await dialog.waitFor({ state: 'detached' });
    await waitForText(panel.getByTestId('pm-done'), /^Retry started: \$200\.00 on Visa •••• 0002\./);

    // On the test clock the job runs when the clock moves.
    await advance(1000);
    await expect.poll(() => declinedRow.getByTestId('method-cooldown').count()).toBe(0);
    await waitForText(page.getByTestId('client-balance'), '$440.00');
    expect((await methods()).every((m) => m.cooldownUntil === null)).toBe(true);

    await page.getByTestId('client-charges').click();
    const rows = page.getByTestId('charge-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual([
      'succeeded',
      'succeeded',
    ]);
    await waitForText(rows.first().getByTestId('charge-method'), 'Visa •••• 0002');
    await waitForText(
      rows.first().getByTestId('charge-reason'),
      /^retry Visa •••• 0002: \$200\.00 paid and credited\.$/,
    );
    const list = await charges();
    expect(list[0]).toMatchObject({ origin: 'retry', status: 'succeeded', amount: 20_000, method: 'Visa •••• 0002' });
    expect(server.paymentIntents({ customer: customerId, status: 'succeeded' })).toHaveLength(2);
  });

  it('shows STRIPE_SECRET_KEY from the environment as the key in force, with no key to enter', async () => {
    // A second host with the key in its environment, in a page of its own: the main page stays on the first
    // host, so no request of it is cut short by a navigation.
    const envDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-charges-env-'));
    const envHost = await startHost({
      dataDir: envDir,
      port: 0,
      rendererDir: RENDERER,
      testClock: { startAt: START },
      stripeKey: SANDBOX_API_KEY,
      stripeApiBase: server.url,
    });
    const page = await chrome.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => void (m.type() === 'error' && problems.push(`console error: ${m.text()}`)));
    try {
      await page.goto(`${envHost.url}#/settings`);
      const section = page.getByTestId('stripe-settings');
      await waitForText(
        section.getByTestId('stripe-source'),
        /^The secret key sk_test_…dbox Test mode comes from the STRIPE_SECRET_KEY environment variable\. It overrides any key stored here/,
      );
      await waitForText(
        section.getByTestId('stripe-secret-storage'),
        /^STRIPE_SECRET_KEY is never written to the data folder\./,
      );
      expect(await section.locator('[name="secretKey"]').count()).toBe(0);
      expect(await section.getByTestId('stripe-save').count()).toBe(0);
      expect(await section.getByTestId('stripe-remove').count()).toBe(0);
      await section.getByTestId('stripe-check').click();
      await waitForText(
        section.getByTestId('stripe-check-result'),
        /^✓ Connected to Stripe at .* with sk_test_…dbox\.$/,
      );
      await section.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, 'settings-stripe-env.png') });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await envHost.close();
      fs.rmSync(envDir, { recursive: true, force: true });
    }
  });

  it('retries a failed attempt from the Charges screen; the row follows by itself', async () => {
    const page = chrome.page;
    // Both cards decline now: $440.00 − $401.00 = $39.00 is below the trigger, and the attempt fails.
    server.behaveAs(declinedCard, 'pm_card_chargeDeclined');
    server.behaveAs(visaCard, 'pm_card_chargeDeclinedInsufficientFunds');
    await call('ledger.post', { clientId, kind: 'usage', amount: -40_100, description: 'Calls', externalId: 'cdr-2' });
    await advance(1000);
    const rows = page.getByTestId('charge-row');
    await expect.poll(() => rows.count()).toBe(3);
    const failed = rows.first();
    await expect.poll(() => failed.getAttribute('data-status')).toBe('failed');
    await waitForText(failed.getByTestId('charge-status'), 'Failed');
    await waitForText(
      failed.getByTestId('charge-reason'),
      'Failed: every payment method failed (Visa •••• 0002: the bank declined the card; Visa •••• 4242: insufficient funds).',
    );
    await waitForText(failed.getByTestId('charge-method'), 'Visa •••• 4242 2 methods tried');

    // The status filter, in the URL.
    await page.getByTestId('charges-filters').locator('[name="status"]').selectOption('failed');
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/charges\\?clientId=${clientId}&status=failed$`));
    await expect.poll(() => rows.count()).toBe(1);
    await page.goBack();
    await expect.poll(() => rows.count()).toBe(3);

    server.behaveAs(declinedCard, 'pm_card_visa');
    await rows.first().getByTestId('charge-retry').click();
    const dialog = page.getByTestId('charge-retry-dialog');
    await waitForText(dialog.locator('h2'), 'Charge $200.00 on Visa •••• 0002 now?');
    await dialog.getByTestId('confirm-charge-retry').click();
    await dialog.waitFor({ state: 'detached' });
    await waitForText(
      page.getByTestId('charges-started'),
      /^Retry started: attempt #\d+, \$200\.00 for Blue Fox Ltd\./,
    );
    await expect.poll(() => rows.count()).toBe(4);
    await expect.poll(() => rows.first().getAttribute('data-status')).toBe('queued');
    await waitForText(rows.first().getByTestId('charge-status'), 'Pending');

    await advance(1000);
    await expect.poll(() => rows.first().getAttribute('data-status')).toBe('succeeded');
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual([
      'succeeded',
      'failed',
      'succeeded',
      'succeeded',
    ]);
    expect((await call('clients.get', { id: clientId })).balance).toBe(23_900);
    await chrome.screenshot('charges');
    expect(chrome.problems, chrome.problems.join('\n')).toEqual([]);
  });

  it('says when a charge waits for Stripe, and Retry tries that same attempt now; no second payment', async () => {
    const page = chrome.page;
    // Stripe answers 500 to every payment: $239.00 − $200.00 = $39.00 is below the trigger.
    server.fail({ times: 10_000, status: 500 }, { method: 'POST', path: '/v1/payment_intents' });
    await call('ledger.post', { clientId, kind: 'usage', amount: -20_000, description: 'Calls', externalId: 'cdr-3' });
    await advance(1000);
    const rows = page.getByTestId('charge-row');
    await expect.poll(() => rows.count()).toBe(5);
    const waiting = rows.first();
    await waitForText(waiting.getByTestId('charge-waiting'), 'waiting for Stripe');
    await waitForText(
      waiting.getByTestId('charge-reason'),
      /Waiting for Stripe since 2026-11-\d\d \d\d:\d\d UTC: Stripe had a problem on its side \(500\)\./,
    );
    await chrome.screenshot('charges-waiting');

    await waiting.getByTestId('charge-retry').click();
    const dialog = page.getByTestId('charge-retry-dialog');
    await waitForText(dialog.locator('h2'), 'Try the top-up of $200.00 again now?');
    expect(await dialog.textContent()).toContain('with the same payment key, so Stripe takes the money at most once');
    server.clearFaults();
    await dialog.getByTestId('confirm-charge-retry').click();
    await dialog.waitFor({ state: 'detached' });
    await waitForText(
      page.getByTestId('charges-started'),
      /^Trying attempt #\d+ again now: \$200\.00 for Blue Fox Ltd, with the same payment key\./,
    );
    await advance(1000);
    await expect.poll(() => rows.first().getAttribute('data-status')).toBe('succeeded');
    expect(await rows.count()).toBe(5);
    expect(await rows.first().getByTestId('charge-waiting').count()).toBe(0);
    expect(server.paymentIntents({ customer: customerId, status: 'succeeded' })).toHaveLength(4);
    expect(chrome.problems, chrome.problems.join('\n')).toEqual([]);
  });

  it('the Automatic top-up panel says when the primary method’s auto-charge is off: no automatic payment', async () => {
    const page = chrome.page;
    const primary = (await methods()).find((m) => m.primary)!;
    await call('methods.update', { id: primary.id, autoCharge: false });
    await page.goto(`${host!.url}#/clients/${clientId}`);
    const note = page.getByTestId('recharge-panel').getByTestId('recharge-primary-off');
    await waitForText(
      note,
      `Auto-charge is off on the primary payment method (${primary.label}): no automatic payment is made until it is switched on, or another method with auto-charge on is made the primary.`,
    );
    await note.scrollIntoViewIfNeeded();
    await chrome.screenshot('recharge-primary-off');
    await call('methods.update', { id: primary.id, autoCharge: true });
    await note.waitFor({ state: 'detached' });
    expect(chrome.problems, chrome.problems.join('\n')).toEqual([]);
  });
});
