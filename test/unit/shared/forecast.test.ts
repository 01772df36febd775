/**
 * The run-dry forecast on generated spending patterns with known answers (src/shared/forecast.ts): steady,
 * bursty, weekly, once a week, a new client; then the crossing times and the words.
 */
import { describe, expect, it } from 'vitest';
import {
  burnRate,
  crossingAt,
  DAY_MS,
  dayOf,
  formatRunDry,
  HOUR_MS,
  RUN_DRY_NEVER,
  runDryAt,
  type DaySpend,
} from '../../../src/shared/forecast';

/** Monday 2026-11-23 00:00 UTC. */
const MONDAY = Date.parse('2026-11-23T00:00:00Z');
const LONG_AGO = MONDAY - 90 * DAY_MS;

/** Spend per day from a function of the day's date, for the 8 days up to and including `now`'s day. */
function pattern(now: number, perDay: (dayStart: Date, k: number) => number): DaySpend[] {
  const today = dayOf(now);
  const out: DaySpend[] = [];
  for (let k = 0; k <= 10; k++) out.push({ day: today - k, spent: perDay(new Date((today - k) * DAY_MS), k) });
  return out;
}

describe('burn rate', () => {
  it('steady: 2,400 a day reads 100 an hour at midnight, at 06:00 and at 23:59', () => {
    for (const hour of [0, 6, 23.99]) {
      const now = MONDAY + hour * HOUR_MS;
      // Today's spend so far is in proportion to the hours gone, as a steady spender's is.
      const days = pattern(now, (_d, k) => (k === 0 ? Math.round(100 * hour) : 2400));
      expect(burnRate(days, now, LONG_AGO)).toBeCloseTo(100, 0);
    }
  });

  it('bursty: one day of 10× (or 1000×) counts as 3 normal days, whatever its size', () => {
    // At midnight today weighs nothing; 7 complete days weigh 7 (yesterday) … 1. The burst is 3 days ago (weight 5):
    // capped at 3 × the median (100/h) = 300/h, so the rate is (28 × 100 + 5 × 200) / 28.
    const expected = (28 * 100 + 5 * 200) / 28; // 135.714…
    for (const burst of [24_000, 2_400_000]) {
      const days = pattern(MONDAY, (_d, k) => (k === 3 ? burst : 2400));
      expect(burnRate(days, MONDAY, LONG_AGO)).toBeCloseTo(expected, 6);
    }
    // Without the cap the same week would read (28 × 100 + 5 × 900) / 28 = 260.7: nearly twice as fast.
    expect(expected).toBeLessThan((28 * 100 + 5 * 900) / 28 / 1.9);
  });

  it('weekly: weekdays 4,800, weekends nothing; recent days weigh more', () => {
    const weekdays = (d: Date) => (d.getUTCDay() === 0 || d.getUTCDay() === 6 ? 0 : 4800);
    // Monday 00:00: Sun (7), Sat (6) are empty; Fri … Mon weigh 5+4+3+2+1 = 15 at 200/h.
    expect(burnRate(pattern(MONDAY, weekdays), MONDAY, LONG_AGO)).toBeCloseTo((15 * 200) / 28, 6);
    // Saturday 00:00: Fri … Mon weigh 7+6+5+4+3 = 25; the weekend before weighs 2+1.
    const saturday = MONDAY + 5 * DAY_MS;
    expect(burnRate(pattern(saturday, weekdays), saturday, LONG_AGO)).toBeCloseTo((25 * 200) / 28, 6);
    // The weekend days with no usage do not pull the median (and so the cap) down to zero.
  });

  it('once a week: the median of the days with usage keeps the spike', () => {
    // 24,000 every Monday only; the next Monday at 00:00 that Monday is 7 days ago (weight 1).
    const days = pattern(MONDAY, (d) => (d.getUTCDay() === 1 ? 24_000 : 0));
    expect(burnRate(days, MONDAY, LONG_AGO)).toBeCloseTo((1 * 1000) / 28, 6);
  });

  it('a new client is not diluted by the days before it existed', () => {
    // Created at 02:00 today, 300 spent by 05:00: 100 an hour.
    const now = MONDAY + 5 * HOUR_MS;
    expect(burnRate([{ day: dayOf(now), spent: 300 }], now, MONDAY + 2 * HOUR_MS)).toBeCloseTo(100, 6);
    // Created a minute ago with a debit of 50: counted over at least an hour, not 3,000 an hour.
    expect(burnRate([{ day: dayOf(now), spent: 50 }], now, now - 60_000)).toBeCloseTo(50, 6);
  });

  it('no usage, or only usage older than the window, reads zero', () => {
    expect(burnRate([], MONDAY, LONG_AGO)).toBe(0);
    expect(burnRate([{ day: dayOf(MONDAY) - 9, spent: 5000 }], MONDAY, LONG_AGO)).toBe(0);
    expect(burnRate([{ day: dayOf(MONDAY) + 1, spent: 5000 }], MONDAY, LONG_AGO)).toBe(0);
  });
});

