/**
 * The arithmetic of auto-recharge, pure: how much one charge must be, what the daily cap leaves, and the
 * best-practice warnings of the settings form. The charge flow, the dry run and (for advice while typing)
 * the settings panel all use it.
 */
import { formatMoney } from './money';

export interface RechargeValues {
  mode: 'off' | 'notify' | 'auto';
  enabled: boolean;
  alertThreshold: number | null;
  triggerThreshold: number;
  rechargeAmount: number;
  dailyCap: number | null;
}

export type ChargePlan =
  { amount: number; multiples: number; cappedFrom: number | null } | { amount: 0; why: 'not_below' | 'cap_reached' };

/**
 * One charge that closes the whole gap: below the trigger ("below" is strictly below), charge the recharge
 * amount, or the smallest multiple of it that brings available + pending strictly above the trigger — a
 * balance far below (even negative) is closed in one payment, never a burst of small ones. The daily cap
 * (what is left of it in the last 24 h) limits the amount; nothing left: no charge.
 */
export function planCharge(o: {
  effective: number;
  trigger: number;
  recharge: number;
  capLeft: number | null;
}): ChargePlan {
  if (o.effective >= o.trigger) return { amount: 0, why: 'not_below' };
  const gap = o.trigger - o.effective;
  const multiples = Math.floor(gap / o.recharge) + 1;
  const full = multiples * o.recharge;
  if (o.capLeft === null) return { amount: full, multiples, cappedFrom: null };
  if (o.capLeft <= 0) return { amount: 0, why: 'cap_reached' };
  return full > o.capLeft
    ? { amount: o.capLeft, multiples, cappedFrom: full }
    : { amount: full, multiples, cappedFrom: null };
}

export interface Warning {
  field: 'alertThreshold' | 'triggerThreshold' | 'rechargeAmount' | 'dailyCap';
  message: string;
}

/** Advice on a set of values, given the client's average daily spend: never a reason to refuse them. */
export function rechargeWarnings(
  v: RechargeValues,
  o: { currency: string; averageDailySpend: number; suggestedThreshold: number },
): Warning[] {
  const m = (x: number) => formatMoney(x, o.currency, { locale: 'en-US' });
  const out: Warning[] = [];
  if (v.mode === 'auto' && v.alertThreshold !== null && v.alertThreshold <= v.triggerThreshold) {
    out.push({
      field: 'alertThreshold',
      message: `The alert threshold (${m(v.alertThreshold)}) is not above the trigger (${m(v.triggerThreshold)}): the client hears of it only when the charge is already due. Set it higher, so they can decide before their card is charged.`,
    });
  }
  if (v.mode === 'auto' && o.averageDailySpend > 0 && v.rechargeAmount < o.averageDailySpend) {
    out.push({
      field: 'rechargeAmount',
      message: `The recharge amount (${m(v.rechargeAmount)}) is smaller than the average daily spend (${m(o.averageDailySpend)}): this will charge several times a day.`,
    });
  }
  if (v.mode === 'auto' && o.suggestedThreshold > 0 && v.triggerThreshold < o.suggestedThreshold) {
    out.push({
      field: 'triggerThreshold',
      message: `The trigger (${m(v.triggerThreshold)}) is less than two days of spend: ${m(o.suggestedThreshold)} is suggested, so a charge that takes time to settle does not leave the client at zero.`,
    });
  }
  if (v.mode === 'auto' && v.dailyCap !== null && v.dailyCap < v.rechargeAmount) {
    out.push({
      field: 'dailyCap',
      message: `The daily cap (${m(v.dailyCap)}) is less than one recharge (${m(v.rechargeAmount)}): every charge will be cut to what the cap leaves.`,
    });
  }
  return out;
}
