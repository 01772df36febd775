/**
 * Low Balance Profiles (seed 004) on real SQLite with an injected clock: the profile channels and their
 * validation, client thresholds, and every rule semantic one by one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checksum } from '../../support/checksum';
import { T0, tempDir, testCore, withClient, type TestCore } from '../../support/core';
import type { ChannelInput, Notification } from '../../../src/shared/contracts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let core: TestCore;
afterEach(() => core?.close());

type ProfileInput = ChannelInput<'profiles.create'>;

/** A reseller, a USD client and a default profile: client rule at $10.00, Max Qty 3, Period 24 h. */
async function setup(profile: Partial<ProfileInput> = {}) {
  core = testCore();
  const { reseller, client } = await withClient(core);
  const p = await core.ok('profiles.create', {
    resellerId: reseller.id,
    name: 'Standard',
    currency: 'USD',
    maxQty: 3,
    periodHours: 24,
    clientRule: { enabled: true, threshold: 1000, notifyClient: true, emails: [] },
    ...profile,
  });
  return { reseller, client, profile: p };
}

const post = (clientId: number, amount: number) =>
  core.ok('ledger.post', amount < 0 ? { clientId, kind: 'usage', amount } : { clientId, kind: 'top_up', amount });

async function decisions(clientId?: number): Promise<Notification[]> {
  const page = await core.ok('notifications.list', { clientId, limit: 500 });
  return page.items.slice().reverse();
}

/** The decisions as short strings, oldest first: "client notify 1", "client quota 3". */
async function story(clientId?: number): Promise<string[]> {
  return (await decisions(clientId)).map((n) => `${n.rule} ${n.suppressed ?? 'notify'} ${n.seq}`);
}

const advance = (ms: number) => core.ok('clock.advance', { ms });

