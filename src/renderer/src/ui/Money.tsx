/** An amount of minor units as the client's currency shows it, marked when it is negative or low. */
import { formatMoney } from '../../../shared/money';
import './Money.css';

export type Tone = 'negative' | 'low' | 'zero' | 'ok';

/** `low`: the client is below one of its low balance rules' thresholds (Client.belowThreshold). */
export function balanceTone(available: number, low: boolean): Tone {
  if (available < 0) return 'negative';
  if (available === 0) return 'zero';
  if (low) return 'low';
  return 'ok';
}

const TONE_TITLE: Record<Tone, string | undefined> = {
  negative: 'Below zero',
  low: 'Below a low balance threshold',
  zero: 'Nothing left',
  ok: undefined,
};

export function Money(props: {
  amount: number;
  currency: string;
  sign?: boolean;
  tone?: boolean;
  low?: boolean;
  testId?: string;
  className?: string;
}) {
  const tone = props.tone ? balanceTone(props.amount, !!props.low) : props.amount < 0 ? 'negative' : 'ok';
  // A signed figure is a movement (credit or debit), not a balance: coloured, but not alarming.
  const toneClass = props.sign ? (props.amount < 0 ? 'tone-debit' : 'tone-credit') : `tone-${tone}`;
  const classes = ['money', toneClass, props.className].filter(Boolean).join(' ');
  return (
    <span className={classes} title={props.tone ? TONE_TITLE[tone] : undefined} data-testid={props.testId}>
      {formatMoney(props.amount, props.currency, { sign: props.sign })}
    </span>
  );
}
