/**
 * The run-dry forecast against the database. Each client's usage per UTC day of the forecast's window lives
 * in `usage_days` (a flat JSON array [day, spent, …], a row only while there is usage in the window; read with
 * the balance by its primary key), the figures derived from it in the balances row (`burn_rate`, and
 * `run_dry_at`, indexed for the client list's sort). A usage debit writes the days (one statement); the
 * figures ride along in the balance's own UPDATE. The days once lived in the balances row too, which made
 * every row of that much-scanned table about four times wider (schema.ts). The hourly
 * refresh keeps the figures right as time passes without posts (the days' weights move, a quiet client's
 * rate decays) and drops the days that left the window. The arithmetic is src/shared/forecast.ts.
 */
import { schedulerState } from '../scheduler/state';
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { burnRateOf, DAY_MS, dayOf, FORECAST_DAYS, HOUR_MS, runDryAt } from '../../../shared/forecast';

export interface ForecastFigures {
  burnRate: number;
  runDryAt: number;
}

/** A client's days as posting carries them: [day, spent, day, spent, …]. */
export type UsageDays = number[];

export const parseDays = (text: string): UsageDays => (text === '[]' ? [] : (JSON.parse(text) as UsageDays));

/**
 * Adds a usage debit (`spent`, positive) on the day of `at` and drops the days older than the window; a day
 * before the window is not kept at all. Returns the new list (the old one is left as it was).
 */
export function addUsage(days: UsageDays, at: number, spent: number, now: number): UsageDays {
  const first = dayOf(now) - FORECAST_DAYS;
  const day = dayOf(at);
  const out: UsageDays = [];
  let added = day < first;
  for (let i = 0; i < days.length; i += 2) {
    if (days[i] < first) continue;
    out.push(days[i], days[i] === day ? days[i + 1] + spent : days[i + 1]);
    if (days[i] === day) added = true;
  }
  if (!added) out.push(day, spent);
  return out;
}

/**
 * The burn rate and run-dry time of a client with these days, as of `now`. The client's history starts at
 * its creation, or at the start of the first day it has usage on if that day is before the day it was created
 * (usage imported with its history). Usage on the day of creation itself keeps the creation as the start.
 */
export function figuresOf(days: UsageDays, available: number, createdAt: number, now: number): ForecastFigures {
  const today = dayOf(now);
  const createdDay = dayOf(createdAt);
  const spent = new Float64Array(FORECAST_DAYS + 1);
  let since = createdAt;
  for (let i = 0; i < days.length; i += 2) {
    const k = today - days[i];
    if (k >= 0 && k <= FORECAST_DAYS) {
      spent[k] += days[i + 1];
      if (days[i] < createdDay) since = Math.min(since, days[i] * DAY_MS);
    }
  }
  const rate = burnRateOf(spent, now, since);
  return { burnRate: rate, runDryAt: runDryAt(available, rate, now) };
}

/** What a refresh did: clients whose figures changed, slices (transactions) and the longest one. */
export interface RefreshReport {
  changed: number;
  slices: number;
  longestSliceMs: number;
}

