/**
 * The run-dry forecast on real SQLite with the ManualClock: the per-day usage aggregate kept by single posts
 * and by the import batch alike, the stored burn rate and run-dry time, the client list sorted by it (through
 * its index), the hourly refresh as time passes with no posts, the backfill of a ledger made before the
 * forecast, and clients.forecast (crossing times, the threshold suggestion shared with the top-up panel).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_SQL } from '../../../src/main/core/clients/store';
import { DAY_MS, dayOf, HOUR_MS } from '../../../src/shared/forecast';
import { T0, testCore, withClient, type TestCore } from '../../support/core';

let core: TestCore;
afterEach(() => core?.close());

const isoAt = (ms: number) => new Date(ms).toISOString();
/** The test's "now": ten days after the clients were made, at 09:00 UTC. */
const NOW = T0 + 10 * DAY_MS;
const TODAY = dayOf(NOW) * DAY_MS;

/** A steady spender's usage: 2,400 ($24.00) on each of the 9 days before today, and 900 so far today (09:00). */
function steadyUsage(): { at: number; amount: number }[] {
  const rows: { at: number; amount: number }[] = [];
  for (let k = 9; k >= 1; k--)
    for (let h = 0; h < 24; h += 6) rows.push({ at: TODAY - k * DAY_MS + h * HOUR_MS, amount: 600 });
  for (const h of [1, 4, 7]) rows.push({ at: TODAY + h * HOUR_MS, amount: 300 });
  return rows;
}

/** The steady usage, posted one entry at a time. */
async function postSteady(clientId: number) {
  let n = 0;
  for (const u of steadyUsage())
    await core.ok('ledger.post', {
      clientId,
      kind: 'usage',
      amount: -u.amount,
      externalId: `s${n++}`,
      at: isoAt(u.at),
    });
}

/** A new core with one client, $1,000.00 topped up and the steady usage posted, at NOW. */
async function steadyClient() {
  core = testCore();
  const { client: a } = await withClient(core);
  core.testClock.set(NOW);
  await core.ok('ledger.post', { clientId: a.id, kind: 'top_up', amount: 100_000 });
  await postSteady(a.id);
  return a;
}

async function client(ref: string, resellerId: number) {
  return core.ok('clients.create', {
    resellerId,
    externalRef: ref,
    name: `Client ${ref}`,
    billingEmail: `${ref}@x.test`,
    currency: 'USD',
  });
}

/** The days kept for the client's forecast (usage_days), oldest first. */
function dailyRows(clientId: number): { day: number; spent: number }[] {
  const flat = JSON.parse(
    (core.db.$client.prepare('SELECT days FROM usage_days WHERE client_id = ?').pluck().get(clientId) as
      string | undefined) ?? '[]',
  ) as number[];
  const out: { day: number; spent: number }[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ day: flat[i], spent: flat[i + 1] });
  return out.sort((a, b) => a.day - b.day);
}

