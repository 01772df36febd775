/**
 * Signing in, end to end in headless Chromium against the headless host: an admin gives herself a
 * password in Settings → Staff, which turns sign-in on; the window asks who is there; a wrong password is
 * refused next to its field; a reload keeps the session; a viewer signed in sees no action their role may
 * not take, and the forms they may not save (the automatic top-up, linking to Stripe, Settings, a profile)
 * read-only with a note saying who may, while an admin edits them. Screenshots go to test/artifacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/main/headless';
import { useChromium, waitForText } from '../support/browser';

const RENDERER = path.resolve(__dirname, '../../out/renderer');
const ANA_PW = 'correct horse battery';
const VIC_PW = 'viewer passphrase 22';

describe('sign-in in the browser', () => {
  const chrome = useChromium();
  let host: Host;
  let dataDir: string;
  let ana: { id: number };
  let vic: { id: number };
  let clientId: number;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-'));
    host = await startHost({ dataDir, port: 0, rendererDir: RENDERER, tickMs: 0 });
    const call = async (channel: string, input: unknown) => {
      const r = await host.core.call(channel, input);
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
      return r.value as { id: number };
    };
    const reseller = await call('resellers.create', { name: 'Acme Telecom' });
    ana = await call('staff.create', {
      resellerId: reseller.id,
      name: 'Ana Admin',
      email: 'ana@acme.test',
      role: 'admin',
    });
    vic = await call('staff.create', {
      resellerId: reseller.id,
      name: 'Vic Viewer',
      email: 'vic@acme.test',
      role: 'viewer',
    });
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
    await host?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('an admin sets the first password in Settings → Staff, and the window asks who is there', async () => {
    const page = chrome.page;
    await page.goto(`${host.url}#/settings`);
    const staff = page.getByTestId('settings-staff');
    await staff.getByText('Sign-in is off').waitFor();
    expect(await page.getByTestId('session-chip').count()).toBe(0);
    await staff.scrollIntoViewIfNeeded();
    await chrome.screenshot('settings-staff');

    // A viewer cannot be the first to sign in: the refusal says why, in the dialog.
    await page.getByTestId(`staff-password-${vic.id}`).click();
    let dialog = page.getByTestId('staff-password');
    await dialog.getByLabel('New password').fill(VIC_PW);
    await dialog.getByLabel('Again').fill(VIC_PW);
    await dialog.getByTestId('staff-password-save').click();
    await waitForText(dialog.getByTestId('form-error'), /^An active admin must be able to sign in/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByTestId(`staff-password-${ana.id}`).click();
    dialog = page.getByTestId('staff-password');
    await dialog.getByLabel('New password').fill(ANA_PW);
    await dialog.getByLabel('Again').fill('something else');
    await dialog.getByTestId('staff-password-save').click();
    await waitForText(dialog.getByTestId('error-again'), 'The two passwords differ');
    await dialog.getByLabel('Again').fill(ANA_PW);
    await dialog.getByTestId('staff-password-save').click();

    await waitForText(
      page.getByTestId('sign-in-notice'),
      'Sign-in is on. Sign in as ana@acme.test with the password you just set.',
    );
    await chrome.screenshot('sign-in');
  });

  it('refuses a wrong password next to its field, then signs in and keeps the session across a reload', async () => {
    const page = chrome.page;
    await page.getByLabel('Email').fill('ana@acme.test');
    await page.getByLabel('Password').fill('not the password');
    await page.keyboard.press('Enter');
    await waitForText(page.getByTestId('error-password'), 'The email or password is wrong', 10_000);
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    await chrome.screenshot('sign-in-wrong');

    await page.getByLabel('Password').fill(ANA_PW);
    await page.keyboard.press('Enter');
    await waitForText(page.getByTestId('session-chip'), /Ana Admin\s*· admin/, 10_000);
    await page.reload();
    await waitForText(page.getByTestId('session-chip'), /Ana Admin\s*· admin/);
    await page.getByTestId('settings-staff').getByText('Sign-in is on').waitFor();

    // Ana gives Vic a password, then signs out.
    await page.getByTestId(`staff-password-${vic.id}`).click();
    const dialog = page.getByTestId('staff-password');
    await dialog.getByLabel('New password').fill(VIC_PW);
    await dialog.getByLabel('Again').fill(VIC_PW);
    await dialog.getByTestId('staff-password-save').click();
    await waitForText(page.getByTestId(`staff-row-${vic.id}`), /Password set/, 10_000);

    // An admin may save the automatic top-up: its fields are editable, with Save and no role note.
    await page.goto(`${host.url}#/clients/${clientId}`);
    const recharge = page.getByTestId('recharge-form');
    await recharge.getByTestId('recharge-save').waitFor();
    expect(await recharge.getByTestId('role-note').count()).toBe(0);
    expect(await recharge.locator('fieldset[disabled]').count()).toBe(0);
    await recharge.getByRole('radio', { name: 'Automatic top-up' }).check();
    expect(await recharge.getByLabel('Top up when the balance falls below').isEditable()).toBe(true);
    expect(await recharge.getByTestId('recharge-enabled').isEnabled()).toBe(true);

    await page.getByTestId('sign-out').click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('a viewer sees no action their role may not take', async () => {
    const page = chrome.page;
    await page.getByLabel('Email').fill('vic@acme.test');
    await page.getByLabel('Password').fill(VIC_PW);
    await page.keyboard.press('Enter');
    await waitForText(page.getByTestId('session-chip'), /Vic Viewer\s*· viewer/, 10_000);

    await page.goto(`${host.url}#/clients`);
    await waitForText(page.getByTestId('clients-total'), '1 client');
    expect(await page.getByRole('button', { name: 'New client' }).count()).toBe(0);

    await page.goto(`${host.url}#/clients/${clientId}`);
    await page.getByText('An operator or an admin posts adjustments; you are signed in as a viewer.').waitFor();
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    // The automatic top-up is shown read-only: every field disabled (values still shown), no Save, one note.
    const recharge = page.getByTestId('recharge-form');
    await waitForText(
      recharge.getByTestId('role-note'),
      'An admin changes the automatic top-up; you are signed in as a viewer.',
    );
    expect(await recharge.getByTestId('recharge-save').count()).toBe(0);
    const fields = await recharge.locator('input, select, textarea').all();
    expect(fields.length).toBeGreaterThanOrEqual(6); // three modes, the switch, four amounts
    for (const f of fields) expect(await f.isEditable(), await f.evaluate((el) => el.outerHTML)).toBe(false);
    expect(await recharge.getByRole('radio', { name: 'Do nothing' }).isChecked()).toBe(true);
    expect(await recharge.getByTestId('recharge-enabled').isChecked()).toBe(true);
    expect(await recharge.getByTestId('use-suggested').count()).toBeLessThanOrEqual(1);
    // Test trigger only reads, so it stays.
    expect(await recharge.getByTestId('test-trigger').isEnabled()).toBe(true);
    // Linking the client to Stripe (an admin's) is read-only too, with its note.
    const methods = page.getByTestId('pm-unlinked');
    await waitForText(
      methods.getByTestId('role-note'),
      'An admin links a client to a Stripe customer; you are signed in as a viewer.',
    );
    expect(await methods.getByLabel('Stripe customer id').isEditable()).toBe(false);
    await recharge.scrollIntoViewIfNeeded();
    await chrome.screenshot('client-detail-viewer');

    await page.goto(`${host.url}#/settings`);
    await page.getByTestId('settings-staff').waitFor();
    expect(await page.getByTestId(`staff-password-${vic.id}`).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add staff user' }).count()).toBe(0);
    expect(await page.getByTestId('mail-save').count()).toBe(0);
    // The settings forms are read-only with a note; the viewer cannot type a Stripe key or send a test email.
    await waitForText(
      page.getByTestId('smtp-form').getByTestId('role-note'),
      'An admin changes the mail settings; you are signed in as a viewer.',
    );
    expect(await page.getByTestId('smtp-form').getByLabel('Host').isEditable()).toBe(false);
    expect(await page.getByTestId('mail-test').count()).toBe(0);
    await waitForText(
      page.getByTestId('stripe-form').getByTestId('role-note'),
      'An admin sets the Stripe key; you are signed in as a viewer.',
    );
    expect(await page.getByTestId('stripe-form').getByLabel('Secret key').count()).toBe(0);
    expect(await page.getByTestId('stripe-return-form').getByLabel('Return page').isEditable()).toBe(false);
    await page.getByTestId('stripe-form').scrollIntoViewIfNeeded();
    await chrome.screenshot('settings-viewer');

    // A profile opened by its address: its form is read-only, with Cancel to leave and no Save.
    // (By the hash, as a link would: a reload here would cut the settings' own reads short.)
    await page.evaluate(() => (window.location.hash = '#/profiles/new'));
    const profile = page.getByTestId('profile-form');
    await waitForText(
      profile.getByTestId('role-note'),
      'An admin creates low balance profiles; you are signed in as a viewer.',
    );
    expect(await profile.getByLabel('Name').isEditable()).toBe(false);
    expect(await profile.getByTestId('save-profile').count()).toBe(0);
    expect(chrome.problems).toEqual([]);
  });
});
