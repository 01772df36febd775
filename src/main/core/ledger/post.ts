/**
 * Posting: every entry and every hold changes the client's balance row in the same transaction, so the
 * balance always equals the sum of the entries. Callers run inside a write transaction (dispatch does).
 */
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { AppError, conflict, notFound } from '../../../shared/result';
import type { BalanceState, LedgerEntry } from '../../../shared/contracts';
import { MAX_AMOUNT } from '../../../shared/money';
import { isoOrNull, iso } from '../clock/clock';
import type { Db } from '../db/open';
import type { balances, clients, ledgerEntries } from '../db/schema';
import { addUsage, figuresOf, ForecastStore, parseDays } from './forecast';
import { DAY_MS, dayOf } from '../../../shared/forecast';

export type EntryKind = LedgerEntry['kind'];

/**
 * A balance (or held amount) after a move, refused when it would leave ±MAX_AMOUNT — the largest amount
 * Balance Desk accepts, 100 billion in a two-decimal currency — long before a sum could lose precision
 * past Number.MAX_SAFE_INTEGER. A conflict naming the field: the amount is fine, the client's total is not.
 */
function within(total: number, amount: number, what: 'balance' | 'held amount', field: string): number {
  if (Math.abs(total) > MAX_AMOUNT) {
    throw conflict(
      `${field} ${amount} would take the client's ${what} to ${total} minor units, beyond the largest Balance Desk holds (±${MAX_AMOUNT})`,
      field,
    );
  }
  return total;
}

export interface NewEntry {
  clientId: number;
  kind: EntryKind;
  amount: number;
  description: string;
  actor: string;
  at: number;
  externalId?: string | null;
  reversesEntryId?: number | null;
}

/** A ledger entry as the schema has it (ENTRY_COLUMNS), with the id of the entry that reverses it. */
export type EntryRow = typeof ledgerEntries.$inferSelect & { reversedBy: number | null };

/** What posting and the balance listeners know of a balance row, as the schema has it. */
export type BalanceRow = Pick<
  typeof balances.$inferSelect,
  'clientId' | 'balance' | 'held' | 'available' | 'lastDebitAt'
>;

/** The balance row as posting reads it: with the run-dry forecast's days and the client's creation. */
type PostingRow = BalanceRow & Pick<typeof clients.$inferSelect, 'createdAt' | 'currency'> & { usageDays: string };

/**
 * Something that wants to know, inside the same transaction, that a balance moved (rule evaluation):
 * `lowered` when it went down, false when it went up.
 */
export type BalanceListener = (clientId: number, state: BalanceRow, now: number, lowered: boolean) => void;

/** An entry's columns under the schema's names, from the table aliased `e`. */
export const ENTRY_COLUMNS = `e.id AS id, e.client_id AS clientId, e.kind AS kind, e.amount AS amount, e.balance_after AS balanceAfter, e.external_id AS externalId,
  e.description AS description, e.actor AS actor, e.at AS at, e.recorded_at AS recordedAt, e.reverses_entry_id AS reversesEntryId,
  (SELECT r.id FROM ledger_entries r WHERE r.reverses_entry_id = e.id) AS reversedBy`;

export function toEntry(r: EntryRow): LedgerEntry {
  return {
    id: r.id,
    clientId: r.clientId,
    kind: r.kind,
    amount: r.amount,
    balanceAfter: r.balanceAfter,
    externalId: r.externalId,
    description: r.description,
    actor: r.actor,
    at: iso(r.at),
    recordedAt: iso(r.recordedAt),
    reversesEntryId: r.reversesEntryId,
    reversedByEntryId: r.reversedBy,
  };
}

export function toBalance(r: BalanceRow): BalanceState {
  return {
    clientId: r.clientId,
    balance: r.balance,
    held: r.held,
    available: r.available,
    lastDebitAt: isoOrNull(r.lastDebitAt),
  };
}

