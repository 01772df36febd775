/**
 * The buckets behind ledger.series, the client chart: each bucket keeps the first, lowest, highest and
 * last balance of its entries (so a spike survives downsampling) and adds up its top-ups (for the markers).
 *
 * A range of two days or more is read from series_hours: one row per hour with entries, instead of every
 * entry. A client with 1,000,000 entries across two years has about 17,000 of them, so the chart groups
 * those instead of walking a million entries through a grouping B-tree (1.4 s here before this cache).
 * The grouping stays in SQL: better-sqlite3 builds a JavaScript object per row at several µs each, so 17,000
 * rows handed over would cost more than grouping them.
 *
 * The cache is brought up to date here, when a chart is drawn, never by posting: series_state says through
 * which entry it is up to date. The ledger is append-only and ids only grow, so the entries after that one
 * are exactly what is new; the earliest time among them names the first hour to recompute. An entry posted
 * now recomputes the current hour; a usage row imported with a time last month recomputes from that hour on.
 * A client's first chart builds its whole cache once.
 *
 * A shorter range would want buckets narrower than an hour: it groups the entries themselves, which for two
 * days are few.
 */
import type Database from 'better-sqlite3';
import { HOUR_MS } from '../../../shared/forecast';

/** Ranges at least this long are read by the hour. */
const HOURLY_FROM_MS = 48 * HOUR_MS;

/** One bucket of the chart. `bucket` counts buckets of `width` from the series' origin. */
export interface SeriesBucket {
  bucket: number;
  t0: number;
  t1: number;
  lo: number;
  hi: number;
  first: number;
  last: number;
  top_n: number;
  top_sum: number;
  top_t0: number | null;
  top_t1: number | null;
  top_id: number | null;
}

export interface Buckets {
  /** Where bucket 0 starts: `from`, or the start of its hour when read by the hour. */
  origin: number;
  width: number;
  buckets: SeriesBucket[];
}

/** Entries in time order (the (client_id, at) index holds them so: the id breaks ties), as [id, at, balance_after, kind, amount]. */
const ENTRIES_IN =
  'SELECT id, at, balance_after, kind, amount FROM ledger_entries WHERE client_id = ? AND at >= ? AND at <= ? ORDER BY at, id';
type EntryTuple = [number, number, number, string, number];

/** Adds entries, given in time order, into buckets keyed by `key(at)`, appended to `out` in order. */
function accumulate(rows: Iterable<EntryTuple>, key: (at: number) => number, out: SeriesBucket[]): void {
  let cur: SeriesBucket | undefined;
  for (const [id, at, balance, kind, amount] of rows) {
    const k = key(at);
    if (!cur || cur.bucket !== k) {
      cur = {
        bucket: k,
        t0: at,
        t1: at,
        lo: balance,
        hi: balance,
        first: balance,
        last: balance,
        top_n: 0,
        top_sum: 0,
        top_t0: null,
        top_t1: null,
        top_id: null,
      };
      out.push(cur);
    } else {
      cur.t1 = at;
      if (balance < cur.lo) cur.lo = balance;
      if (balance > cur.hi) cur.hi = balance;
      cur.last = balance;
    }
    if (kind === 'top_up') {
      cur.top_n += 1;
      cur.top_sum += amount;
      cur.top_t0 ??= at;
      cur.top_t1 = at;
      cur.top_id = cur.top_id === null ? id : Math.min(cur.top_id, id);
    }
  }
}

const hourOf = (at: number) => Math.floor(at / HOUR_MS);

/** Top-up columns of a group of entries, as SeriesBucket names them. */
const TOP_UPS = `sum(kind = 'top_up') AS top_n, coalesce(sum(CASE WHEN kind = 'top_up' THEN amount END), 0) AS top_sum,
  min(CASE WHEN kind = 'top_up' THEN at END) AS top_t0, max(CASE WHEN kind = 'top_up' THEN at END) AS top_t1, min(CASE WHEN kind = 'top_up' THEN id END) AS top_id`;

/** Entries per slice of a build: one write transaction of about 20 ms here. */
const BUILD_SLICE = 15_000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Brings a client's series_hours up to date with its entries (see the top of this file). A long build (a
 * client's first chart) goes in slices of `slice` entries, each its own transaction, yielding between
 * them, so the scheduler and other calls keep running while a million entries are added up.
 */
