/**
 * A client's auto-recharge settings through the channels: defaults and advice from the ledger's spend,
 * saving with a confirmation email to the client (only when something changed), refusals by field, and
 * the dry run, which changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checksum } from '../../support/checksum';
import { T0, testCore, withClient, type TestCore } from '../../support/core';

const DAY = 86_400_000;
const cores: TestCore[] = [];
afterEach(() => {
  for (const c of cores.splice(0)) c.close();
});

async function setup() {
  const core = testCore();
  cores.push(core);
  const { client } = await withClient(core);
  await core.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 100_000 });
  // Ten days of $30 a day.
  for (let d = 0; d < 10; d++) {
    core.testClock.set(T0 + d * DAY + 3_600_000);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -3000 });
  }
  core.testClock.set(T0 + 10 * DAY);
  return { core, client };
}

const auto = {
  mode: 'auto' as const,
  enabled: true,
  alertThreshold: 10_000,
  triggerThreshold: 6000,
  rechargeAmount: 20_000,
  dailyCap: 50_000,
};

describe('auto-recharge settings', () => {
  it('starts from "do nothing" with values suggested by the spend in the ledger', async () => {
    const { core, client } = await setup();
    const s = await core.ok('recharge.get', { clientId: client.id });
    expect(s).toMatchObject({
      saved: false,
      mode: 'off',
      enabled: true,
      averageDailySpend: 3000,
      spendDays: 10,
      suggestedThreshold: 6000,
      triggerThreshold: 6000,
      warnings: [],
    });
  });

  it('counts usage imported with its history: a client moved in today with 30 days of usage gets advice at once', async () => {
    const core = testCore();
    const { reseller, client } = await withClient(core);
    // Created now (T0, 1 November); its October usage arrives by import: $20 a day for the 30 days before.
    const rows = Array.from(
      { length: 30 },
      (_, i) => `C-100,${new Date(T0 - (30 - i) * DAY + 60_000).toISOString()},20.00,oct-${i}`,
    );
    await core.ok('ledger.import.commit', {
      resellerId: reseller.id,
      csv: ['client_ref,time,amount,external_id', ...rows].join('\n'),
    });
    const s = await core.ok('recharge.get', { clientId: client.id });
    expect(s).toMatchObject({ averageDailySpend: 2000, spendDays: 30, suggestedThreshold: 4000 });
    // The run-dry forecast reads the same history: a burn rate from the imported days, not from today alone.
    const f = await core.ok('clients.forecast', { clientId: client.id });
    expect(f.averageDailySpend).toBe(2000);
    // Today has had no usage yet and weighs in for its 9 hours: a little under the steady $20.
    expect(f.burnPerDay).toBeGreaterThan(1500);
    expect(f.burnPerDay).toBeLessThan(2000);
  });

  it('saves, audits and emails the client what changed — once, and not for a save that changes nothing', async () => {
    const { core, client } = await setup();
    const saved = await core.ok('recharge.set', { clientId: client.id, ...auto });
    expect(saved).toMatchObject({ saved: true, mode: 'auto', updatedBy: 'desk', warnings: [] });
    await core.ok('recharge.set', { clientId: client.id, ...auto });
    await core.ok('recharge.set', { clientId: client.id, ...auto, enabled: false });
    const log = (await core.ok('notifications.list', { kind: 'settings_changed' })).items;
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({
      recipients: ['ap@bluefox.test'],
      subject: 'Your Acme Telecom top-up settings were changed',
      status: 'queued',
    });
    const message = (await core.ok('notifications.get', { id: log[0].id })).message.text;
    expect(message).toContain('Switched:');
    expect(message).toContain('on → off (paused)');
    expect((await core.ok('notifications.get', { id: log[1].id })).message.text).toMatch(
      /Recharge amount:\s+— → \$200\.00/,
    );
    const audit = (
      await core.ok('audit.list', { subjectType: 'client', subjectId: client.id, limit: 10 })
    ).items.filter((a) => a.action === 'recharge.set');
    expect(audit).toHaveLength(2);
    await core.runDue();
    expect(
      (await core.ok('notifications.list', { kind: 'settings_changed' })).items.every((n) => n.status === 'sent'),
    ).toBe(true);
  });

  it('warns without refusing, and refuses bad values by field, changing nothing', async () => {
    const { core, client } = await setup();
    const s = await core.ok('recharge.set', {
      clientId: client.id,
      ...auto,
      alertThreshold: 2000,
      rechargeAmount: 1000,
      triggerThreshold: 2000,
    });
    expect(s.warnings.map((w) => w.field).sort()).toEqual(['alertThreshold', 'rechargeAmount', 'triggerThreshold']);
    const before = checksum(core.db);
    expect(await core.fails('recharge.set', { clientId: client.id, ...auto, rechargeAmount: 0 })).toMatchObject({
      kind: 'validation',
      field: 'rechargeAmount',
    });
    expect(await core.fails('recharge.set', { clientId: client.id, ...auto, dailyCap: -5 })).toMatchObject({
      field: 'dailyCap',
    });
    expect(await core.fails('recharge.set', { clientId: client.id, ...auto, mode: 'sometimes' })).toMatchObject({
      field: 'mode',
    });
    expect(await core.fails('recharge.set', { clientId: 999, ...auto })).toMatchObject({ field: 'clientId' });
    expect(checksum(core.db)).toBe(before);
  });

  it('dry run: says what would happen now, in words, with no side effect', async () => {
    const { core, client } = await setup();
    const before = checksum(core.db);
    expect((await core.ok('recharge.dryRun', { clientId: client.id })).steps).toContain(
      'Auto-recharge is set to do nothing: no email, no charge.',
    );
    expect(checksum(core.db)).toBe(before);
    await core.ok('recharge.set', {
      clientId: client.id,
      ...auto,
      triggerThreshold: 80_000,
      alertThreshold: 90_000,
      dailyCap: 50_000,
    });
    // Saving below the trigger starts a real charge: it is the pending top-up, so no second one.
    const underWay = await core.ok('recharge.dryRun', { clientId: client.id });
    expect(underWay).toMatchObject({ pending: 20_000, charge: null });
    expect(underWay.steps.join(' ')).toContain('A top-up of $200.00 is under way: no second charge.');
    // With no Stripe set up it fails (staff and client are told), and the dry run plans afresh.
    await core.runDue();
    expect((await core.ok('notifications.list', { kind: 'recharge_failed' })).items[0].reason).toContain(
      'Stripe is not set up',
    );
    const frozen = checksum(core.db);
    // Available $700: below the alert ($900) and the trigger ($800); the gap closes with one recharge, but
    // after the failure none is made until something can change the outcome.
    const run = await core.ok('recharge.dryRun', { clientId: client.id });
    expect(run).toMatchObject({ available: 70_000, pending: 0, charge: null });
    // Saving below the alert threshold emailed the client at once: the dry run says so and would not email again.
    expect(run.emails).toEqual([]);
    expect(run.steps.join(' ')).toContain('is below the alert threshold of $900.00; the client was emailed at');
    expect(run.steps.join(' ')).toContain(
      'is below the trigger of $800.00: one charge of $200.00 — due, but not made now. The last automatic top-up failed',
    );
    // Far below: one payment of several recharges, cut by what the cap leaves (the failed attempt used none of it).
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -100_000 });
    await core.runDue();
    const deep = await core.ok('recharge.dryRun', { clientId: client.id });
    expect(deep.charge).toBeNull();
    expect(deep.steps.join(' ')).toContain(
      'one charge of $500.00 (6 × $200.00, to close the whole gap in one payment), cut from $1,200.00 by the daily cap — due, but not made now.',
    );
    expect(checksum(core.db)).not.toBe(frozen); // the post and its failed attempt, not the dry runs
    const after = checksum(core.db);
    await core.ok('recharge.dryRun', { clientId: client.id });
    expect(checksum(core.db)).toBe(after);
  });

  it('emails the client once when the balance falls below the alert threshold, again only after a refill; not when off or paused', async () => {
    const { core, client } = await setup(); // $700 available
    const alerts = async () => (await core.ok('notifications.list', { kind: 'low_balance_client' })).items;
    await core.ok('recharge.set', {
      clientId: client.id,
      mode: 'notify',
      enabled: false,
      alertThreshold: 60_000,
      triggerThreshold: 0,
      rechargeAmount: 20_000,
      dailyCap: null,
    });
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -20_000 }); // $500: paused
    expect(await alerts()).toHaveLength(0);
    await core.ok('recharge.set', {
      clientId: client.id,
      mode: 'notify',
      enabled: true,
      alertThreshold: 60_000,
      triggerThreshold: 0,
      rechargeAmount: 20_000,
      dailyCap: null,
    });
    // Saving while below: emailed at once.
    const first = await alerts();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      available: 50_000,
      threshold: 60_000,
      recipients: ['ap@bluefox.test'],
      subject: 'Your Acme Telecom balance is low: $500.00',
    });
    expect((await core.ok('notifications.get', { id: first[0].id })).message.text).toContain(
      'Your Acme Telecom balance is $500.00, below $600.00.',
    );
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -1000 });
    expect(await alerts()).toHaveLength(1);
    expect((await core.ok('recharge.dryRun', { clientId: client.id })).steps.join(' ')).toContain(
      'is not emailed again until the balance is back at or above it',
    );
    await core.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 11_000 }); // $600: back at the threshold
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -1 });
    expect(await alerts()).toHaveLength(2);
    // Auto top-up without Stripe: the alert still goes out; the charge fails and says so.
    await core.ok('recharge.set', {
      clientId: client.id,
      mode: 'off',
      enabled: true,
      alertThreshold: 60_000,
      triggerThreshold: 0,
      rechargeAmount: 20_000,
      dailyCap: null,
    });
    await core.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 10_000 });
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -20_000 });
    expect(await alerts()).toHaveLength(2);
  });
});