/** The posting engine of one database: prepared statements made once and reused on the hot path. */
export class Ledger {
  private readonly s: {
    balance: Statement<[number], PostingRow>;
    insert: Statement;
    setBalance: Statement;
    setHeld: Statement;
    entry: Statement<[number], EntryRow>;
    available: Statement<[number], number>;
    byExternal: Statement<[number, string], { id: number }>;
    finishBatch: Statement;
    addDay: Statement;
  };
  readonly balanceListeners: BalanceListener[] = [];
  /**
   * Inside `atomic()`: each client's available balance before the first move, and its state after the last.
   * Listeners hear of the state the transaction commits, once, not of the states on the way.
   */
  private deferred: Map<number, { from: number; state: BalanceRow }> | null = null;
  /** The run-dry forecast's refresh and reads; posting writes its days and figures with every balance. */
  readonly forecast: ForecastStore;

  constructor(readonly db: Db) {
    const sqlite = db.$client;
    this.forecast = new ForecastStore(sqlite);
    this.s = {
      balance: sqlite.prepare(
        `SELECT b.client_id AS clientId, b.balance AS balance, b.held AS held, b.available AS available, b.last_debit_at AS lastDebitAt,
           coalesce(u.days, '[]') AS usageDays, c.created_at AS createdAt, c.currency AS currency
         FROM balances b JOIN clients c ON c.id = b.client_id LEFT JOIN usage_days u ON u.client_id = b.client_id WHERE b.client_id = ?`,
      ),
      insert: sqlite.prepare(
        `INSERT INTO ledger_entries (client_id, kind, amount, balance_after, external_id, description, actor, at, recorded_at, reverses_entry_id)
         VALUES (@clientId, @kind, @amount, @balanceAfter, @externalId, @description, @actor, @at, @recordedAt, @reversesEntryId)
         ON CONFLICT DO NOTHING`,
      ),
      setBalance: sqlite.prepare(
        `UPDATE balances SET balance = @balance, available = @balance - held, entry_count = entry_count + 1,
           last_debit_at = CASE WHEN @debitAt IS NOT NULL AND (last_debit_at IS NULL OR last_debit_at < @debitAt) THEN @debitAt ELSE last_debit_at END,
           updated_at = @now, burn_rate = @burnRate, run_dry_at = @runDryAt
         WHERE client_id = @clientId`,
      ),
      setHeld: sqlite.prepare(
        'UPDATE balances SET held = held + @delta, available = balance - (held + @delta), updated_at = @now, burn_rate = @burnRate, run_dry_at = @runDryAt WHERE client_id = @clientId',
      ),
      entry: sqlite.prepare(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries e WHERE e.id = ?`),
      byExternal: sqlite.prepare('SELECT id FROM ledger_entries WHERE client_id = ? AND external_id = ?'),
      available: sqlite.prepare<[number], number>('SELECT available FROM balances WHERE client_id = ?').pluck(),
      addDay: sqlite.prepare(
        `INSERT INTO daily_totals (day, currency, net, top_ups, top_up_count) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (day, currency) DO UPDATE SET net = net + excluded.net, top_ups = top_ups + excluded.top_ups, top_up_count = top_up_count + excluded.top_up_count`,
      ),
      finishBatch: sqlite.prepare(
        `UPDATE balances SET balance = @balance, available = @balance - held, entry_count = entry_count + @count,
           last_debit_at = @lastDebitAt, updated_at = @now, burn_rate = @burnRate, run_dry_at = @runDryAt WHERE client_id = @clientId`,
      ),
    };
  }

  balanceOf(clientId: number): PostingRow {
    const b = this.s.balance.get(clientId);
    if (!b) throw notFound(`client ${clientId} does not exist`);
    return b;
  }

  /** The client's available balance; undefined when there is no such client. */
  available(clientId: number): number | undefined {
    return this.s.available.get(clientId);
  }

  entry(id: number): EntryRow {
    const e = this.s.entry.get(id);
    if (!e) throw notFound(`ledger entry ${id} does not exist`);
    return e;
  }

  /**
   * Appends one entry and moves the balance with it. With an externalId already posted for this client
   * it adds nothing and returns the first entry's id (`duplicate: true`): imports and retries are
   * idempotent. Four statements on the hot path (read balance, insert, update, the day's totals); a caller that shows the
   * entry reads it with `entry(entryId)`.
   */
  post(e: NewEntry, now: number): { entryId: number; balance: BalanceRow; duplicate: boolean } {
    const before = this.balanceOf(e.clientId);
    const balanceAfter = within(before.balance + e.amount, e.amount, 'balance', 'amount');
    const info = this.insert(e, balanceAfter, now);
    if (info.changes === 0) {
      if (e.reversesEntryId != null) throw conflict(`entry ${e.reversesEntryId} has already been reversed`, 'entryId');
      const first = this.s.byExternal.get(e.clientId, e.externalId ?? '');
      if (!first) throw new AppError('internal', 'an entry was refused by the database for no known reason');
      return { entryId: first.id, balance: before, duplicate: true };
    }
    const debitAt = e.amount < 0 && e.kind === 'usage' ? e.at : null;
    // The forecast's figures ride in the balance's UPDATE; a usage debit also writes its days (usage_days).
    const days = parseDays(before.usageDays);
    const usageDays = debitAt === null ? days : addUsage(days, debitAt, -e.amount, now);
    const f = figuresOf(usageDays, balanceAfter - before.held, before.createdAt, now);
    this.s.setBalance.run({ clientId: e.clientId, balance: balanceAfter, debitAt, now, ...f });
    if (debitAt !== null) this.forecast.setDays(e.clientId, usageDays);
    const topUp = e.kind === 'top_up';
    this.s.addDay.run(dayOf(now) * DAY_MS, before.currency, e.amount, topUp ? e.amount : 0, topUp ? 1 : 0);
    // The same arithmetic as the UPDATE above, so the row need not be read back.
    const after: BalanceRow = {
      clientId: e.clientId,
      balance: balanceAfter,
      held: before.held,
      available: balanceAfter - before.held,
      lastDebitAt:
        debitAt !== null && (before.lastDebitAt === null || before.lastDebitAt < debitAt)
          ? debitAt
          : before.lastDebitAt,
    };
    this.moved(e.clientId, after, now, e.amount < 0, before.available);
    return { entryId: Number(info.lastInsertRowid), balance: after, duplicate: false };
  }

  /**
   * Posting many entries in one transaction (an import): each client's balance is read once, carried in
   * memory from entry to entry, and written once by `finish()`, which also tells the balance-lowered
   * listeners once per client with the final state. Only valid inside one write transaction that ends
   * with `finish()`; nothing else may post to these clients in between.
   */
  batch(now: number) {
    const running = new Map<
      number,
      {
        row: PostingRow;
        availableBefore: number;
        count: number;
        lowered: boolean;
        days: number[];
        debited: boolean;
        net: number;
        topUps: number;
        topUpCount: number;
      }
    >();
    const finishBalance = this.s.finishBatch;
    return {
      post: (e: NewEntry): { duplicate: boolean } => {
        let r = running.get(e.clientId);
        if (!r) {
          const row = this.balanceOf(e.clientId);
          r = {
            row: { ...row },
            availableBefore: row.available,
            count: 0,
            lowered: false,
            days: parseDays(row.usageDays),
            debited: false,
            net: 0,
            topUps: 0,
            topUpCount: 0,
          };
          running.set(e.clientId, r);
        }
        const balanceAfter = within(r.row.balance + e.amount, e.amount, 'balance', 'amount');
        const info = this.insert(e, balanceAfter, now);
        if (info.changes === 0) return { duplicate: true };
        r.row.balance = balanceAfter;
        r.row.available = balanceAfter - r.row.held;
        r.count++;
        r.net += e.amount;
        if (e.kind === 'top_up') {
          r.topUps += e.amount;
          r.topUpCount++;
        }
        if (e.amount < 0) r.lowered = true;
        if (e.amount < 0 && e.kind === 'usage') {
          if (r.row.lastDebitAt === null || r.row.lastDebitAt < e.at) r.row.lastDebitAt = e.at;
          // The part's usage per day, summed in memory: one UPSERT per client and day in finish().
          r.days = addUsage(r.days, e.at, -e.amount, now);
          r.debited = true;
        }
        return { duplicate: false };
      },
      /**
       * Writes every touched balance and tells the listeners once per client with its final state
       * (lowered when any entry of the part was a debit); returns the clients whose balance moved.
       */
      finish: (): number[] => {
        const moved: number[] = [];
        // The part's day totals, per currency: one UPSERT each.
        const totals = new Map<string, { net: number; topUps: number; topUpCount: number }>();
        for (const [clientId, r] of running) {
          if (r.count === 0) continue;
          const t = totals.get(r.row.currency) ?? { net: 0, topUps: 0, topUpCount: 0 };
          t.net += r.net;
          t.topUps += r.topUps;
          t.topUpCount += r.topUpCount;
          totals.set(r.row.currency, t);
          const f = figuresOf(r.days, r.row.available, r.row.createdAt, now);
          finishBalance.run({
            clientId,
            balance: r.row.balance,
            count: r.count,
            lastDebitAt: r.row.lastDebitAt,
            now,
            ...f,
          });
          if (r.debited) this.forecast.setDays(clientId, r.days);
          moved.push(clientId);
          this.moved(clientId, r.row, now, r.lowered, r.availableBefore);
        }
        for (const [currency, t] of totals)
          this.s.addDay.run(dayOf(now) * DAY_MS, currency, t.net, t.topUps, t.topUpCount);
        running.clear();
        return moved;
      },
    };
  }

  /** Inserts the entry unless its (client, external id) or reversal target is taken; 0 changes then. */
  private insert(e: NewEntry, balanceAfter: number, now: number) {
    return this.s.insert.run({
      clientId: e.clientId,
      kind: e.kind,
      amount: e.amount,
      balanceAfter,
      externalId: e.externalId ?? null,
      description: e.description,
      actor: e.actor,
      at: e.at,
      recordedAt: now,
      reversesEntryId: e.reversesEntryId ?? null,
    });
  }

  /** Moves the held amount (positive: a hold opens; negative: it closes). */
  hold(clientId: number, delta: number, now: number): BalanceRow {
    const before = this.balanceOf(clientId);
    const held = within(before.held + delta, delta, 'held amount', 'amount');
    const available = within(before.balance - held, delta, 'balance', 'amount');
    this.s.setHeld.run({
      clientId,
      delta,
      now,
      ...figuresOf(parseDays(before.usageDays), available, before.createdAt, now),
    });
    // The same arithmetic as the UPDATE, so the row need not be read back (as in post()).
    const after: BalanceRow = { ...before, held, available };
    this.moved(clientId, after, now, delta > 0, before.available);
    return after;
  }

  /**
   * Runs `work` (inside the caller's transaction) telling the balance listeners only at its end, once per
   * client, with the balance it leaves: `lowered` when the available balance ends below where it began.
   * A call that moves a balance twice — a hold closed (released, then its usage posted) — is judged as one
   * move, so an in-between rise cannot reset a rule's counter and the fall after it re-send a notification.
   * Every mutating channel runs in one (the registry); nested calls join the outer one.
   */
  atomic<T>(now: number, work: () => T): T {
    if (this.deferred) return work();
    const moves = new Map<number, { from: number; state: BalanceRow }>();
    this.deferred = moves;
    let out: T;
    try {
      out = work();
    } finally {
      this.deferred = null;
    }
    for (const [clientId, m] of moves) this.tell(clientId, m.state, now, m.state.available < m.from);
    return out;
  }

  private moved(clientId: number, state: BalanceRow, now: number, lowered: boolean, availableBefore: number): void {
    const d = this.deferred;
    if (!d) return this.tell(clientId, state, now, lowered);
    const m = d.get(clientId);
    if (m) m.state = state;
    else d.set(clientId, { from: availableBefore, state });
  }

  private tell(clientId: number, state: BalanceRow, now: number, lowered: boolean): void {
    for (const l of this.balanceListeners) l(clientId, state, now, lowered);
  }
}

/** A new client's balance row, at zero: clients/insert.ts makes it with the client row. */
export const balanceRowInserter = (sqlite: Database.Database) =>
  sqlite.prepare('INSERT INTO balances (client_id, updated_at) VALUES (?, ?)');
