/**
 * Payment methods on the client's page (PRODUCT.md §4): the client's Stripe customer — created here, or an
 * existing cus_… linked (MethodLink) — and its cards and bank accounts as read from Stripe, in the order
 * automatic top-ups try them (MethodList: the order, the auto-charge switches). A method that failed a
 * charge cools down for 48 hours, said in words with a Retry button that charges it now (MethodRetry).
 *
 * Methods are added by the client, never typed in by staff: "Add a payment method" makes a Stripe
 * Checkout link that staff copy and send (MethodSetupLink); the client adds a card or bank account there,
 * and Refresh reads it from Stripe.
 */
import { useEffect, useState } from 'react';
import type { Client, PaymentMethod } from '../../../../shared/contracts';
import { POINTS } from '../../../../shared/money';
import { useFormSubmit } from '../../ui/useFormSubmit';
import { makeSetupLink, refreshFromStripe, reloadMethods, useClientMethods, type SetupLink } from './methods';
import { ConflictNotice } from '../../ui/ConflictNotice';
import { hrefOf } from '../../stores/route';
import { useCan } from '../../stores/session';
import { useStripeStatus } from '../settings/stripe';
import { formatTime } from '../../time';
import { failureText } from '../charges/ChargeNowDialog';
import { RoleNote } from '../../ui/Field';
import { LinkCustomer } from './MethodLink';
import { MethodList } from './MethodList';
import { RetryMethod } from './MethodRetry';
import { SetupLinkBox } from './MethodSetupLink';
import './PaymentMethodsPanel.css';
import './methods.css';

export function PaymentMethodsPanel({ client }: { client: Client }) {
  const { data, error, refetch } = useClientMethods(client.id);
  const stripe = useStripeStatus();

  // A cooldown ends by itself with time, which no event announces: read again when the first one is over.
  const nextEnd =
    data?.methods.reduce<string | null>(
      (min, m) => (m.cooldownUntil && (!min || m.cooldownUntil < min) ? m.cooldownUntil : min),
      null,
    ) ?? null;
  useEffect(() => {
    if (!nextEnd) return;
    const wait = Date.parse(nextEnd) - Date.now() + 1000;
    if (!(wait > 0 && wait < 2 ** 31 - 1)) return;
    const t = setTimeout(() => void refetch(), wait);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the next cooldown's end re-arms the timer; refetch reads the newest input itself
  }, [nextEnd]);
  const chargesHref = hrefOf({ screen: 'charges' }, { clientId: String(client.id) });

  return (
    <section className="card pm-panel" aria-labelledby="pm-title" data-testid="methods-panel">
      <header className="pm-head">
        <h2 id="pm-title">Payment methods</h2>
        <a href={chargesHref} className="pm-charges-link" data-testid="client-charges-link">
          Charges of this client →
        </a>
      </header>
      {stripe?.source === 'none' ? (
        <div className="banner banner-info" data-testid="pm-stripe-missing">
          Stripe is not set up yet: enter the secret key in{' '}
          <a href={hrefOf({ screen: 'settings' })}>Settings → Stripe</a>, then link this client to a Stripe customer.
        </div>
      ) : null}
      {error ? (
        <div className="banner banner-error" role="alert">
          Could not read the payment methods: {error}{' '}
          <button type="button" className="link" onClick={() => void refetch()}>
            Try again
          </button>
        </div>
      ) : null}
      {client.currency === POINTS ? (
        <p className="muted" data-testid="pm-points">
          This client is billed in points, which are not money: it cannot pay through Stripe, so it has no payment
          methods and no automatic top-ups.
        </p>
      ) : !data ? (
        error ? null : (
          <p className="muted">Loading the payment methods…</p>
        )
      ) : data.customerId === null ? (
        <LinkCustomer key={client.id} client={client} />
      ) : (
        <Linked key={client.id} client={client} customerId={data.customerId} methods={data.methods} />
      )}
    </section>
  );
}

