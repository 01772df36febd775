/**
 * The dashboard's days: per currency, the total balance of every client at the end of each of the last
 * N days and the top-ups recorded on each, from ledger_entries.
 *
 * Days are UTC days of `recorded_at` (when Balance Desk recorded an entry), not of `at` (when the usage
 * happened): a day that has ended never changes again, because the ledger is append-only and the app
 * records an entry at the clock's time. So the figures are kept per database: the first read adds up the
 * entries of the window once, every later read only the entries added since (by id). (Ids do not follow
 * recorded_at everywhere: the demo ledger and the benchmark write past entries after newer ones, so the
 * first read looks at every entry rather than trusting the ids' order; an index on recorded_at would let
 * it read only the window.)
 *
 * The balance at the end of day D is the total balance now less what was recorded after D ended; the
 * total now is the sum of the balances rows, which equal the sum of the entries.
 *
 * The first read of a big ledger is long (every entry of the window, about 3 µs each here), so it runs in
 * slices of about SLICE_MS with the event loop free between them, as the sweep does: the app keeps
 * answering meanwhile. The balances are read in slices of clients too, each slice noting the last entry
 * id it saw, and an entry that arrived while they were read is counted for exactly the clients whose
 * slice came before it.
 */
import type Database from 'better-sqlite3';

export const DAY_MS = 86_400_000;
/** How long one slice of the first read may hold the database, roughly. */
const SLICE_MS = 20;
const CLIENT_SLICE = 10_000;

interface DaySums {
  /** Everything recorded that day, and its top-ups. */
  net: number;
  topUps: number;
  topUpCount: number;
}

interface Kept {
  /** The last entry counted; the figures include every entry up to it. */
  lastId: number;
  /** Per currency: the total balance after entry lastId. */
  total: Map<string, number>;
  /** Per UTC day start, per currency; only days from `since` on. */
  days: Map<number, Map<string, DaySums>>;
  since: number;
}

export interface Daily {
  days: number[];
  currencies: { currency: string; balance: number[]; topUps: number[]; topUpCount: number[] }[];
}

const kept = new WeakMap<Database.Database, Kept>();
const busy = new WeakMap<Database.Database, Promise<void>>();

export const dayStartOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const breath = () => new Promise<void>((resolve) => setImmediate(resolve));
const maxIdOf = (sqlite: Database.Database) => (sqlite.prepare('SELECT max(id) FROM ledger_entries').pluck().get() as number | null) ?? 0;

function addDay(k: Kept, day: number, currency: string, net: number, topUps: number, topUpCount: number) {
  if (day < k.since) return;
  let m = k.days.get(day);
  if (!m) k.days.set(day, (m = new Map()));
  const s = m.get(currency) ?? { net: 0, topUps: 0, topUpCount: 0 };
  s.net += net;
  s.topUps += topUps;
  s.topUpCount += topUpCount;
  m.set(currency, s);
}

/** Per currency and day, the entries with ids in (fromId, toId] recorded at or after `since`. */
function summer(sqlite: Database.Database) {
  const st = sqlite
    .prepare(
      `SELECT c.currency, e.recorded_at / ${DAY_MS} * ${DAY_MS} AS day, sum(e.amount), sum(CASE WHEN e.kind = 'top_up' THEN e.amount ELSE 0 END), sum(e.kind = 'top_up')
       FROM ledger_entries e JOIN clients c ON c.id = e.client_id WHERE e.id > ? AND e.id <= ? AND e.recorded_at >= ? GROUP BY 1, 2`,
    )
    .raw();
  return (fromId: number, toId: number, since: number) => st.all(fromId, toId, since) as [string, number, number, number, number][];
}

/**
 * Adds the entries with ids in (from, to] to their days (and to the totals with `totals`), in slices of
 * about SLICE_MS with the event loop free between them when `sliced`.
 */
async function addEntries(sqlite: Database.Database, k: Kept, from: number, to: number, totals: boolean, sliced: boolean) {
  const sumsOf = summer(sqlite);
  let step = 2_000;
  while (from < to) {
    const upTo = Math.min(to, from + step);
    const t = performance.now();
    if (totals) {
      // Every new entry moves the totals, whenever it says it was recorded.
      for (const [currency, day, net, topUps, count] of sumsOf(from, upTo, 0)) {
        k.total.set(currency, (k.total.get(currency) ?? 0) + net);
        addDay(k, day, currency, net, topUps, count);
      }
    } else for (const [currency, day, net, topUps, count] of sumsOf(from, upTo, k.since)) addDay(k, day, currency, net, topUps, count);
    from = upTo;
    if (sliced && from < to) {
      const ms = performance.now() - t;
      step = Math.max(500, Math.min(100_000, Math.round(step * Math.min(2, SLICE_MS / Math.max(1, ms)))));
      await breath();
    }
  }
}