describe('crossing times', () => {
  it('divides the distance to a level by the rate', () => {
    // $600.00 available, $20.00 threshold, $1.00 an hour: below the threshold in 580 h, dry in 600 h.
    expect(crossingAt(60_000, 2_000, 100, MONDAY)).toBe(MONDAY + 580 * HOUR_MS);
    expect(runDryAt(60_000, 100, MONDAY)).toBe(MONDAY + 600 * HOUR_MS);
  });

  it('already below (strictly) or at zero is now; no rate is never', () => {
    expect(crossingAt(1_999, 2_000, 100, MONDAY)).toBe(MONDAY);
    expect(crossingAt(2_000, 2_000, 100, MONDAY)).toBe(MONDAY);
    expect(crossingAt(2_001, 2_000, 0, MONDAY)).toBeNull();
    expect(runDryAt(0, 100, MONDAY)).toBe(MONDAY);
    expect(runDryAt(-500, 100, MONDAY)).toBe(MONDAY);
    expect(runDryAt(60_000, 0, MONDAY)).toBe(RUN_DRY_NEVER);
    expect(runDryAt(-500, 0, MONDAY)).toBe(RUN_DRY_NEVER);
  });
});

describe('formatRunDry', () => {
  it.each([
    [null, '—'],
    [RUN_DRY_NEVER, '—'],
    [-5_000, 'now'],
    [0, 'now'],
    [40 * 60_000, 'in about 40 min'],
    [10_000, 'in about 10 s'],
    [6 * HOUR_MS + 10 * 60_000, 'in about 6 h'],
    [47 * HOUR_MS, 'in about 47 h'],
    [3 * DAY_MS + 2 * HOUR_MS, 'in 3 days'],
  ])('%s ms from now → %s', (offset, words) => {
    expect(formatRunDry(offset === null || offset === RUN_DRY_NEVER ? offset : MONDAY + offset, MONDAY)).toBe(words);
  });
});

describe('the days a balance row keeps (addUsage)', () => {
  it('adds to the day, keeps 7 days before today, and never keeps an older day', async () => {
    const { addUsage } = await import('../../../src/main/core/ledger/forecast');
    const today = dayOf(MONDAY);
    let days = addUsage([], MONDAY + HOUR_MS, 100, MONDAY + 2 * HOUR_MS);
    days = addUsage(days, MONDAY + 90 * 60_000, 50, MONDAY + 2 * HOUR_MS);
    expect(days).toEqual([today, 150]);
    days = addUsage(days, MONDAY - 7 * DAY_MS, 30, MONDAY + 2 * HOUR_MS);
    expect(days).toEqual([today, 150, today - 7, 30]);
    // Too old for the window: not kept.
    expect(addUsage(days, MONDAY - 8 * DAY_MS, 30, MONDAY + 2 * HOUR_MS)).toEqual(days);
    // A day later, the day 7 days back has left the window and is dropped at the next post.
    expect(addUsage(days, MONDAY + DAY_MS, 10, MONDAY + DAY_MS + HOUR_MS)).toEqual([today, 150, today + 1, 10]);
  });
});
