/**
 * 4b. Auto-recharge at size: clients on automatic top-up ($50 trigger, $200 recharge) by direct SQL, and
 * every one of them already below the trigger given a failed attempt (no payment method), as after a
 * charge that failed — the steady state in which the periodic recharge check must look at them and start
 * nothing. Then the check (its time and the longest stretch it held the event loop, as for the sweep),
 * and ledger.post for clients on automatic top-up: the charge flow reads the settings in every post, and a
 * post that crosses the trigger writes an attempt and its job in the same transaction.
 */
import type { Core } from '../../src/main/core';
import type { ManualClock } from '../../src/main/core/clock/clock';
import { CHECK_EVERY_MS } from '../../src/main/core/charges/flow';
import { percentile, withStallMonitor } from '../lib/measure';
import { interactivePost } from './post';

const TRIGGER = 5_000;
const RECHARGE = 20_000;

export async function rechargeAtSize(
  core: Core,
  clock: ManualClock,
  opts: { clientIds: readonly number[]; clients: number; checks: number; calls: number; warmup: number; seed: number },
) {
  const sqlite = core.db.$client;
  const chosen = opts.clientIds.slice(0, opts.clients);
  const at = clock.now();
  let below = 0;
  sqlite.transaction(() => {
    const settings = sqlite.prepare(
      `INSERT INTO recharge_settings (client_id, mode, enabled, alert_threshold, trigger_threshold, recharge_amount, daily_cap, updated_at, updated_by)
       VALUES (?, 'auto', 1, NULL, ?, ?, NULL, ?, 'bench') ON CONFLICT (client_id) DO NOTHING`,
    );
    const failed = sqlite.prepare(
      `INSERT INTO charge_attempts (client_id, amount, currency, origin, status, reason, created_at, updated_at, actor)
       SELECT id, ?, currency, 'auto', 'failed', 'Failed: no payment method can be charged.', ?, ?, 'auto-recharge' FROM clients WHERE id = ?`,
    );
    const available = sqlite.prepare('SELECT available FROM balances WHERE client_id = ?').pluck();
    for (const id of chosen) {
      settings.run(id, TRIGGER, RECHARGE, at);
      if ((available.get(id) as number) < TRIGGER) {
        failed.run(RECHARGE, at - 3_600_000, at - 3_600_000, id);
        below++;
      }
    }
  })();

  const checks: { ms: number; longestStallMs: number; started: number }[] = [];
  for (let i = 0; i < opts.checks; i++) {
    clock.advance(CHECK_EVERY_MS);
    const r = await withStallMonitor(() => core.charges.checkDue());
    checks.push({ ms: r.ms, longestStallMs: r.longestStallMs, started: r.value });
  }
  const attemptsBefore = sqlite.prepare('SELECT count(*) FROM charge_attempts').pluck().get() as number;
  const post = await interactivePost(core, {
    clientIds: chosen,
    calls: opts.calls,
    warmup: opts.warmup,
    seed: opts.seed + 5,
    prefix: 'auto-post',
  });
  const attempts = (sqlite.prepare('SELECT count(*) FROM charge_attempts').pluck().get() as number) - attemptsBefore;
  return {
    clients: chosen.length,
    below,
    checkMedianMs: percentile(
      checks.map((c) => c.ms),
      50,
    ),
    checkLongestStallMs: Math.max(...checks.map((c) => c.longestStallMs)),
    started: checks.reduce((s, c) => s + c.started, 0),
    checks,
    post,
    attempts,
  };
}
