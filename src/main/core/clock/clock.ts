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

const DAY_MS = 86_400_000;
let dayKey = NaN;
let dayText = '';
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * ISO 8601 in UTC with milliseconds, as Date#toISOString writes it. The date part is kept from the last
 * call: lists and exports format long runs of times from the same day, and a Date per call showed up as a
 * sixth of an export's time.
 */
export function iso(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > 253_402_300_799_999) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== dayKey) {
    dayKey = day;
    dayText = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let rest = ms - day * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  return `${dayText}${pad2(hour)}:${pad2(min)}:${pad2(sec)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}
export const isoOrNull = (ms: number | null | undefined) => (ms == null ? null : iso(ms));
