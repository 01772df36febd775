import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelInput } from '../../../src/shared/contracts';
import { MAX_AMOUNT } from '../../../src/shared/money';
import { checksum } from '../../support/checksum';
import { tempDir, testCore, withClient, type TestCore } from '../../support/core';

let core: TestCore;
afterEach(() => core?.close());

/** The invariant of the ledger: each balance row equals the sum of the client's entries, minus holds. */
function assertBalancesMatchEntries(c: TestCore) {
  const rows = c.db.$client
    .prepare(
      `SELECT b.client_id, b.balance, b.held, b.available,
         (SELECT coalesce(sum(amount), 0) FROM ledger_entries e WHERE e.client_id = b.client_id) AS sum_entries,
         (SELECT coalesce(sum(amount), 0) FROM holds h WHERE h.client_id = b.client_id AND h.status = 'open') AS sum_holds,
         (SELECT count(*) FROM ledger_entries e WHERE e.client_id = b.client_id) AS n, b.entry_count
       FROM balances b`,
    )
    .all() as {
    balance: number;
    held: number;
    available: number;
    sum_entries: number;
    sum_holds: number;
    n: number;
    entry_count: number;
  }[];
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    expect(r.balance).toBe(r.sum_entries);
    expect(r.held).toBe(r.sum_holds);
    expect(r.available).toBe(r.balance - r.held);
    expect(r.entry_count).toBe(r.n);
  }
}

describe('posting', () => {
  it('keeps the balance equal to the sum of entries through every kind of entry', async () => {
    core = testCore();
    const { client } = await withClient(core);
    await core.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 10000, description: 'wire' });
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -1234 });
    const adj = await core.ok('ledger.post', {
      clientId: client.id,
      kind: 'adjustment',
      amount: -66,
      description: 'rounding',
    });
    await core.ok('ledger.post', { clientId: client.id, kind: 'refund', amount: -500, description: 'refund to card' });
    const rev = await core.ok('ledger.reverse', { entryId: adj.entry.id, reason: 'posted twice' });
    expect(rev.entry).toMatchObject({ kind: 'reversal', amount: 66, reversesEntryId: adj.entry.id });
    const c = await core.ok('clients.get', { id: client.id });
    expect(c).toMatchObject({ balance: 10000 - 1234 - 66 - 500 + 66, available: 8266, entryCount: 5 });
    expect(c.lastDebitAt).not.toBeNull();
    assertBalancesMatchEntries(core);
    const list = await core.ok('ledger.list', { clientId: client.id, limit: 2 });
    expect(list.items.map((e) => e.kind)).toEqual(['reversal', 'refund']);
    const next = await core.ok('ledger.list', { clientId: client.id, limit: 10, cursor: list.nextCursor! });
    expect(next.items.map((e) => e.kind)).toEqual(['adjustment', 'usage', 'top_up']);
    expect(next.items[0].reversedByEntryId).toBe(rev.entry.id);
    expect(next.nextCursor).toBeNull();
  });

  it('refuses a second reversal, a reversal of a reversal, and enforces the sign of each kind', async () => {
    core = testCore();
    const { client } = await withClient(core);
    const e = await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -100 });
    const r = await core.ok('ledger.reverse', { entryId: e.entry.id, reason: 'test call' });
    expect(await core.fails('ledger.reverse', { entryId: e.entry.id, reason: 'again' })).toMatchObject({
      kind: 'conflict',
      field: 'entryId',
    });
    expect(await core.fails('ledger.reverse', { entryId: r.entry.id, reason: 'undo' })).toMatchObject({
      kind: 'conflict',
    });
    expect(await core.fails('ledger.post', { clientId: client.id, kind: 'usage', amount: 100 })).toMatchObject({
      field: 'amount',
    });
    expect(await core.fails('ledger.post', { clientId: client.id, kind: 'top_up', amount: -100 })).toMatchObject({
      field: 'amount',
    });
    expect(await core.fails('ledger.post', { clientId: client.id, kind: 'adjustment', amount: 100 })).toMatchObject({
      field: 'description',
    });
    assertBalancesMatchEntries(core);
  });

  it('is idempotent by external id: a retried post adds nothing and returns the first entry', async () => {
    core = testCore();
    const { client } = await withClient(core);
    const a = await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -250, externalId: 'cdr-1' });
    const b = await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -250, externalId: 'cdr-1' });
    expect(b.duplicate).toBe(true);
    expect(b.entry.id).toBe(a.entry.id);
    expect((await core.ok('clients.get', { id: client.id })).balance).toBe(-250);
  });

  it('never lets history change: UPDATE and DELETE on entries are refused by the database', async () => {
    core = testCore();
    const { client } = await withClient(core);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -1 });
    expect(() => core.db.$client.prepare('UPDATE ledger_entries SET amount = 0').run()).toThrow(/append-only/);
    expect(() => core.db.$client.prepare('DELETE FROM ledger_entries').run()).toThrow(/append-only/);
  });

  it('refuses posting to a closed client and changing the currency once there are entries', async () => {
    core = testCore();
    const { client } = await withClient(core);
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -1 });
    expect(await core.fails('clients.update', { id: client.id, currency: 'EUR' })).toMatchObject({
      kind: 'validation',
      field: 'currency',
    });
    await core.ok('clients.update', { id: client.id, status: 'closed' });
    expect(await core.fails('ledger.post', { clientId: client.id, kind: 'usage', amount: -1 })).toMatchObject({
      kind: 'conflict',
      field: 'clientId',
    });
  });

  it('keeps the invariant over a thousand random operations', async () => {
    core = testCore();
    const { reseller } = await withClient(core);
    const other = await core.ok('clients.create', {
      resellerId: reseller.id,
      externalRef: 'C-2',
      name: 'Other',
      billingEmail: 'o@x.test',
      currency: 'JPY',
    });
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const openHolds: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const clientId = rnd() < 0.5 ? 1 : other.id;
      const x = rnd();
      const amount = 1 + Math.floor(rnd() * 5000);
      if (x < 0.5)
        await core.ok('ledger.post', {
          clientId,
          kind: 'usage',
          amount: -amount,
          externalId: `u${Math.floor(rnd() * 400)}`,
        });
      else if (x < 0.7) await core.ok('ledger.post', { clientId, kind: 'top_up', amount });
      else if (x < 0.85)
        openHolds.push((await core.ok('holds.open', { clientId, amount, reference: `call-${i}` })).hold.id);
      else if (openHolds.length)
        await core.ok('holds.close', { id: openHolds.shift()!, charge: rnd() < 0.5 ? amount : 0 });
    }
    assertBalancesMatchEntries(core);
  });
});

