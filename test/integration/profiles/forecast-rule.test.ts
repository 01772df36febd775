/**
 * The forecast rule of a Low Balance Profile ("notify when forecast to run dry within N hours") on real
 * SQLite with the ManualClock: off by default, notifies when the stored forecast comes within N hours (on a
 * post, and by the sweep as time passes with no post), keeps the profile's Max Qty and Period like the other
 * rules, and starts again after a top-up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelInput, Notification } from '../../../src/shared/contracts';
import { DAY_MS, dayOf, HOUR_MS } from '../../../src/shared/forecast';
import { T0, testCore, withClient, type TestCore } from '../../support/core';

let core: TestCore;
afterEach(() => core?.close());

const isoAt = (ms: number) => new Date(ms).toISOString();
/** Ten days after the client was made, at 09:00 UTC. */
const NOW = T0 + 10 * DAY_MS;
const TODAY = dayOf(NOW) * DAY_MS;

/**
 * A client spending exactly 100 an hour (600 every 6 h for 9 days, 300 at 01:00, 04:00 and 07:00 today) out
 * of $1,000.00 topped up: 77,500 left, forecast to run dry in 775 h. Then a profile with only the forecast
 * rule (unless `forecastRule` says otherwise): Max Qty 2, Period 6 h.
 */
async function setup(
  forecastRule: ChannelInput<'profiles.create'>['forecastRule'] | null = {
    enabled: true,
    withinHours: 24,
    notifyReseller: true,
    emails: [],
  },
  more: Partial<ChannelInput<'profiles.create'>> = {},
) {
  core = testCore();
  const { reseller, client } = await withClient(core);
  core.testClock.set(NOW);
  await core.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 100_000, at: isoAt(T0) });
  let n = 0;
  for (let k = 9; k >= 1; k--)
    for (let h = 0; h < 24; h += 6)
      await core.ok('ledger.post', {
        clientId: client.id,
        kind: 'usage',
        amount: -600,
        externalId: `u${n++}`,
        at: isoAt(TODAY - k * DAY_MS + h * HOUR_MS),
      });
  for (const h of [1, 4, 7])
    await core.ok('ledger.post', {
      clientId: client.id,
      kind: 'usage',
      amount: -300,
      externalId: `u${n++}`,
      at: isoAt(TODAY + h * HOUR_MS),
    });
  const profile = await core.ok('profiles.create', {
    resellerId: reseller.id,
    name: 'Forecast',
    currency: 'USD',
    maxQty: 2,
    periodHours: 6,
    ...(forecastRule ? { forecastRule } : {}),
    ...more,
  });
  await core.ok('clock.advance', { ms: 0 }); // the full sweep the new profile asked for
  return { reseller, client, profile };
}

/** A debit that is not usage: the balance falls, the burn rate (100 an hour) stays. */
const spend = (clientId: number, amount: number) =>
  core.ok('ledger.post', { clientId, kind: 'adjustment', amount: -amount, description: 'test debit' });
const runDryAt = (clientId: number) =>
  core.db.$client.prepare('SELECT run_dry_at FROM balances WHERE client_id = ?').pluck().get(clientId) as number;

async function decisions(clientId: number): Promise<Notification[]> {
  return (await core.ok('notifications.list', { clientId, limit: 500 })).items.slice().reverse();
}
/** "forecast notify 1", "forecast period 1", "forecast quota 2", oldest first. */
const story = async (clientId: number) =>
  (await decisions(clientId)).map((n) => `${n.rule} ${n.suppressed ?? 'notify'} ${n.seq}`);

