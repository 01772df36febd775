/**
 * The low-balance setup of the benchmark: one profile for the bench reseller (USD), made through the
 * real `profiles.create` before any usage, so every client follows it as the reseller's default; and
 * counters of what the rules wrote (decisions, jobs, rule states), read before and after a step.
 */
import type Database from 'better-sqlite3';
import type { Core } from '../../src/main/core';
import type { Profile } from '../../src/shared/contracts';
import { must } from './measure';

const HOUR = 3_600_000;

/** Thresholds in cents; the figures and the README describe the data against these. */
export const BENCH_RULES = {
  staff: 5_000,
  client: 2_000,
  inactivity: 1_000,
  inactivityHours: 7 * 24,
  maxQty: 3,
  periodHours: 24,
} as const;
export const PERIOD_MS = BENCH_RULES.periodHours * HOUR;

/** "Standard USD": staff rule at $50.00, client rule at $20.00, inactivity rule at $10.00 after 7 days; Max Qty 3 per 24 h. */
export async function addBenchProfile(core: Core, resellerId: number): Promise<Profile> {
  const p = must<Profile>(
    'profiles.create',
    await core.call('profiles.create', {
      resellerId,
      name: 'Standard USD',
      currency: 'USD',
      maxQty: BENCH_RULES.maxQty,
      periodHours: BENCH_RULES.periodHours,
      staffRule: {
        enabled: true,
        threshold: BENCH_RULES.staff,
        notifyReseller: true,
        staffIds: [],
        emails: ['billing-desk@example.test'],
      },
      clientRule: { enabled: true, threshold: BENCH_RULES.client, notifyClient: true, emails: [] },
      inactivityRule: {
        enabled: true,
        threshold: BENCH_RULES.inactivity,
        notifyClient: true,
        inactivityHours: BENCH_RULES.inactivityHours,
        emails: [],
      },
    }),
  );
  if (!p.isDefault) throw new Error('the bench profile should be the reseller’s default for USD');
  return p;
}

/** What the rules have written so far. */
export interface RuleCounts {
  /** Notification-log rows: one per decision (sent or suppressed). */
  decisions: number;
  notified: number;
  suppressed: number;
  /** `notify` jobs (one per decision to send). */
  jobs: number;
  /** Rule states: (client, rule) pairs below a threshold. */
  ruleStates: number;
  /** Clients with at least one rule state (shown as below a threshold). */
  clientsBelow: number;
}

export function ruleCounts(sqlite: Database.Database): RuleCounts {
  const n = (sql: string) => sqlite.prepare(sql).pluck().get() as number;
  return {
    decisions: n('SELECT count(*) FROM notifications'),
    notified: n("SELECT count(*) FROM notifications WHERE status != 'suppressed'"),
    suppressed: n("SELECT count(*) FROM notifications WHERE status = 'suppressed'"),
    jobs: n("SELECT count(*) FROM jobs WHERE kind = 'notify'"),
    ruleStates: n('SELECT count(*) FROM rule_states'),
    clientsBelow: n('SELECT count(DISTINCT client_id) FROM rule_states'),
  };
}

/** after − before, field by field. */
export function countsSince(before: RuleCounts, after: RuleCounts): RuleCounts {
  const out = { ...after };
  for (const k of Object.keys(out) as (keyof RuleCounts)[]) out[k] = after[k] - before[k];
  return out;
}

/** Share (0..1) of the clients with ids in [from, to] whose available balance is below each threshold. */
export function belowShares(
  sqlite: Database.Database,
  from: number,
  to: number,
): { below50: number; below20: number; below10: number; overdrawn: number } {
  const r = sqlite
    .prepare(
      `SELECT count(*) AS n, sum(available < @staff) AS s, sum(available < @client) AS c, sum(available < @inactivity) AS i, sum(available < 0) AS o
       FROM balances WHERE client_id BETWEEN @from AND @to`,
    )
    .get({ staff: BENCH_RULES.staff, client: BENCH_RULES.client, inactivity: BENCH_RULES.inactivity, from, to }) as {
    n: number;
    s: number;
    c: number;
    i: number;
    o: number;
  };
  const share = (x: number | null) => (r.n ? (x ?? 0) / r.n : 0);
  return { below50: share(r.s), below20: share(r.c), below10: share(r.i), overdrawn: share(r.o) };
}
