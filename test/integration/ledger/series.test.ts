/**
 * The client chart's hourly cache (series_hours): a chart of two days or more reads it instead of every
 * entry. Its buckets must be exactly those the entries themselves give, for any range; it must follow
 * entries posted now and usage imported with a time in the past; and a new entry must recompute its hour
 * only, not the client's whole history.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../src/shared/forecast';
import { groupEntries, hourBuckets, refreshSeriesHours } from '../../../src/main/core/ledger/series';
import { seeded } from '../../../bench/lib/data';
import { testCore, withClient, type TestCore } from '../../support/core';

const DAY = 86_400_000;
const cores: TestCore[] = [];
afterEach(() => {
  for (const c of cores.splice(0)) c.close();
});

/** `n` entries over `days` days before now, by direct SQL in time order: usage, and a top-up every 40th. */
function history(core: TestCore, clientId: number, n: number, days: number, seed: number): void {
  const rnd = seeded(seed);
  const start = core.clock.now() - days * DAY;
  const insert = core.db.$client.prepare(
    'INSERT INTO ledger_entries (client_id, kind, amount, balance_after, description, actor, at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let balance = 0;
  const times = Array.from({ length: n }, () => start + Math.floor(rnd() * days * DAY)).sort((a, b) => a - b);
  core.db.$client.transaction(() => {
    times.forEach((at, k) => {
      const top = k % 40 === 0;
      const amount = top ? 50_000 + Math.floor(rnd() * 1000) : -1 - Math.floor(rnd() * 900);
      balance += amount;
      insert.run(clientId, top ? 'top_up' : 'usage', amount, balance, top ? 'Card' : 'Calls', 'test', at, at);
    });
    core.db.$client
      .prepare('UPDATE balances SET balance = ?, available = ?, entry_count = ? WHERE client_id = ?')
      .run(balance, balance, n, clientId);
  })();
}

/** What the cache must give: the entries themselves, grouped into the same buckets. */
function fromEntries(core: TestCore, clientId: number, from: number, to: number, points: number) {
  const base = Math.floor(from / HOUR_MS);
  const perBucket = Math.max(1, Math.ceil((Math.floor(to / HOUR_MS) - base + 1) / points));
  return groupEntries(core.db.$client, clientId, from, to, base * HOUR_MS, perBucket * HOUR_MS);
}

describe('the client chart’s hourly cache', () => {
  it('gives exactly the buckets of the entries themselves, for whole and cut hours, wide and narrow buckets', async () => {
    const core = testCore();
    cores.push(core);
    const { client } = await withClient(core);
    history(core, client.id, 20_000, 90, 7);
    const now = core.clock.now();
    // Built in slices of 700 entries, as a client with a long history is; an entry posted between two slices
    // (the build yields to other work) is in the next refresh.
    const building = refreshSeriesHours(core.db.$client, client.id, 700);
    await core.ok('ledger.post', {
      clientId: client.id,
      kind: 'usage',
      amount: -1234,
      description: 'During the build',
    });
    await building;
    expect(
      core.db.$client
        .prepare(
          'SELECT count(*) FROM ledger_entries WHERE client_id = ? AND id > (SELECT through_id FROM series_state WHERE client_id = ?)',
        )
        .pluck()
        .get(client.id, client.id),
    ).toBe(1);
    const ranges: [number, number, number][] = [
      [now - 90 * DAY, now, 600], // the whole history, hours per bucket
      [now - 90 * DAY, now, 5000], // an hour per bucket
      [now - 30 * DAY + 1234, now - 2 * DAY - 777, 100], // cut hours at both ends
      [now - 10 * DAY + 59 * 60_000, now - 8 * DAY, 37], // a cut start, a whole end
      [now - 3 * DAY, now - DAY + 1, 600], // just over two days
    ];
    for (const [from, to, points] of ranges) {
      const got = await hourBuckets(core.db.$client, client.id, from, to, points);
      const want = fromEntries(core, client.id, from, to, points);
      expect(got.buckets.length).toBeGreaterThan(10);
      expect(got.buckets.length).toBeLessThanOrEqual(points);
      expect(got).toEqual(want);
    }
    // And through the channel: the line starts at the first entry and ends on the balance now.
    const s = await core.ok('ledger.series', { clientId: client.id });
    const balance = (await core.ok('clients.get', { id: client.id })).balance;
    expect(s.points.at(-1)!.balance).toBe(balance);
    expect(s.points.length).toBeLessThanOrEqual(4 * 600 + 2);
    expect(s.totals.topUps).toBe(500);
    // Every spike survives: the line's lowest and highest are the entries' own.
    const extremes = core.db.$client
      .prepare('SELECT min(balance_after) AS lo, max(balance_after) AS hi FROM ledger_entries WHERE client_id = ?')
      .get(client.id);
    const line = s.points.map((p) => p.balance);
    expect({ lo: Math.min(...line), hi: Math.max(...line) }).toEqual(extremes);
  });

  it('follows an entry posted now and usage imported with a past time, recomputing only the hours they touch', async () => {
    const core = testCore();
    cores.push(core);
    const { reseller, client } = await withClient(core);
    history(core, client.id, 5000, 60, 11);
    const sqlite = core.db.$client;
    const now = core.clock.now();
    const whole = () => hourBuckets(sqlite, client.id, now - 60 * DAY, now + DAY, 2000);
    const hoursCached = () =>
      sqlite.prepare('SELECT count(*) FROM series_hours WHERE client_id = ?').pluck().get(client.id) as number;

    expect(await whole()).toEqual(fromEntries(core, client.id, now - 60 * DAY, now + DAY, 2000));
    const cached = hoursCached();
    expect(cached).toBeGreaterThan(1000);
    const changes = () => sqlite.prepare('SELECT total_changes()').pluck().get() as number;

    // An entry posted now: its hour is recomputed (one delete, one insert, the state), nothing else.
    core.testClock.advance(2 * HOUR_MS);
    await core.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 12_345, description: 'Wire' });
    let before = changes();
    await refreshSeriesHours(sqlite, client.id);
    expect(changes() - before).toBeLessThanOrEqual(3);
    expect(hoursCached()).toBe(cached + 1);
    expect(await whole()).toEqual(fromEntries(core, client.id, now - 60 * DAY, now + DAY, 2000));

    // Usage imported with a time ten days ago: the chart shows it, in its hour.
    const past = new Date(now - 10 * DAY + 17 * 60_000).toISOString();
    const csv = `client_ref,time,amount,external_id,description\n${client.externalRef},${past},4.56,late-1,Late usage\n`;
    expect(await core.ok('ledger.import.commit', { resellerId: reseller.id, csv })).toMatchObject({ imported: 1 });
    expect(await whole()).toEqual(fromEntries(core, client.id, now - 60 * DAY, now + DAY, 2000));
    const hour = Math.floor(Date.parse(past) / HOUR_MS);
    const row = sqlite
      .prepare('SELECT first_at, last_at FROM series_hours WHERE client_id = ? AND hour = ?')
      .get(client.id, hour) as { first_at: number; last_at: number };
    expect(row.first_at <= Date.parse(past) && Date.parse(past) <= row.last_at).toBe(true);

    // Nothing new: nothing is written.
    before = changes();
    await refreshSeriesHours(sqlite, client.id);
    expect(changes()).toBe(before);
  });
});
