/** The demo clock (src/main/core/demo-clock.ts): held at the history's moments, forward only, then the host's for good. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/main/core/clock/clock';
import { DemoClock } from '../../../src/main/core/demo/clock';

describe('DemoClock', () => {
  it("reads the host's clock until held, steps forward through the past, and hands over for good", () => {
    const host = new ManualClock(1_000_000);
    const clock = new DemoClock(host);
    expect(clock.now()).toBe(1_000_000);
    expect(clock.holding).toBe(false);
    clock.hold(100);
    host.advance(5);
    expect(clock.now()).toBe(100);
    expect(clock.holding).toBe(true);
    clock.hold(100); // the same moment again: two entries at one time
    clock.hold(400);
    expect(() => clock.hold(399)).toThrow(/never goes backwards/);
    expect(() => clock.hold(host.now() + 1)).toThrow(/lies in the past/);
    clock.hold(host.now());
    clock.release();
    expect(clock.now()).toBe(1_000_005);
    host.advance(10);
    expect(clock.now()).toBe(1_000_015);
    expect(() => clock.hold(500)).toThrow(/handed over/);
  });
});
