/**
 * The scheduler: what runs without anyone posting. Each `runDue()` (a timer in the desktop app and the
 * headless host; the test clock's moves in tests) does three things in turn:
 *  1. rules whose next check time has come (a period over, an inactivity reached) are evaluated;
 *  2. a sweep of every client runs when it is due (its interval follows the smallest Period in use),
 *     in slices with the event loop free between them: a routine sweep looks only at clients that no
 *     rule state tracks yet; a full one, when asked for (a profile changed) and once a day, at all;
 *  3. due jobs are leased and run.
 * Its state (the last sweep, a requested sweep) is kept in SQLite, so a restart carries on.
 */
import { schedulerState } from './state';
import type Database from 'better-sqlite3';
import type { ChangeEvent, SchedulerStatus, SweepReport } from '../../../shared/contracts';
import { iso, isoOrNull, type Clock } from '../clock/clock';
import type { RuleEngine } from '../profiles/engine';
import type { JobQueue } from './jobs';

const MINUTE = 60_000;
/** A sweep slice aims at this long in one go, so the app stays responsive while it runs… */
const SLICE_TARGET_MS = 20;
/** …and stops at this long whatever is left of it (a run of clients that all need a decision). */
const SLICE_LIMIT_MS = 30;
const FIRST_SLICE = 250;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A client with a rule state is tracked: every evaluation decides all its rules together, its next check
 * time covers what time alone changes, and a change of profile asks for a full sweep. So a routine sweep
 * skips it; the full sweep, asked for or once a day, looks at every client again all the same.
 */
const FULL_SWEEP_EVERY_MS = 24 * 60 * MINUTE;

/** How often a sweep runs: a quarter of the smallest Period, between 5 minutes and an hour. */
export function sweepInterval(smallestPeriodMs: number | null): number {
  if (smallestPeriodMs === null) return 60 * MINUTE;
  return Math.min(60 * MINUTE, Math.max(5 * MINUTE, Math.floor(smallestPeriodMs / 4)));
}

