/**
 * dashboard.get on real SQLite with a ManualClock: each figure with known data (clients below a threshold,
 * today's top-ups per currency across UTC midnight, notifications sent and failed today through a real
 * SMTP server, failed charges awaiting Retry and methods cooling down through the Stripe test server), the
 * 30 days of the chart against a sum of the entries, the filtered lists the tiles link to, and the markers
 * and threshold lines of ledger.series.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SERIES_MARKERS } from '../../../src/shared/contracts/ledger';
import { startSmtpServer, type SmtpTestServer } from '../../support/smtp';
import { useStripeFixtures } from '../../support/stripe/spec-check';
import { startStripeServer, SANDBOX_API_KEY } from '../../support/stripe/server';
import { clientInserter } from '../../../src/main/core/clients/insert';
import { tempDir, testCore, withClient, type TestCore } from '../../support/core';

const DAY = 86_400_000;
const fx = useStripeFixtures({ afterEach, expect });
const smtps: SmtpTestServer[] = [];
afterEach(async () => {
  for (const s of smtps.splice(0)) await s.stop();
});

async function client(core: TestCore, resellerId: number, ref: string, currency: string) {
  return core.ok('clients.create', {
    resellerId,
    externalRef: ref,
    name: `Client ${ref}`,
    billingEmail: `ap@${ref.toLowerCase()}.test`,
    currency,
  });
}
const topUp = (core: TestCore, clientId: number, amount: number) =>
  core.ok('ledger.post', { clientId, kind: 'top_up', amount });
const usage = (core: TestCore, clientId: number, amount: number) =>
  core.ok('ledger.post', { clientId, kind: 'usage', amount: -amount });

/** The balance per currency at the end of each day, summed from the entries themselves (by recorded time). */
function balancesByDay(core: TestCore, days: string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const currencies = core.db.$client
    .prepare('SELECT DISTINCT currency FROM clients ORDER BY currency')
    .pluck()
    .all() as string[];
  for (const cur of currencies) {
    out[cur] = days.map(
      (d) =>
        core.db.$client
          .prepare(
            'SELECT coalesce(sum(e.amount), 0) FROM ledger_entries e JOIN clients c ON c.id = e.client_id WHERE c.currency = ? AND e.recorded_at < ?',
          )
          .pluck()
          .get(cur, Date.parse(`${d}T00:00:00Z`) + DAY) as number,
    );
  }
  return out;
}