export async function refreshSeriesHours(
  sqlite: Database.Database,
  clientId: number,
  slice = BUILD_SLICE,
): Promise<void> {
  const through =
    (sqlite.prepare('SELECT through_id FROM series_state WHERE client_id = ?').pluck().get(clientId) as
      number | undefined) ?? 0;
  const lastId = sqlite.prepare('SELECT max(id) FROM ledger_entries WHERE client_id = ?').pluck().get(clientId) as
    number | null;
  if (lastId === null || lastId <= through) return;
  // The earliest new entry: by the time index when nothing is cached yet, else among the new ids only.
  const since = (
    through === 0
      ? sqlite.prepare('SELECT min(at) FROM ledger_entries WHERE client_id = ?').pluck().get(clientId)
      : // by the id index: the time index would walk the whole history from its oldest entry looking for a new id
        sqlite
          .prepare('SELECT min(at) FROM ledger_entries INDEXED BY ledger_client_id WHERE client_id = ? AND id > ?')
          .pluck()
          .get(clientId, through)
  ) as number;
  const sliceEnd = sqlite
    .prepare('SELECT at FROM ledger_entries WHERE client_id = ? AND at >= ? ORDER BY at LIMIT 1 OFFSET ?')
    .pluck();
  const clear = sqlite.prepare('DELETE FROM series_hours WHERE client_id = ? AND hour >= ? AND hour < ?');
  // First and last balance: the entry at the hour's first (last) time, the lowest (highest) id among equals.
  const build = sqlite.prepare(
    `INSERT INTO series_hours (client_id, hour, first_at, last_at, first_balance, low, high, last_balance, top_ups, top_up_amount, first_top_up_at, last_top_up_at, top_up_id)
     SELECT @client, h, t0, t1,
       (SELECT balance_after FROM ledger_entries f WHERE f.client_id = @client AND f.at = g.t0 ORDER BY f.id LIMIT 1),
       lo, hi,
       (SELECT balance_after FROM ledger_entries l WHERE l.client_id = @client AND l.at = g.t1 ORDER BY l.id DESC LIMIT 1),
       top_n, top_sum, top_t0, top_t1, top_id
     FROM (SELECT at / ${HOUR_MS} AS h, min(at) AS t0, max(at) AS t1, min(balance_after) AS lo, max(balance_after) AS hi, ${TOP_UPS}
           FROM ledger_entries WHERE client_id = @client AND at >= @from AND at < @until GROUP BY h) g`,
  );
  const LAST = Math.floor(Number.MAX_SAFE_INTEGER / HOUR_MS);
  for (let h = hourOf(since); ;) {
    // This slice: whole hours, up to the hour of the entry `slice` entries on (or to the end).
    const cut = sliceEnd.get(clientId, h * HOUR_MS, slice) as number | undefined;
    const end = cut === undefined ? LAST : Math.max(hourOf(cut), h + 1);
    sqlite
      .transaction(() => {
        clear.run(clientId, h, end);
        build.run({ client: clientId, from: h * HOUR_MS, until: end * HOUR_MS });
      })
      .immediate();
    if (end === LAST) break;
    h = end;
    await nextTurn();
  }
  // An entry posted during the build has a later id than lastId: the next refresh recomputes its hour.
  sqlite
    .prepare(
      'INSERT INTO series_state (client_id, through_id) VALUES (?, ?) ON CONFLICT (client_id) DO UPDATE SET through_id = max(through_id, excluded.through_id)',
    )
    .run(clientId, lastId);
}

/** Adds a bucket's worth of entries, later than any already in `out`, into bucket `bucket`. */
function mergeInto(out: SeriesBucket[], h: SeriesBucket, bucket: number): void {
  const b = out[out.length - 1];
  if (!b || b.bucket !== bucket) {
    out.push({ ...h, bucket });
    return;
  }
  b.t1 = h.t1;
  if (h.lo < b.lo) b.lo = h.lo;
  if (h.hi > b.hi) b.hi = h.hi;
  b.last = h.last;
  if (h.top_n > 0) {
    b.top_n += h.top_n;
    b.top_sum += h.top_sum;
    b.top_t0 ??= h.top_t0;
    b.top_t1 = h.top_t1;
    b.top_id = b.top_id === null ? h.top_id : Math.min(b.top_id, h.top_id!);
  }
}