describe('profiles', () => {
  it('creates, lists, edits and counts clients; the first profile of a reseller and currency is its default', async () => {
    const { reseller, client, profile } = await setup();
    expect(profile).toMatchObject({
      isDefault: true,
      clientCount: 1,
      assignedClients: 0,
      periodHours: 24,
      maxQty: 3,
      resellerName: 'Acme Telecom',
    });
    const gold = await core.ok('profiles.create', {
      resellerId: reseller.id,
      name: 'Gold',
      currency: 'USD',
      sortOrder: 1,
      periodHours: 48,
    });
    expect(gold).toMatchObject({ isDefault: false, clientCount: 0, fallback: { id: profile.id, name: 'Standard' } });
    await core.ok('clients.update', { id: client.id, profileId: gold.id });
    const list = await core.ok('profiles.list', {});
    expect(list.map((p) => [p.name, p.clientCount, p.assignedClients])).toEqual([
      ['Standard', 0, 0],
      ['Gold', 1, 1],
    ]);
    // Making Gold the default takes the flag from Standard.
    await core.ok('profiles.update', { id: gold.id, isDefault: true, sortOrder: 20 });
    const after = await core.ok('profiles.list', { resellerId: reseller.id });
    expect(after.map((p) => [p.name, p.isDefault])).toEqual([
      ['Standard', false],
      ['Gold', true],
    ]);
    const audit = await core.ok('audit.list', { subjectType: 'profile', limit: 10 });
    expect(audit.items.map((a) => a.action)).toEqual(['profile.update', 'profile.create', 'profile.create']);
  });

  it('validates every field with a message that names it, and changes nothing', async () => {
    const { reseller, client, profile } = await setup();
    const other = await core.ok('resellers.create', { name: 'Other' });
    const stranger = await core.ok('staff.create', {
      resellerId: other.id,
      name: 'Eve',
      email: 'eve@other.test',
      role: 'admin',
    });
    const base = { resellerId: reseller.id, name: 'Silver', currency: 'USD' };
    const before = checksum(core.db);
    const cases: [unknown, string, RegExp][] = [
      [{ ...base, maxQty: 0 }, 'maxQty', /at least 1/],
      [{ ...base, maxQty: 1001 }, 'maxQty', /at most 1000/],
      [{ ...base, periodHours: 0 }, 'periodHours', /at least 1 hour/],
      [{ ...base, periodHours: 721 }, 'periodHours', /720 hours/],
      [{ ...base, periodHours: 1.5 }, 'periodHours', /whole number/],
      [{ ...base, currency: 'usd$' }, 'currency', /ISO 4217/],
      [{ ...base, name: '  ' }, 'name', /required/],
      [{ ...base, name: 'STANDARD' }, 'name', /already used/],
      [
        {
          ...base,
          clientRule: { enabled: true, threshold: 100, notifyClient: true, emails: ['ok@x.test', 'not-an-email'] },
        },
        'clientRule.emails.1',
        /valid email/,
      ],
      [
        { ...base, clientRule: { enabled: true, threshold: 10.5, notifyClient: true, emails: [] } },
        'clientRule.threshold',
        /whole number/,
      ],
      [
        {
          ...base,
          staffRule: { enabled: true, threshold: 100, notifyReseller: true, staffIds: [stranger.id], emails: [] },
        },
        'staffRule.staffIds.0',
        /another reseller/,
      ],
      [
        { ...base, staffRule: { enabled: true, threshold: 100, notifyReseller: true, staffIds: [9999], emails: [] } },
        'staffRule.staffIds.0',
        /does not exist/,
      ],
      [
        {
          ...base,
          inactivityRule: { enabled: true, threshold: 100, notifyClient: true, inactivityHours: 0, emails: [] },
        },
        'inactivityRule.inactivityHours',
        /at least 1 hour/,
      ],
      [{ ...base, resellerId: 9999 }, 'resellerId', /not a reseller/],
    ];
    for (const [input, field, message] of cases) {
      const e = await core.fails('profiles.create', input);
      expect(e.field, JSON.stringify(input)).toBe(field);
      expect(e.message).toMatch(message);
      expect(e.message).toContain(field.split('.')[0]);
    }
    // A profile's currency must match its clients'.
    const e1 = await core.fails('profiles.update', { id: profile.id, currency: 'EUR' });
    expect(e1).toMatchObject({ field: 'currency' });
    expect(e1.message).toMatch(/1 clients in USD use this profile/);
    const euro = await core.ok('profiles.create', { resellerId: reseller.id, name: 'Euro', currency: 'EUR' });
    const e2 = await core.fails('clients.update', { id: client.id, profileId: euro.id });
    expect(e2).toMatchObject({ field: 'profileId' });
    expect(e2.message).toMatch(/is in EUR and the client in USD/);
    const otherProfile = await core.ok('profiles.create', { resellerId: other.id, name: 'Theirs', currency: 'USD' });
    expect(await core.fails('clients.update', { id: client.id, profileId: otherProfile.id })).toMatchObject({
      field: 'profileId',
    });
    // Only the two profiles created above changed the database.
    expect(before).not.toBe(checksum(core.db));
    const mid = checksum(core.db);
    await core.fails('profiles.update', { id: profile.id, name: 'euro' });
    await core.fails('thresholds.set', { clientId: client.id, kind: 'client', threshold: 2 ** 60, enabled: true });
    expect(checksum(core.db)).toBe(mid);
  });

  it('sees a profile another process created a moment ago (desktop app and host on one data folder)', async () => {
    const dir = tempDir();
    core = testCore({ dataDir: dir, inMemory: false });
    const other = testCore({ dataDir: dir, inMemory: false });
    try {
      const { reseller } = await withClient(core);
      expect(await other.ok('profiles.list', {})).toEqual([]); // fills the other core's cache
      const p = await core.ok('profiles.create', { resellerId: reseller.id, name: 'Standard', currency: 'USD' });
      expect((await other.ok('profiles.list', {})).map((x) => x.id)).toEqual([p.id]);
      expect(await other.ok('profiles.get', { id: p.id })).toMatchObject({ name: 'Standard', isDefault: true });
    } finally {
      other.close();
    }
  });

  it('deletes a profile: its assigned clients fall back to the default, and say so', async () => {
    const { reseller, client, profile } = await setup();
    const gold = await core.ok('profiles.create', { resellerId: reseller.id, name: 'Gold', currency: 'USD' });
    await core.ok('clients.update', { id: client.id, profileId: gold.id });
    const out = await core.ok('profiles.delete', { id: gold.id });
    expect(out).toEqual({ id: gold.id, clientsMoved: 1, fallback: { id: profile.id, name: 'Standard' } });
    expect((await core.ok('clients.get', { id: client.id })).profileId).toBeNull();
    expect((await core.ok('thresholds.get', { clientId: client.id })).profile).toMatchObject({
      id: profile.id,
      source: 'default',
    });
    expect(await core.fails('profiles.get', { id: gold.id })).toMatchObject({ kind: 'not_found' });
    // Deleting the default leaves its followers with no profile: no rule applies.
    const last = await core.ok('profiles.delete', { id: profile.id });
    expect(last).toEqual({ id: profile.id, clientsMoved: 0, fallback: null });
    expect((await core.ok('thresholds.get', { clientId: client.id })).profile).toBeNull();
  });
});

