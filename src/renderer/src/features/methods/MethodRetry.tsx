/** The staff Retry of one cooled-down payment method, after a confirmation: the recharge amount, at once, on that method. */
import type { Client, PaymentMethod } from '../../../../shared/contracts';
import { formatMoney } from '../../../../shared/money';
import { retryMethod } from './methods';
import { useRechargeSettings } from '../recharge/recharge';
import { ChargeNowDialog } from '../charges/ChargeNowDialog';

/** "Charge $200.00 on Visa •••• 0002 now?": the recharge amount, at once, on this one method. */
export function RetryMethod(props: {
  client: Client;
  method: PaymentMethod;
  onClose(): void;
  onStarted(text: string): void;
}) {
  const recharge = useRechargeSettings(props.client.id).data;
  const amount = recharge?.saved ? formatMoney(recharge.rechargeAmount, recharge.currency) : null;
  const title = amount ? `Charge ${amount} on ${props.method.label} now?` : `Retry ${props.method.label}?`;

  async function charge() {
    const c = await retryMethod(props.method.id);
    props.onStarted(
      `Retry started: ${formatMoney(c.amount, c.currency)} on ${props.method.label}. Its outcome shows here and under Charges.`,
    );
  }

  return (
    <ChargeNowDialog
      title={title}
      testId="method-retry-dialog"
      confirmTestId="confirm-method-retry"
      amount={amount}
      charge={charge}
      onClose={props.onClose}
    >
      {amount ? (
        <>
          <p>
            Stripe is asked now for a payment of <strong>{amount}</strong> (the recharge amount) on{' '}
            <strong>{props.method.label}</strong>, although it is cooling down. This is a staff action and goes in the
            audit log.
          </p>
          <p className="muted">
            If it succeeds, the client is credited, emailed a receipt, and the method is used for automatic top-ups
            again. If it fails, it keeps cooling down.
          </p>
        </>
      ) : (
        <p>
          A Retry charges the recharge amount, and this client has no saved automatic top-up settings yet: save them in{' '}
          <strong>Automatic top-up</strong> first.
        </p>
      )}
    </ChargeNowDialog>
  );
}