/** The hourly refresh: how often, and how long one slice (one transaction) aims to take, as the sweep's do. */
export const REFRESH_EVERY_MS = HOUR_MS;
const SLICE_TARGET_MS = 20;
const FIRST_SLICE = 250;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ForecastStore {
  private readonly s: {
    slice: Statement<[number, number]>;
    backfill: Statement<[number, number, number]>;
    setFigures: Statement;
    putDays: Statement;
    dropDays: Statement;
    maxId: Statement<[]>;
    getState: Statement<[string]>;
    putState: Statement;
  };
  private refreshing: Promise<RefreshReport> | null = null;

  constructor(private readonly sqlite: Database.Database) {
    const state = schedulerState(sqlite);
    this.s = {
      // The clients of a slice worth refreshing: a rate now (it may decay) or days kept.
      slice: sqlite
        .prepare(
          `SELECT b.client_id, b.available, c.created_at, coalesce(u.days, '[]'), b.burn_rate, b.run_dry_at
           FROM balances b JOIN clients c ON c.id = b.client_id LEFT JOIN usage_days u ON u.client_id = b.client_id
           WHERE b.client_id BETWEEN ? AND ? AND (b.burn_rate > 0 OR u.days IS NOT NULL)`,
        )
        .raw(),
      // A ledger made before the forecast: the window's usage from its entries, by the (client, at) index.
      backfill: sqlite
        .prepare(
          `SELECT client_id, at / 86400000, -sum(amount) FROM ledger_entries
           WHERE client_id BETWEEN ? AND ? AND at >= ? AND kind = 'usage' AND amount < 0 GROUP BY client_id, at / 86400000`,
        )
        .raw(),
      setFigures: sqlite.prepare('UPDATE balances SET burn_rate = ?, run_dry_at = ? WHERE client_id = ?'),
      putDays: sqlite.prepare(
        'INSERT INTO usage_days (client_id, days) VALUES (?, ?) ON CONFLICT (client_id) DO UPDATE SET days = excluded.days',
      ),
      dropDays: sqlite.prepare('DELETE FROM usage_days WHERE client_id = ?'),
      maxId: sqlite.prepare('SELECT max(id) FROM clients').pluck(),
      getState: state.get,
      putState: state.put,
    };
  }

  /** Writes a client's days (none: its row goes). */
  setDays(clientId: number, days: UsageDays): void {
    if (days.length === 0) this.s.dropDays.run(clientId);
    else this.s.putDays.run(clientId, JSON.stringify(days));
  }

  refreshDue(now: number): boolean {
    const last = this.s.getState.get('forecast_refreshed_at') as string | undefined;
    return !last || now >= Number(last) + REFRESH_EVERY_MS;
  }

  /**
   * Recomputes every client with a rate or days kept, in slices of ids (one transaction each, the event loop
   * free between them), dropping the days that left the window. The first run on a ledger made before the
   * forecast existed reads each slice's days from the ledger's entries first. Reports how many clients'
   * figures changed, the slices and the longest one. A second call while one runs (the timer and a moved test clock) waits for it.
   */
  refresh(now: () => number, running: () => boolean = () => true): Promise<RefreshReport> {
    this.refreshing ??= this.refreshAll(now, running).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async refreshAll(now: () => number, running: () => boolean): Promise<RefreshReport> {
    const backfill = !this.s.getState.get('forecast_backfilled');
    const maxId = (this.s.maxId.get() as number | null) ?? 0;
    let changed = 0;
    let slices = 0;
    let longestSliceMs = 0;
    let size = FIRST_SLICE;
    for (let from = 1; from <= maxId && running();) {
      const to = Math.min(from + size - 1, maxId);
      const t0 = performance.now();
      this.sqlite
        .transaction(() => {
          const t = now();
          const first = dayOf(t) - FORECAST_DAYS;
          if (backfill) {
            const byClient = new Map<number, UsageDays>();
            for (const [id, day, spent] of this.s.backfill.all(from, to, first * DAY_MS) as [
              number,
              number,
              number,
            ][]) {
              const d = byClient.get(id);
              if (d) d.push(day, spent);
              else byClient.set(id, [day, spent]);
            }
            for (const [id, d] of byClient) {
              this.setDays(id, d);
              this.s.setFigures.run(0, 0, id);
            }
          }
          for (const [id, available, createdAt, text, oldRate, oldRunDry] of this.s.slice.all(from, to) as [
            number,
            number,
            number,
            string,
            number,
            number,
          ][]) {
            const days = parseDays(text);
            const kept = days.filter((_v, i) => days[i - (i % 2)] >= first);
            const f = figuresOf(kept, available, createdAt, t);
            if (f.burnRate === oldRate && f.runDryAt === oldRunDry && kept.length === days.length) continue;
            if (kept.length !== days.length) this.setDays(id, kept);
            this.s.setFigures.run(f.burnRate, f.runDryAt, id);
            changed++;
          }
        })
        .immediate();
      // The next slice is sized from this one's time, so each stays near the target.
      const ms = performance.now() - t0;
      slices++;
      longestSliceMs = Math.max(longestSliceMs, ms);
      size = Math.min(50_000, Math.max(100, Math.round(((to - from + 1) * SLICE_TARGET_MS) / Math.max(ms, 0.5))));
      from = to + 1;
      await yieldToEventLoop();
    }
    const report = { changed, slices, longestSliceMs: Math.round(longestSliceMs * 10) / 10 };
    if (!running()) return report;
    if (backfill) this.s.putState.run('forecast_backfilled', '1');
    this.s.putState.run('forecast_refreshed_at', String(now()));
    return report;
  }
}

/** A client's creation time and its usage days (the JSON text of usage_days, '[]' without usage). */
export const usageOf = (sqlite: Database.Database, clientId: number) =>
  sqlite
    .prepare(
      "SELECT c.created_at, coalesce(u.days, '[]') AS usage_days FROM clients c LEFT JOIN usage_days u ON u.client_id = c.id WHERE c.id = ?",
    )
    .get(clientId) as {
    created_at: number;
    usage_days: string;
  };
