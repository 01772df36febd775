/**
 * 4. The scheduler over the big client table, called as its timer calls it (`core.scheduler`):
 *  - the first full sweep: clients given balances by direct SQL have never been evaluated, so those
 *    below a threshold get their first decisions (notification rows and `notify` jobs);
 *  - steady-state full sweeps right after (same clock: nothing new to decide), the ones with the targets;
 *  - routine sweeps, as the timer runs them between full ones (only clients no rule state tracks yet);
 *  - `checkDue()` once the clock has moved on by the Period: the repeat notifications fall due.
 * Each runs under a stall monitor: the longest stretch the event loop was held, slices and the work
 * between them included (the sweep's own `longestSliceMs` times only the slice transactions).
 */
import type { Core } from '../../src/main/core';
import type { ManualClock } from '../../src/main/core/clock/clock';
import type { SweepReport } from '../../src/shared/contracts';
import { percentile, withStallMonitor } from '../lib/measure';
import { countsSince, ruleCounts, type RuleCounts } from '../lib/rules';

export interface SweepRun {
  report: SweepReport;
  longestStallMs: number;
  wrote: RuleCounts;
}

export interface SweepResult {
  first: SweepRun;
  steady: SweepRun[];
  /** The steady sweeps' median durationMs and their worst longestSliceMs / stall. */
  steadyMedianMs: number;
  steadyLongestSliceMs: number;
  steadyLongestStallMs: number;
  routine: SweepRun[];
  routineMedianMs: number;
  check: { ms: number; longestStallMs: number; due: number; dueClients: number; decisions: number; wrote: RuleCounts };
}

export async function schedulerSweeps(
  core: Core,
  clock: ManualClock,
  opts: { steadyRuns: number; periodMs: number },
): Promise<SweepResult> {
  const sqlite = core.db.$client;
  const sweepOnce = async (full = true): Promise<SweepRun> => {
    const before = ruleCounts(sqlite);
    const r = await withStallMonitor(() => core.scheduler.sweep({ full }));
    return { report: r.value, longestStallMs: r.longestStallMs, wrote: countsSince(before, ruleCounts(sqlite)) };
  };

  const first = await sweepOnce();
  const steady: SweepRun[] = [];
  for (let i = 0; i < opts.steadyRuns; i++) steady.push(await sweepOnce());
  const routine: SweepRun[] = [];
  for (let i = 0; i < opts.steadyRuns; i++) routine.push(await sweepOnce(false));

  // A Period later: the rules that notified are due for their next look (and inactivity reached).
  clock.advance(opts.periodMs);
  const dueQ = sqlite.prepare(
    'SELECT count(*) AS due, count(DISTINCT client_id) AS clients FROM rule_states WHERE next_check_at <= ?',
  );
  const { due, clients } = dueQ.get(clock.now()) as { due: number; clients: number };
  const before = ruleCounts(sqlite);
  const check = await withStallMonitor(() => core.scheduler.checkDue());
  return {
    first,
    steady,
    steadyMedianMs: percentile(
      steady.map((s) => s.report.durationMs),
      50,
    ),
    steadyLongestSliceMs: Math.max(...steady.map((s) => s.report.longestSliceMs)),
    steadyLongestStallMs: Math.max(...steady.map((s) => s.longestStallMs)),
    routine,
    routineMedianMs: percentile(
      routine.map((s) => s.report.durationMs),
      50,
    ),
    check: {
      ms: check.ms,
      longestStallMs: check.longestStallMs,
      due,
      dueClients: clients,
      decisions: check.value,
      wrote: countsSince(before, ruleCounts(sqlite)),
    },
  };
}
