/**
 * The demo's clock. The demo ledger's history lies weeks in the past, yet its automatic top-ups are made by
 * the core's own charge flow (attempts, charge jobs, cooldowns, receipts), which reads the core's clock. So a
 * demo core runs on this clock: the host's clock, except while the Stripe side's history is made
 * (demo-stripe.ts), when it is held at that history's moments, stepping forward through them, and then hands
 * over to the host's clock for good. The history is made before the host runs any due work of its own.
 */
import type { Clock } from '../clock/clock';

export class DemoClock implements Clock {
  private held: number | null = null;
  private released = false;

  constructor(private readonly base: Clock) {}

  now(): number {
    return this.held ?? this.base.now();
  }

  /**
   * Holds the clock at `ms`, a moment of the history: never before an earlier one (the flow's jobs and
   * cooldowns count on time moving forward), never after the host's time (so the hand-over does not go
   * back), and only until release().
   */
  hold(ms: number): void {
    if (this.released) throw new Error('the demo clock has handed over to the host clock');
    if (this.held !== null && ms < this.held) throw new Error('the demo clock never goes backwards within the history');
    if (ms > this.base.now())
      throw new Error('the demo history lies in the past: it cannot be held after the host clock');
    this.held = ms;
  }

  /** True while the clock is held at a moment of the history. */
  get holding(): boolean {
    return this.held !== null;
  }

  /** The history is made: from now on this is the host's clock. */
  release(): void {
    this.held = null;
    this.released = true;
  }
}