describe('the forecast rule', () => {
  it('is off by default: a profile without it never notifies however soon the client runs dry', async () => {
    const { client, profile } = await setup(null);
    expect(profile.forecastRule).toEqual({ enabled: false, withinHours: 24, notifyReseller: true, emails: [] });
    await spend(client.id, 77_000); // 500 left: dry in 5 h
    expect(runDryAt(client.id)).toBe(core.clock.now() + 5 * HOUR_MS);
    await core.ok('clock.advance', { ms: 2 * HOUR_MS });
    await core.scheduler.sweep();
    expect(await story(client.id)).toEqual([]);
    // Not a client threshold: the client's rules list only the three overridable ones; the forecast rule is beside them, off.
    const t = await core.ok('thresholds.get', { clientId: client.id });
    expect(t.rules.map((r) => r.kind)).toEqual(['staff', 'client', 'inactivity']);
    expect(t.forecast).toMatchObject({ enabled: false, within: false, sent: 0 });
  });

  it('notifies the reseller when the forecast comes within N hours, with the period and quota of the profile, and starts again after a top-up', async () => {
    const { client, profile } = await setup();
    expect(profile.forecastRule).toEqual({ enabled: true, withinHours: 24, notifyReseller: true, emails: [] });
    await spend(client.id, 70_000); // 7,500 left: 75 h, not within 24 h
    expect(await story(client.id)).toEqual([]);
    expect((await core.ok('thresholds.get', { clientId: client.id })).forecast).toEqual({
      enabled: true,
      withinHours: 24,
      runDryAt: isoAt(NOW + 75 * HOUR_MS),
      within: false,
      sent: 0,
      lastSentAt: null,
      nextCheckAt: null,
    });
    await spend(client.id, 5_600); // 1,900 left: 19 h
    expect(runDryAt(client.id)).toBe(NOW + 19 * HOUR_MS);
    expect(await story(client.id)).toEqual(['forecast notify 1']);
    // The client page's Low balance panel shows it within the horizon, with its counter.
    expect((await core.ok('thresholds.get', { clientId: client.id })).forecast).toMatchObject({
      runDryAt: isoAt(NOW + 19 * HOUR_MS),
      within: true,
      sent: 1,
      lastSentAt: isoAt(NOW),
    });

    const [n] = await decisions(client.id);
    expect(n).toMatchObject({
      kind: 'low_balance_forecast',
      rule: 'forecast',
      status: 'queued',
      recipients: ['billing@acme.test'],
      available: 1900,
      threshold: null,
    });
    expect(n.subject).toBe('Runs dry soon: Blue Fox Ltd (C-100) runs out in about 19 h at the current rate');
    expect(n.reason).toBe(
      'At the current rate, available $19.00 runs out in about 19 h, within the forecast rule’s 24 h. Notification 1 of 2; another after 6 h if still forecast to run dry in time.',
    );
    const { message } = await core.ok('notifications.get', { id: n.id });
    expect(message.text).toContain(
      'At the current rate, Blue Fox Ltd (C-100) runs out of prepaid balance in about 19 h.',
    );
    expect(message.text).toContain('forecast to run dry within 24 h');

    // Inside the period: one "period" record, however many debits.
    await spend(client.id, 100);
    await spend(client.id, 100);
    expect(await story(client.id)).toEqual(['forecast notify 1', 'forecast period 1']);
    // The period over: the second and last; a period later, the quota is recorded once.
    await core.ok('clock.advance', { ms: 6 * HOUR_MS });
    expect(await story(client.id)).toEqual(['forecast notify 1', 'forecast period 1', 'forecast notify 2']);
    await core.ok('clock.advance', { ms: 6 * HOUR_MS });
    await spend(client.id, 100);
    expect(await story(client.id)).toEqual([
      'forecast notify 1',
      'forecast period 1',
      'forecast notify 2',
      'forecast quota 2',
    ]);
    expect((await decisions(client.id)).at(-1)!.reason).toMatch(
      /^Not sent: Max Qty reached \(2 of 2\); no more until the forecast is beyond 24 h again \(a top-up\)\./,
    );

    // A top-up that pushes the forecast beyond 24 h resets the count; the next drop notifies from 1 again.
    await core.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 50_000 });
    expect(
      core.db.$client
        .prepare("SELECT count(*) FROM rule_states WHERE client_id = ? AND kind = 'forecast'")
        .pluck()
        .get(client.id),
    ).toBe(0);
    await spend(client.id, 50_000);
    expect((await story(client.id)).slice(4)).toEqual(['forecast notify 1']);
  });

  it('the sweep finds a client whose forecast drifted within N hours with no post', async () => {
    const { client } = await setup();
    await spend(client.id, 74_500); // 3,000 left: dry at NOW + 30 h, not within 24 h
    expect(runDryAt(client.id)).toBe(NOW + 30 * HOUR_MS);
    // Time passes with no post (and, here, no hourly refresh): the stored run-dry time stays and comes closer.
    core.testClock.advance(5 * HOUR_MS); // 25 h to go: not yet
    expect(await core.scheduler.sweep({ full: false })).toMatchObject({ full: false, decisions: 0 });
    core.testClock.advance(2 * HOUR_MS); // 23 h to go: the routine sweep's candidates include it (run_dry_at ≤ now + 24 h)
    expect(await core.scheduler.sweep({ full: false })).toMatchObject({ full: false, candidates: 1, decisions: 1 });
    expect(await story(client.id)).toEqual(['forecast notify 1']);
    expect((await decisions(client.id))[0].subject).toContain('runs out in about 23 h');
  });

  it('the routine sweep also finds a client already below another rule (it has a rule state), without deciding that rule again', async () => {
    const { client } = await setup(undefined, {
      periodHours: 24,
      staffRule: { enabled: true, threshold: 5000, notifyReseller: true, staffIds: [], emails: [] },
    });
    await spend(client.id, 74_500); // 3,000 left: below the staff rule's $50.00; dry in 30 h
    expect(await story(client.id)).toEqual(['staff notify 1']);
    core.testClock.advance(7 * HOUR_MS);
    expect(await core.scheduler.sweep({ full: false })).toMatchObject({ candidates: 1, decisions: 1 });
    expect(await story(client.id)).toEqual(['staff notify 1', 'forecast notify 1']);
    // Tracked now: the next routine sweep passes it by.
    expect(await core.scheduler.sweep({ full: false })).toMatchObject({ candidates: 0, decisions: 0 });
  });

  it('the profile form’s values round-trip: hours, the reseller tick, extra emails; an update may switch it off', async () => {
    const { profile } = await setup({
      enabled: true,
      withinHours: 48,
      notifyReseller: false,
      emails: ['ops@acme.test', 'OPS@acme.test'],
    });
    expect(profile.forecastRule).toEqual({
      enabled: true,
      withinHours: 48,
      notifyReseller: false,
      emails: ['OPS@acme.test'],
    });
    const off = await core.ok('profiles.update', {
      id: profile.id,
      forecastRule: { enabled: false, withinHours: 12, notifyReseller: true, emails: [] },
    });
    expect(off.forecastRule).toEqual({ enabled: false, withinHours: 12, notifyReseller: true, emails: [] });
    expect(
      await core.fails('profiles.update', { id: profile.id, forecastRule: { enabled: true, withinHours: 0 } }),
    ).toMatchObject({ kind: 'validation', field: 'forecastRule.withinHours' });
  });
});