/** The first read, in slices: the balances per currency now, then the days of the window from the entries. */
async function firstRead(sqlite: Database.Database, since: number, sliced: boolean): Promise<Kept> {
  const total = new Map<string, number>();
  // Each slice of clients notes the last entry id its balances include.
  const slices: { to: number; seen: number }[] = [];
  const lastClient = (sqlite.prepare('SELECT max(id) FROM clients').pluck().get() as number | null) ?? 0;
  const balanceSlice = sqlite.prepare(
    'SELECT c.currency, sum(b.balance) FROM balances b JOIN clients c ON c.id = b.client_id WHERE b.client_id > ? AND b.client_id <= ? GROUP BY c.currency',
  );
  const readSlice = sqlite.transaction((from: number, to: number) => {
    for (const [currency, sum] of balanceSlice.raw().all(from, to) as [string, number][]) total.set(currency, (total.get(currency) ?? 0) + sum);
    slices.push({ to, seen: maxIdOf(sqlite) });
  });
  for (let from = 0; from < lastClient; from += CLIENT_SLICE) {
    readSlice.deferred(from, Math.min(lastClient, from + CLIENT_SLICE));
    if (sliced) await breath();
  }
  const lastId = maxIdOf(sqlite);
  const k: Kept = { lastId, total, days: new Map(), since };
  // Entries that came while the balances were read: counted for the clients whose slice had not seen them
  // (a client created meanwhile has a balance of zero in no slice: all of its entries count).
  const seenFirst = slices.length ? Math.min(...slices.map((s) => s.seen)) : lastId;
  if (lastId > seenFirst) {
    const late = sqlite.prepare('SELECT e.id, e.client_id, e.amount, c.currency FROM ledger_entries e JOIN clients c ON c.id = e.client_id WHERE e.id > ? AND e.id <= ?');
    for (const e of late.all(seenFirst, lastId) as { id: number; client_id: number; amount: number; currency: string }[]) {
      const s = slices.find((x) => e.client_id <= x.to);
      if (!s || e.id > s.seen) total.set(e.currency, (total.get(e.currency) ?? 0) + e.amount);
    }
  }
  // The window's entries, immutable once written; the totals already hold them (read from the balances).
  await addEntries(sqlite, k, 0, lastId, false, sliced);
  return k;
}

/**
 * The last `count` UTC days up to the one holding `now`, per currency (currencies of no client left out).
 * The first call on a database reads the window in slices (`sliced`; an in-memory database in one go).
 */
export async function dailyTotals(sqlite: Database.Database, now: number, count: number, sliced = true): Promise<Daily> {
  const today = dayStartOf(now);
  const since = today - (count - 1) * DAY_MS;
  // One reader at a time per database: two catching up at once would count the same entries twice.
  const run = (busy.get(sqlite) ?? Promise.resolve()).then(async () => {
    let k = kept.get(sqlite);
    if (!k || since < k.since) {
      k = await firstRead(sqlite, since, sliced);
      kept.set(sqlite, k);
    }
    const maxId = maxIdOf(sqlite);
    await addEntries(sqlite, k, k.lastId, maxId, true, sliced);
    k.lastId = maxId;
    return k;
  });
  busy.set(sqlite, run.then(() => undefined, () => undefined));
  const k = await run;
  // Days that left the window are forgotten.
  for (const d of k.days.keys()) if (d < since) k.days.delete(d);
  k.since = since;
  const days: number[] = [];
  for (let d = since; d <= today; d += DAY_MS) days.push(d);
  const currencies = [...k.total.keys()].sort().map((currency) => {
    const sums = days.map((d) => k.days.get(d)?.get(currency) ?? { net: 0, topUps: 0, topUpCount: 0 });
    // Backwards from now: the balance at the end of a day is the next day's end less what that day recorded.
    const balance = new Array<number>(days.length);
    let after = k.total.get(currency) ?? 0;
    for (let i = days.length - 1; i >= 0; i--) {
      balance[i] = after;
      after -= sums[i].net;
    }
    return { currency, balance, topUps: sums.map((s) => s.topUps), topUpCount: sums.map((s) => s.topUpCount) };
  });
  return { days, currencies };
}
