/**
 * The rule decision on its own (src/main/core/profiles/decide.ts), without a database: "below" (strictly
 * under the threshold; the forecast rule's horizon), the first notice, the Period between notices and its one
 * "period not elapsed" record a window, Max Qty and its one "quota" record, the reset at or above the
 * threshold, a disabled rule, and the inactivity clock; then, as properties over generated sequences of
 * balances, times and causes, what holds for every input (never more than Max Qty notices an episode, never
 * two inside one Period, a check never records "period", decide never changes what it is given).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, inactiveFrom, isBelow, sameState, type Cause, type Decision, type EffectiveRule, type Facts, type Outcome, type Policy, type RuleState } from '../../../src/main/core/profiles/decide';
import { DAY_MS, HOUR_MS, RUN_DRY_NEVER } from '../../../src/shared/forecast';

/** 2026-11-01 09:00 UTC. */
const T0 = Date.UTC(2026, 10, 1, 9);
const CREATED = T0 - 90 * DAY_MS;
const THRESHOLD = 1000;
const policy: Policy = { maxQty: 3, periodMs: DAY_MS };

const rule = (over: Partial<EffectiveRule> = {}): EffectiveRule => ({ kind: 'client', enabled: true, threshold: THRESHOLD, inactivityMs: null, horizonMs: null, ...over });
const facts = (available: number, over: Partial<Facts> = {}): Facts => ({ available, lastDebitAt: null, createdAt: CREATED, runDryAt: RUN_DRY_NEVER, ...over });
const forecastRule = (horizonMs: number | null = 6 * HOUR_MS) => rule({ kind: 'forecast', threshold: 0, horizonMs });
const inactivityRule = (inactivityMs: number | null = 7 * DAY_MS) => rule({ kind: 'inactivity', inactivityMs });
const NOTHING: Outcome = { state: null, decision: null };

/** The state after one notice at `at` (n notices so far in the episode, which began at `since`). */
const afterNotice = (at: number, n = 1, since = at): RuleState => ({ sent: n, since, lastSentAt: at, lastSuppressedAt: null, lastSuppressedReason: null, nextCheckAt: at + policy.periodMs });

describe('below means strictly below the threshold', () => {
  it('a balance exactly at the threshold is not low; one minor unit under it is', () => {
    expect(isBelow(rule(), facts(THRESHOLD), T0)).toBe(false);
    expect(isBelow(rule(), facts(THRESHOLD + 1), T0)).toBe(false);
    expect(isBelow(rule(), facts(THRESHOLD - 1), T0)).toBe(true);
    expect(isBelow(rule(), facts(-50_000), T0)).toBe(true);
    expect(decide(rule(), facts(THRESHOLD), policy, null, T0, 'balance')).toEqual(NOTHING);
    expect(decide(rule(), facts(THRESHOLD - 1), policy, null, T0, 'balance').decision).toEqual({ type: 'notify', seq: 1 });
    // A threshold of zero: an empty balance is not low, an overdrawn one is.
    expect(decide(rule({ threshold: 0 }), facts(0), policy, null, T0, 'balance')).toEqual(NOTHING);
    expect(decide(rule({ threshold: 0 }), facts(-1), policy, null, T0, 'balance').decision).toEqual({ type: 'notify', seq: 1 });
  });

  it('holds for every threshold and balance', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom<EffectiveRule['kind']>('staff', 'client'), (threshold, available, kind) => {
        const r = rule({ kind, threshold });
        expect(isBelow(r, facts(available), T0)).toBe(available < threshold);
        expect(decide(r, facts(available), policy, null, T0, 'balance').state === null).toBe(available >= threshold);
      }),
    );
  });

  it('the forecast rule: run dry within its horizon (the horizon\'s end included), whatever the balance', () => {
    const r = forecastRule(6 * HOUR_MS);
    expect(isBelow(r, facts(0, { runDryAt: T0 + 6 * HOUR_MS }), T0)).toBe(true);
    expect(isBelow(r, facts(0, { runDryAt: T0 + 6 * HOUR_MS + 1 }), T0)).toBe(false);
    // Already dry (a forecast in the past) is within any horizon.
    expect(isBelow(r, facts(0, { runDryAt: T0 - HOUR_MS }), T0)).toBe(true);
    // No usage: never runs dry, however empty.
    expect(isBelow(r, facts(-10_000), T0)).toBe(false);
    // The threshold plays no part: far above it, but running dry in an hour.
    expect(decide(r, facts(1_000_000, { runDryAt: T0 + HOUR_MS }), policy, null, T0, 'balance').decision).toEqual({ type: 'notify', seq: 1 });
    expect(decide(r, facts(-10_000, { runDryAt: T0 + 7 * HOUR_MS }), policy, null, T0, 'balance')).toEqual(NOTHING);
    // A forecast rule with no horizon is never below.
    expect(isBelow(forecastRule(null), facts(0, { runDryAt: T0 - HOUR_MS }), T0)).toBe(false);
    expect(decide(forecastRule(null), facts(0, { runDryAt: T0 }), policy, null, T0, 'check')).toEqual(NOTHING);
  });
});