/** The buckets of [from, to], at most `points` of them, grouped from the entries themselves. */
function entryBuckets(sqlite: Database.Database, clientId: number, from: number, to: number, points: number): Buckets {
  return groupEntries(sqlite, clientId, from, to, from, Math.max(1, Math.ceil((to - from + 1) / points)));
}

/** Entries of [from, to] in buckets of `width` counted from `origin`. */
export function groupEntries(
  sqlite: Database.Database,
  clientId: number,
  from: number,
  to: number,
  origin: number,
  width: number,
): Buckets {
  const buckets: SeriesBucket[] = [];
  const rows = sqlite.prepare(ENTRIES_IN).raw().iterate(clientId, from, to) as Iterable<EntryTuple>;
  accumulate(rows, (at) => Math.floor((at - origin) / width), buckets);
  return { origin, width, buckets };
}

/**
 * The buckets of [from, to] from series_hours: whole hours of `points` buckets or fewer, counted from the
 * start of `from`'s hour. A range that starts or ends inside an hour reads that hour's part from the entries.
 */
export async function hourBuckets(
  sqlite: Database.Database,
  clientId: number,
  from: number,
  to: number,
  points: number,
): Promise<Buckets> {
  await refreshSeriesHours(sqlite, clientId);
  const base = hourOf(from);
  const perBucket = Math.max(1, Math.ceil((hourOf(to) - base + 1) / points));
  const firstWhole = Math.ceil(from / HOUR_MS);
  const lastWhole = Math.floor((to + 1) / HOUR_MS) - 1;
  const buckets: SeriesBucket[] = [];
  const edge = (a: number, b: number) => {
    const hours: SeriesBucket[] = [];
    accumulate(sqlite.prepare(ENTRIES_IN).raw().iterate(clientId, a, b) as Iterable<EntryTuple>, hourOf, hours);
    for (const h of hours) mergeInto(buckets, h, Math.floor((h.bucket - base) / perBucket));
  };
  if (from < firstWhole * HOUR_MS) edge(from, Math.min(to, firstWhole * HOUR_MS - 1));
  if (firstWhole <= lastWhole) {
    // The whole hours, grouped into buckets in SQL; each bucket's first and last balance from its first and last hour.
    const grouped = sqlite
      .prepare(
        `SELECT bucket, t0, t1, lo, hi, top_n, top_sum, top_t0, top_t1, top_id,
           (SELECT first_balance FROM series_hours s WHERE s.client_id = @client AND s.hour = g.h0) AS first,
           (SELECT last_balance FROM series_hours s WHERE s.client_id = @client AND s.hour = g.h1) AS last
         FROM (SELECT (hour - @base) / @per AS bucket, min(hour) AS h0, max(hour) AS h1, min(first_at) AS t0, max(last_at) AS t1, min(low) AS lo, max(high) AS hi,
                 sum(top_ups) AS top_n, sum(top_up_amount) AS top_sum, min(first_top_up_at) AS top_t0, max(last_top_up_at) AS top_t1, min(top_up_id) AS top_id
               FROM series_hours WHERE client_id = @client AND hour >= @a AND hour <= @b GROUP BY bucket) g
         ORDER BY bucket`,
      )
      // As BigInt: better-sqlite3 binds a number as REAL, and (hour - base) / per would not round down to a bucket.
      .all({
        client: clientId,
        base: BigInt(base),
        per: BigInt(perBucket),
        a: firstWhole,
        b: lastWhole,
      }) as SeriesBucket[];
    for (const g of grouped) mergeInto(buckets, g, g.bucket);
  }
  if ((lastWhole + 1) * HOUR_MS <= to && lastWhole + 1 >= firstWhole) edge((lastWhole + 1) * HOUR_MS, to);
  return { origin: base * HOUR_MS, width: perBucket * HOUR_MS, buckets };
}

/** The chart's buckets: by the hour for two days or more, else from the entries. */
export async function seriesBuckets(
  sqlite: Database.Database,
  clientId: number,
  from: number,
  to: number,
  points: number,
): Promise<Buckets> {
  return to - from + 1 >= HOURLY_FROM_MS
    ? hourBuckets(sqlite, clientId, from, to, points)
    : entryBuckets(sqlite, clientId, from, to, points);
}
