/**
 * No lost updates (issue 17): for each thing a form edits (a client, a profile with its rules, a client's
 * thresholds, its automatic top-up settings, the order of its payment methods, the mail settings) two desks
 * load the same version; the first saves; the second's save is refused as a conflict naming the first and
 * when, and changes nothing; a save with the current version, and one without any, both work.
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../../../src/shared/result';
import { checksum } from '../../support/checksum';
import { useChargeRig } from '../../support/charge-rig';
import { T0, testCore, withClient, type TestCore } from '../../support/core';

const MARIA = 'Maria Lopez <maria@acme.test>';
const SAM = 'Sam Okafor <sam@acme.test>';

/** One thing a form edits: its version token as the form loads it, a save of variant n by an actor, what it holds. */
interface Edited {
  core: TestCore;
  field: string;
  token(): Promise<unknown>;
  save(actor: string, token: unknown, n: 1 | 2 | 3): Promise<Result<unknown>>;
  value(): Promise<unknown>;
  valueOf(n: 1 | 2 | 3): unknown;
}

/** The scenario every thing goes through; the first save lands at 09:05 UTC. */
async function noLostUpdate(t: Edited) {
  const seen = await t.token(); // both desks open the form
  t.core.testClock.set(T0 + 5 * 60_000);
  expect((await t.save(MARIA, seen, 1)).ok).toBe(true);
  t.core.testClock.advance(60_000);

  const before = checksum(t.core.db);
  const refused = await t.save(SAM, seen, 2);
  expect(refused.ok).toBe(false);
  if (refused.ok) return;
  expect(refused.error).toMatchObject({ kind: 'conflict', field: t.field });
  expect(refused.error.message).toContain(`${MARIA} changed`);
  expect(refused.error.message).toContain('on 2026-11-01 at 09:05 UTC, after you opened it');
  expect(refused.error.message).toMatch(/reload to see the change, then save again$/);
  expect(checksum(t.core.db)).toBe(before);
  expect(await t.value()).toEqual(t.valueOf(1));

  // Reloaded: the current version saves.
  const current = await t.token();
  expect(current).not.toEqual(seen);
  expect((await t.save(SAM, current, 2)).ok).toBe(true);
  expect(await t.value()).toEqual(t.valueOf(2));
  // A script sends no version: it saves as before.
  expect((await t.save(SAM, undefined, 3)).ok).toBe(true);
  expect(await t.value()).toEqual(t.valueOf(3));
}

async function ledger() {
  const core = testCore();
  const { reseller, client } = await withClient(core);
  return { core, reseller, client };
}

