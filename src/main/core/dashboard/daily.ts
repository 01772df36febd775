/**
 * The dashboard's days: per currency, the total balance of every client at the end of each of the last
 * N days and the top-ups recorded on each, from daily_totals (which the ledger writes with every entry).
 *
 * Days are UTC days of `recorded_at` (when Balance Desk recorded an entry), not of `at` (when the usage
 * happened): a day that has ended never changes again, because the ledger is append-only and records an
 * entry at the clock's time. The total balance per currency is the sum of every day's net (the balances
 * equal the sum of the entries); the balance at the end of day D is that total less what was recorded
 * after D. A few hundred rows, whatever the size of the ledger.
 */
import type Database from 'better-sqlite3';
import { DAY_MS, dayOf } from '../../../shared/forecast';

export { DAY_MS };

export interface Daily {
  days: number[];
  currencies: { currency: string; balance: number[]; topUps: number[]; topUpCount: number[] }[];
}

/** The last `count` UTC days up to the one holding `now`, per currency with anything recorded. */
export function dailyTotals(sqlite: Database.Database, now: number, count: number): Daily {
  const today = dayOf(now) * DAY_MS;
  const since = today - (count - 1) * DAY_MS;
  const days: number[] = [];
  for (let d = since; d <= today; d += DAY_MS) days.push(d);
  const rows = sqlite
    .prepare('SELECT day, currency, net, top_ups, top_up_count FROM daily_totals ORDER BY currency, day')
    .raw()
    .all() as [number, string, number, number, number][];
  const byCurrency = new Map<string, { total: number; net: number[]; topUps: number[]; topUpCount: number[] }>();
  for (const [day, currency, net, topUps, topUpCount] of rows) {
    let c = byCurrency.get(currency);
    if (!c)
      byCurrency.set(
        currency,
        (c = { total: 0, net: days.map(() => 0), topUps: days.map(() => 0), topUpCount: days.map(() => 0) }),
      );
    c.total += net;
    const i = (day - since) / DAY_MS;
    if (i < 0 || i >= days.length) continue;
    c.net[i] += net;
    c.topUps[i] += topUps;
    c.topUpCount[i] += topUpCount;
  }
  const currencies = [...byCurrency].map(([currency, c]) => {
    // Backwards from now: the balance at the end of a day is the next day's end less what that day recorded.
    const balance = new Array<number>(days.length);
    let after = c.total;
    for (let i = days.length - 1; i >= 0; i--) {
      balance[i] = after;
      after -= c.net[i];
    }
    return { currency, balance, topUps: c.topUps, topUpCount: c.topUpCount };
  });
  return { days, currencies };
}
