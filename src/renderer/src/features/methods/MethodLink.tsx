/** The link step of the payment methods panel: a client not linked yet gets a new Stripe customer, or an existing cus_…. */
import { useRef, useState, type FormEvent } from 'react';
import type { Client } from '../../../../shared/contracts';
import { ApiError } from '../../api/client';
import { errorsFrom } from '../../api/errors';
import { formRead, useFormSubmit } from '../../ui/useFormSubmit';
import { linkCustomer } from './methods';
import { useCan } from '../../stores/session';
import { failureText } from '../charges/ChargeNowDialog';
import { Field, FormError, ReadOnlyFields, RoleNote } from '../../ui/Field';
import './MethodLink.css';

type Way = 'create' | 'link';

export function LinkCustomer({ client }: { client: Client }) {
  const canLink = useCan('methods.link');
  const [customerId, setCustomerId] = useState('');
  const [way, setWay] = useState<Way | null>(null);
  // The way of the call under way, for its refusal (a render may not have happened by then).
  const running = useRef<Way>('create');
  const form = useFormSubmit({
    clearOnRun: true,
    errorsOf(err) {
      const found = errorsFrom(err, ['customerId']);
      if (running.current === 'create' && found.customerId) return { form: found.customerId };
      if (err instanceof ApiError && err.kind === 'unavailable') return { form: failureText(err) };
      return found;
    },
  });
  const { errors } = form;
  const busy = form.busy ? way : null;

  function run(which: Way, e?: FormEvent) {
    e?.preventDefault();
    if (form.busy) return;
    const id = customerId.trim();
    const found =
      which === 'link' && !id
        ? { customerId: 'Enter the id of the customer at Stripe, such as cus_NffrFeUfNV2Hib.' }
        : {};
    running.current = which;
    setWay(which);
    void form.submit(
      formRead(found, () => (which === 'link' ? id : undefined)),
      (cus) => linkCustomer(client.id, cus),
    );
  }

  return (
    <div className="pm-unlinked" data-testid="pm-unlinked" ref={form.ref}>
      <p>
        This client is not linked to a Stripe customer yet. Automatic top-ups charge the cards and bank accounts saved
        on the client’s customer at Stripe, in the order you set here.
      </p>
      {canLink ? null : <RoleNote by="admin" does="links a client to a Stripe customer" />}
      <ReadOnlyFields readOnly={!canLink}>
        <div className="pm-link-grid">
          <div className="pm-link-choice">
            <h3>New at Stripe</h3>
            <p className="muted small">
              Makes a customer at Stripe named {client.name}, with the billing email {client.billingEmail}.
            </p>
            <button
              type="button"
              className="primary"
              disabled={busy !== null || !canLink}
              onClick={() => run('create')}
              data-testid="pm-create-customer"
            >
              {busy === 'create' ? 'Creating…' : 'Create Stripe customer'}
            </button>
          </div>
          <form
            className="pm-link-choice"
            onSubmit={(e) => run('link', e)}
            noValidate
            aria-label="Link an existing Stripe customer"
            data-testid="pm-link-form"
          >
            <h3>Already a customer at Stripe</h3>
            <div className="pm-link-row">
              <Field
                label="Stripe customer id"
                name="customerId"
                error={errors.customerId}
                className="pm-link-field"
                hint="From the Stripe dashboard: Customers → the customer → its id."
              >
                {(f) => (
                  <input
                    {...f}
                    className="mono"
                    value={customerId}
                    onChange={(e) => {
                      setCustomerId(e.target.value);
                      form.setErrors({});
                    }}
                    placeholder="cus_…"
                    autoComplete="off"
                    spellCheck={false}
                  />
                )}
              </Field>
              <button type="submit" disabled={busy !== null || !canLink} data-testid="pm-link-customer">
                {busy === 'link' ? 'Linking…' : 'Link'}
              </button>
            </div>
          </form>
        </div>
      </ReadOnlyFields>
      <FormError message={errors.form} />
    </div>
  );
}