describe('a save over a newer version is refused, naming who changed it and when', () => {
  it('a client (clients.update)', async () => {
    const { core, client } = await ledger();
    await noLostUpdate({
      core,
      field: 'version',
      token: async () => (await core.ok('clients.get', { id: client.id })).version,
      save: (actor, version, n) =>
        core.call('clients.update', { id: client.id, name: `Blue Fox ${n}`, version }, { actor }),
      value: async () => (await core.ok('clients.get', { id: client.id })).name,
      valueOf: (n) => `Blue Fox ${n}`,
    });
  });

  it('a low balance profile with its rules (profiles.update)', async () => {
    const { core, reseller } = await ledger();
    const p = await core.ok('profiles.create', { resellerId: reseller.id, name: 'Gold', currency: 'USD' });
    const rule = (n: number) => ({ enabled: true, threshold: n * 100, notifyReseller: true, staffIds: [], emails: [] });
    await noLostUpdate({
      core,
      field: 'version',
      token: async () => (await core.ok('profiles.get', { id: p.id })).version,
      save: (actor, version, n) => core.call('profiles.update', { id: p.id, staffRule: rule(n), version }, { actor }),
      value: async () => (await core.ok('profiles.get', { id: p.id })).staffRule.threshold,
      valueOf: (n) => n * 100,
    });
  });

  it("a client's thresholds (thresholds.set)", async () => {
    const { core, client } = await ledger();
    await noLostUpdate({
      core,
      field: 'version',
      token: async () => (await core.ok('thresholds.get', { clientId: client.id })).version,
      save: (actor, version, n) =>
        core.call(
          'thresholds.set',
          { clientId: client.id, kind: 'client', threshold: n * 100, enabled: true, version },
          { actor },
        ),
      value: async () =>
        (await core.ok('thresholds.get', { clientId: client.id })).rules.find((r) => r.kind === 'client')!.override,
      valueOf: (n) => ({ threshold: n * 100, enabled: true }),
    });
  });

  it("a client's automatic top-up settings (recharge.set), from never saved (version 0)", async () => {
    const { core, client } = await ledger();
    expect((await core.ok('recharge.get', { clientId: client.id })).version).toBe(0);
    await noLostUpdate({
      core,
      field: 'version',
      token: async () => (await core.ok('recharge.get', { clientId: client.id })).version,
      save: (actor, version, n) =>
        core.call(
          'recharge.set',
          {
            clientId: client.id,
            mode: 'notify',
            enabled: true,
            alertThreshold: n * 100,
            triggerThreshold: 0,
            rechargeAmount: 1000,
            dailyCap: null,
            version,
          },
          { actor },
        ),
      value: async () => (await core.ok('recharge.get', { clientId: client.id })).alertThreshold,
      valueOf: (n) => n * 100,
    });
  });

  it('the mail settings (mail.set), counted on across a removal', async () => {
    const core = testCore();
    const smtp = (n: number) => ({
      host: `smtp${n}.example.com`,
      port: 587,
      security: 'starttls' as const,
      from: 'a@b.test',
    });
    await noLostUpdate({
      core,
      field: 'version',
      token: async () => (await core.ok('mail.get', {})).version,
      save: (actor, version, n) => core.call('mail.set', { smtp: smtp(n), version }, { actor }),
      value: async () => (await core.ok('mail.get', {})).smtp?.host,
      valueOf: (n) => `smtp${n}.example.com`,
    });
    // Removed and saved again is two changes: a form opened before both is still refused.
    const seen = (await core.ok('mail.get', {})).version;
    await core.ok('mail.set', { smtp: null, version: seen });
    await core.ok('mail.set', { smtp: smtp(1) });
    expect(await core.fails('mail.set', { smtp: null, version: seen })).toMatchObject({ kind: 'conflict' });
  });

  const rig = useChargeRig();
  it("the order of a client's payment methods (methods.reorder with expectedOrder)", async () => {
    const { core, client } = await rig.setup(['pm_card_visa', 'pm_card_mastercard', 'pm_usBankAccount_success']);
    const order = async () => (await core.ok('methods.list', { clientId: client.id })).methods.map((m) => m.id);
    const [a, b, c] = await order();
    const orders = { 1: [b, a, c], 2: [c, a, b], 3: [a, b, c] };
    await noLostUpdate({
      core,
      field: 'expectedOrder',
      token: order,
      save: (actor, expectedOrder, n) =>
        core.call(
          'methods.reorder',
          { clientId: client.id, order: orders[n], expectedOrder: expectedOrder as number[] | undefined },
          { actor },
        ),
      value: order,
      valueOf: (n) => orders[n],
    });
  });
});

describe('versions apart', () => {
  it("a threshold saved does not refuse the client's details, nor a threshold cleared by a stale form", async () => {
    const { core, client } = await ledger();
    const seen = await core.ok('clients.get', { id: client.id });
    const t = await core.ok('thresholds.get', { clientId: client.id });
    await core.ok('thresholds.set', {
      clientId: client.id,
      kind: 'staff',
      threshold: 500,
      enabled: true,
      version: t.version,
    });
    expect((await core.ok('clients.update', { id: client.id, name: 'Renamed', version: seen.version })).version).toBe(
      seen.version + 1,
    );
    const before = checksum(core.db);
    const refused = await core.fails('thresholds.clear', { clientId: client.id, kind: 'staff', version: t.version });
    expect(refused).toMatchObject({ kind: 'conflict', field: 'version' });
    expect(refused.message).toMatch(/^desk changed this client's thresholds on 2026-11-01 at 09:00 UTC/);
    expect(checksum(core.db)).toBe(before);
  });

  it("a profile made the default moves the old default's version; a deleted profile moves its clients'", async () => {
    const { core, reseller, client } = await ledger();
    const gold = await core.ok('profiles.create', { resellerId: reseller.id, name: 'Gold', currency: 'USD' });
    const silver = await core.ok('profiles.create', { resellerId: reseller.id, name: 'Silver', currency: 'USD' });
    expect(gold.isDefault).toBe(true);
    await core.ok('profiles.update', { id: silver.id, isDefault: true, version: silver.version });
    expect(await core.fails('profiles.update', { id: gold.id, isDefault: true, version: gold.version })).toMatchObject({
      kind: 'conflict',
      field: 'version',
    });
    const assigned = await core.ok('clients.update', { id: client.id, profileId: silver.id });
    await core.ok('profiles.delete', { id: silver.id });
    const after = await core.ok('clients.get', { id: client.id });
    expect(after.profileId).toBe(null);
    expect(after.version).toBe(assigned.version + 1);
  });

  it('a version in the wrong shape is refused by field', async () => {
    const { core, client } = await ledger();
    expect(await core.fails('clients.update', { id: client.id, version: 1.5 })).toMatchObject({
      kind: 'validation',
      field: 'version',
    });
    expect(await core.fails('clients.update', { id: client.id, version: -1 })).toMatchObject({ field: 'version' });
  });
});
