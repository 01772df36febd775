/** Adds a reseller (name, optional email): the first step when the ledger is empty. */
import { useState, type FormEvent } from 'react';
import type { Reseller } from '../../../../shared/contracts';
import { useFormSubmit } from '../../ui/useFormSubmit';
import { createReseller } from './resellers';
import { Field, FormError } from '../../ui/Field';

const FIELDS = ['name', 'email'];

export function ResellerForm(props: { intro?: string; onCreated(r: Reseller): void; onCancel?(): void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const { errors, busy, run, ref } = useFormSubmit({ fields: FIELDS });

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () =>
      props.onCreated(await createReseller({ name, email: email.trim() === '' ? null : email.trim() })),
    );
  }

  return (
    <form ref={ref} className="form" onSubmit={submit} aria-label="New reseller" noValidate>
      {props.intro ? <p className="muted">{props.intro}</p> : null}
      <Field label="Reseller name" name="name" error={errors.name}>
        {(p) => (
          <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoFocus autoComplete="organization" />
        )}
      </Field>
      <Field
        label="Reseller email"
        name="email"
        error={errors.email}
        hint="Optional: where reseller low balance notifications go."
      >
        {(p) => (
          <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />
        )}
      </Field>
      <FormError message={errors.form} />
      <div className="form-actions">
        {props.onCancel ? (
          <button type="button" onClick={props.onCancel}>
            Back
          </button>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          Create reseller
        </button>
      </div>
    </form>
  );
}

/** The <option>s of a reseller select, after any "choose" or "all" option of the caller's own. */
export function ResellerOptions({ resellers }: { resellers: readonly { id: number; name: string }[] | undefined }) {
  return (
    <>
      {resellers?.map((r) => (
        <option key={r.id} value={r.id}>
          {r.name}
        </option>
      ))}
    </>
  );
}
