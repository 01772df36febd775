/**
 * A manual adjustment: credit or debit, an amount typed in the client's currency (read with parseAmount,
 * so "1,234.50" is 123450 cents and never a float), and the reason the audit log keeps.
 */
import { useId, useState, type FormEvent } from 'react';
import { exponentOf, formatMoney, MoneyError, parseAmount } from '../../../shared/money';
import { errorsFrom, type FieldErrors } from '../api/errors';
import { Field, FormDone, FormError } from './Field';

const FIELDS = ['amount', 'reason'];

export function AdjustmentForm(props: { currency: string; onPost(signedAmount: number, reason: string): Promise<void> }) {
  const [direction, setDirection] = useState<'credit' | 'debit'>('credit');
  const [amountText, setAmountText] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const groupId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    const found: FieldErrors = {};
    let amount = 0;
    try {
      amount = parseAmount(amountText, props.currency);
      if (amount < 0) found.amount = 'Enter the amount without a sign: choose credit or debit above.';
      else if (amount === 0) found.amount = 'Enter an amount more than zero.';
    } catch (err) {
      found.amount = err instanceof MoneyError ? capitalize(err.message) : String(err);
    }
    if (reason.trim() === '') found.reason = 'Say why the balance is adjusted: the audit log keeps it.';
    if (Object.keys(found).length) {
      setErrors(found);
      return;
    }
    const signed = direction === 'credit' ? amount : -amount;
    setBusy(true);
    try {
      await props.onPost(signed, reason.trim());
      setErrors({});
      setAmountText('');
      setReason('');
      setDone(`Posted ${formatMoney(signed, props.currency, { sign: true })}.`);
    } catch (err) {
      setErrors(errorsFrom(err, FIELDS, { description: 'reason' }));
    } finally {
      setBusy(false);
    }
  }

  const example = exponentOf(props.currency) === 0 ? '1,250' : `25.${'0'.repeat(exponentOf(props.currency))}`;
  return (
    <form className="form" onSubmit={submit} aria-label="Manual adjustment" noValidate>
      <fieldset className="segmented" aria-labelledby={groupId}>
        <legend id={groupId}>Direction</legend>
        <label>
          <input type="radio" name="direction" value="credit" checked={direction === 'credit'} onChange={() => setDirection('credit')} />
          Credit (add)
        </label>
        <label>
          <input type="radio" name="direction" value="debit" checked={direction === 'debit'} onChange={() => setDirection('debit')} />
          Debit (take)
        </label>
      </fieldset>
      <Field label={`Amount (${props.currency})`} name="amount" error={errors.amount}>
        {(p) => (
          <input
            {...p}
            className="num"
            inputMode="decimal"
            placeholder={example}
            value={amountText}
            onChange={(e) => setAmountText(e.target.value)}
            spellCheck={false}
          />
        )}
      </Field>
      <Field label="Reason" name="reason" error={errors.reason}>
        {(p) => <input {...p} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. goodwill credit for outage on 12 Nov" />}
      </Field>
      <FormError message={errors.form} />
      <div className="form-actions">
        <FormDone message={done} />
        <button type="submit" className="primary" disabled={busy}>
          Post adjustment
        </button>
      </div>
    </form>
  );
}

function capitalize(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
