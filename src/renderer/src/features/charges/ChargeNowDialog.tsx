/**
 * The confirmation before a staff Retry charges a client at once (a failed charge on the Charges screen, a
 * cooled-down method on the client's page): the caller's explanation, the sandbox note, the error in
 * words, and Cancel / "Charge $200.00 now".
 */
import type { ReactNode } from 'react';
import { ApiError } from '../../api/client';
import { messageOf } from '../../api/errors';
import { useFormSubmit } from '../../ui/useFormSubmit';
import { useStripeStatus } from '../settings/stripe';
import { Dialog } from '../../ui/Dialog';
import { FormError } from '../../ui/Field';
import './ChargeNowDialog.css';

/** A Stripe failure ('unavailable') or a refusal, as one sentence. */
export function failureText(e: unknown): string {
  if (e instanceof ApiError && e.kind === 'unavailable') return `Stripe did not answer as expected: ${e.message}`;
  return messageOf(e);
}

export function ChargeNowDialog(props: {
  title: string;
  testId: string;
  confirmTestId: string;
  /** The amount in words; without one nothing can be charged and the button stays disabled. */
  amount: string | null;
  /** Starts the charge; what it throws is shown in the dialog, which otherwise closes. */
  charge(): Promise<void>;
  onClose(): void;
  children: ReactNode;
}) {
  const sandbox = useStripeStatus()?.apiBase ?? null;
  const { busy, errors, run } = useFormSubmit({ errorsOf: (e) => ({ form: failureText(e) }), clearOnRun: true });

  const confirm = () =>
    run(async () => {
      await props.charge();
      props.onClose();
    });

  return (
    <Dialog title={props.title} onClose={props.onClose} testId={props.testId}>
      <div className="form">
        {props.children}
        {sandbox ? (
          <p className="small stripe-sandbox-note">Sandbox — no real money: the charge goes to {sandbox}.</p>
        ) : null}
        <FormError message={errors.form} />
        <div className="form-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={busy || !props.amount}
            onClick={() => void confirm()}
            data-testid={props.confirmTestId}
          >
            {busy ? 'Charging…' : props.amount ? `Charge ${props.amount} now` : 'Charge now'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
