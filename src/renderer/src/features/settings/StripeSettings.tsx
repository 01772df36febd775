/**
 * Settings → Stripe: where the secret key in force comes from (STRIPE_SECRET_KEY from the environment,
 * which makes the form read-only; the key stored here; or none yet), its hint and mode, a field for a new
 * key, Save, Remove (after a confirmation) and "Check connection" — one harmless read from Stripe with the
 * typed key, or the key in force when the field is empty, answered in words. The key is never shown again
 * once saved: only its hint. When STRIPE_API_BASE points the SDK at a sandbox server, a banner says so.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { StripeStatus } from '../../../../shared/contracts';
import { errorsFrom } from '../../api/errors';
import { formRead, useFormSubmit } from '../../ui/useFormSubmit';
import { SECRET_STORAGE_TEXT } from '../notifications/labels';
import { checkStripe, isLiveKey, MODE_LABEL, saveReturnPage, saveStripeKey, type StripeCheck } from './stripe';
import { useChannel } from '../../data/useChannel';
import { Dialog } from '../../ui/Dialog';
import { Field, FormDone, FormError, onCtrlEnter, ReadOnlyFields, RoleNote } from '../../ui/Field';
import { SandboxBanner } from './StripeSandbox';
import { useCan } from '../../stores/session';
import './StripeSettings.css';
import './settings.css';

const FIELDS = ['secretKey'] as const;

/** The key in force: stored here, from the environment, or none (the border's colour). */
const SOURCE_TONE = { settings: 'positive', env: 'accent', none: 'low' } as const;

export function ModeBadge({ mode }: { mode: StripeStatus['mode'] }) {
  if (!mode) return null;
  return (
    <span
      className={`badge stripe-mode stripe-mode-${mode}`}
      data-testid="stripe-mode"
      data-mode={mode}
      title={mode === 'test' ? 'A test key: Stripe moves no real money with it' : 'A live key: charges are real money'}
    >
      {MODE_LABEL[mode]}
    </span>
  );
}

/** Where the key in force comes from, in words. */
function SourceSummary({ s }: { s: StripeStatus }) {
  if (s.source === 'env') {
    return (
      <p data-testid="stripe-source" data-source="env">
        The secret key <strong className="mono">{s.keyHint}</strong> <ModeBadge mode={s.mode} /> comes from the{' '}
        <code>STRIPE_SECRET_KEY</code> environment variable. It overrides any key stored here, so none can be entered
        while it is set: start Balance Desk without <code>STRIPE_SECRET_KEY</code> to use a key stored in Settings.
      </p>
    );
  }
  if (s.source === 'settings') {
    return (
      <p data-testid="stripe-source" data-source="settings">
        A secret key is stored: <strong className="mono">{s.keyHint}</strong> <ModeBadge mode={s.mode} />. Automatic
        top-ups charge the clients’ saved payment methods with it.
      </p>
    );
  }
  return (
    <p data-testid="stripe-source" data-source="none">
      No Stripe secret key is set, so automatic top-ups cannot charge anyone: each attempt fails with “Stripe is not set
      up”. Enter the key of your Stripe account below (Stripe dashboard → Developers → API keys).
    </p>
  );
}