export class Scheduler {
  private readonly s;
  private sweeping: Promise<SweepReport> | null = null;
  private stopped = false;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly rules: RuleEngine,
    readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly emit: (e: ChangeEvent) => void,
  ) {
    this.s = {
      ...schedulerState(sqlite),
      maxId: sqlite.prepare('SELECT max(id) FROM clients').pluck(),
      clients: sqlite.prepare('SELECT count(*) FROM clients').pluck(),
      watching: sqlite.prepare(
        'SELECT count(*) AS n, min(next_check_at) AS next FROM rule_states WHERE next_check_at IS NOT NULL',
      ),
    };
  }

  lastSweep(): SweepReport | null {
    const v = this.s.get.get('last_sweep') as string | undefined;
    // A report stored before sweeps were routine or full was a full one.
    return v ? { full: true, ...(JSON.parse(v) as Omit<SweepReport, 'full'>) } : null;
  }

  /** Asks for a full sweep at the next run (a profile changed); inside the caller's transaction. */
  requestSweep(): void {
    this.s.put.run('sweep_requested', JSON.stringify({ at: this.clock.now() }));
  }

  sweepEveryMs(): number {
    return sweepInterval(this.rules.smallestPeriodMs());
  }

  nextSweepAt(): number {
    const last = this.lastSweep();
    if (!last || this.s.get.get('sweep_requested')) return this.clock.now();
    return Date.parse(last.finishedAt) + this.sweepEveryMs();
  }

  /** The core is closing: a sweep or check in progress stops at its next slice (what committed stays). */
  stop(): void {
    this.stopped = true;
  }

  private get running(): boolean {
    return !this.stopped && this.sqlite.open;
  }

  /** A full sweep was asked for, or the last one is a day old (or there was none). */
  fullSweepDue(): boolean {
    if (this.s.get.get('sweep_requested')) return true;
    const last = this.s.get.get('last_full_sweep') as string | undefined;
    return !last || this.clock.now() >= Number(last) + FULL_SWEEP_EVERY_MS;
  }

  async runDue(): Promise<void> {
    if (!this.running) return;
    await this.checkDue();
    if (!this.running) return;
    if (this.clock.now() >= this.nextSweepAt()) await this.sweep({ full: this.fullSweepDue() });
    if (!this.running) return;
    const ran = await this.jobs.runDue(() => this.clock.now());
    if (ran) this.emit({ topic: 'scheduler' });
  }

  /** Evaluates the rules whose next check time has come, a batch per transaction. */
  async checkDue(): Promise<number> {
    let decisions = 0;
    const seen = new Set<number>();
    while (this.running) {
      const now = this.clock.now();
      const ids = this.rules.dueClients(now, 500).filter((id) => !seen.has(id));
      if (!ids.length) break;
      // One transaction per batch, cut short at the slice limit: a run of due notifications (each a log
      // row and a job) must not hold the process long either.
      const deadline = performance.now() + SLICE_LIMIT_MS;
      this.sqlite
        .transaction(() => {
          for (const id of ids) {
            seen.add(id);
            decisions += this.rules.evaluateClient(id, now, 'check');
            if (performance.now() > deadline) break;
          }
        })
        .immediate();
      this.announce();
      await yieldToEventLoop();
    }
    return decisions;
  }

  /** A sweep over every client (full unless told otherwise); a second call while one runs waits for it. */
  sweep(opts: { full?: boolean } = {}): Promise<SweepReport> {
    this.sweeping ??= this.sweepAll(opts.full ?? true).finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async sweepAll(full: boolean): Promise<SweepReport> {
    const startedAt = this.clock.now();
    const t0 = performance.now();
    if (full) this.s.del.run('sweep_requested');
    const maxId = (this.s.maxId.get() as number | null) ?? 0;
    const clients = this.s.clients.get() as number;
    const ceiling = this.rules.ceiling();
    let size = FIRST_SLICE;
    let longest = 0;
    let slices = 0;
    let candidates = 0;
    let decisions = 0;
    for (let from = 1; from <= maxId && this.running;) {
      const to = Math.min(from + size - 1, maxId);
      const s0 = performance.now();
      const r = this.sqlite
        .transaction(() => this.rules.sweepSlice(from, to, ceiling, this.clock.now(), s0 + SLICE_LIMIT_MS, full))
        .immediate();
      const ms = performance.now() - s0;
      longest = Math.max(longest, ms);
      slices++;
      candidates += r.candidates;
      decisions += r.decisions;
      this.announce();
      // The next slice is sized from the part of this one that was done, so each stays near the target.
      const done = r.last - from + 1;
      size = Math.min(200_000, Math.max(100, Math.round((done * SLICE_TARGET_MS) / Math.max(ms, 0.5))));
      from = r.last + 1;
      await yieldToEventLoop();
    }
    const report: SweepReport = {
      full,
      startedAt: iso(startedAt),
      finishedAt: iso(this.clock.now()),
      durationMs: Math.round(performance.now() - t0),
      longestSliceMs: Math.round(longest * 10) / 10,
      slices,
      clients,
      candidates,
      decisions,
    };
    if (!this.running) return report;
    this.s.put.run('last_sweep', JSON.stringify(report));
    if (full) this.s.put.run('last_full_sweep', String(startedAt));
    this.emit({ topic: 'scheduler' });
    return report;
  }

  private announce(): void {
    const touched = this.rules.drainTouched();
    if (touched.length) this.emit({ topic: 'notifications', clientIds: touched.length <= 200 ? touched : undefined });
  }

  status(): SchedulerStatus {
    const w = this.s.watching.get() as { n: number; next: number | null };
    const period = this.rules.smallestPeriodMs();
    return {
      lastSweep: this.lastSweep(),
      sweeping: this.sweeping !== null,
      nextSweepAt: iso(this.nextSweepAt()),
      sweepEveryMs: this.sweepEveryMs(),
      smallestPeriodHours: period === null ? null : Math.round(period / 3_600_000),
      watching: w.n,
      nextCheckAt: isoOrNull(w.next),
      jobs: this.jobs.counts(),
    };
  }
}