describe('dashboard.get', () => {
  it('counts each figure with known data, per currency, and moves "today" at UTC midnight', async () => {
    // The client rule's mail to C-100 is refused for good (550): a failed notification.
    const smtp = await startSmtpServer({ refuse: { 'ap@c-100.test': 550 } });
    smtps.push(smtp);
    const core = fx.core(testCore({ smtpUrl: smtp.url }));
    const reseller = await core.ok('resellers.create', { name: 'Acme Telecom', email: 'billing@acme.test' });
    const a = await client(core, reseller.id, 'C-100', 'USD');
    const b = await client(core, reseller.id, 'C-200', 'EUR');
    const c = await client(core, reseller.id, 'C-300', 'JPY');
    const d = await client(core, reseller.id, 'C-400', 'USD');
    await core.ok('profiles.create', {
      resellerId: reseller.id,
      name: 'Standard',
      currency: 'USD',
      staffRule: { enabled: true, threshold: 2000, notifyReseller: true, staffIds: [], emails: [] },
      clientRule: { enabled: true, threshold: 1000, notifyClient: true, emails: [] },
    });

    // A client at zero is below the rules once a sweep has looked at it: keep them above meanwhile.
    core.testClock.set(Date.parse('2026-11-01T23:59:59.999Z'));
    await topUp(core, a.id, 4000);
    await topUp(core, b.id, 9000);
    await topUp(core, d.id, 5000);
    let dash = await core.ok('dashboard.get', {});
    expect(dash.today).toEqual({ day: '2026-11-01', from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' });
    expect(dash.topUpsToday).toEqual([
      { currency: 'EUR', count: 1, amount: 9000 },
      { currency: 'USD', count: 2, amount: 9000 },
    ]);
    expect(dash.belowThreshold).toBe(0);

    // One millisecond later it is another UTC day: yesterday's top-ups are no longer today's.
    core.testClock.advance(1);
    dash = await core.ok('dashboard.get', {});
    expect(dash.today.day).toBe('2026-11-02');
    expect(dash.topUpsToday).toEqual([]);

    await topUp(core, a.id, 500);
    await topUp(core, d.id, 250);
    await topUp(core, c.id, 300);
    await topUp(core, b.id, 700);
    core.testClock.advance(6 * 3_600_000); // 06:00: six hours of today for the run-dry forecast's rate
    await usage(core, a.id, 3500); // $10.00 left: below the staff rule ($20), at the client rule's threshold (not below)
    await usage(core, d.id, 5200); // $0.50: below both
    await core.runDue();
    dash = await core.ok('dashboard.get', {});
    expect(dash.topUpsToday).toEqual([
      { currency: 'EUR', count: 1, amount: 700 },
      { currency: 'JPY', count: 1, amount: 300 },
      { currency: 'USD', count: 2, amount: 750 },
    ]);
    expect(dash.automaticTopUpsToday).toBe(0);
    expect(dash.belowThreshold).toBe(2);
    // Staff mail for C-100 and C-400 (to the reseller) went out; the client rule's mail to C-400 too, and to C-100 … no:
    // C-100 sits exactly at the client threshold. So: 3 sent, and none failed yet.
    expect(dash.notificationsToday).toEqual({ sent: 3, failed: 0 });
    await usage(core, a.id, 1); // now below the client rule: its mail is refused (550)
    await core.runDue();
    dash = await core.ok('dashboard.get', {});
    expect(dash.notificationsToday).toEqual({ sent: 3, failed: 1 });
    // The same figures as the lists the tiles link to.
    const sentToday = await core.ok('notifications.list', {
      status: 'sent',
      from: dash.today.from,
      to: dash.today.to,
      limit: 100,
    });
    expect(sentToday.items).toHaveLength(3);
    const below = await core.ok('clients.list', { only: 'below' });
    expect(below.total).toBe(2);
    expect(below.items.map((x) => x.externalRef)).toEqual(['C-100', 'C-400']);
    expect(below.items.every((x) => x.belowThreshold)).toBe(true);
    expect(dash.scheduler.jobs.failed).toBe(1);
    // Run dry within 24 h (the stored forecast): at today's rate C-100 and C-400 reach zero in hours; C-200 has no usage.
    const soon = (await core.ok('clients.list', { only: 'dry' })).items;
    expect(soon.map((x) => x.externalRef)).toEqual(['C-100', 'C-400']);
    for (const x of soon) expect(Date.parse(x.runDryAt!)).toBeLessThanOrEqual(core.clock.now() + DAY);
    expect((await core.ok('clients.get', { id: b.id })).runDryAt).toBeNull();
    expect(dash.runDrySoon).toBe(2);
    expect(dash.awaitingRetry).toBe(0);
    expect(dash.methodsCooling).toBe(0);

    // The next day: today's figures start again from nothing, the clients stay below.
    core.testClock.set(Date.parse('2026-11-03T00:00:00Z'));
    dash = await core.ok('dashboard.get', {});
    expect(dash.notificationsToday).toEqual({ sent: 0, failed: 0 });
    expect(dash.topUpsToday).toEqual([]);
    expect(dash.belowThreshold).toBe(2);

    // The chart: 30 UTC days ending today, each day's closing balance per currency as the entries sum it.
    const chart = await core.ok('dashboard.chart', {});
    expect(chart.days).toHaveLength(30);
    expect(chart.days.at(-1)).toBe('2026-11-03');
    expect(chart.days[0]).toBe('2026-10-05');
    const expected = balancesByDay(core, chart.days);
    const byCur = Object.fromEntries(chart.currencies.map((x) => [x.currency, x]));
    expect(Object.keys(byCur)).toEqual(['EUR', 'JPY', 'USD']);
    for (const cur of Object.keys(byCur)) expect(byCur[cur].balance).toEqual(expected[cur]);
    expect(byCur.USD.balance.slice(-3)).toEqual([9000, 1049, 1049]);
    expect(byCur.EUR.balance.slice(-3)).toEqual([9000, 9700, 9700]);
    expect(byCur.USD.topUps.slice(-3)).toEqual([9000, 750, 0]);
    expect(byCur.USD.topUpCount.slice(-3)).toEqual([2, 2, 0]);
    expect(byCur.JPY.topUps.slice(-3)).toEqual([0, 300, 0]);
    expect(byCur.USD.balance.slice(0, 27).every((v) => v === 0)).toBe(true);
  });

  it('keeps its days right as entries arrive after the first read, and matches a fresh core on the same file', async () => {
    const dir = tempDir();
    const core = fx.core(testCore({ inMemory: false, dataDir: dir }));
    const { reseller, client: a } = await withClient(core);
    const e = await client(core, reseller.id, 'E-1', 'EUR');
    for (let day = 0; day < 40; day++) {
      await topUp(core, a.id, 1000 + day);
      await usage(core, a.id, 300 + day);
      if (day % 3 === 0) await topUp(core, e.id, 77);
      // Read on some days only: the kept figures must catch up on what came since.
      if (day % 7 === 0) await core.ok('dashboard.chart', {});
      core.testClock.advance(DAY / 2);
      await usage(core, a.id, 5);
      core.testClock.advance(DAY / 2);
    }
    const chart = await core.ok('dashboard.chart', {});
    const expected = balancesByDay(core, chart.days);
    for (const x of chart.currencies) expect(x.balance).toEqual(expected[x.currency]);
    const usd = chart.currencies.find((x) => x.currency === 'USD')!;
    // Day 39's top-up was recorded the day before today.
    expect(usd.topUps.slice(-2)).toEqual([1039, 0]);
    const fresh = fx.core(testCore({ inMemory: false, dataDir: dir }));
    fresh.testClock.set(core.clock.now());
    expect(await fresh.ok('dashboard.chart', {})).toEqual(chart);
  });

  it('reads its days from daily_totals, which the ledger keeps with every entry and the migration fills from an older ledger', async () => {
    const dir = tempDir();
    const core = fx.core(testCore({ inMemory: false, dataDir: dir }));
    const { reseller } = await withClient(core);
    const sqlite = core.db.$client;
    const insert = clientInserter(sqlite);
    const ids = sqlite.transaction(() =>
      Array.from({ length: 5_000 }, (_, k) =>
        insert(
          {
            resellerId: reseller.id,
            externalRef: `B-${k}`,
            name: `Bulk ${k}`,
            billingEmail: 'b@x.test',
            currency: k % 3 ? 'USD' : 'EUR',
            status: 'active',
          },
          core.clock.now(),
        ),
      ),
    )();
    // Ten days of imports (the ledger's batch) and single posts, in both currencies.
    for (let day = 0; day < 10; day++) {
      const now = core.clock.now();
      sqlite.transaction(() => {
        const batch = core.ledger.batch(now);
        for (const [k, id] of ids.entries())
          batch.post({
            clientId: id,
            kind: k % 5 ? 'usage' : 'top_up',
            amount: k % 5 ? -(1 + (k % 7)) : 500,
            description: 'x',
            actor: 'test',
            at: now,
            externalId: `d${day}-${k}`,
          });
        batch.finish();
      })();
      await core.ok('ledger.post', { clientId: ids[day], kind: 'top_up', amount: 1_000 });
      core.testClock.advance(DAY);
    }
    const chart = await core.ok('dashboard.chart', {});
    const expected = balancesByDay(core, chart.days);
    for (const x of chart.currencies) expect(x.balance).toEqual(expected[x.currency]);
    expect(chart.currencies.reduce((n, x) => n + x.topUpCount.at(-2)!, 0)).toBe(1_000 + 1);
    // The chart reads no entry: a few rows of daily_totals (10 days × 2 currencies).
    expect(sqlite.prepare('SELECT count(*) FROM daily_totals').pluck().get()).toBe(20);
    // The migration's backfill, run on the same entries, makes exactly the rows the ledger kept.
    const kept = sqlite.prepare('SELECT * FROM daily_totals ORDER BY day, currency').all();
    const backfill = fs
      .readFileSync(path.resolve(__dirname, '../../../drizzle/0013_daily_totals.sql'), 'utf8')
      .split('--> statement-breakpoint')[1];
    sqlite.exec('DELETE FROM daily_totals');
    sqlite.exec(backfill);
    expect(sqlite.prepare('SELECT * FROM daily_totals ORDER BY day, currency').all()).toEqual(kept);
  });

  it('counts failed charges awaiting Retry, methods cooling down and automatic top-ups, as the lists they link to', async () => {
    const server = fx.server(await startStripeServer());
    const core = fx.core(testCore({ stripeKey: SANDBOX_API_KEY, stripeApiBase: server.url }));
    server.setNow(() => core.clock.now());
    const { reseller, client: a } = await withClient(core);
    const b = await client(core, reseller.id, 'C-200', 'USD');
    const setUp = async (clientId: number, tokens: string[]) => {
      await topUp(core, clientId, 10_000);
      const { customerId } = await core.ok('methods.link', { clientId });
      for (const t of tokens) server.attachTestPaymentMethod(customerId!, t);
      const methods = (await core.ok('methods.refresh', { clientId })).methods;
      await core.ok('methods.reorder', { clientId, order: [...methods].reverse().map((m) => m.id) });
      await core.ok('recharge.set', {
        clientId,
        mode: 'auto',
        enabled: true,
        alertThreshold: null,
        triggerThreshold: 5000,
        rechargeAmount: 20_000,
        dailyCap: null,
      });
    };
    // A: the first card declines (cooling down 48 h), the second pays. B: its only card declines.
    await setUp(a.id, ['pm_card_chargeDeclinedInsufficientFunds', 'pm_card_visa']);
    await setUp(b.id, ['pm_card_chargeDeclined']);
    await usage(core, a.id, 6000);
    await usage(core, b.id, 6000);
    await core.runDue();

    let dash = await core.ok('dashboard.get', {});
    expect(dash.awaitingRetry).toBe(1);
    expect(dash.methodsCooling).toBe(2);
    expect(dash.clientsCooling).toBe(2);
    expect(dash.automaticTopUpsToday).toBe(1);
    expect(dash.topUpsToday).toEqual([{ currency: 'USD', count: 3, amount: 40_000 }]);
    const awaiting = await core.ok('charges.list', { awaitingRetry: true });
    expect(awaiting.items.map((x) => [x.clientId, x.status])).toEqual([[b.id, 'failed']]);
    const cooling = await core.ok('clients.list', { only: 'cooling' });
    expect(cooling.total).toBe(2);

    // A Retry that fails again: still one charge awaiting Retry (the newest), though two have failed.
    const failed = awaiting.items[0];
    await core.ok('charges.retry', { attemptId: failed.id });
    await core.runDue();
    dash = await core.ok('dashboard.get', {});
    expect((await core.ok('charges.list', { status: 'failed' })).items).toHaveLength(2);
    expect(dash.awaitingRetry).toBe(1);
    expect((await core.ok('charges.list', { awaitingRetry: true })).items[0].id).not.toBe(failed.id);

    // 48 hours on, the cooldowns are over.
    core.testClock.advance(48 * 3_600_000 + 1);
    dash = await core.ok('dashboard.get', {});
    expect(dash.methodsCooling).toBe(0);
    expect((await core.ok('clients.list', { only: 'cooling' })).total).toBe(0);
  });
});

describe('ledger.series markers and thresholds', () => {
  it('marks top-ups, failed charges and notifications, with the client’s thresholds', async () => {
    const server = fx.server(await startStripeServer());
    const core = fx.core(testCore({ stripeKey: SANDBOX_API_KEY, stripeApiBase: server.url }));
    server.setNow(() => core.clock.now());
    const { reseller, client: a } = await withClient(core);
    await core.ok('profiles.create', {
      resellerId: reseller.id,
      name: 'Standard',
      currency: 'USD',
      clientRule: { enabled: true, threshold: 3000, notifyClient: true, emails: [] },
    });
    await core.ok('thresholds.set', { clientId: a.id, kind: 'client', threshold: 2500, enabled: true });
    await core.ok('ledger.post', { clientId: a.id, kind: 'top_up', amount: 10_000, description: 'Bank transfer' });
    const { customerId } = await core.ok('methods.link', { clientId: a.id });
    server.attachTestPaymentMethod(customerId!, 'pm_card_chargeDeclined');
    await core.ok('methods.refresh', { clientId: a.id });
    await core.ok('recharge.set', {
      clientId: a.id,
      mode: 'auto',
      enabled: true,
      alertThreshold: 6000,
      triggerThreshold: 5000,
      rechargeAmount: 20_000,
      dailyCap: null,
    });
    core.testClock.advance(3_600_000);
    await usage(core, a.id, 8000); // $20.00: below the trigger (a charge that fails) and the client rule
    await core.runDue();
    core.testClock.advance(3_600_000);
    await core.ok('ledger.post', { clientId: a.id, kind: 'top_up', amount: 1000 });

    const s = await core.ok('ledger.series', { clientId: a.id });
    expect(s.thresholds).toEqual([
      { kind: 'client', label: 'Client rule', amount: 2500 },
      { kind: 'alert', label: 'Top-up alert', amount: 6000 },
      { kind: 'trigger', label: 'Automatic top-up trigger', amount: 5000 },
    ]);
    const tops = s.markers.filter((m) => m.kind === 'top_up');
    expect(tops.map((m) => [m.count, m.amount, m.text])).toEqual([
      [1, 10_000, 'Bank transfer'],
      [1, 1000, 'Top-up'],
    ]);
    const fails = s.markers.filter((m) => m.kind === 'failed_charge');
    expect(fails).toHaveLength(1);
    expect(fails[0]).toMatchObject({ count: 1, amount: 20_000 });
    expect(fails[0].text).toMatch(/declined/i);
    const notes = s.markers.filter((m) => m.kind === 'notification');
    const log = (await core.ok('notifications.list', { clientId: a.id, limit: 100 })).items.filter(
      (n) => n.status !== 'suppressed',
    );
    expect(notes.reduce((n, m) => n + m.count, 0)).toBe(log.length);
    expect(s.totals).toEqual({ topUps: 2, topUpAmount: 11_000, failedCharges: 1, notifications: log.length });
  });

  it(`groups many events into at most ${SERIES_MARKERS} markers of a kind, counting every one`, async () => {
    const core = fx.core(testCore());
    const { client: a } = await withClient(core);
    const n = 1000;
    const start = core.clock.now();
    const insert = core.db.$client.prepare(
      "INSERT INTO ledger_entries (client_id, kind, amount, balance_after, description, actor, at, recorded_at) VALUES (?, 'top_up', 100, ?, 'Card', 'test', ?, ?)",
    );
    core.db.$client.transaction(() => {
      for (let k = 0; k < n; k++) insert.run(a.id, 100 * (k + 1), start + k * 60_000, start + k * 60_000);
      core.db.$client
        .prepare('UPDATE balances SET balance = ?, available = ?, entry_count = ? WHERE client_id = ?')
        .run(100 * n, 100 * n, n, a.id);
    })();
    const s = await core.ok('ledger.series', { clientId: a.id, points: 100 });
    // Downsampled: each of 100 buckets keeps at most its first, lowest, highest and last balance.
    expect(s.points.length).toBeLessThanOrEqual(4 * 100 + 1);
    expect(s.points.at(-1)!.balance).toBe(100 * n);
    const tops = s.markers.filter((m) => m.kind === 'top_up');
    expect(tops.length).toBeLessThanOrEqual(SERIES_MARKERS);
    expect(tops.length).toBeGreaterThan(SERIES_MARKERS / 2);
    expect(tops.reduce((x, m) => x + m.count, 0)).toBe(n);
    expect(tops.reduce((x, m) => x + (m.amount ?? 0), 0)).toBe(100 * n);
    expect(s.totals).toMatchObject({ topUps: n, topUpAmount: 100 * n });
    // In time order, never overlapping; a marker of several has no single text.
    for (let i = 1; i < tops.length; i++) expect(Date.parse(tops[i].at)).toBeGreaterThan(Date.parse(tops[i - 1].until));
    expect(tops.filter((m) => m.count > 1).every((m) => m.text === null && m.id === null)).toBe(true);
  });
});