describe('the first notice', () => {
  it('is notification 1, starts the episode and looks again when the Period is over', () => {
    expect(decide(rule(), facts(999), policy, null, T0, 'balance')).toEqual({ state: afterNotice(T0), decision: { type: 'notify', seq: 1 } });
  });

  it('goes out on a check too (the sweep finding a client already below, a threshold raised)', () => {
    for (const kind of ['staff', 'client'] as const) {
      expect(decide(rule({ kind }), facts(0), policy, null, T0, 'check'), kind).toEqual({ state: afterNotice(T0), decision: { type: 'notify', seq: 1 } });
    }
  });
});

describe('the Period between notices', () => {
  const sent = afterNotice(T0);

  it('a debit inside it is recorded once as "period not elapsed", with the notice it follows', () => {
    const first = decide(rule(), facts(900), policy, sent, T0 + HOUR_MS, 'balance');
    expect(first).toEqual({
      state: { ...sent, lastSuppressedAt: T0 + HOUR_MS, lastSuppressedReason: 'period', nextCheckAt: T0 + DAY_MS },
      decision: { type: 'suppress', reason: 'period', seq: 1 },
    });
    // More debits in the same window: nothing more to record, nothing changes.
    for (const at of [T0 + HOUR_MS, T0 + 2 * HOUR_MS, T0 + DAY_MS - 1]) {
      const again = decide(rule(), facts(800), policy, first.state, at, 'balance');
      expect(again.decision).toBeNull();
      expect(sameState(again.state, first.state)).toBe(true);
    }
  });

  it('a check inside it records nothing and keeps the next check at the end of the Period', () => {
    for (const at of [T0, T0 + 1, T0 + DAY_MS - 1]) {
      expect(decide(rule(), facts(900), policy, sent, at, 'check')).toEqual({ state: sent, decision: null });
    }
  });

  it('ends exactly one Period after the notice: the next is notification 2', () => {
    expect(decide(rule(), facts(900), policy, sent, T0 + DAY_MS - 1, 'check').decision).toBeNull();
    expect(decide(rule(), facts(900), policy, sent, T0 + DAY_MS, 'check')).toEqual({ state: afterNotice(T0 + DAY_MS, 2, T0), decision: { type: 'notify', seq: 2 } });
    // A debit that arrives first at the end of the Period sends it just the same.
    expect(decide(rule(), facts(900), policy, sent, T0 + DAY_MS, 'balance').decision).toEqual({ type: 'notify', seq: 2 });
  });

  it('a new window after the next notice gets its own "period not elapsed" record', () => {
    const window1 = decide(rule(), facts(900), policy, sent, T0 + HOUR_MS, 'balance').state!;
    const second = decide(rule(), facts(900), policy, window1, T0 + DAY_MS, 'check');
    expect(second.decision).toEqual({ type: 'notify', seq: 2 });
    const window2 = decide(rule(), facts(800), policy, second.state, T0 + DAY_MS + HOUR_MS, 'balance');
    expect(window2.decision).toEqual({ type: 'suppress', reason: 'period', seq: 2 });
    expect(window2.state).toMatchObject({ lastSuppressedAt: T0 + DAY_MS + HOUR_MS, nextCheckAt: T0 + 2 * DAY_MS });
  });
});