describe('the stored forecast', () => {
  it('a steady spender: 100 an hour, $24.00 a day, dry when the balance is spent; posts and the import agree', async () => {
    core = testCore();
    const { reseller, client: a } = await withClient(core);
    const b = await client('C-200', reseller.id);
    core.testClock.set(NOW);
    for (const c of [a, b])
      await core.ok('ledger.post', { clientId: c.id, kind: 'top_up', amount: 100_000, at: isoAt(T0) });
    await postSteady(a.id);
    const csv = [
      'client_ref,time,amount,external_id',
      ...steadyUsage().map((u, i) => `C-200,${isoAt(u.at)},${(u.amount / 100).toFixed(2)},b${i}`),
    ].join('\n');
    expect(await core.ok('ledger.import.commit', { resellerId: reseller.id, csv })).toMatchObject({ imported: 39 });

    const spent = 9 * 2400 + 900;
    for (const c of [a, b]) {
      const got = await core.ok('clients.get', { id: c.id });
      expect(got.available).toBe(100_000 - spent);
      expect(got.burnPerDay).toBe(2400);
      // (100,000 − 22,500) minor units at 100 an hour: 775 hours from now.
      expect(got.runDryAt).toBe(isoAt(NOW + 775 * HOUR_MS));
      // One row per day of the window (7 complete days and today); the two older days are not kept.
      expect(dailyRows(c.id)).toEqual(
        [...Array(8).keys()].map((i) => ({ day: dayOf(TODAY) - 7 + i, spent: i === 7 ? 900 : 2400 })),
      );
    }
    // A re-import adds nothing, to the ledger or to the days.
    expect(await core.ok('ledger.import.commit', { resellerId: reseller.id, csv })).toMatchObject({
      imported: 0,
      duplicates: 39,
    });
    expect(dailyRows(b.id).reduce((s, r) => s + r.spent, 0)).toBe(7 * 2400 + 900);

    // A hold moves the available balance, and the run-dry time with it: 10,000 held is 100 hours sooner.
    await core.ok('holds.open', { clientId: a.id, amount: 10_000, reference: 'h1' });
    expect((await core.ok('clients.get', { id: a.id })).runDryAt).toBe(isoAt(NOW + 675 * HOUR_MS));

    // clients.forecast: the same figures computed now, and a crossing time per rule that is on.
    await core.ok('profiles.create', {
      resellerId: reseller.id,
      name: 'Standard',
      currency: 'USD',
      staffRule: { enabled: true, threshold: 20_000, notifyReseller: true, staffIds: [], emails: [] },
      clientRule: { enabled: true, threshold: 5_000, notifyClient: true, emails: [] },
    });
    const f = await core.ok('clients.forecast', { clientId: a.id });
    expect(f).toMatchObject({
      burnPerHour: 100,
      burnPerDay: 2400,
      runDryAt: isoAt(NOW + 675 * HOUR_MS),
      available: 67_500,
    });
    expect(f.thresholds).toEqual([
      { kind: 'staff', threshold: 20_000, crossesAt: isoAt(NOW + 475 * HOUR_MS) },
      { kind: 'client', threshold: 5_000, crossesAt: isoAt(NOW + 625 * HOUR_MS) },
    ]);
  });

  it('the threshold suggestion is twice the average daily spend, the same figure as the automatic top-up panel', async () => {
    core = testCore();
    const { client: a } = await withClient(core);
    core.testClock.set(NOW);
    await postSteady(a.id);
    const f = await core.ok('clients.forecast', { clientId: a.id });
    const r = await core.ok('recharge.get', { clientId: a.id });
    expect(f.averageDailySpend).toBe(r.averageDailySpend);
    expect(f.suggestedThreshold).toBe(r.suggestedThreshold);
    // 22,500 spent over the 10 days since the client was made.
    expect(f.averageDailySpend).toBe(2250);
    expect(f.suggestedThreshold).toBe(4500);
  });

  it('time alone: the hourly refresh lets a quiet client decay to no forecast, and prunes the old days', async () => {
    const a = await steadyClient();
    await core.runDue();
    const before = await core.ok('clients.get', { id: a.id });
    expect(before.burnPerDay).toBe(2400);

    // Three days without usage: the refresh recomputes with the quiet days in the window. At 09:00 three days
    // on, today (weight 8 × 9/24 = 3) and the two days before (7, 6) are empty, the day of the 900 is complete
    // (5, at 37.5 an hour) and four steady days remain (4 + 3 + 2 + 1, at 100): 1,187.5 / 31 an hour.
    core.testClock.advance(3 * DAY_MS);
    await core.runDue();
    const rate = 1187.5 / 31;
    expect(await core.ok('clients.get', { id: a.id })).toMatchObject({
      burnPerDay: Math.round(rate * 24),
      runDryAt: isoAt(NOW + 3 * DAY_MS + Math.round((77_500 / rate) * HOUR_MS)),
    });
    expect(before.runDryAt).toBe(isoAt(NOW + 775 * HOUR_MS));

    // Past the window: no rate, no forecast, and no rows left.
    core.testClock.advance(6 * DAY_MS);
    await core.runDue();
    expect(await core.ok('clients.get', { id: a.id })).toMatchObject({ burnPerDay: 0, runDryAt: null });
    expect(dailyRows(a.id)).toEqual([]);
  });

  it('a ledger made before the forecast is backfilled from its entries by the first refresh', async () => {
    const a = await steadyClient();
    const expected = await core.ok('clients.get', { id: a.id });
    const rows = dailyRows(a.id);
    // As the migration leaves an existing ledger: no days, no figures, no refresh yet.
    core.db.$client.exec(`DELETE FROM usage_days; UPDATE balances SET burn_rate = 0, run_dry_at = 8640000000000000;
      DELETE FROM scheduler_state WHERE key IN ('forecast_backfilled', 'forecast_refreshed_at')`);
    expect((await core.ok('clients.get', { id: a.id })).runDryAt).toBeNull();
    await core.runDue();
    expect(dailyRows(a.id)).toEqual(rows);
    expect(await core.ok('clients.get', { id: a.id })).toMatchObject({
      burnPerDay: expected.burnPerDay,
      runDryAt: expected.runDryAt,
    });
  });
});

