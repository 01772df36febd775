/**
 * The run-dry forecast, pure (no Node, DOM or database): a client's burn rate from its usage per UTC day,
 * and when its available balance, spent at that rate, crosses a threshold and zero. The core stores the
 * result beside the balance (src/main/core/forecast/) and the screens format it with `formatRunDry`.
 *
 * The estimator, in four steps (test/unit/shared/forecast.test.ts checks each with known answers):
 *  1. Days: today (partial, up to now) and the 7 complete UTC days before it. Each day counts for the part of
 *     it that the client existed (a client created on Tuesday afternoon is not diluted by Monday's zero).
 *  2. Each day's rate is its spend over its covered time (at least an hour, so a client created a minute ago
 *     with one debit does not read as a fire hose).
 *  3. Robust to a burst: a day's rate is capped at 3 × the median rate of the complete days that had usage.
 *     The median of the days *with usage* (not of all days) keeps a client who spends once a week, or only
 *     on weekdays, at its real level, while one exceptional day counts as at most three normal ones.
 *  4. Recent days count more: weights 8 (today) down to 1 (7 days ago), times each day's coverage, so the
 *     rate is a weighted average of the capped day rates. A steady spender reads exactly its rate whatever
 *     the hour; today's partial day weighs in gradually as it fills.
 */
import { coarseSpan } from './time-words';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Complete days before today that the burn rate looks at. */
export const FORECAST_DAYS = 7;
/** A day's rate is capped at this many times the median day (step 3). */
export const BURST_CAP = 3;
/** The stored run-dry time of a client with no usage: after every real time, so it sorts last ascending. */
export const RUN_DRY_NEVER = 8_640_000_000_000_000;

/** The UTC day (days since 1970-01-01) of a time in ms. */
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

export interface DaySpend {
  /** dayOf(time). */
  day: number;
  /** Usage debits of that day, positive minor units. */
  spent: number;
}

/**
 * Minor units per hour (a fraction; 0 without usage). `days` may hold any days (others are ignored);
 * `since` is when the client was created.
 */
export function burnRate(days: readonly DaySpend[], now: number, since: number): number {
  const today = dayOf(now);
  const spent = new Float64Array(FORECAST_DAYS + 1);
  for (const d of days) {
    const k = today - d.day;
    if (k >= 0 && k <= FORECAST_DAYS) spent[k] += d.spent;
  }
  return burnRateOf(spent, now, since);
}

/**
 * The same from the spend of each day by its distance from today (index 0: today … 7: seven days ago): what
 * posting calls on its hot path, with no object per day. Fixed arrays, no sorting of more than 7 numbers.
 */
export function burnRateOf(spent: Float64Array, now: number, since: number): number {
  const todayStart = dayOf(now) * DAY_MS;
  const weight = new Float64Array(FORECAST_DAYS + 1);
  const rate = new Float64Array(FORECAST_DAYS + 1);
  const used: number[] = [];
  for (let k = 0; k <= FORECAST_DAYS; k++) {
    const start = todayStart - k * DAY_MS;
    const covered = Math.min(start + DAY_MS, now) - Math.max(start, since);
    if (covered <= 0) continue;
    weight[k] = (FORECAST_DAYS + 1 - k) * (covered / DAY_MS);
    rate[k] = spent[k] / (Math.max(covered, HOUR_MS) / HOUR_MS);
    if (k > 0 && spent[k] > 0) used.push(rate[k]);
  }
  let cap = Infinity;
  if (used.length) {
    used.sort((a, b) => a - b);
    const m = used.length >> 1;
    cap = BURST_CAP * (used.length % 2 ? used[m] : (used[m - 1] + used[m]) / 2);
  }
  let num = 0;
  let den = 0;
  for (let k = 0; k <= FORECAST_DAYS; k++) {
    num += weight[k] * Math.min(rate[k], cap);
    den += weight[k];
  }
  return den > 0 ? num / den : 0;
}

/**
 * When the available balance, falling at `ratePerHour`, goes below `level`: `now` when it already is (or is
 * at zero, for level 0), null when it does not fall.
 */
export function crossingAt(available: number, level: number, ratePerHour: number, now: number): number | null {
  if (level === 0 ? available <= 0 : available < level) return now;
  if (!(ratePerHour > 0)) return null;
  return now + Math.round(((available - level) / ratePerHour) * HOUR_MS);
}

/** The stored form: the time the available balance reaches zero, or RUN_DRY_NEVER. */
export function runDryAt(available: number, ratePerHour: number, now: number): number {
  if (!(ratePerHour > 0)) return RUN_DRY_NEVER;
  return crossingAt(available, 0, ratePerHour, now) ?? RUN_DRY_NEVER;
}

/** "now", "in about 40 min", "in about 6 h", "in 3 days", or "—" (no usage): a forecast in words. */
export function formatRunDry(at: number | null, now: number): string {
  if (at === null || at >= RUN_DRY_NEVER) return '—';
  const ms = at - now;
  if (ms <= 0) return 'now';
  // Days are rounded and said plainly; a few hours or minutes are "about".
  return ms < 48 * HOUR_MS ? `in about ${coarseSpan(ms)}` : `in ${coarseSpan(ms)}`;
}