describe('money at its limits', () => {
  it('refuses, in words and naming the amount, a post, a hold or an import that would take a balance beyond ±MAX_AMOUNT; nothing changes', async () => {
    core = testCore();
    const { client, reseller } = await withClient(core);
    // The largest amount, posted again and again: no sum ever reaches the edge of exact integers.
    await core.ok('ledger.post', {
      clientId: client.id,
      kind: 'adjustment',
      amount: MAX_AMOUNT,
      description: 'largest',
    });
    let before = checksum(core.db);
    const post = await core.fails('ledger.post', {
      clientId: client.id,
      kind: 'adjustment',
      amount: 1,
      description: 'one more',
    });
    expect(post).toMatchObject({ kind: 'conflict', field: 'amount' });
    expect(post.message).toMatch(/beyond the largest Balance Desk holds/);
    expect(checksum(core.db)).toBe(before);
    expect(
      await core.fails('ledger.post', {
        clientId: client.id,
        kind: 'adjustment',
        amount: MAX_AMOUNT + 1,
        description: 'too big',
      }),
    ).toMatchObject({ kind: 'validation', field: 'amount' });
    expect(
      await core.fails('ledger.post', {
        clientId: client.id,
        kind: 'adjustment',
        amount: 2 ** 53 + 2,
        description: 'unsafe',
      }),
    ).toMatchObject({ kind: 'validation', field: 'amount' });

    // Down to the negative edge: the same, and holds count.
    await core.ok('ledger.post', { clientId: client.id, kind: 'adjustment', amount: -MAX_AMOUNT, description: 'back' });
    await core.ok('ledger.post', {
      clientId: client.id,
      kind: 'adjustment',
      amount: -MAX_AMOUNT,
      description: 'overdrawn',
    });
    before = checksum(core.db);
    expect(await core.fails('ledger.post', { clientId: client.id, kind: 'usage', amount: -1 })).toMatchObject({
      kind: 'conflict',
      field: 'amount',
    });
    expect(await core.fails('holds.open', { clientId: client.id, amount: 1, reference: 'edge' })).toMatchObject({
      kind: 'conflict',
      field: 'amount',
    });
    // An import whose row would cross the edge lands nothing of its part, and says why.
    const csv = 'client_ref,time,amount,external_id\nC-100,2026-11-01,0.01,ok-1\nC-100,2026-11-01,0.01,ok-2\n';
    const r = await core.call('ledger.import.commit', { resellerId: reseller.id, csv });
    expect(r).toMatchObject({ ok: false, error: { kind: 'conflict', field: 'amount' } });
    expect(checksum(core.db)).toBe(before);
    assertBalancesMatchEntries(core);
    expect((await core.ok('clients.get', { id: client.id })).balance).toBe(-MAX_AMOUNT);
  });
});

