/**
 * The rule decision, as a pure function: given a client's available balance, one effective rule, the
 * profile's quota and period, and where the client stood with the rule, it returns what to record and
 * where the client stands now. The event path (inside each posting transaction) and the sweep call this
 * same function, so they cannot decide differently.
 */
import type { ProfileRuleKind } from '../../../shared/contracts';

export interface EffectiveRule {
  kind: ProfileRuleKind;
  enabled: boolean;
  threshold: number;
  /** Inactivity rule only. */
  inactivityMs: number | null;
  /** Forecast rule only: it is "below" when the client is forecast to run dry within this long. */
  horizonMs: number | null;
}

export interface Policy {
  maxQty: number;
  periodMs: number;
}

export interface Facts {
  available: number;
  /** The last usage debit; null when the client has had none. */
  lastDebitAt: number | null;
  createdAt: number;
  /** The stored run-dry forecast (balances.run_dry_at; RUN_DRY_NEVER without usage). */
  runDryAt: number;
}

/**
 * Whether the client is below the rule: strictly below the threshold (a balance exactly at it is not low),
 * or, for the forecast rule, forecast to run dry within its horizon.
 */
export function isBelow(rule: EffectiveRule, facts: Facts, now: number): boolean {
  if (rule.kind === 'forecast') return rule.horizonMs !== null && facts.runDryAt <= now + rule.horizonMs;
  return facts.available < rule.threshold;
}

export type SuppressReason = 'quota' | 'period';

export interface RuleState {
  sent: number;
  since: number;
  lastSentAt: number | null;
  lastSuppressedAt: number | null;
  lastSuppressedReason: string | null;
  nextCheckAt: number | null;
}

export type Decision = { type: 'notify'; seq: number } | { type: 'suppress'; reason: SuppressReason; seq: number };

export interface Outcome {
  /** null: the client is not below this rule (any counter is reset). */
  state: RuleState | null;
  decision: Decision | null;
}

/** When the rule's inactivity clock says the client became inactive. */
export function inactiveFrom(rule: EffectiveRule, facts: Facts): number {
  return (facts.lastDebitAt ?? facts.createdAt) + (rule.inactivityMs ?? 0);
}

/**
 * What prompted the evaluation: a balance that went down or up (`balance`), or a look by the sweep or at
 * a rule's next check time (`check`). Only a balance change inside the period is recorded as "period not
 * elapsed": it is a notification someone's usage asked for. A check inside the period has nothing to say.
 */
export type Cause = 'balance' | 'check';

export function decide(
  rule: EffectiveRule,
  facts: Facts,
  policy: Policy,
  prev: RuleState | null,
  now: number,
  cause: Cause,
): Outcome {
  // Back at or above the threshold (or, forecast rule, no longer forecast to run dry in time), the counter resets.
  if (!rule.enabled || !isBelow(rule, facts, now)) return { state: null, decision: null };
  const s: RuleState = prev
    ? { ...prev }
    : { sent: 0, since: now, lastSentAt: null, lastSuppressedAt: null, lastSuppressedReason: null, nextCheckAt: null };

  if (rule.kind === 'inactivity') {
    const inactive = inactiveFrom(rule, facts);
    if (now < inactive) {
      // Below, but the client is still using the service: look again when the inactivity is reached.
      s.nextCheckAt = inactive;
      return { state: s, decision: null };
    }
  }

  if (s.lastSentAt !== null && now < s.lastSentAt + policy.periodMs) {
    s.nextCheckAt = s.lastSentAt + policy.periodMs;
    if (cause === 'check') return { state: s, decision: null };
    // One "period not elapsed" record per period window, however many debits arrive inside it.
    if (s.lastSuppressedReason === 'period' && s.lastSuppressedAt !== null && s.lastSuppressedAt >= s.lastSentAt)
      return { state: s, decision: null };
    s.lastSuppressedAt = now;
    s.lastSuppressedReason = 'period';
    return { state: s, decision: { type: 'suppress', reason: 'period', seq: s.sent } };
  }

  if (s.sent >= policy.maxQty) {
    // Nothing more until a refill resets the counter: record that once (once since the last notice: a
    // Max Qty raised after the quota lets more go out, and reaching the new one is recorded too), then stop looking.
    s.nextCheckAt = null;
    const recorded =
      s.lastSuppressedReason === 'quota' &&
      (s.lastSentAt === null || (s.lastSuppressedAt ?? -Infinity) >= s.lastSentAt);
    if (recorded) return { state: s, decision: null };
    s.lastSuppressedAt = now;
    s.lastSuppressedReason = 'quota';
    return { state: s, decision: { type: 'suppress', reason: 'quota', seq: s.sent } };
  }

  s.sent += 1;
  s.lastSentAt = now;
  // Look again when the period is over: the next notification, or the quota record after the last one.
  s.nextCheckAt = now + policy.periodMs;
  return { state: s, decision: { type: 'notify', seq: s.sent } };
}

export function sameState(a: RuleState | null, b: RuleState | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.sent === b.sent &&
    a.since === b.since &&
    a.lastSentAt === b.lastSentAt &&
    a.lastSuppressedAt === b.lastSuppressedAt &&
    a.lastSuppressedReason === b.lastSuppressedReason &&
    a.nextCheckAt === b.nextCheckAt
  );
}
