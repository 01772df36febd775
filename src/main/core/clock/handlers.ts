/**
 * clock.*: the test clock of a headless host started with --test-clock. Moving it runs the work that fell
 * due (rules, sweeps, jobs) before it answers, so a test sees what the time it set has brought.
 */
import { invalid } from '../../../shared/result';
import type { HandlerMap } from '../api/registry';
import { iso, type ManualClock } from './clock';

export function testClockHandlers(testClock: ManualClock, runDue: () => Promise<void>, moved: () => void): HandlerMap {
  const after = async () => {
    await runDue();
    moved();
    return { now: iso(testClock.now()) };
  };
  return {
    'clock.get': () => ({ now: iso(testClock.now()) }),
    'clock.set': (input) => {
      const ms = Date.parse(input.iso);
      if (ms < testClock.now())
        throw invalid(
          'iso',
          `iso must not be before the clock's time ${iso(testClock.now())}: the clock never goes backwards`,
        );
      testClock.set(ms);
      return after();
    },
    'clock.advance': (input) => {
      testClock.advance(input.ms);
      return after();
    },
  };
}