describe('holds', () => {
  it('lower the available balance until closed, then charge the final cost', async () => {
    core = testCore();
    const { client } = await withClient(core);
    await core.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 5000 });
    const h = await core.ok('holds.open', {
      clientId: client.id,
      amount: 1200,
      reference: 'call-77',
      description: 'call to +44',
    });
    expect(h.balance).toMatchObject({ balance: 5000, held: 1200, available: 3800 });
    const again = await core.ok('holds.open', { clientId: client.id, amount: 1200, reference: 'call-77' });
    expect(again.duplicate).toBe(true);
    expect(again.balance.held).toBe(1200);
    expect(await core.fails('holds.open', { clientId: client.id, amount: 999, reference: 'call-77' })).toMatchObject({
      kind: 'conflict',
    });
    expect(await core.ok('holds.list', { clientId: client.id })).toHaveLength(1);
    const closed = await core.ok('holds.close', { id: h.hold.id, charge: 950 });
    expect(closed.balance).toMatchObject({ balance: 4050, held: 0, available: 4050 });
    expect(closed.entry).toMatchObject({ kind: 'usage', amount: -950, description: 'call to +44' });
    expect(closed.hold.status).toBe('closed');
    expect(await core.fails('holds.close', { id: h.hold.id })).toMatchObject({ kind: 'conflict' });
    expect(await core.ok('holds.list', { clientId: client.id })).toHaveLength(0);
    assertBalancesMatchEntries(core);
  });
});