export function StripeSettingsSection() {
  const { data: status, error, refetch } = useChannel('stripe.get', {});
  const [key, setKey] = useState('');
  const form = useFormSubmit({ fields: FIELDS });
  const { errors } = form;
  const [removing, setRemoving] = useState(false);
  const [checking, setChecking] = useState(false);
  const [result, setResult] = useState<StripeCheck | null>(null);

  const canSave = useCan('stripe.set');

  if (!status) {
    return (
      <section className="card stripe-section" aria-labelledby="stripe-title">
        <h2 id="stripe-title">Stripe</h2>
        {error ? (
          <div className="banner banner-error" role="alert">
            Could not read the Stripe settings: {error}{' '}
            <button type="button" className="link" onClick={() => void refetch()}>
              Try again
            </button>
          </div>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    );
  }

  const readOnly = status.source === 'env';
  const typed = key.trim();

  function type(v: string) {
    setKey(v);
    form.edited();
    setResult(null);
    form.setErrors({});
  }

  function save(e?: FormEvent) {
    e?.preventDefault();
    if (form.busy || readOnly || !canSave) return;
    setResult(null);
    const found = typed
      ? {}
      : { secretKey: 'Enter the secret key from the Stripe dashboard: it starts with sk_test_, sk_live_ or rk_.' };
    void form.submit(
      formRead(found, () => typed),
      async (secretKey) => {
        const next = await saveStripeKey(secretKey);
        setKey('');
        return `Saved: ${next.keyHint} is stored sealed.`;
      },
    );
  }

  /** Checks the key with the form's errors, beside its save (each has its own busy state). */
  async function check() {
    if (checking) return;
    setResult(null);
    form.setErrors({});
    setChecking(true);
    try {
      setResult(await checkStripe(typed || undefined));
    } catch (err) {
      form.fail(errorsFrom(err, FIELDS));
    } finally {
      setChecking(false);
    }
  }

  const checkWhat = typed
    ? 'the key typed above (not saved yet)'
    : status.source === 'none'
      ? 'the key typed above'
      : `the key in force (${status.keyHint})`;

  return (
    <section className="card stripe-section" aria-labelledby="stripe-title" data-testid="stripe-settings">
      <h2 id="stripe-title">Stripe</h2>
      <SandboxBanner />
      <div className={`mail-route stripe-source tone-${SOURCE_TONE[status.source]}`}>
        <SourceSummary s={status} />
        <p className="muted small" data-testid="stripe-secret-storage">
          {status.source === 'env'
            ? `STRIPE_SECRET_KEY is never written to the data folder. A key entered in Settings is ${SECRET_STORAGE_TEXT[status.secretStorage]}, never stored as plain text.`
            : `The key is ${SECRET_STORAGE_TEXT[status.secretStorage]}, never stored as plain text, and never shown again: only its first and last characters.`}
        </p>
      </div>

      <form
        ref={form.ref}
        className="form stripe-form"
        onSubmit={save}
        onKeyDown={onCtrlEnter(() => void save())}
        aria-label="Stripe secret key"
        noValidate
        data-testid="stripe-form"
      >
        {readOnly || canSave ? null : <RoleNote by="admin" does="sets the Stripe key" />}
        {readOnly || !canSave ? null : (
          <>
            <h3>{status.source === 'settings' ? 'Replace the secret key' : 'Secret key'}</h3>
            <Field
              label="Secret key"
              name="secretKey"
              error={errors.secretKey}
              className="stripe-key"
              hint="Stripe dashboard → Developers → API keys: a secret key (sk_test_… to try things out, sk_live_… to charge for real) or a restricted key (rk_…) that may read customers and create payments."
            >
              {(f) => (
                <input
                  {...f}
                  type="password"
                  value={key}
                  onChange={(e) => type(e.target.value)}
                  placeholder={
                    status.source === 'settings'
                      ? `stored: ${status.keyHint} — type a new key to replace it`
                      : 'sk_test_… or sk_live_…'
                  }
                  autoComplete="off"
                  spellCheck={false}
                />
              )}
            </Field>
            {typed && isLiveKey(typed) ? (
              <p className="mail-warn" role="note" data-testid="stripe-live-warning">
                This is a live key: automatic top-ups made with it charge the clients’ cards and bank accounts for real.
              </p>
            ) : null}
          </>
        )}
        <FormError message={errors.form} />
        <div className="form-actions">
          {canSave && !readOnly && status.source === 'settings' ? (
            <button type="button" className="mail-stop" onClick={() => setRemoving(true)} data-testid="stripe-remove">
              Remove the stored key
            </button>
          ) : null}
          <FormDone message={form.done} testId="stripe-saved" />
          <button
            type="button"
            onClick={() => void check()}
            disabled={checking}
            hidden={!canSave}
            data-testid="stripe-check"
            title={`Checks ${checkWhat} with one harmless read from Stripe`}
          >
            {checking ? 'Checking…' : 'Check connection'}
          </button>
          {readOnly || !canSave ? null : (
            <button
              type="submit"
              className="primary"
              disabled={form.busy}
              data-testid="stripe-save"
              title="Save (Ctrl+Enter)"
            >
              {form.busy ? 'Saving…' : 'Save'}
            </button>
          )}
        </div>
      </form>
      {canSave ? (
        <p className="muted small stripe-check-what">
          Check connection tries {checkWhat}; it changes nothing at Stripe.
        </p>
      ) : null}
      <div aria-live="polite">
        {result ? (
          <p
            className={result.ok ? 'mail-result mail-result-ok' : 'mail-result mail-result-fail'}
            role="status"
            data-testid="stripe-check-result"
            data-ok={result.ok}
          >
            {result.ok ? <span aria-hidden="true">✓ </span> : <strong>Not connected. </strong>}
            {result.message}
          </p>
        ) : null}
      </div>

      <ReturnPageForm status={status} />

      {removing ? (
        <Dialog title="Remove the Stripe key?" onClose={() => setRemoving(false)} testId="stripe-remove-dialog">
          <RemoveKey
            status={status}
            onDone={() => setRemoving(false)}
            onRemoved={() => form.setDone('The stored key was removed.')}
          />
        </Dialog>
      ) : null}
    </section>
  );
}

function RemoveKey(props: { status: StripeStatus; onDone(): void; onRemoved(): void }) {
  const { busy, errors, run } = useFormSubmit();
  return (
    <div className="form">
      <p>
        The key <strong className="mono">{props.status.keyHint}</strong> is removed from this data folder. Until a key
        is entered again, <strong>automatic top-ups charge nobody</strong>: each attempt fails with “Stripe is not set
        up” and the client and reseller are told.
      </p>
      <p className="muted">
        The clients’ links to Stripe customers, their payment methods and the charges made so far are kept.
      </p>
      <FormError message={errors.form} />
      <div className="form-actions">
        <button type="button" onClick={props.onDone}>
          Keep the key
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy}
          data-testid="confirm-stripe-remove"
          onClick={() =>
            void run(async () => {
              await saveStripeKey(null);
              props.onRemoved();
              props.onDone();
            })
          }
        >
          {busy ? 'Removing…' : 'Remove the key'}
        </button>
      </div>
    </div>
  );
}

/**
 * The page a client lands on after adding a payment method through a setup link (or cancelling): the
 * reseller's own website. Stripe needs one; with the sandbox its own page stands in until one is set.
 */
function ReturnPageForm({ status }: { status: StripeStatus }) {
  const canSaveReturn = useCan('stripe.setReturnPage');
  const [url, setUrl] = useState(status.returnUrl ?? '');
  const { errors, busy, done, run, edited, setErrors, ref } = useFormSubmit({ fields: ['returnUrl'] });

  useEffect(() => setUrl(status.returnUrl ?? ''), [status.returnUrl]);

  function save(e?: FormEvent) {
    e?.preventDefault();
    if (!canSaveReturn) return;
    void run(async () => {
      const next = await saveReturnPage(url.trim() || null);
      return next.returnUrl ? 'Saved: setup links return the client to this page.' : 'Cleared.';
    });
  }

  const unchanged = url.trim() === (status.returnUrl ?? '');
  const fallback = status.defaultReturnUrl
    ? `Not set: the sandbox's own page (${status.defaultReturnUrl}) stands in.`
    : 'Not set: a setup link cannot be made until it is, because Stripe sends the client to a page when they finish.';
  return (
    <form
      ref={ref}
      className="form stripe-form stripe-return-form"
      onSubmit={save}
      onKeyDown={onCtrlEnter(() => void save())}
      aria-label="Return page"
      noValidate
      data-testid="stripe-return-form"
    >
      <h3>After the client adds a payment method</h3>
      <ReadOnlyFields readOnly={!canSaveReturn}>
        <Field
          label="Return page"
          name="returnUrl"
          error={errors.returnUrl}
          className="stripe-key"
          hint={`Where a setup link sends your client when they have saved a card or bank account, or cancelled: a page of your website, such as https://example.com/payment-method-saved. ${status.returnUrl ? '' : fallback}`}
        >
          {(f) => (
            <input
              {...f}
              type="url"
              inputMode="url"
              value={url}
              onChange={(e) => {
                setUrl(e.target.value);
                edited();
                setErrors({});
              }}
              placeholder="https://example.com/payment-method-saved"
              spellCheck={false}
            />
          )}
        </Field>
      </ReadOnlyFields>
      {canSaveReturn ? null : <RoleNote by="admin" does="sets the return page" />}
      <FormError message={errors.form} />
      <div className="form-actions">
        <FormDone message={done} testId="stripe-return-saved" />
        <button
          type="submit"
          className="primary"
          disabled={busy || unchanged}
          hidden={!canSaveReturn}
          data-testid="stripe-return-save"
          title="Save (Ctrl+Enter)"
        >
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
