/**
 * Generated ledgers for the benchmark: deterministic (seeded), written with direct SQL where the brief
 * says so (clients, the one client with a long history) and as usage CSV for the real import path.
 */
import type Database from 'better-sqlite3';
import { clientInserter } from '../../src/main/core/clients/insert';

/** splitmix32: a small seeded generator, so every run measures the same data. */
export function seeded(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

const WORDS_A = [
  'Acorn',
  'Birch',
  'Cobalt',
  'Dune',
  'Ember',
  'Falcon',
  'Granite',
  'Helix',
  'Indigo',
  'Juniper',
  'Kestrel',
  'Lotus',
  'Meridian',
  'Nimbus',
  'Onyx',
  'Polar',
  'Quartz',
  'Raven',
  'Sable',
  'Tundra',
  'Umber',
  'Vale',
  'Willow',
  'Zephyr',
];
const WORDS_B = [
  'Telecom',
  'Media',
  'Voice',
  'Networks',
  'Logistics',
  'Dialers',
  'Connect',
  'Systems',
  'Traders',
  'Studio',
  'Labs',
  'Partners',
];
const FORMS = ['Ltd', 'LLC', 'Inc', 'GmbH', 'SARL', 'BV', 'Oy', 'AB'];

/** Name prefixes a person types into the search box: a whole first word, a few letters, two words. */
export const SEARCHES = ['cob', 'falcon', 'j', 'meridian t', 'sable', 'qu', 'willow media', 'ny', 'ember', 'zep'];

export const DESCRIPTIONS = ['Outbound calls', 'Inbound minutes', 'SMS', 'API requests', 'Lead delivery'];

/** The client reference of the n-th generated client (1-based), unique per reseller. */
export const clientRef = (n: number) => `BX${String(n).padStart(7, '0')}`;

export function addReseller(sqlite: Database.Database, at: number): number {
  return Number(
    sqlite
      .prepare('INSERT INTO resellers (name, email, parent_id, created_at) VALUES (?, ?, NULL, ?)')
      .run('Bench Reseller', 'bench@example.test', at).lastInsertRowid,
  );
}

/**
 * Adds clients n = from..from+count-1 of a reseller (a clients row and a zero balances row each) in one
 * transaction, through the same clientInserter as clients.create; returns their ids in order.
 */
export function addClients(
  sqlite: Database.Database,
  resellerId: number,
  from: number,
  count: number,
  at: number,
  seed: number,
): number[] {
  const rnd = seeded(seed);
  const pick = (xs: readonly string[]) => xs[Math.floor(rnd() * xs.length)];
  const insert = clientInserter(sqlite);
  const ids: number[] = new Array(count);
  sqlite.transaction(() => {
    for (let k = 0; k < count; k++) {
      const ref = clientRef(from + k);
      const name = `${pick(WORDS_A)} ${pick(WORDS_B)} ${pick(FORMS)}`;
      const created = at - Math.floor(rnd() * 400) * 86_400_000;
      ids[k] = insert(
        {
          resellerId,
          externalRef: ref,
          name,
          billingEmail: `ap+${ref.toLowerCase()}@example.test`,
          currency: 'USD',
          status: 'active',
        },
        created,
      );
    }
  })();
  return ids;
}

/** One usage row as the CSV carries it; `client` is an index into the client list (0-based). */
export interface UsageRow {
  client: number;
  at: number;
  cents: number;
  externalId: string;
  description: string;
}

/** Usage rows number..number+count-1 of a run: clients drawn uniformly, times within the 30 days before `end`. */
export function usageRows(rnd: () => number, first: number, count: number, clients: number, end: number): UsageRow[] {
  const out: UsageRow[] = new Array(count);
  for (let k = 0; k < count; k++) {
    out[k] = {
      client: Math.floor(rnd() * clients),
      at: end - Math.floor(rnd() * 30 * 86_400) * 1000,
      cents: 1 + Math.floor(rnd() * 999),
      externalId: `cdr-${first + k}`,
      description: DESCRIPTIONS[(first + k) % DESCRIPTIONS.length],
    };
  }
  return out;
}

const cents = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

/** A part of a usage file: the header row, then the rows (client_ref,time,amount,external_id,description). */
export function usageCsv(rows: readonly UsageRow[], refs: (index: number) => string): string {
  const lines = ['client_ref,time,amount,external_id,description'];
  for (const r of rows)
    lines.push(
      `${refs(r.client)},${new Date(r.at).toISOString().slice(0, 19)}Z,${cents(r.cents)},${r.externalId},${r.description}`,
    );
  return lines.join('\n') + '\n';
}

/**
 * Gives one client a long history with direct SQL: `count` entries (mostly usage, a top-up every 50th)
 * with running balances, and a balances row that matches them.
 */
export function addHistory(sqlite: Database.Database, clientId: number, count: number, end: number): void {
  const insert = sqlite.prepare(
    `INSERT INTO ledger_entries (client_id, kind, amount, balance_after, external_id, description, actor, at, recorded_at, reverses_entry_id)
     VALUES (?, ?, ?, ?, ?, ?, 'bench', ?, ?, NULL)`,
  );
  const start = end - count * 60_000;
  let balance = 0;
  let lastDebit: number | null = null;
  sqlite.transaction(() => {
    for (let k = 0; k < count; k++) {
      const topUp = k % 50 === 0;
      const amount = topUp ? 50_000 : -(1 + (k % 997));
      balance += amount;
      const at = start + k * 60_000;
      if (!topUp) lastDebit = at;
      insert.run(
        clientId,
        topUp ? 'top_up' : 'usage',
        amount,
        balance,
        `h-${k}`,
        topUp ? 'Card payment' : DESCRIPTIONS[k % DESCRIPTIONS.length],
        at,
        at,
      );
    }
    sqlite
      .prepare(
        'UPDATE balances SET balance = ?, available = ? - held, entry_count = entry_count + ?, last_debit_at = ?, updated_at = ? WHERE client_id = ?',
      )
      .run(balance, balance, count, lastDebit, end, clientId);
  })();
}

/**
 * Opening top-ups in round amounts, as prepaid clients buy them: [cents, weight in percent]. With the
 * month of usage the import posts (on average 10 rows of $0.01–$9.99 per client, about $50 ± $18),
 * about 10% of the clients end below $50, 3% below $20 and 1.7% below $10 (0.8% overdrawn).
 */
export const OPENING_TOP_UPS: readonly (readonly [cents: number, weight: number])[] = [
  [6_000, 2],
  [8_000, 4],
  [10_000, 10],
  [15_000, 34],
  [25_000, 30],
  [50_000, 20],
];

export function openingTopUp(rnd: () => number): number {
  let x = rnd() * 100;
  for (const [cents, weight] of OPENING_TOP_UPS) if ((x -= weight) < 0) return cents;
  return OPENING_TOP_UPS[OPENING_TOP_UPS.length - 1][0];
}

/**
 * A month of usage of one client as the import spreads it: Poisson(`meanRows`) rows of 1–999 cents at
 * times within the 30 days before `end`; returns their sum and the latest time (null without rows).
 */
export function monthOfUsage(
  rnd: () => number,
  end: number,
  meanRows = 10,
): { cents: number; lastAt: number | null; rows: number } {
  // Knuth's Poisson draw: fine for a small mean.
  const limit = Math.exp(-meanRows);
  let rows = -1;
  for (let p = 1; p > limit; p *= rnd()) rows++;
  let cents = 0;
  let lastAt: number | null = null;
  for (let k = 0; k < rows; k++) {
    cents += 1 + Math.floor(rnd() * 999);
    const at = end - Math.floor(rnd() * 30 * 86_400) * 1000;
    if (lastAt === null || at > lastAt) lastAt = at;
  }
  return { cents, lastAt, rows };
}

/**
 * Opening balances by direct SQL, in one transaction: every client gets an opening `top_up` entry
 * (drawn from OPENING_TOP_UPS, dated at the client's creation) and, with `usage`, one `usage` entry that
 * sums a month of usage (monthOfUsage, dated at its last debit); its balances row moves with them
 * (balance = available = the sum of its entries, entry_count, last_debit_at). Nothing is evaluated:
 * the rules see these balances at the next sweep. Returns how many entries were written.
 */
export function addOpeningBalances(
  sqlite: Database.Database,
  clientIds: readonly number[],
  opts: { end: number; seed: number; usage: boolean },
): number {
  const rnd = seeded(opts.seed);
  const read = sqlite.prepare(
    'SELECT c.created_at, b.balance, b.last_debit_at FROM clients c JOIN balances b ON b.client_id = c.id WHERE c.id = ?',
  );
  const insert = sqlite.prepare(
    `INSERT INTO ledger_entries (client_id, kind, amount, balance_after, external_id, description, actor, at, recorded_at, reverses_entry_id)
     VALUES (?, ?, ?, ?, NULL, ?, 'bench', ?, ?, NULL)`,
  );
  const update = sqlite.prepare(
    `UPDATE balances SET balance = balance + @delta, available = balance + @delta - held, entry_count = entry_count + @count,
       last_debit_at = @lastDebitAt, updated_at = @now WHERE client_id = @clientId`,
  );
  let entries = 0;
  sqlite.transaction(() => {
    for (const clientId of clientIds) {
      const row = read.get(clientId) as { created_at: number; balance: number; last_debit_at: number | null };
      const topUp = openingTopUp(rnd);
      let balance = row.balance + topUp;
      let lastDebitAt = row.last_debit_at;
      insert.run(clientId, 'top_up', topUp, balance, 'Opening balance', row.created_at, opts.end);
      let count = 1;
      if (opts.usage) {
        const month = monthOfUsage(rnd, opts.end);
        if (month.rows > 0 && month.lastAt !== null) {
          balance -= month.cents;
          insert.run(
            clientId,
            'usage',
            -month.cents,
            balance,
            `Usage, ${month.rows} calls in 30 days`,
            month.lastAt,
            opts.end,
          );
          if (lastDebitAt === null || lastDebitAt < month.lastAt) lastDebitAt = month.lastAt;
          count++;
        }
      }
      update.run({ delta: balance - row.balance, count, lastDebitAt, now: opts.end, clientId });
      entries += count;
    }
  })();
  return entries;
}

/** Folds a large write into the database file, as demo.ts does, so the next step starts without a big WAL. */
export function checkpoint(sqlite: Database.Database): void {
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
}
