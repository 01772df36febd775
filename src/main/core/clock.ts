/** Time is a dependency: core logic asks a Clock, never Date.now(), so tests and the test host control it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to (tests, `--test-clock`). It never goes backwards. */
export class ManualClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  set(ms: number): void {
    if (ms < this.t) throw new Error('the clock never goes backwards');
    this.t = ms;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null | undefined) => (ms == null ? null : iso(ms));