function Linked(props: { client: Client; customerId: string; methods: PaymentMethod[] }) {
  const canRefresh = useCan('methods.refresh');
  const canLink = useCan('methods.setupLink');
  const canUpdate = useCan('methods.update');
  const { client, methods } = props;
  // Refresh and "Add a payment method": one at a time, the answer (or Stripe's failure) above the list.
  const actions = useFormSubmit({ clearOnRun: true, errorsOf: (e) => ({ form: failureText(e) }) });
  const [doing, setDoing] = useState<'refresh' | 'setup'>('refresh');
  const busy = actions.busy ? doing : null;
  const [announce, setAnnounce] = useState('');
  const [retrying, setRetrying] = useState<PaymentMethod | null>(null);
  // A Checkout link made for this client, shown until it is hidden, used, or the panel closes.
  const [setupLink, setSetupLink] = useState<SetupLink | null>(null);
  // A move refused because the order changed since the list showed it: who changed it, and Reload.
  const [conflict, setConflict] = useState<string | null>(null);

  function refresh() {
    setDoing('refresh');
    const before = new Set(methods.map((m) => m.id));
    void actions.run(async () => {
      const now = await refreshFromStripe(client.id);
      const added = now.filter((m) => !before.has(m.id));
      const n = now.length;
      // The client used the link: it has done its job.
      if (added.length) setSetupLink(null);
      return `Read from Stripe: ${n === 0 ? 'no payment method yet' : n === 1 ? 'one payment method' : `${n} payment methods`}${
        added.length ? ` (new: ${added.map((m) => m.label).join(', ')})` : ''
      }.`;
    });
  }

  function makeLink() {
    setDoing('setup');
    void actions.run(async () => {
      setSetupLink(await makeSetupLink(client.id));
    });
  }

  function changing() {
    actions.setErrors({});
    actions.setDone(null);
    setConflict(null);
  }

  const synced = methods.length
    ? methods
        .map((m) => m.syncedAt)
        .sort()
        .at(-1)!
    : null;
  const noneAuto = methods.length > 0 && methods.every((m) => !m.autoCharge);

  return (
    <div className="pm-linked">
      <div className="pm-customer-row">
        <p className="pm-customer">
          Stripe customer{' '}
          <span className="mono" data-testid="pm-customer-id">
            {props.customerId}
          </span>
          {synced ? <span className="muted small"> · methods read from Stripe {formatTime(synced)}</span> : null}
        </p>
        <div className="toolbar">
          <button
            type="button"
            onClick={refresh}
            disabled={busy !== null}
            hidden={!canRefresh}
            data-testid="pm-refresh"
            title="Read the client’s payment methods from Stripe again"
          >
            {busy === 'refresh' ? 'Refreshing…' : 'Refresh'}
          </button>
          <button
            type="button"
            className="primary"
            onClick={makeLink}
            disabled={busy !== null}
            hidden={!canLink}
            data-testid="pm-add"
          >
            {busy === 'setup' ? 'Making the link…' : 'Add a payment method'}
          </button>
        </div>
      </div>
      {actions.errors.form ? (
        <div className="banner banner-error" role="alert" data-testid="pm-error">
          {actions.errors.form}
        </div>
      ) : null}
      {actions.done ? (
        <p className="form-done pm-done" role="status" data-testid="pm-done">
          {actions.done}
        </p>
      ) : null}
      {setupLink ? <SetupLinkBox clientId={client.id} link={setupLink} onLink={setSetupLink} /> : null}

      {methods.length === 0 ? (
        <div className="pm-empty" data-testid="pm-empty">
          <p className="pm-empty-title">No payment method yet.</p>
          <ol className="pm-steps">
            <li>
              Press <strong>Add a payment method</strong> and send the link to {client.name} ({client.billingEmail}).
            </li>
            <li>
              The client opens it and adds a card or a US bank account on Stripe’s page. Staff never type card numbers.
            </li>
            <li>
              Press <strong>Refresh</strong>: the new method appears here, set to auto-charge.
            </li>
          </ol>
          <p className="muted small">
            With several methods, automatic top-ups try them in the order listed: the first (★) is the primary; when a
            charge fails, the next one is tried and the failed one rests for 48 hours.
          </p>
        </div>
      ) : (
        <>
          <p className="muted small pm-order-help" id="pm-order-help">
            Charged in this order: the first (★) is the primary; when a charge fails the next is tried.
            {canUpdate ? ' Drag a row, use the arrows, or press Alt+↑ / Alt+↓ on a row to move it.' : ''}
          </p>
          {canUpdate ? null : <RoleNote by="admin" does="changes the order and the auto-charge of payment methods" />}
          {noneAuto ? (
            <p className="mail-warn" role="note" data-testid="pm-none-auto">
              No method is set to auto-charge: automatic top-ups have nothing to charge.
            </p>
          ) : null}
          <ConflictNotice
            message={conflict}
            onReload={async () => {
              await reloadMethods(client.id);
              setConflict(null);
            }}
          />
          <MethodList
            clientId={client.id}
            methods={methods}
            onChanging={changing}
            onFailed={(text) => actions.setErrors({ form: text })}
            onConflict={setConflict}
            onAnnounce={setAnnounce}
            onRetry={(m) => {
              actions.setDone(null);
              setRetrying(m);
            }}
          />
        </>
      )}
      <div className="visually-hidden" aria-live="polite" data-testid="pm-announce">
        {announce}
      </div>
      {retrying ? (
        <RetryMethod client={client} method={retrying} onClose={() => setRetrying(null)} onStarted={actions.setDone} />
      ) : null}
    </div>
  );
}
