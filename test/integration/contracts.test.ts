/**
 * Every channel refuses bad input with a validation error that names the field, and changes nothing.
 * Each channel gets a valid sample; then every field of it is replaced by hostile values one at a time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { contracts, testClockChannels } from '../../src/shared/contracts';
import { checksum } from '../support/checksum';
import { testCore, withClient, type TestCore } from '../support/core';

let core: TestCore;
let samples: Record<string, Record<string, unknown>>;

beforeAll(async () => {
  core = testCore();
  const { reseller, client } = await withClient(core);
  const staff = await core.ok('staff.create', { resellerId: reseller.id, name: 'Ann', email: 'ann@acme.test', role: 'admin' });
  const entry = await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -100 });
  const hold = await core.ok('holds.open', { clientId: client.id, amount: 50, reference: 'h1' });
  const csv = 'client_ref,time,amount,external_id\nC-100,2026-11-01,1,z1\n';
  const profile = await core.ok('profiles.create', {
    resellerId: reseller.id,
    name: 'Standard',
    currency: 'USD',
    clientRule: { enabled: true, threshold: 1000, notifyClient: true, emails: [] },
  });
  const doomed = await core.ok('profiles.create', { resellerId: reseller.id, name: 'Spare', currency: 'USD' });
  const rules = {
    staffRule: { enabled: true, threshold: 2000, notifyReseller: true, staffIds: [staff.id], emails: ['ops@acme.test'] },
    clientRule: { enabled: true, threshold: 1000, notifyClient: true, emails: [] },
    inactivityRule: { enabled: true, threshold: 500, notifyClient: true, inactivityHours: 72, emails: [] },
  };
  samples = {
    'app.info': {},
    'clock.get': {},
    'clock.set': { iso: '2027-01-01T00:00:00Z' },
    'clock.advance': { ms: 1000 },
    'resellers.list': {},
    'resellers.create': { name: 'New', email: 'n@x.test', parentId: reseller.id },
    'resellers.update': { id: reseller.id, name: 'Renamed', email: 'r@x.test', parentId: null },
    'staff.list': { resellerId: reseller.id },
    'staff.create': { resellerId: reseller.id, name: 'Bob', email: 'bob@acme.test', role: 'viewer' },
    'staff.update': { id: staff.id, name: 'Ann B', email: 'annb@acme.test', role: 'operator', active: false },
    'clients.list': { search: 'b', resellerId: reseller.id, status: 'active', sort: 'name', dir: 'asc', limit: 10 },
    'clients.get': { id: client.id },
    'clients.create': { resellerId: reseller.id, externalRef: 'C-200', name: 'Two', billingEmail: 't@x.test', currency: 'EUR', status: 'active' },
    'clients.update': { id: client.id, externalRef: 'C-101', name: 'Blue', billingEmail: 'b@x.test', currency: 'USD', status: 'suspended', profileId: null },
    'ledger.post': { clientId: client.id, kind: 'adjustment', amount: 500, description: 'credit', externalId: 'x1', at: '2026-11-01T00:00:00Z' },
    'ledger.reverse': { entryId: entry.entry.id, reason: 'mistake' },
    'ledger.list': { clientId: client.id, kinds: ['usage'], limit: 10 },
    'ledger.series': { clientId: client.id, points: 100 },
    'ledger.import.preview': { resellerId: reseller.id, csv, firstLine: 2 },
    'ledger.import.commit': { resellerId: reseller.id, csv, firstLine: 2 },
    'holds.open': { clientId: client.id, amount: 10, reference: 'h2', description: 'call' },
    'holds.close': { id: hold.hold.id, charge: 10, description: 'done' },
    'holds.list': { clientId: client.id, status: 'open' },
    'audit.list': { subjectType: 'client', subjectId: client.id, limit: 10 },
    'profiles.list': { resellerId: reseller.id, currency: 'USD' },
    'profiles.get': { id: profile.id },
    'profiles.create': { resellerId: reseller.id, name: 'Gold', currency: 'USD', sortOrder: 5, maxQty: 2, periodHours: 12, isDefault: false, ...rules },
    'profiles.update': { id: profile.id, resellerId: reseller.id, name: 'Standard 2', currency: 'USD', sortOrder: 1, maxQty: 4, periodHours: 6, isDefault: true, ...rules },
    'profiles.delete': { id: doomed.id },
    'thresholds.get': { clientId: client.id },
    'thresholds.set': { clientId: client.id, kind: 'client', threshold: 5000, enabled: true },
    'thresholds.clear': { clientId: client.id, kind: 'client' },
    'notifications.list': { clientId: client.id, kind: 'low_balance_client', status: 'sent', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', limit: 10 },
    'notifications.get': { id: 1 },
    'notifications.resend': { id: 1 },
    'mail.get': {},
    'mail.set': { smtp: { host: '127.0.0.1', port: 2525, security: 'none', user: 'u', password: 'p', from: 'Desk <desk@acme.test>' } },
    'mail.test': { to: 'ann@acme.test', smtp: { host: '127.0.0.1', port: 9, security: 'none', user: '', from: 'desk@acme.test' } },
    'outbox.list': { limit: 10 },
    'outbox.get': { file: 'notification-1.eml' },
    'exports.start': { format: 'csv', clientId: client.id, status: 'sent' },
    'exports.status': { id: 'x-1' },
    'exports.cancel': { id: 'x-1' },
    'recharge.get': { clientId: client.id },
    'recharge.set': { clientId: client.id, mode: 'auto', enabled: true, alertThreshold: 10000, triggerThreshold: 5000, rechargeAmount: 20000, dailyCap: 50000 },
    'recharge.dryRun': { clientId: client.id },
    'stripe.get': {},
    'stripe.set': { secretKey: 'sk_test_0123456789abcdef' },
    'stripe.setReturnPage': { returnUrl: 'https://acme.example/card-saved' },
    'stripe.check': { secretKey: 'sk_test_0123456789abcdef' },
    'methods.list': { clientId: client.id },
    'methods.link': { clientId: client.id, customerId: 'cus_Test0001' },
    'methods.refresh': { clientId: client.id },
    'methods.update': { id: 1, autoCharge: false },
    'methods.reorder': { clientId: client.id, order: [1] },
    'methods.setupLink': { clientId: client.id },
    'charges.list': { clientId: client.id, status: 'failed', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', limit: 10 },
    'charges.retry': { attemptId: 1 },
    'scheduler.status': {},
    'scheduler.sweep': {},
  };
});

const wrongForAnyField: unknown[] = [{}, Number.NaN, { $gt: '' }];
const hostile: unknown[] = [
  null,
  true,
  -1,
  0,
  1.5,
  Number.POSITIVE_INFINITY,
  1e308,
  2 ** 53 + 2,
  '',
  'x'.repeat(100_000),
  "'); DROP TABLE clients; --",
  '\u0000\u202e\ud83d\udca5',
  [],
  ['a', 1],
];

describe('every contract at the boundary', () => {
  it('has a sample for every channel', () => {
    expect(Object.keys(samples).sort()).toEqual(contracts.map((c) => c.name).sort());
  });

  for (const contract of contracts) {
    if (testClockChannels.includes(contract.name)) continue; // not registered without --test-clock
    it(`${contract.name} refuses hostile input, naming the field, and changes nothing`, async () => {
      const sample = samples[contract.name];
      const before = checksum(core.db);
      for (const whole of [null, 'text', 42, [], true]) {
        const r = await core.call(contract.name, whole);
        expect(r.ok, `${contract.name} accepted ${JSON.stringify(whole)}`).toBe(false);
        if (!r.ok) expect(r.error).toMatchObject({ kind: 'validation', field: 'input' });
      }
      // A misspelt field is refused by name, not silently dropped.
      const r = await core.call(contract.name, { ...sample, notAField: 1 });
      expect(r).toMatchObject({ ok: false, error: { kind: 'validation', field: 'notAField' } });
      const shapeKeys = Object.keys(sample);
      for (const key of shapeKeys) {
        for (const bad of wrongForAnyField) {
          const res = await core.call(contract.name, { ...sample, [key]: bad });
          expect(res.ok, `${contract.name}.${key} accepted ${String(bad)}`).toBe(false);
          if (!res.ok) {
            expect(res.error.kind).toBe('validation');
            expect(res.error.field?.split('.')[0]).toBe(key);
            expect(res.error.message).toContain(key);
          }
        }
        for (const bad of hostile) {
          const res = await core.call(contract.name, { ...sample, [key]: bad });
          if (!res.ok) {
            expect(['validation', 'not_found', 'conflict']).toContain(res.error.kind);
            if (res.error.kind === 'validation') expect(res.error.field).toBeTruthy();
            expect(res.error.message.length).toBeGreaterThan(5);
          } else if (contract.mutates) {
            // A hostile value that is still valid (a name with SQL in it) is stored as text, nothing more.
            expect(core.db.$client.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'clients'").pluck().get()).toBe(1);
          }
        }
      }
      // A sweep (work) writes in transactions of its own by design; a read-only channel writes nothing.
      if (!contract.mutates && !contract.work) expect(checksum(core.db)).toBe(before);
    });
  }

  it('a refused mutating call leaves the database exactly as it was', async () => {
    for (const contract of contracts.filter((c) => c.mutates && !testClockChannels.includes(c.name))) {
      const sample = samples[contract.name];
      for (const key of Object.keys(sample)) {
        const before = checksum(core.db);
        const res = await core.call(contract.name, { ...sample, [key]: {} });
        expect(res.ok).toBe(false);
        expect(checksum(core.db), `${contract.name} with bad ${key} changed the database`).toBe(before);
      }
    }
  });

  it('rolls back the whole call when it fails half way (a closed hold cannot be closed again)', async () => {
    const before = checksum(core.db);
    const r = await core.call('ledger.reverse', { entryId: 999_999, reason: 'x' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'validation', field: 'entryId' } });
    expect(checksum(core.db)).toBe(before);
  });

  it('answers an unknown channel with not_found', async () => {
    expect(await core.call('clients.drop', {})).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    expect(await core.call('clock.advance', { ms: 1 })).toMatchObject({ ok: true }); // test core has a test clock
  });
});
