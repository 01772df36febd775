import { describe, expect, it } from 'vitest';
import { planCharge, rechargeWarnings, type RechargeValues } from '../../../src/shared/recharge';

describe('planCharge: one charge closes the gap', () => {
  const base = { trigger: 5000, recharge: 20000, capLeft: null };
  it('charges the recharge amount just below the trigger, and nothing at or above it (strictly below)', () => {
    expect(planCharge({ ...base, effective: 4999 })).toEqual({ amount: 20000, multiples: 1, cappedFrom: null });
    expect(planCharge({ ...base, effective: 5000 })).toEqual({ amount: 0, why: 'not_below' });
    expect(planCharge({ ...base, effective: 90000 })).toEqual({ amount: 0, why: 'not_below' });
  });
  it('closes a deep (negative) gap in one payment, a multiple of the recharge amount, landing strictly above the trigger', () => {
    for (const effective of [-30000, -15000, -14999, 0, 4999, -1_000_000]) {
      const p = planCharge({ ...base, effective });
      if ('why' in p) throw new Error('expected a charge');
      expect(p.amount % 20000).toBe(0);
      expect(effective + p.amount).toBeGreaterThan(5000);
      // The smallest such multiple: one recharge less would not get there.
      expect(effective + p.amount - 20000).toBeLessThanOrEqual(5000);
    }
    expect(planCharge({ ...base, effective: -30000 })).toMatchObject({ amount: 40000, multiples: 2 });
    expect(planCharge({ ...base, effective: -15000 })).toMatchObject({ amount: 40000, multiples: 2 });
  });
  it('never goes beyond what the daily cap has left, and charges nothing when the cap is used up', () => {
    expect(planCharge({ ...base, effective: -30000, capLeft: 25000 })).toEqual({
      amount: 25000,
      multiples: 2,
      cappedFrom: 40000,
    });
    expect(planCharge({ ...base, effective: 0, capLeft: 20000 })).toEqual({
      amount: 20000,
      multiples: 1,
      cappedFrom: null,
    });
    expect(planCharge({ ...base, effective: 0, capLeft: 0 })).toEqual({ amount: 0, why: 'cap_reached' });
  });
});

describe('rechargeWarnings', () => {
  const v: RechargeValues = {
    mode: 'auto',
    enabled: true,
    alertThreshold: 10000,
    triggerThreshold: 5000,
    rechargeAmount: 20000,
    dailyCap: null,
  };
  const o = { currency: 'USD', averageDailySpend: 3000, suggestedThreshold: 6000 };
  const fields = (x: RechargeValues, y = o) => rechargeWarnings(x, y).map((w) => w.field);
  it('advises, by field and in the client’s currency', () => {
    expect(fields({ ...v, triggerThreshold: 6000 })).toEqual([]);
    expect(fields({ ...v, alertThreshold: 5000, triggerThreshold: 6000 })).toEqual(['alertThreshold']);
    expect(rechargeWarnings({ ...v, rechargeAmount: 2000, triggerThreshold: 6000 }, o)[0].message).toBe(
      'The recharge amount ($20.00) is smaller than the average daily spend ($30.00): this will charge several times a day.',
    );
    expect(fields(v)).toEqual(['triggerThreshold']);
    expect(fields({ ...v, triggerThreshold: 6000, dailyCap: 10000 })).toEqual(['dailyCap']);
    expect(fields({ ...v, mode: 'off', alertThreshold: 1 })).toEqual([]);
    // Notify only never charges: nothing to say about the trigger, the recharge or the cap.
    expect(fields({ ...v, mode: 'notify', triggerThreshold: 1, rechargeAmount: 1, dailyCap: 1 })).toEqual([]);
  });
});