describe('usage import', () => {
  const csv = [
    'client_ref,time,amount,external_id,description',
    'C-100,2026-11-01T10:00:00Z,1.25,cdr-1,"Call, to +1 555"',
    'C-100,2026-11-01 11:00,2.50,cdr-2,Call',
    'C-404,2026-11-01T12:00:00Z,1.00,cdr-3,unknown client',
    'C-100,2026-02-30,1.00,cdr-4,no such date',
    'C-100,2026-11-01,1.234,cdr-5,too many decimals',
    'C-100,2026-11-01,-3,cdr-6,negative',
    'C-100,2026-11-01,3,,no id',
    'C-100,2026-11-01,3',
    'C-100,2026-11-01T13:00:00+02:00,0.75,cdr-2b,"multi',
    'line note"',
  ].join('\n');

  it('previews per-row errors without changing anything, commits the good rows once', async () => {
    core = testCore();
    const { client, reseller } = await withClient(core);
    const p = await core.ok('ledger.import.preview', { resellerId: reseller.id, csv });
    expect(p).toMatchObject({ rows: 9, valid: 3, duplicates: 0, errorCount: 6 });
    expect(p.errors.map((e) => [e.line, e.field])).toEqual([
      [4, 'client_ref'],
      [5, 'time'],
      [6, 'amount'],
      [7, 'amount'],
      [8, 'external_id'],
      [9, 'row'],
    ]);
    expect(p.errors[2].message).toMatch(/USD has at most 2 decimals/);
    expect(p.sample[2]).toMatchObject({
      line: 10,
      description: 'multi\nline note',
      at: '2026-11-01T11:00:00.000Z',
      amount: 75,
    });
    expect((await core.ok('clients.get', { id: client.id })).entryCount).toBe(0);

    const c = await core.ok('ledger.import.commit', { resellerId: reseller.id, csv });
    expect(c).toMatchObject({ rows: 9, imported: 3, duplicates: 0, errorCount: 6 });
    expect((await core.ok('clients.get', { id: client.id })).balance).toBe(-450);

    const again = await core.ok('ledger.import.commit', { resellerId: reseller.id, csv });
    expect(again).toMatchObject({ imported: 0, duplicates: 3 });
    const p2 = await core.ok('ledger.import.preview', { resellerId: reseller.id, csv });
    expect(p2.duplicates).toBe(3);
    expect((await core.ok('clients.get', { id: client.id })).balance).toBe(-450);
    assertBalancesMatchEntries(core);
    const audit = await core.ok('audit.list', { subjectType: 'reseller', limit: 10 });
    expect(audit.items.filter((a) => a.action === 'ledger.import')).toHaveLength(1);
  });

  it('tells the balance listeners inside the transaction: once per post or hold, once per client per import', async () => {
    core = testCore();
    const { client, reseller } = await withClient(core);
    const seen: { clientId: number; available: number; inTx: boolean; lowered: boolean }[] = [];
    core.ledger.balanceListeners.push((clientId, state, _now, lowered) =>
      seen.push({ clientId, available: state.available, inTx: core.db.$client.inTransaction, lowered }),
    );
    await core.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 1000 });
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -100 });
    await core.ok('holds.open', { clientId: client.id, amount: 50, reference: 'h' });
    expect(seen).toEqual([
      { clientId: client.id, available: 1000, inTx: true, lowered: false },
      { clientId: client.id, available: 900, inTx: true, lowered: true },
      { clientId: client.id, available: 850, inTx: true, lowered: true },
    ]);
    seen.length = 0;
    const rows = [
      'client_ref,time,amount,external_id',
      'C-100,2026-11-01,1,a',
      'C-100,2026-11-02,2,b',
      'C-100,2026-11-03,3,c',
    ].join('\n');
    await core.ok('ledger.import.commit', { resellerId: reseller.id, csv: rows });
    expect(seen).toEqual([{ clientId: client.id, available: 250, inTx: true, lowered: true }]);
    expect((await core.ok('clients.get', { id: client.id })).lastDebitAt).toBe('2026-11-03T00:00:00.000Z');
    assertBalancesMatchEntries(core);
  });

  it('counts lines of a part of a large file from its firstLine', async () => {
    core = testCore();
    const { reseller } = await withClient(core);
    const part = 'client_ref,time,amount,external_id\nC-100,2026-11-01,1,a\nC-999,2026-11-01,1,b\n';
    const p = await core.ok('ledger.import.preview', { resellerId: reseller.id, csv: part, firstLine: 5001 });
    expect(p.errors).toEqual([expect.objectContaining({ line: 5002, field: 'client_ref' })]);
  });

  it('refuses a file that is not usage CSV as a whole, naming the csv field', async () => {
    core = testCore();
    const { reseller } = await withClient(core);
    expect(
      await core.fails('ledger.import.preview', { resellerId: reseller.id, csv: 'name,email\nx,y\n' }),
    ).toMatchObject({ field: 'csv' });
    expect(await core.fails('ledger.import.commit', { resellerId: reseller.id, csv: '' })).toMatchObject({
      field: 'csv',
    });
    expect(
      await core.fails('ledger.import.commit', {
        resellerId: reseller.id,
        csv: 'client_ref,time,amount,external_id\n"C-100,x',
      }),
    ).toMatchObject({
      field: 'csv',
      message: expect.stringMatching(/never ends/),
    });
    expect(await core.fails('ledger.import.commit', { resellerId: 99, csv })).toMatchObject({ field: 'resellerId' });
  });
});

