/** An amount of minor units as the client's currency shows it, marked when it is negative or low. */
import { exponentOf, formatMoney } from '../../../shared/money';

/**
 * "Low" until client thresholds exist (low balance profiles come later): below ten whole units of the
 * currency. It only colours the figure; no rule acts on it.
 */
const LOW_WHOLE_UNITS = 10;

export type Tone = 'negative' | 'low' | 'zero' | 'ok';

export function balanceTone(available: number, currency: string): Tone {
  if (available < 0) return 'negative';
  if (available === 0) return 'zero';
  if (available < LOW_WHOLE_UNITS * 10 ** exponentOf(currency)) return 'low';
  return 'ok';
}

const TONE_TITLE: Record<Tone, string | undefined> = {
  negative: 'Below zero',
  low: 'Low',
  zero: 'Nothing left',
  ok: undefined,
};

export function Money(props: { amount: number; currency: string; sign?: boolean; tone?: boolean; testId?: string; className?: string }) {
  const tone = props.tone ? balanceTone(props.amount, props.currency) : props.amount < 0 ? 'negative' : 'ok';
  // A signed figure is a movement (credit or debit), not a balance: coloured, but not alarming.
  const toneClass = props.sign ? (props.amount < 0 ? 'tone-debit' : 'tone-credit') : `tone-${tone}`;
  const classes = ['money', toneClass, props.className].filter(Boolean).join(' ');
  return (
    <span className={classes} title={props.tone ? TONE_TITLE[tone] : undefined} data-testid={props.testId}>
      {formatMoney(props.amount, props.currency, { sign: props.sign })}
    </span>
  );
}
