/**
 * The core's clock, so "3 min ago" is measured against the time the core keeps (the end-to-end host may run
 * a test clock that moves only when told to, and the demo runs a clock of its own): app.info's `now`, and
 * the local time it arrived.
 */
import { useEffect, useState } from 'react';
import { useChannel } from './useChannel';

/** The core's time when last read, and the local time of that read. */
export interface CoreClock {
  at: number;
  readAt: number;
  /** A test clock stands still between moves: its time is `at`, whatever the local clock does. */
  test: boolean;
}

/** The core's time now, from a clock read earlier (the local clock when none was read). */
export function coreNow(clock: CoreClock | null): number {
  if (!clock) return Date.now();
  return clock.test ? clock.at : clock.at + (Date.now() - clock.readAt);
}

/** The core's clock as last read (app.info, again on every 'clock' change). */
export function useCoreClock(): CoreClock | null {
  // The header reads app.info all the time: a screen that shows times need not read it again.
  const { data, at } = useChannel('app.info', {}, { fresh: Infinity });
  const now = data ? Date.parse(data.now) : NaN;
  return Number.isNaN(now) ? null : { at: now, readAt: at, test: data!.testClock };
}

/** The core's time, re-rendering at least every `everyMs` so relative times keep moving. */
export function useCoreNow(everyMs = 30_000): number {
  const clock = useCoreClock();
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return coreNow(clock);
}
