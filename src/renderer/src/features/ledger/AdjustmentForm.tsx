/**
 * A manual adjustment: credit or debit, an amount typed in the client's currency (read with parseAmount,
 * so "1,234.50" is 123450 cents and never a float), and the reason the audit log keeps.
 */
import { useId, useState, type FormEvent } from 'react';
import { exponentOf, formatMoney, MoneyError, parseAmount } from '../../../../shared/money';
import type { FieldErrors } from '../../api/errors';
import { formRead, useFormSubmit } from '../../ui/useFormSubmit';
import { Field, FormDone, FormError } from '../../ui/Field';

const FIELDS = ['amount', 'reason'];

export function AdjustmentForm(props: {
  currency: string;
  onPost(signedAmount: number, reason: string): Promise<void>;
}) {
  const [direction, setDirection] = useState<'credit' | 'debit'>('credit');
  const [amountText, setAmountText] = useState('');
  const [reason, setReason] = useState('');
  const form = useFormSubmit({ fields: FIELDS, aliases: { description: 'reason' } });
  const { errors } = form;
  const groupId = useId();

  function submit(e: FormEvent) {
    e.preventDefault();
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
    const read = formRead(found, () => (direction === 'credit' ? amount : -amount));
    void form.submit(read, async (signed) => {
      await props.onPost(signed, reason.trim());
      setAmountText('');
      setReason('');
      return `Posted ${formatMoney(signed, props.currency, { sign: true })}.`;
    });
  }

  const example = exponentOf(props.currency) === 0 ? '1,250' : `25.${'0'.repeat(exponentOf(props.currency))}`;
  return (
    <form ref={form.ref} className="form" onSubmit={submit} aria-label="Manual adjustment" noValidate>
      <fieldset className="segmented" aria-labelledby={groupId}>
        <legend id={groupId}>Direction</legend>
        <label>
          <input
            type="radio"
            name="direction"
            value="credit"
            checked={direction === 'credit'}
            onChange={() => setDirection('credit')}
          />
          Credit (add)
        </label>
        <label>
          <input
            type="radio"
            name="direction"
            value="debit"
            checked={direction === 'debit'}
            onChange={() => setDirection('debit')}
          />
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
        {(p) => (
          <input
            {...p}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="e.g. goodwill credit for outage on 12 Nov"
          />
        )}
      </Field>
      <FormError message={errors.form} />
      <div className="form-actions">
        <FormDone message={form.done} />
        <button type="submit" className="primary" disabled={form.busy}>
          Post adjustment
        </button>
      </div>
    </form>
  );
}

function capitalize(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
