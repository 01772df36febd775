/**
 * A client's details, for a new client (with its reseller) or for changing one. Errors from the core
 * land next to the field they name; the currency is locked once the client has ledger entries. Editing, the
 * form sends back the version it loaded: saved over by someone else meanwhile, it says who and offers Reload.
 */
import { useState, type FormEvent } from 'react';
import type { Client, Reseller } from '../../../../shared/contracts';
import { COMMON_CURRENCIES } from '../../../../shared/money';
import { formRead, useFormSubmit } from '../../ui/useFormSubmit';
import { Field, FormError } from '../../ui/Field';
import { ConflictNotice } from '../../ui/ConflictNotice';
import { ResellerOptions } from './ResellerForm';
import { reloadClient } from './client';

export interface ClientFormValues {
  resellerId: number | null;
  externalRef: string;
  name: string;
  billingEmail: string;
  currency: string;
  status: Client['status'];
  /** The version of the client the form loaded (editing only). */
  version?: number;
}

const valuesOf = (c: Client | undefined, resellerId: number | null): ClientFormValues => ({
  resellerId: c?.resellerId ?? resellerId,
  externalRef: c?.externalRef ?? '',
  name: c?.name ?? '',
  billingEmail: c?.billingEmail ?? '',
  currency: c?.currency ?? 'USD',
  status: c?.status ?? 'active',
  version: c?.version,
});

const FIELDS = ['resellerId', 'externalRef', 'name', 'billingEmail', 'currency', 'status'];

export function ClientForm(props: {
  initial?: Client;
  resellers?: Reseller[];
  defaultResellerId?: number;
  /** Offered beside the reseller select in a new client's form. */
  onNewReseller?(): void;
  submitLabel: string;
  onSubmit(values: ClientFormValues): Promise<void>;
  onCancel(): void;
}) {
  const c = props.initial;
  const [values, setValues] = useState<ClientFormValues>(() =>
    valuesOf(c, props.defaultResellerId ?? (props.resellers?.length === 1 ? props.resellers[0].id : null)),
  );
  const form = useFormSubmit({ fields: FIELDS });
  const { errors } = form;
  const set = <K extends keyof ClientFormValues>(k: K, v: ClientFormValues[K]) => setValues((s) => ({ ...s, [k]: v }));
  const currencyLocked = !!c && (c.entryCount > 0 || c.held > 0);
  const currencies: string[] = [...COMMON_CURRENCIES];
  if (!currencies.includes(values.currency)) currencies.unshift(values.currency);

  function submit(e: FormEvent) {
    e.preventDefault();
    const found = !c && values.resellerId === null ? { resellerId: 'Choose the reseller this client belongs to.' } : {};
    void form.submit(
      formRead(found, () => values),
      props.onSubmit,
    );
  }

  return (
    <form ref={form.ref} className="form" onSubmit={submit} aria-label={c ? 'Edit client' : 'New client'} noValidate>
      {c ? null : (
        <Field
          label="Reseller"
          name="resellerId"
          error={errors.resellerId}
          hint={
            props.onNewReseller ? (
              <button type="button" className="link" onClick={props.onNewReseller}>
                New reseller…
              </button>
            ) : undefined
          }
        >
          {(p) => (
            <select
              {...p}
              value={values.resellerId ?? ''}
              onChange={(e) => set('resellerId', e.target.value ? Number(e.target.value) : null)}
            >
              <option value="">Choose a reseller</option>
              <ResellerOptions resellers={props.resellers} />
            </select>
          )}
        </Field>
      )}
      <div className="form-row">
        <Field
          label="Reference"
          name="externalRef"
          error={errors.externalRef}
          hint="The client's id in your billing system (used by imports)."
        >
          {(p) => (
            <input
              {...p}
              value={values.externalRef}
              onChange={(e) => set('externalRef', e.target.value)}
              autoFocus={!c}
              spellCheck={false}
            />
          )}
        </Field>
        <Field label="Name" name="name" error={errors.name}>
          {(p) => (
            <input
              {...p}
              value={values.name}
              onChange={(e) => set('name', e.target.value)}
              autoComplete="organization"
            />
          )}
        </Field>
      </div>
      <Field label="Billing email" name="billingEmail" error={errors.billingEmail}>
        {(p) => (
          <input
            {...p}
            type="email"
            value={values.billingEmail}
            onChange={(e) => set('billingEmail', e.target.value)}
            autoComplete="email"
          />
        )}
      </Field>
      <div className="form-row">
        <Field
          label="Currency"
          name="currency"
          error={errors.currency}
          hint={currencyLocked ? 'Fixed: the client already has ledger entries in it.' : undefined}
        >
          {(p) => (
            <select
              {...p}
              value={values.currency}
              onChange={(e) => set('currency', e.target.value)}
              disabled={currencyLocked}
            >
              {currencies.map((code) => (
                <option key={code} value={code}>
                  {code === 'POINTS' ? 'Points (no decimals)' : code}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Status" name="status" error={errors.status}>
          {(p) => (
            <select {...p} value={values.status} onChange={(e) => set('status', e.target.value as Client['status'])}>
              <option value="active">Active</option>
              <option value="suspended">Suspended</option>
              <option value="closed">Closed</option>
            </select>
          )}
        </Field>
      </div>
      <FormError message={errors.form} />
      {c ? (
        <ConflictNotice
          message={form.conflict}
          onReload={() =>
            form.reload(
              () => reloadClient(c.id),
              (fresh) => setValues(valuesOf(fresh, null)),
            )
          }
        />
      ) : null}
      <div className="form-actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={form.busy}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