describe('Max Qty', () => {
  /** The scheduler's view: a client that stays below, looked at only at each next check time. */
  function checks(p: Policy, r = rule(), f = facts(0)) {
    const out: { at: number; decision: Decision | null; state: RuleState | null }[] = [];
    let state: RuleState | null = null;
    let at: number | null = T0;
    while (at !== null && out.length < p.maxQty + 5) {
      const o = decide(r, f, p, state, at, 'check');
      out.push({ at, ...o });
      state = o.state;
      at = o.state?.nextCheckAt ?? null;
    }
    return out;
  }

  it('sends Max Qty notices a Period apart, records the quota once, then stops looking', () => {
    const story = checks(policy);
    expect(story.map((s) => [s.at - T0, s.decision])).toEqual([
      [0, { type: 'notify', seq: 1 }],
      [DAY_MS, { type: 'notify', seq: 2 }],
      [2 * DAY_MS, { type: 'notify', seq: 3 }],
      [3 * DAY_MS, { type: 'suppress', reason: 'quota', seq: 3 }],
    ]);
    const exhausted = story.at(-1)!.state!;
    expect(exhausted).toEqual({ sent: 3, since: T0, lastSentAt: T0 + 2 * DAY_MS, lastSuppressedAt: T0 + 3 * DAY_MS, lastSuppressedReason: 'quota', nextCheckAt: null });
    // Nothing more, by debit or by check, however long it stays below.
    for (const [at, cause] of [[T0 + 3 * DAY_MS, 'balance'], [T0 + 30 * DAY_MS, 'check'], [T0 + 365 * DAY_MS, 'balance']] as const) {
      const o = decide(rule(), facts(-5000), policy, exhausted, at, cause);
      expect(o.decision, `${cause} at +${(at - T0) / DAY_MS} d`).toBeNull();
      expect(sameState(o.state, exhausted)).toBe(true);
    }
  });

  it('Max Qty 1: one notice, then the quota', () => {
    expect(checks({ maxQty: 1, periodMs: HOUR_MS }).map((s) => s.decision)).toEqual([
      { type: 'notify', seq: 1 },
      { type: 'suppress', reason: 'quota', seq: 1 },
    ]);
  });

  it('a debit inside the last Period is "period not elapsed"; the quota is recorded when that Period is over', () => {
    const third = afterNotice(T0 + 2 * DAY_MS, 3, T0);
    const inside = decide(rule(), facts(500), policy, third, T0 + 2 * DAY_MS + HOUR_MS, 'balance');
    expect(inside.decision).toEqual({ type: 'suppress', reason: 'period', seq: 3 });
    const over = decide(rule(), facts(500), policy, inside.state, T0 + 3 * DAY_MS, 'check');
    expect(over.decision).toEqual({ type: 'suppress', reason: 'quota', seq: 3 });
    expect(over.state).toMatchObject({ lastSuppressedReason: 'quota', nextCheckAt: null });
  });

  it('a Max Qty lowered below what was sent: the quota at the next look, with the count sent', () => {
    const o = decide(rule(), facts(0), { ...policy, maxQty: 2 }, afterNotice(T0, 3), T0 + DAY_MS, 'check');
    expect(o.decision).toEqual({ type: 'suppress', reason: 'quota', seq: 3 });
  });

  it('a Max Qty raised after the quota: the notices go on to the new Max Qty', () => {
    const one = checks({ maxQty: 1, periodMs: DAY_MS });
    const exhausted = one.at(-1)!.state!;
    const raised = { maxQty: 2, periodMs: DAY_MS };
    expect(decide(rule(), facts(0), raised, exhausted, T0 + 2 * DAY_MS, 'check').decision).toEqual({ type: 'notify', seq: 2 });
  });

  // Found by this test: decide.ts records the quota only if the last record is not a quota record
  // (`lastSuppressedReason === 'quota'`), not "not since the last notice" as it does for the period. After a
  // Max Qty raised past an exhausted quota (profiles.update, or a client moved to a profile with a higher one),
  // the rule sends up to the new Max Qty and then stops with no record of why: the next notice is suppressed
  // by the quota and the notification log does not say so. Left failing (src/ is not changed here).
  it.fails('a Max Qty raised after the quota: reaching the new one is recorded again', () => {
    const exhausted = checks({ maxQty: 1, periodMs: DAY_MS }).at(-1)!.state!; // notify 1 at T0, quota 1 at T0 + 1 d
    const raised = { maxQty: 2, periodMs: DAY_MS };
    const second = decide(rule(), facts(0), raised, exhausted, T0 + 2 * DAY_MS, 'check');
    expect(second.decision).toEqual({ type: 'notify', seq: 2 });
    const after = decide(rule(), facts(0), raised, second.state, second.state!.nextCheckAt!, 'check');
    expect(after.decision).toEqual({ type: 'suppress', reason: 'quota', seq: 2 });
  });
});