describe('the client list sorted by run-dry time', () => {
  it('soonest first, clients without usage last, paged by keyset through the index', async () => {
    core = testCore();
    const { reseller, client: slow } = await withClient(core);
    const fast = await client('C-FAST', reseller.id);
    const idle = await client('C-IDLE', reseller.id);
    const dry = await client('C-DRY', reseller.id);
    core.testClock.set(NOW);
    for (const [c, top, use] of [
      [slow, 100_000, 2_400],
      [fast, 100_000, 24_000],
      [dry, 1_000, 2_400],
    ] as const) {
      await core.ok('ledger.post', { clientId: c.id, kind: 'top_up', amount: top, at: isoAt(T0) });
      await core.ok('ledger.post', { clientId: c.id, kind: 'usage', amount: -use, at: isoAt(TODAY - DAY_MS) });
    }
    await core.ok('ledger.post', { clientId: idle.id, kind: 'top_up', amount: 5_000 });
    const order = [dry.id, fast.id, slow.id, idle.id];
    const ids: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await core.ok('clients.list', { sort: 'runDry', dir: 'asc', limit: 3, cursor });
      ids.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(ids).toEqual(order);
    expect((await core.ok('clients.list', { sort: 'runDry', dir: 'desc', limit: 10 })).items.map((c) => c.id)).toEqual(
      [...order].reverse(),
    );
    const listed = (await core.ok('clients.list', { sort: 'runDry', dir: 'asc', limit: 10 })).items;
    // Overdrawn: dry now. Idle: no usage, no forecast.
    expect(listed[0].runDryAt).toBe(isoAt(NOW));
    expect(listed[3]).toMatchObject({ runDryAt: null, burnPerDay: 0 });

    const plan = (sql: string) =>
      (core.db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    for (const [dir, cmp] of [
      ['ASC', '>'],
      ['DESC', '<'],
    ]) {
      const first = plan(`${CLIENT_SQL} ORDER BY b.run_dry_at ${dir}, b.client_id ${dir} LIMIT 51`);
      expect(first).toMatch(/INDEX balances_run_dry/);
      expect(first).not.toMatch(/TEMP B-TREE/);
      const deep = plan(
        `${CLIENT_SQL} WHERE (b.run_dry_at, b.client_id) ${cmp} (1, 1) ORDER BY b.run_dry_at ${dir}, b.client_id ${dir} LIMIT 51`,
      );
      expect(deep).toMatch(/SEARCH b USING (COVERING )?INDEX balances_run_dry \(/);
      expect(deep).not.toMatch(/TEMP B-TREE/);
    }
  });
});
