/**
 * A valid input for every channel, on a small ledger made for them (a reseller, a client with an entry
 * and a hold, staff, two profiles): the contract tests start from these and spoil them.
 */
import { withClient, type TestCore } from './core';

export async function contractSamples(core: TestCore): Promise<Record<string, Record<string, unknown>>> {
  const { reseller, client } = await withClient(core);
  const staff = await core.ok('staff.create', {
    resellerId: reseller.id,
    name: 'Ann',
    email: 'ann@acme.test',
    role: 'admin',
  });
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
    staffRule: {
      enabled: true,
      threshold: 2000,
      notifyReseller: true,
      staffIds: [staff.id],
      emails: ['ops@acme.test'],
    },
    clientRule: { enabled: true, threshold: 1000, notifyClient: true, emails: [] },
    inactivityRule: { enabled: true, threshold: 500, notifyClient: true, inactivityHours: 72, emails: [] },
  };
  const samples: Record<string, Record<string, unknown>> = {
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
    'staff.setPassword': { id: staff.id, password: null },
    'session.get': {},
    'session.signIn': { email: 'ann@acme.test', password: 'not her password' },
    'session.signOut': {},
    'session.changePassword': { current: 'the old passphrase', next: 'a brand new passphrase' },
    'clients.list': {
      search: 'b',
      resellerId: reseller.id,
      status: 'active',
      only: 'below',
      sort: 'name',
      dir: 'asc',
      limit: 10,
    },
    'clients.get': { id: client.id },
    'clients.forecast': { clientId: client.id },
    'clients.create': {
      resellerId: reseller.id,
      externalRef: 'C-200',
      name: 'Two',
      billingEmail: 't@x.test',
      currency: 'EUR',
      status: 'active',
    },
    'clients.update': {
      id: client.id,
      externalRef: 'C-101',
      name: 'Blue',
      billingEmail: 'b@x.test',
      currency: 'USD',
      status: 'suspended',
      profileId: null,
    },
    'ledger.post': {
      clientId: client.id,
      kind: 'adjustment',
      amount: 500,
      description: 'credit',
      externalId: 'x1',
      at: '2026-11-01T00:00:00Z',
    },
    'ledger.reverse': { entryId: entry.entry.id, reason: 'mistake' },
    'ledger.list': { clientId: client.id, kinds: ['usage'], limit: 10 },
    'ledger.series': { clientId: client.id, points: 100 },
    'ledger.import.preview': { resellerId: reseller.id, csv, firstLine: 2 },
    'ledger.import.commit': { resellerId: reseller.id, csv, firstLine: 2 },
    'holds.open': { clientId: client.id, amount: 10, reference: 'h2', description: 'call' },
    'holds.close': { id: hold.hold.id, charge: 10, description: 'done' },
    'holds.list': { clientId: client.id, status: 'open' },
    'audit.list': { subjectType: 'client', subjectId: client.id, limit: 10 },
    'audit.export': {
      format: 'csv',
      subjectType: 'client',
      subjectId: client.id,
      actor: 'desk',
      from: '2026-01-01T00:00:00Z',
      to: '2027-01-01T00:00:00Z',
    },
    'profiles.list': { resellerId: reseller.id, currency: 'USD' },
    'profiles.get': { id: profile.id },
    'profiles.create': {
      resellerId: reseller.id,
      name: 'Gold',
      currency: 'USD',
      sortOrder: 5,
      maxQty: 2,
      periodHours: 12,
      isDefault: false,
      ...rules,
    },
    'profiles.update': {
      id: profile.id,
      resellerId: reseller.id,
      name: 'Standard 2',
      currency: 'USD',
      sortOrder: 1,
      maxQty: 4,
      periodHours: 6,
      isDefault: true,
      ...rules,
    },
    'profiles.delete': { id: doomed.id },
    'thresholds.get': { clientId: client.id },
    'thresholds.set': { clientId: client.id, kind: 'client', threshold: 5000, enabled: true },
    'thresholds.clear': { clientId: client.id, kind: 'client' },
    'notifications.list': {
      clientId: client.id,
      kind: 'low_balance_client',
      status: 'sent',
      from: '2026-01-01T00:00:00Z',
      to: '2027-01-01T00:00:00Z',
      limit: 10,
    },
    'notifications.get': { id: 1 },
    'notifications.resend': { id: 1 },
    'mail.get': {},
    'mail.set': {
      smtp: {
        host: '127.0.0.1',
        port: 2525,
        security: 'none',
        user: 'u',
        password: 'p',
        from: 'Desk <desk@acme.test>',
      },
    },
    'mail.test': {
      to: 'ann@acme.test',
      smtp: { host: '127.0.0.1', port: 9, security: 'none', user: '', from: 'desk@acme.test' },
    },
    'outbox.list': { limit: 10 },
    'outbox.get': { file: 'notification-1.eml' },
    'notifications.export': { format: 'csv', clientId: client.id, status: 'sent' },
    'exports.status': { id: 'x-1' },
    'exports.cancel': { id: 'x-1' },
    'recharge.get': { clientId: client.id },
    'recharge.set': {
      clientId: client.id,
      mode: 'auto',
      enabled: true,
      alertThreshold: 10000,
      triggerThreshold: 5000,
      rechargeAmount: 20000,
      dailyCap: 50000,
    },
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
    'charges.list': {
      clientId: client.id,
      status: 'failed',
      awaitingRetry: true,
      from: '2026-01-01T00:00:00Z',
      to: '2027-01-01T00:00:00Z',
      limit: 10,
    },
    'charges.retry': { attemptId: 1 },
    'scheduler.status': {},
    'dashboard.get': {},
    'dashboard.chart': {},
    'scheduler.sweep': {},
    'office.get': {},
    'office.desks': {},
    'office.signOutDesk': { id: '0123456789abcdef' },
    'office.share': { on: false },
  };
  return samples;
}

/** How a channel may refuse a hostile but typed input: by field, as missing, or as a clash; signing in also as wrong credentials. */
export function refusals(channel: string): string[] {
  return channel === 'session.signIn'
    ? ['validation', 'not_found', 'conflict', 'unauthorized']
    : ['validation', 'not_found', 'conflict'];
}