describe('back at or above the threshold: the counter resets', () => {
  const exhausted: RuleState = { sent: 3, since: T0, lastSentAt: T0 + 2 * DAY_MS, lastSuppressedAt: T0 + 3 * DAY_MS, lastSuppressedReason: 'quota', nextCheckAt: null };

  it('a refill to exactly the threshold drops the state; the next fall is notification 1 again, at once', () => {
    const later = T0 + 3 * DAY_MS + HOUR_MS;
    expect(decide(rule(), facts(THRESHOLD), policy, exhausted, later, 'balance')).toEqual(NOTHING);
    expect(decide(rule(), facts(THRESHOLD + 5000), policy, afterNotice(T0), T0 + 1, 'balance')).toEqual(NOTHING);
    // Within the Period of the last notice, even: the reset is a new episode, not a repeat.
    expect(decide(rule(), facts(THRESHOLD - 1), policy, null, later + 1, 'balance')).toEqual({ state: afterNotice(later + 1), decision: { type: 'notify', seq: 1 } });
  });

  it('the forecast rule resets when a top-up pushes the forecast beyond the horizon', () => {
    const r = forecastRule(6 * HOUR_MS);
    const now = T0 + 3 * DAY_MS;
    expect(decide(r, facts(0, { runDryAt: now + 6 * HOUR_MS + 1 }), policy, exhausted, now, 'balance')).toEqual(NOTHING);
    expect(decide(r, facts(0, { runDryAt: now + 6 * HOUR_MS }), policy, exhausted, now, 'balance').state).not.toBeNull();
  });
});

describe('a disabled rule', () => {
  it('decides nothing and drops any state, however low the balance', () => {
    for (const r of [rule(), rule({ kind: 'staff' }), inactivityRule(0), forecastRule()].map((x) => ({ ...x, enabled: false }))) {
      for (const prev of [null, afterNotice(T0)]) {
        for (const cause of ['balance', 'check'] as const) {
          expect(decide(r, facts(-100_000, { runDryAt: T0 }), policy, prev, T0 + 2 * DAY_MS, cause), `${r.kind} ${cause}`).toEqual(NOTHING);
        }
      }
    }
  });
});

describe('the inactivity rule', () => {
  const week = 7 * DAY_MS;

  it('counts from the last debit, or from creation without one', () => {
    expect(inactiveFrom(inactivityRule(week), facts(0, { lastDebitAt: T0 })) - T0).toBe(week);
    expect(inactiveFrom(inactivityRule(week), facts(0, { lastDebitAt: null }))).toBe(CREATED + week);
    // No duration given: inactive from the last debit itself.
    expect(inactiveFrom(inactivityRule(null), facts(0, { lastDebitAt: T0 }))).toBe(T0);
  });

  it('below but still in use: no notice, a next check when the inactivity is reached; at that instant, the notice', () => {
    const f = facts(500, { lastDebitAt: T0 });
    const early = decide(inactivityRule(week), f, policy, null, T0 + week - 1, 'balance');
    expect(early).toEqual({ state: { sent: 0, since: T0 + week - 1, lastSentAt: null, lastSuppressedAt: null, lastSuppressedReason: null, nextCheckAt: T0 + week }, decision: null });
    const due = decide(inactivityRule(week), f, policy, early.state, T0 + week, 'check');
    expect(due).toEqual({ state: afterNotice(T0 + week, 1, T0 + week - 1), decision: { type: 'notify', seq: 1 } });
  });

  it('a client that never had a debit is inactive a duration after it was created', () => {
    expect(decide(inactivityRule(week), facts(0), policy, null, CREATED + week - 1, 'check').decision).toBeNull();
    expect(decide(inactivityRule(week), facts(0), policy, null, CREATED + week, 'check').decision).toEqual({ type: 'notify', seq: 1 });
    expect(decide(inactivityRule(null), facts(0, { lastDebitAt: T0 }), policy, null, T0, 'balance').decision).toEqual({ type: 'notify', seq: 1 });
  });

  it('inactive but at or above its threshold: nothing', () => {
    expect(decide(inactivityRule(week), facts(THRESHOLD), policy, null, T0 + 30 * DAY_MS, 'check')).toEqual(NOTHING);
  });

  it('a debit after a notice puts the next look at the new inactivity, keeping the count', () => {
    const notified = afterNotice(T0 + week);
    const used = facts(400, { lastDebitAt: T0 + week + HOUR_MS });
    const o = decide(inactivityRule(week), used, policy, notified, T0 + week + HOUR_MS, 'balance');
    // Still in use: neither a notice nor a "period not elapsed" record.
    expect(o).toEqual({ state: { ...notified, nextCheckAt: T0 + 2 * week + HOUR_MS }, decision: null });
    expect(decide(inactivityRule(week), used, policy, o.state, T0 + 2 * week + HOUR_MS, 'check').decision).toEqual({ type: 'notify', seq: 2 });
  });
});

