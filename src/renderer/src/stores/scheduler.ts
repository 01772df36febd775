/**
 * The scheduler as the header shows it: the last sweep, the next one, rules waiting for a check and the
 * job queue; a sweep asked for by hand; and the core's clock, so "3 min ago" is measured against the time
 * the core keeps (the end-to-end host may run a test clock that moves only when told to).
 */
import { useEffect, useState } from 'react';
import { create } from 'zustand';
import type { SchedulerStatus, SweepReport } from '../../../shared/contracts';
import { api } from '../api/client';
import { messageOf } from '../api/errors';

/** The core's time when last read, and the local time of that read. */
export interface CoreClock {
  at: number;
  readAt: number;
  /** A test clock stands still between moves: its time is `at`, whatever the local clock does. */
  test: boolean;
}

interface SchedulerState {
  status: SchedulerStatus | null;
  clock: CoreClock | null;
  /** Set when the status cannot be read. */
  error: string | null;
  /** A sweep asked for here is running. */
  sweepRunning: boolean;
  /** The report of the last sweep asked for here. */
  report: SweepReport | null;
  sweepError: string | null;
  load(): Promise<void>;
  /** Reads the core's clock only (a screen that shows relative times after a change). */
  syncClock(): Promise<void>;
  sweep(): Promise<void>;
}

export const useScheduler = create<SchedulerState>((set, get) => {
  // Reads overlap (a timer, a burst of events): only the newest one started is applied.
  let started = 0;

  async function readClock(): Promise<CoreClock | null> {
    try {
      const info = await api().call('app.info', {});
      const at = Date.parse(info.now);
      return Number.isNaN(at) ? null : { at, readAt: Date.now(), test: info.testClock };
    } catch {
      return null;
    }
  }

  return {
    status: null,
    clock: null,
    error: null,
    sweepRunning: false,
    report: null,
    sweepError: null,
    async load() {
      const mine = ++started;
      const [status, clock] = await Promise.all([
        api()
          .call('scheduler.status', {})
          .then((value) => ({ value, error: null }))
          .catch((e: unknown) => ({ value: null, error: messageOf(e) })),
        readClock(),
      ]);
      if (mine !== started) return;
      set({
        ...(status.value ? { status: status.value } : {}),
        error: status.error,
        ...(clock ? { clock } : {}),
      });
    },
    async syncClock() {
      const clock = await readClock();
      if (clock) set({ clock });
    },
    async sweep() {
      if (get().sweepRunning) return;
      set({ sweepRunning: true, sweepError: null, report: null });
      // The status says "sweeping" as soon as the core has started.
      const poll = setTimeout(() => void get().load(), 150);
      try {
        const report = await api().call('scheduler.sweep', {});
        set({ report, sweepRunning: false });
      } catch (e) {
        set({ sweepError: messageOf(e), sweepRunning: false });
      } finally {
        clearTimeout(poll);
      }
      await get().load();
    },
  };
});

/** The core's time now, from a clock read earlier (the local clock when none was read). */
export function coreNow(clock: CoreClock | null): number {
  if (!clock) return Date.now();
  return clock.test ? clock.at : clock.at + (Date.now() - clock.readAt);
}

/** The core's time, re-rendering at least every `everyMs` so relative times keep moving. */
export function useCoreNow(everyMs = 30_000): number {
  const clock = useScheduler((s) => s.clock);
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return coreNow(clock);
}
