import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderApiDocs } from '../../../src/main/core/api/docs';
import { contracts } from '../../../src/shared/contracts';
import { isEmpty, seedDemo } from '../../../src/main/core/demo/ledger';
import { T0, testCore } from '../../support/core';

describe('docs/api.md', () => {
  it('is in step with the contracts (run `npm run docs:api` after changing one)', () => {
    const file = path.resolve(__dirname, '../../../docs/api.md');
    const text = fs.readFileSync(file, 'utf8');
    expect(text, 'docs/api.md is out of date: run `npm run docs:api`').toBe(renderApiDocs());
    for (const c of contracts) expect(text).toContain(`### \`${c.name}\``);
  });
});

describe('the demo ledger', () => {
  it('fills an empty ledger with resellers, staff, clients and usage whose balances add up', async () => {
    const core = testCore();
    expect(isEmpty(core)).toBe(true);
    const r = seedDemo(core, { clients: 60, days: 10 });
    expect(isEmpty(core)).toBe(false);
    expect(r.clients).toBe(60);
    const sqlite = core.db.$client;
    expect(sqlite.prepare('SELECT count(*) FROM ledger_entries').pluck().get()).toBe(r.entries);
    expect(sqlite.prepare('SELECT count(DISTINCT currency) FROM clients').pluck().get()).toBeGreaterThanOrEqual(3);
    expect(sqlite.prepare('SELECT count(*) FROM staff_users').pluck().get()).toBeGreaterThan(0);
    const wrong = sqlite
      .prepare(
        'SELECT count(*) FROM balances b WHERE b.balance != (SELECT coalesce(sum(amount), 0) FROM ledger_entries e WHERE e.client_id = b.client_id)',
      )
      .pluck()
      .get();
    expect(wrong).toBe(0);
    const page = await core.ok('clients.list', { sort: 'available', dir: 'asc', limit: 5 });
    expect(page.total).toBe(60);
    expect(page.items[0].available).toBeLessThanOrEqual(page.items[4].available);
    core.close();
  });

  it("opens the dashboard's 30 days on the ledger's level: every client joined and paid its opening balance before them", async () => {
    const core = testCore();
    seedDemo(core, { clients: 300, days: 28 });
    const sqlite = core.db.$client;
    // Nothing is dated after the demo opens (a top-up a minute after the last usage once was).
    expect(
      sqlite.prepare('SELECT count(*) FROM ledger_entries WHERE at > ? OR recorded_at > ?').pluck().get(T0, T0),
    ).toBe(0);
    const firstDay = Date.parse((await core.ok('dashboard.chart', {})).days[0]);
    expect(
      sqlite
        .prepare(`SELECT count(*) FROM ledger_entries WHERE description = 'Opening balance' AND recorded_at >= ?`)
        .pluck()
        .get(firstDay + 24 * 3_600_000),
    ).toBe(0);
    const { currencies } = await core.ok('dashboard.chart', {});
    expect(currencies.map((c) => c.currency).sort()).toEqual(['EUR', 'POINTS', 'USD']);
    for (const c of currencies) {
      const [first, second] = c.balance;
      expect(first, c.currency).toBeGreaterThan(0);
      // No jump on day two, and no draining from a full start: the line keeps near its level.
      expect(Math.abs(second - first) / first, c.currency).toBeLessThan(0.1);
      expect(Math.min(...c.balance) / first, c.currency).toBeGreaterThan(0.5);
      // Top-ups from the history's first day on, not only once balances have drained.
      expect(
        c.topUpCount.slice(2, 5).every((n) => n > 0),
        c.currency,
      ).toBe(true);
    }
    core.close();
  });
});