describe('clients list', () => {
  it('searches by prefix of name or reference and pages by keyset in every sort', async () => {
    core = testCore();
    const { reseller } = await withClient(core);
    for (let i = 0; i < 30; i++) {
      await core.ok('clients.create', {
        resellerId: reseller.id,
        externalRef: `R-${String(i).padStart(3, '0')}`,
        name: `${i % 2 ? 'Alpha' : 'beta'} ${i}`,
        billingEmail: `c${i}@x.test`,
        currency: 'USD',
      });
      core.testClock.advance(1000);
    }
    const search = await core.ok('clients.list', { search: 'ALP', limit: 100 });
    expect(search.total).toBe(15);
    expect(search.items.every((c) => c.name.startsWith('Alpha'))).toBe(true);
    expect((await core.ok('clients.list', { search: 'r-01', limit: 100 })).total).toBe(10);
    for (const sort of ['name', 'externalRef', 'available', 'createdAt'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        const seen: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await core.ok('clients.list', { sort, dir, limit: 7, cursor });
          expect(page.total).toBe(cursor ? null : 31);
          seen.push(...page.items.map((c) => c.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(new Set(seen).size).toBe(31);
        expect(seen).toHaveLength(31);
      }
    }
    // A search pages through its matches in order too, name and reference matches merged without repeats.
    await core.ok('clients.create', {
      resellerId: reseller.id,
      externalRef: 'alpha-ref',
      name: 'Zulu',
      billingEmail: 'z@x.test',
      currency: 'USD',
    });
    const names: string[] = [];
    let c: string | undefined;
    do {
      const page = await core.ok('clients.list', { search: 'alp', limit: 4, cursor: c });
      names.push(...page.items.map((x) => x.name));
      c = page.nextCursor ?? undefined;
    } while (c);
    expect(names).toHaveLength(16);
    expect(names[names.length - 1]).toBe('Zulu');
    expect([...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))).toEqual(names);
    expect(await core.fails('clients.list', { cursor: 'garbage!' })).toMatchObject({ field: 'cursor' });
  });

  it('gives the total from client_counts, which the database keeps through every way a client row changes', async () => {
    core = testCore();
    const { reseller, client } = await withClient(core);
    const other = await core.ok('resellers.create', { name: 'Other Reseller' });
    for (let i = 0; i < 5; i++)
      await core.ok('clients.create', {
        resellerId: other.id,
        externalRef: `O-${i}`,
        name: `Other ${i}`,
        billingEmail: `o${i}@x.test`,
        currency: 'USD',
      });
    const sqlite = core.db.$client;
    // By direct SQL too (the demo, the bench and scripts write clients so): the triggers count them.
    sqlite
      .prepare(
        "INSERT INTO clients (reseller_id, external_ref, name, billing_email, currency, status, created_at, name_key, ref_key) VALUES (?, 'SQL-1', 'By SQL', 's@x.test', 'USD', 'suspended', 0, 'by sql', 'sql-1')",
      )
      .run(reseller.id);
    await core.ok('clients.update', { id: client.id, status: 'closed' });
    const counted = (where: string, ...args: unknown[]) =>
      sqlite
        .prepare(`SELECT count(*) FROM clients ${where}`)
        .pluck()
        .get(...args) as number;
    const total = async (input: ChannelInput<'clients.list'>) => (await core.ok('clients.list', input)).total;
    expect(await total({})).toBe(counted(''));
    expect(await total({})).toBe(7);
    expect(await total({ resellerId: reseller.id })).toBe(2);
    expect(await total({ resellerId: other.id })).toBe(5);
    expect(await total({ status: 'closed' })).toBe(1);
    expect(await total({ resellerId: reseller.id, status: 'suspended' })).toBe(1);
    expect(await total({ resellerId: other.id, status: 'closed' })).toBe(0);
    // A status changed back and a row moved to another reseller by SQL: still true.
    await core.ok('clients.update', { id: client.id, status: 'active' });
    sqlite.prepare("UPDATE clients SET reseller_id = ? WHERE external_ref = 'SQL-1'").run(other.id);
    const byGroup = sqlite
      .prepare('SELECT reseller_id, status, count(*) AS n FROM clients GROUP BY 1, 2 ORDER BY 1, 2')
      .all();
    expect(sqlite.prepare('SELECT reseller_id, status, n FROM client_counts WHERE n > 0 ORDER BY 1, 2').all()).toEqual(
      byGroup,
    );
    expect(await total({ resellerId: other.id })).toBe(6);
    expect(await total({ status: 'active' })).toBe(6);
    // The migration's backfill, run on the same clients, makes the counts the triggers kept.
    const backfill = fs
      .readFileSync(path.resolve(__dirname, '../../../drizzle/0017_client_counts.sql'), 'utf8')
      .split('--> statement-breakpoint')[1];
    sqlite.exec('DELETE FROM client_counts');
    sqlite.exec(backfill);
    expect(sqlite.prepare('SELECT reseller_id, status, n FROM client_counts ORDER BY 1, 2').all()).toEqual(byGroup);
  });

  it('uses indexes for the list queries (no full scan of clients)', async () => {
    core = testCore();
    const plan = (sql: string) =>
      (core.db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    expect(
      plan("SELECT * FROM clients c WHERE c.name_key >= 'a' AND c.name_key < 'b' ORDER BY c.name_key, c.id LIMIT 50"),
    ).toMatch(/USING (COVERING )?INDEX clients_name_key/);
    expect(plan('SELECT * FROM balances b ORDER BY b.available, b.client_id LIMIT 50')).toMatch(
      /INDEX balances_available/,
    );
    // The keyset of a deep page starts inside the index rather than scanning up to it.
    expect(
      plan("SELECT * FROM clients c WHERE (c.name_key, c.id) > ('m', 5) ORDER BY c.name_key, c.id LIMIT 50"),
    ).toMatch(/SEARCH c USING (COVERING )?INDEX clients_name_key \(/);
    expect(
      plan(
        'SELECT * FROM balances b JOIN clients c ON c.id = b.client_id ORDER BY b.available DESC, b.client_id DESC LIMIT 50',
      ),
    ).not.toMatch(/TEMP B-TREE/);
    expect(plan('SELECT * FROM ledger_entries e WHERE e.client_id = 1 ORDER BY e.id DESC LIMIT 50')).toMatch(
      /INDEX ledger_client_id/,
    );
  });
});

describe('the database file', () => {
  it('opens in WAL mode with foreign keys on and temporary storage in memory, migrates on start, and keeps data across reopen', async () => {
    const dir = tempDir();
    core = testCore({ file: undefined, dataDir: dir, inMemory: false });
    const { client } = await withClient(core);
    await core.ok('ledger.post', { clientId: client.id, kind: 'top_up', amount: 700 });
    expect(core.db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(core.db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    // Statement journals and temporary B-trees in memory (2): a trigger's statement journal in a file cost 40 µs a row.
    expect(core.db.$client.pragma('temp_store', { simple: true })).toBe(2);
    expect(() =>
      core.db.$client
        .prepare(
          "INSERT INTO clients (reseller_id, external_ref, ref_key, name, name_key, billing_email, currency, status, created_at) VALUES (999, 'x', 'x', 'x', 'x', 'x', 'USD', 'active', 0)",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    core.close();
    expect(fs.existsSync(path.join(dir, 'ledger.sqlite'))).toBe(true);
    core = testCore({ file: undefined, dataDir: dir, inMemory: false });
    expect((await core.ok('clients.get', { id: client.id })).balance).toBe(700);
  });

  it('records who did what in the audit log', async () => {
    core = testCore();
    const { client } = await withClient(core);
    await core.ok('ledger.post', {
      clientId: client.id,
      kind: 'adjustment',
      amount: 1500,
      description: 'goodwill credit',
    });
    const a = await core.ok('audit.list', { subjectType: 'client', subjectId: client.id, limit: 50 });
    expect(a.items[0]).toMatchObject({
      actor: 'desk',
      action: 'ledger.adjustment',
      detail: { amount: 1500, description: 'goodwill credit' },
    });
    expect(a.items.map((x) => x.action)).toContain('client.create');
  });
});