describe('what decide is given', () => {
  it('is never changed (the engine compares the old state with the new)', () => {
    const prev = Object.freeze({ ...afterNotice(T0), lastSuppressedReason: 'period', lastSuppressedAt: T0 - 1 });
    const snapshot = { ...prev };
    for (const [at, cause] of [[T0 + HOUR_MS, 'balance'], [T0 + HOUR_MS, 'check'], [T0 + DAY_MS, 'check']] as const) {
      const o = decide(rule(), Object.freeze(facts(0)), Object.freeze({ ...policy }), prev, at, cause);
      expect(o.state).not.toBe(prev);
    }
    expect(prev).toEqual(snapshot);
  });

  it('sameState compares every field, and null only with null', () => {
    const a = afterNotice(T0);
    expect(sameState(null, null)).toBe(true);
    expect(sameState(a, null)).toBe(false);
    expect(sameState(null, a)).toBe(false);
    expect(sameState(a, { ...a })).toBe(true);
    const changed: Partial<RuleState>[] = [{ sent: 2 }, { since: 1 }, { lastSentAt: null }, { lastSuppressedAt: 1 }, { lastSuppressedReason: 'quota' }, { nextCheckAt: null }];
    for (const c of changed) expect(sameState(a, { ...a, ...c }), JSON.stringify(c)).toBe(false);
  });
});

