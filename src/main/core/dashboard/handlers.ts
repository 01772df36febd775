/**
 * The dashboard's channels. dashboard.get counts each figure by the same condition as the filtered list
 * its tile links to (the clients below a threshold, the charges awaiting Retry, the day's notifications …);
 * dashboard.chart adds up the last 30 days (daily.ts).
 */
import type { HandlerMap } from '../api/registry';
import { iso } from '../clock/clock';
import { awaitingRetryCount } from '../charges/retry';
import { automaticTopUpsSince } from '../charges/store';
import { coolingCounts } from '../methods/cooldown';
import { dailyTotals, DAY_MS } from './daily';
import { DRY_WITHIN_MS } from './dry';

/** The chart's days: today and the 29 before it. */
export const CHART_DAYS = 30;

export const dashboardHandlers: HandlerMap = {
  'dashboard.get': (_input, ctx) => {
    const sqlite = ctx.db.$client;
    const now = ctx.clock.now();
    const daily = dailyTotals(sqlite, now, CHART_DAYS);
    const today = daily.days[daily.days.length - 1];
    const last = daily.days.length - 1;
    const topUpsToday = daily.currencies
      .filter((c) => c.topUpCount[last] > 0)
      .map((c) => ({ currency: c.currency, count: c.topUpCount[last], amount: c.topUps[last] }));
    const automaticTopUpsToday = automaticTopUpsSince(sqlite, today);
    const cooling = coolingCounts(sqlite, now);
    const mail = Object.fromEntries(
      sqlite
        .prepare(
          "SELECT status, count(*) FROM notifications WHERE status IN ('sent', 'failed') AND decided_at >= ? AND decided_at < ? GROUP BY status",
        )
        .raw()
        .all(today, today + DAY_MS) as [string, number][],
    );
    return {
      now: iso(now),
      today: { day: iso(today).slice(0, 10), from: iso(today), to: iso(today + DAY_MS) },
      // A rule state row exists exactly while a client is below that rule's threshold (ids are client × 4 + rule).
      belowThreshold: sqlite.prepare('SELECT count(DISTINCT client_id) FROM rule_states').pluck().get() as number,
      runDrySoon: sqlite
        .prepare('SELECT count(*) FROM balances WHERE run_dry_at <= ?')
        .pluck()
        .get(now + DRY_WITHIN_MS) as number,
      topUpsToday,
      automaticTopUpsToday,
      awaitingRetry: awaitingRetryCount(sqlite),
      methodsCooling: cooling.methods,
      clientsCooling: cooling.clients,
      notificationsToday: { sent: mail.sent ?? 0, failed: mail.failed ?? 0 },
      scheduler: ctx.scheduler.status(),
    };
  },

  'dashboard.chart': (_input, ctx) => {
    const sqlite = ctx.db.$client;
    const daily = dailyTotals(sqlite, ctx.clock.now(), CHART_DAYS);
    return { days: daily.days.map((d) => iso(d).slice(0, 10)), currencies: daily.currencies };
  },
};