describe('rule semantics', () => {
  it('fires only when the available balance is strictly below the threshold', async () => {
    const { client } = await setup();
    await post(client.id, 1500);
    await post(client.id, -500); // exactly $10.00: not below
    expect(await story()).toEqual([]);
    await post(client.id, -1); // $9.99
    expect(await story()).toEqual(['client notify 1']);
    const [n] = await decisions();
    expect(n).toMatchObject({
      available: 999,
      threshold: 1000,
      status: 'queued',
      recipients: ['ap@bluefox.test'],
      currency: 'USD',
    });
    expect(n.reason).toContain('Available $9.99 is below the client threshold of $10.00');
    // A hold lowers the available balance too, in the same way.
    await post(client.id, 1); // back to $10.00: the counter resets
    await core.ok('holds.open', { clientId: client.id, amount: 1, reference: 'call-1' });
    expect(await story()).toEqual(['client notify 1', 'client notify 1']);
  });

  it('sends at most Max Qty per episode, once per Period, and resets when refilled to the threshold', async () => {
    const { client } = await setup({ maxQty: 2, periodHours: 1 });
    await post(client.id, 900); // below from the start: a rise does not evaluate a client with no state
    await post(client.id, -100);
    expect(await story()).toEqual(['client notify 1']);
    await advance(HOUR - 1);
    expect(await story()).toEqual(['client notify 1']);
    await advance(1); // the period is over: the scheduler's next check sends the second
    expect(await story()).toEqual(['client notify 1', 'client notify 2']);
    await advance(HOUR); // Max Qty reached: recorded once as suppressed by the quota
    await advance(HOUR);
    await post(client.id, -10);
    expect(await story()).toEqual(['client notify 1', 'client notify 2', 'client quota 2']);
    const quota = (await decisions()).at(-1)!;
    expect(quota).toMatchObject({ status: 'suppressed', suppressed: 'quota' });
    expect(quota.reason).toMatch(/Max Qty reached \(2 of 2\).*refilled to \$10\.00 or more/);
    // A refill back to exactly the threshold resets the counter; the next drop starts again at 1.
    await post(client.id, 1000 - 790);
    expect(
      (await core.ok('thresholds.get', { clientId: client.id })).rules.find((r) => r.kind === 'client'),
    ).toMatchObject({ below: false, sent: 0 });
    await post(client.id, -1);
    expect(await story()).toEqual(['client notify 1', 'client notify 2', 'client quota 2', 'client notify 1']);
  });

  it.each([250, 300, 350])(
    'judges only the balance a call commits: a hold closed as a charge of %i cents while below sends no second notification in the Period',
    async (charge) => {
      // Issue 15 §3: holds.close released the hold (an in-between rise to $12.00, at or above the threshold,
      // that reset the counter) and then posted the usage (a fresh fall): "Notification 1 of 3" again.
      const { client } = await setup();
      await post(client.id, 1200);
      const { hold } = await core.ok('holds.open', { clientId: client.id, amount: 300, reference: 'call-1' });
      expect(await story()).toEqual(['client notify 1']); // available $9.00, below $10.00
      await core.ok('holds.close', { id: hold.id, charge });
      await core.ok('holds.open', { clientId: client.id, amount: 100, reference: 'call-2' });
      await core.ok('holds.close', {
        id: (await core.ok('holds.list', { clientId: client.id, status: 'open' }))[0].id,
        charge: 100,
      });
      const sent = (await decisions()).filter((n) => n.suppressed === null);
      expect(sent).toHaveLength(1);
      expect(
        (await core.ok('thresholds.get', { clientId: client.id })).rules.find((r) => r.kind === 'client'),
      ).toMatchObject({ below: true, sent: 1 });
      // A committed rise back to the threshold does reset it: the next fall is notification 1 again.
      const { available } = await core.ok('clients.get', { id: client.id });
      await post(client.id, 1000 - available);
      await post(client.id, -1);
      expect((await decisions()).filter((n) => n.suppressed === null).map((n) => n.seq)).toEqual([1, 1]);
    },
  );

  it('spaces notifications by the Period; a debit inside it is recorded once as suppressed by the period', async () => {
    const { client } = await setup({ periodHours: 24 });
    await post(client.id, 500);
    await post(client.id, -100);
    await advance(10 * 60_000);
    await post(client.id, -100);
    await post(client.id, -100);
    await advance(DAY - 10 * 60_000 - 1);
    await post(client.id, -1);
    expect(await story()).toEqual(['client notify 1', 'client period 1']);
    const period = (await decisions()).at(-1)!;
    expect(period.reason).toMatch(
      /period is 1 day.*went out at 2026-11-01 09:00 UTC; the next may go at 2026-11-02 09:00 UTC/,
    );
    await advance(1);
    expect(await story()).toEqual(['client notify 1', 'client period 1', 'client notify 2']);
    expect((await decisions()).at(-1)!.decidedAt).toBe(new Date(T0 + DAY).toISOString());
  });

  it('inactivity fires only after the duration without a debit, counted from the last debit or from creation', async () => {
    const { reseller, client } = await setup({
      clientRule: { enabled: false, threshold: 0, notifyClient: true, emails: [] },
      inactivityRule: {
        enabled: true,
        threshold: 500,
        notifyClient: true,
        inactivityHours: 72,
        emails: ['watch@acme.test'],
      },
    });
    const idle = await core.ok('clients.create', {
      resellerId: reseller.id,
      externalRef: 'C-200',
      name: 'Quiet Co',
      billingEmail: 'ap@quiet.test',
      currency: 'USD',
    });
    await post(idle.id, 300); // a top-up is not a charge: Quiet Co has had no debit since creation
    await post(client.id, 400);
    await post(client.id, -100); // below $5.00 but active
    expect(await story()).toEqual([]);
    await advance(48 * HOUR);
    await post(client.id, -10); // still active: the 72 h start again from here
    await advance(24 * HOUR); // 72 h since creation for Quiet Co
    expect(await story(idle.id)).toEqual(['inactivity notify 1']);
    expect(await story(client.id)).toEqual([]);
    await advance(48 * HOUR - 1);
    expect(await story(client.id)).toEqual([]);
    await advance(1); // 72 h since Blue Fox's last debit
    expect(await story(client.id)).toEqual(['inactivity notify 1']);
    const n = (await decisions(client.id))[0];
    expect(n.recipients).toEqual(['ap@bluefox.test', 'watch@acme.test']);
    expect(n.reason).toContain('no usage since 2026-11-03 09:00 UTC');
  });

  it('client thresholds override the profile, can switch a rule off, and show where each value comes from', async () => {
    const { client } = await setup();
    await post(client.id, 4000);
    let t = await core.ok('thresholds.set', { clientId: client.id, kind: 'client', threshold: 5000, enabled: true });
    let rule = t.rules.find((r) => r.kind === 'client')!;
    expect(rule).toMatchObject({
      threshold: 5000,
      thresholdSource: 'client',
      profileThreshold: 1000,
      below: true,
      sent: 1,
    });
    expect(await story()).toEqual(['client notify 1']); // evaluated at once
    expect((await decisions())[0].reason).toContain('(the client’s own threshold)');
    t = await core.ok('thresholds.set', { clientId: client.id, kind: 'client', threshold: null, enabled: false });
    rule = t.rules.find((r) => r.kind === 'client')!;
    expect(rule).toMatchObject({
      enabled: false,
      enabledSource: 'client',
      threshold: 1000,
      thresholdSource: 'profile',
      below: false,
      sent: 0,
    });
    await post(client.id, -3500); // $5.00: below the profile's $10.00, but the rule is off for this client
    expect(await story()).toEqual(['client notify 1']);
    t = await core.ok('thresholds.clear', { clientId: client.id, kind: 'client' });
    expect(t.rules.find((r) => r.kind === 'client')).toMatchObject({
      enabled: true,
      override: null,
      below: true,
      sent: 1,
    });
    expect(await story()).toEqual(['client notify 1', 'client notify 1']);
    const audit = await core.ok('audit.list', { subjectType: 'client', subjectId: client.id, limit: 10 });
    expect(audit.items.map((a) => a.action).filter((a) => a.startsWith('threshold.'))).toEqual([
      'threshold.clear',
      'threshold.set',
      'threshold.set',
    ]);
  });

  it('works out recipients: reseller email, chosen staff, extra emails, each once; nobody to notify is recorded', async () => {
    const { reseller, client, profile } = await setup();
    const ann = await core.ok('staff.create', {
      resellerId: reseller.id,
      name: 'Ann',
      email: 'ann@acme.test',
      role: 'admin',
    });
    const bob = await core.ok('staff.create', {
      resellerId: reseller.id,
      name: 'Bob',
      email: 'bob@acme.test',
      role: 'operator',
    });
    await core.ok('staff.update', { id: bob.id, active: false });
    await core.ok('profiles.update', {
      id: profile.id,
      staffRule: {
        enabled: true,
        threshold: 2000,
        notifyReseller: true,
        staffIds: [ann.id, bob.id],
        emails: ['ANN@acme.test', 'night@acme.test'],
      },
      clientRule: { enabled: true, threshold: 1000, notifyClient: false, emails: [] },
    });
    await post(client.id, -1);
    const byRule = Object.fromEntries((await decisions()).map((n) => [n.rule, n]));
    expect(byRule.staff).toMatchObject({
      status: 'queued',
      recipients: ['billing@acme.test', 'ann@acme.test', 'night@acme.test'],
    });
    expect(byRule.staff.subject).toBe('Low balance: Blue Fox Ltd (C-100) has -$0.01');
    expect(byRule.client).toMatchObject({ status: 'suppressed', suppressed: 'no_recipients', recipients: [] });
    expect(byRule.client.reason).toMatch(/^Not sent: nobody to notify/);
    // Each decision to send has exactly one durable job, keyed by its log row.
    const jobs = core.db.$client.prepare('SELECT kind, key, status FROM jobs ORDER BY id').all();
    expect(jobs).toEqual([{ kind: 'notify', key: `notify:${byRule.staff.id}`, status: 'queued' }]);
  });

  it('leaves closed clients alone and forgets their counters', async () => {
    const { client } = await setup();
    await post(client.id, -100);
    expect(await story()).toEqual(['client notify 1']);
    await core.ok('clients.update', { id: client.id, status: 'closed' });
    expect(
      (await core.ok('thresholds.get', { clientId: client.id })).rules.every((r) => !r.enabled && r.sent === 0),
    ).toBe(true);
    await advance(3 * DAY);
    await core.ok('scheduler.sweep', {});
    expect(await story()).toEqual(['client notify 1']);
  });

  it('a profile change is picked up by the sweep it asks for', async () => {
    const { client, profile } = await setup();
    await post(client.id, 1500);
    expect(await story()).toEqual([]);
    await core.ok('profiles.update', {
      id: profile.id,
      clientRule: { enabled: true, threshold: 2000, notifyClient: true, emails: [] },
    });
    expect((await core.ok('scheduler.status', {})).nextSweepAt).toBe(new Date(T0).toISOString());
    await advance(0);
    expect(await story()).toEqual(['client notify 1']);
  });
});