describe('properties over any sequence of balances, times and causes', () => {
  type Step = { dt: number; available: number; cause: Cause; debit: boolean; dryIn: number };
  const kinds = ['staff', 'client', 'inactivity', 'forecast'] as const;
  const HORIZON = 6 * HOUR_MS;

  const scenario = fc.record({
    kind: fc.constantFrom(...kinds),
    maxQty: fc.integer({ min: 1, max: 5 }),
    periodMs: fc.constantFrom(HOUR_MS, 24 * HOUR_MS, 30 * DAY_MS),
    inactivityMs: fc.option(fc.integer({ min: 0, max: 10 * DAY_MS }), { nil: null }),
    // On in nine runs out of ten.
    enabled: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
    steps: fc.array(
      fc.record({
        // Time only goes forward; 0 is two evaluations at the same instant (one debit, then the check it is due for).
        dt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * HOUR_MS }), fc.integer({ min: 1, max: 40 * DAY_MS })),
        // Around the threshold, so that an episode ends and begins again.
        available: fc.oneof(fc.integer({ min: THRESHOLD - 3, max: THRESHOLD + 1 }), fc.integer({ min: -10_000, max: 20_000 })),
        cause: fc.constantFrom<Cause>('balance', 'check'),
        debit: fc.boolean(),
        dryIn: fc.integer({ min: -HOUR_MS, max: 2 * HORIZON }),
      }),
      { maxLength: 60 },
    ),
  });

  it('never more than Max Qty notices an episode, never two within a Period, each record once, a check never "period"', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const r = rule({ kind: s.kind, enabled: s.enabled, inactivityMs: s.inactivityMs, horizonMs: s.kind === 'forecast' ? HORIZON : null });
        const p: Policy = { maxQty: s.maxQty, periodMs: s.periodMs };
        let now = T0;
        let lastDebitAt: number | null = null;
        let state: RuleState | null = null;
        // The episode: from a first evaluation below until one at or above (state null again).
        let notices: number[] = [];
        let quotaRecords = 0;
        let periodRecords = new Set<number>();
        for (const st of s.steps as Step[]) {
          now += st.dt;
          if (st.debit) lastDebitAt = now;
          const f = facts(st.available, { lastDebitAt, runDryAt: now + st.dryIn });
          const prev = state === null ? null : { ...state };
          const out = decide(r, f, p, state, now, st.cause);
          // What it was given is left as it was.
          if (state !== null) expect(state).toEqual(prev);

          const below = s.kind === 'forecast' ? f.runDryAt <= now + HORIZON : f.available < THRESHOLD;
          if (!s.enabled || !below) {
            expect(out).toEqual(NOTHING);
          } else {
            expect(out.state).not.toBeNull();
            // A next look is in the future, or there is none (the quota).
            if (out.state!.nextCheckAt !== null) expect(out.state!.nextCheckAt).toBeGreaterThan(now);
          }
          if (out.state === null) {
            notices = [];
            quotaRecords = 0;
            periodRecords = new Set();
          }
          const d = out.decision;
          if (d?.type === 'notify') {
            expect(notices.length).toBeLessThan(s.maxQty);
            if (notices.length) expect(now - notices.at(-1)!).toBeGreaterThanOrEqual(s.periodMs);
            if (s.kind === 'inactivity') expect(now).toBeGreaterThanOrEqual((lastDebitAt ?? CREATED) + (s.inactivityMs ?? 0));
            notices.push(now);
            expect(d.seq).toBe(notices.length);
            expect(out.state).toMatchObject({ sent: notices.length, lastSentAt: now, nextCheckAt: now + s.periodMs });
          } else if (d?.type === 'suppress' && d.reason === 'quota') {
            expect(notices).toHaveLength(s.maxQty);
            expect(++quotaRecords).toBe(1);
            expect(d.seq).toBe(s.maxQty);
            expect(out.state!.nextCheckAt).toBeNull();
          } else if (d?.type === 'suppress' && d.reason === 'period') {
            expect(st.cause).toBe('balance');
            const last = notices.at(-1)!;
            expect(now - last).toBeLessThan(s.periodMs);
            // One record a window: the window is the last notice's.
            expect(periodRecords.has(last)).toBe(false);
            periodRecords.add(last);
            expect(d.seq).toBe(notices.length);
          }
          state = out.state;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a client that stays below and is looked at when due gets exactly Max Qty notices a Period apart, then one quota record', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 720 }), fc.constantFrom('staff', 'client') as fc.Arbitrary<'staff' | 'client'>, (maxQty, hours, kind) => {
        const p: Policy = { maxQty, periodMs: hours * HOUR_MS };
        const decisions: [number, Decision | null][] = [];
        let state: RuleState | null = null;
        let at: number | null = T0;
        while (at !== null && decisions.length <= maxQty + 2) {
          const o = decide(rule({ kind }), facts(-1), p, state, at, 'check');
          decisions.push([at, o.decision]);
          state = o.state;
          at = state!.nextCheckAt;
        }
        const expected: [number, Decision][] = Array.from({ length: maxQty }, (_, i) => [T0 + i * p.periodMs, { type: 'notify', seq: i + 1 }]);
        expected.push([T0 + maxQty * p.periodMs, { type: 'suppress', reason: 'quota', seq: maxQty }]);
        expect(decisions).toEqual(expected);
      }),
    );
  });

  it('the same inputs give the same outcome (the event path and the sweep cannot disagree)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const r = rule({ kind: s.kind, enabled: s.enabled, inactivityMs: s.inactivityMs, horizonMs: HORIZON });
        const p: Policy = { maxQty: s.maxQty, periodMs: s.periodMs };
        let now = T0;
        let state: RuleState | null = null;
        for (const st of s.steps as Step[]) {
          now += st.dt;
          const f = facts(st.available, { lastDebitAt: st.debit ? now : null, runDryAt: now + st.dryIn });
          const a = decide(r, f, p, state, now, st.cause);
          expect(decide(r, { ...f }, { ...p }, state && { ...state }, now, st.cause)).toEqual(a);
          state = a.state;
        }
      }),
      { numRuns: 200 },
    );
  });
});
