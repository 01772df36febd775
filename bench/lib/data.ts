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

const WORDS_A = ['Acorn', 'Birch', 'Cobalt', 'Dune', 'Ember', 'Falcon', 'Granite', 'Helix', 'Indigo', 'Juniper', 'Kestrel', 'Lotus', 'Meridian', 'Nimbus', 'Onyx', 'Polar', 'Quartz', 'Raven', 'Sable', 'Tundra', 'Umber', 'Vale', 'Willow', 'Zephyr'];
const WORDS_B = ['Telecom', 'Media', 'Voice', 'Networks', 'Logistics', 'Dialers', 'Connect', 'Systems', 'Traders', 'Studio', 'Labs', 'Partners'];
const FORMS = ['Ltd', 'LLC', 'Inc', 'GmbH', 'SARL', 'BV', 'Oy', 'AB'];

/** Name prefixes a person types into the search box: a whole first word, a few letters, two words. */
export const SEARCHES = ['cob', 'falcon', 'j', 'meridian t', 'sable', 'qu', 'willow media', 'ny', 'ember', 'zep'];

export const DESCRIPTIONS = ['Outbound calls', 'Inbound minutes', 'SMS', 'API requests', 'Lead delivery'];

/** The client reference of the n-th generated client (1-based), unique per reseller. */
export const clientRef = (n: number) => `BX${String(n).padStart(7, '0')}`;

export function addReseller(sqlite: Database.Database, at: number): number {
  return Number(sqlite.prepare('INSERT INTO resellers (name, email, parent_id, created_at) VALUES (?, ?, NULL, ?)').run('Bench Reseller', 'bench@example.test', at).lastInsertRowid);
}

/**
 * Adds clients n = from..from+count-1 of a reseller (a clients row and a zero balances row each) in one
 * transaction, through the same clientInserter as clients.create; returns their ids in order.
 */
export function addClients(sqlite: Database.Database, resellerId: number, from: number, count: number, at: number, seed: number): number[] {
  const rnd = seeded(seed);
  const pick = (xs: readonly string[]) => xs[Math.floor(rnd() * xs.length)];
  const insert = clientInserter(sqlite);
  const ids: number[] = new Array(count);
  sqlite.transaction(() => {
    for (let k = 0; k < count; k++) {
      const ref = clientRef(from + k);
      const name = `${pick(WORDS_A)} ${pick(WORDS_B)} ${pick(FORMS)}`;
      const created = at - Math.floor(rnd() * 400) * 86_400_000;
      ids[k] = insert({ resellerId, externalRef: ref, name, billingEmail: `ap+${ref.toLowerCase()}@example.test`, currency: 'USD', status: 'active' }, created);
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
  for (const r of rows) lines.push(`${refs(r.client)},${new Date(r.at).toISOString().slice(0, 19)}Z,${cents(r.cents)},${r.externalId},${r.description}`);
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
      insert.run(clientId, topUp ? 'top_up' : 'usage', amount, balance, `h-${k}`, topUp ? 'Card payment' : DESCRIPTIONS[k % DESCRIPTIONS.length], at, at);
    }
    sqlite
      .prepare('UPDATE balances SET balance = ?, available = ? - held, entry_count = entry_count + ?, last_debit_at = ?, updated_at = ? WHERE client_id = ?')
      .run(balance, balance, count, lastDebit, end, clientId);
  })();
}

/** Folds a large write into the database file, as demo.ts does, so the next step starts without a big WAL. */
export function checkpoint(sqlite: Database.Database): void {
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
}
