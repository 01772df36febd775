/**
 * Payment methods on the client's page (PRODUCT.md §4): the client's Stripe customer — created here, or an
 * existing cus_… linked — and its cards and bank accounts as read from Stripe, in the order automatic
 * top-ups try them. The first is the primary (★). Each has an auto-charge switch; a method that failed a
 * charge cools down for 48 hours, said in words with a Retry button that charges it now. The order moves
 * by drag and drop, by the Move up / Move down buttons, or by Alt+↑ / Alt+↓ on a focused row.
 *
 * Methods are added by the client, never typed in by staff: "Add a payment method" makes a Stripe
 * Checkout link that staff copy and send; the client adds a card or bank account there, and Refresh reads
 * it from Stripe.
 */
import { useEffect, useRef, useState, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import type { Client, PaymentMethod } from '../../../shared/contracts';
import { formatMoney, POINTS } from '../../../shared/money';
import { ApiError } from '../api/client';
import { errorsFrom, messageOf, type FieldErrors } from '../api/errors';
import { useLiveRefresh } from '../stores/live';
import { moved, placed, useMethods, type SetupLink } from '../stores/methods';
import { useRecharge } from '../stores/recharge';
import { hrefOf } from '../stores/route';
import { useStripe } from '../stores/stripe';
import { formatTime } from '../time';
import { ChargeNowDialog, failureText } from './ChargeNowDialog';
import { Field, FormError, ReadOnlyFields, RoleNote } from './Field';
import '../styles/charges.css';
import '../styles/recharge.css';
import { useCan } from '../stores/session';

const TOPICS = ['methods', 'stripe', 'clock'] as const;

const two = (n: number) => String(n).padStart(2, '0');

function expiryOf(m: PaymentMethod): { text: string; expired: boolean } | null {
  if (m.type !== 'card' || m.expMonth === null || m.expYear === null) return null;
  const when = `${two(m.expMonth)}/${m.expYear}`;
  return m.expired ? { text: `Expired ${when}`, expired: true } : { text: `Expires ${when}`, expired: false };
}

export function PaymentMethodsPanel({ client }: { client: Client }) {
  const s = useMethods();
  const stripe = useStripe((x) => x.status);

  useEffect(() => {
    void useMethods.getState().open(client.id);
  }, [client.id]);

  useLiveRefresh(TOPICS, () => void useMethods.getState().reload(), client.id);

  const mine = s.clientId === client.id;
  const data = mine ? s.data : null;

  // A cooldown ends by itself with time, which no event announces: read again when the first one is over.
  const nextEnd = data?.methods.reduce<string | null>((min, m) => (m.cooldownUntil && (!min || m.cooldownUntil < min) ? m.cooldownUntil : min), null) ?? null;
  useEffect(() => {
    if (!nextEnd) return;
    const wait = Date.parse(nextEnd) - Date.now() + 1000;
    if (!(wait > 0 && wait < 2 ** 31 - 1)) return;
    const t = setTimeout(() => void useMethods.getState().reload(), wait);
    return () => clearTimeout(t);
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
          Stripe is not set up yet: enter the secret key in <a href={hrefOf({ screen: 'settings' })}>Settings → Stripe</a>, then link this client to a Stripe
          customer.
        </div>
      ) : null}
      {mine && s.error ? (
        <div className="banner banner-error" role="alert">
          Could not read the payment methods: {s.error}{' '}
          <button type="button" className="link" onClick={() => void s.reload()}>
            Try again
          </button>
        </div>
      ) : null}
      {client.currency === POINTS ? (
        <p className="muted" data-testid="pm-points">
          This client is billed in points, which are not money: it cannot pay through Stripe, so it has no payment methods and no automatic top-ups.
        </p>
      ) : !data ? (
        mine && s.error ? null : <p className="muted">Loading the payment methods…</p>
      ) : data.customerId === null ? (
        <LinkCustomer key={client.id} client={client} />
      ) : (
        <Linked key={client.id} client={client} customerId={data.customerId} methods={data.methods} setupLink={s.setupLink} />
      )}
    </section>
  );
}

/** Not linked yet: create a Stripe customer from the client, or link an existing cus_…. */
function LinkCustomer({ client }: { client: Client }) {
  const canLink = useCan('methods.link');
  const [customerId, setCustomerId] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState<'create' | 'link' | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  async function run(which: 'create' | 'link', e?: FormEvent) {
    e?.preventDefault();
    if (busy) return;
    const id = customerId.trim();
    if (which === 'link' && !id) {
      setErrors({ customerId: 'Enter the id of the customer at Stripe, such as cus_NffrFeUfNV2Hib.' });
      inputRef.current?.focus();
      return;
    }
    setErrors({});
    setBusy(which);
    try {
      await useMethods.getState().link(which === 'link' ? id : undefined);
    } catch (err) {
      const found = errorsFrom(err, ['customerId']);
      if (which === 'create' && found.customerId) setErrors({ form: found.customerId });
      else if (err instanceof ApiError && err.kind === 'unavailable') setErrors({ form: failureText(err) });
      else setErrors(found);
      if (found.customerId && which === 'link') inputRef.current?.focus();
      setBusy(null);
    }
  }

  return (
    <div className="pm-unlinked" data-testid="pm-unlinked">
      <p>
        This client is not linked to a Stripe customer yet. Automatic top-ups charge the cards and bank accounts saved on the client’s customer at
        Stripe, in the order you set here.
      </p>
      {canLink ? null : <RoleNote by="admin" does="links a client to a Stripe customer" />}
      <ReadOnlyFields readOnly={!canLink}>
        <div className="pm-link-grid">
          <div className="pm-link-choice">
            <h3>New at Stripe</h3>
            <p className="muted small">
              Makes a customer at Stripe named {client.name}, with the billing email {client.billingEmail}.
            </p>
            <button type="button" className="primary" disabled={busy !== null || !canLink} onClick={() => void run('create')} data-testid="pm-create-customer">
              {busy === 'create' ? 'Creating…' : 'Create Stripe customer'}
            </button>
          </div>
          <form className="pm-link-choice" onSubmit={(e) => void run('link', e)} noValidate aria-label="Link an existing Stripe customer" data-testid="pm-link-form">
            <h3>Already a customer at Stripe</h3>
            <div className="pm-link-row">
              <Field label="Stripe customer id" name="customerId" error={errors.customerId} className="pm-link-field" hint="From the Stripe dashboard: Customers → the customer → its id.">
                {(f) => (
                  <input
                    {...f}
                    ref={inputRef}
                    className="mono"
                    value={customerId}
                    onChange={(e) => {
                      setCustomerId(e.target.value);
                      setErrors({});
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

interface Focus {
  id: number;
  on: 'row' | 'up' | 'down';
}

function Linked(props: { client: Client; customerId: string; methods: PaymentMethod[]; setupLink: SetupLink | null }) {
  const canRefresh = useCan('methods.refresh');
  const canLink = useCan('methods.setupLink');
  const canUpdate = useCan('methods.update');
  const canRetry = useCan('charges.retry');
  const { client, methods } = props;
  const [busy, setBusy] = useState<'refresh' | 'setup' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const [dragId, setDragId] = useState<number | null>(null);
  const [dropAt, setDropAt] = useState<number | null>(null);
  const [retrying, setRetrying] = useState<PaymentMethod | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const refocus = useRef<Focus | null>(null);
  const order = methods.map((m) => m.id);
  const orderKey = order.join(',');

  // A moved row keeps the focus (React moves its element, which drops the focus).
  useEffect(() => {
    const f = refocus.current;
    if (!f) return;
    refocus.current = null;
    const row = listRef.current?.querySelector<HTMLElement>(`[data-id="${f.id}"]`);
    if (!row) return;
    const button = f.on === 'row' ? null : row.querySelector<HTMLButtonElement>(`[data-move="${f.on}"]`);
    (button && !button.disabled ? button : row).focus();
  }, [orderKey]);

  async function refresh() {
    if (busy) return;
    setBusy('refresh');
    setError(null);
    setDone(null);
    const before = new Set(methods.map((m) => m.id));
    try {
      await useMethods.getState().refresh();
      const now = useMethods.getState().data?.methods ?? [];
      const added = now.filter((m) => !before.has(m.id));
      const n = now.length;
      setDone(
        `Read from Stripe: ${n === 0 ? 'no payment method yet' : n === 1 ? 'one payment method' : `${n} payment methods`}${
          added.length ? ` (new: ${added.map((m) => m.label).join(', ')})` : ''
        }.`,
      );
      // The client used the link: it has done its job.
      if (added.length) useMethods.getState().clearSetupLink();
    } catch (e) {
      setError(failureText(e));
    } finally {
      setBusy(null);
    }
  }

  async function makeLink() {
    if (busy) return;
    setBusy('setup');
    setError(null);
    setDone(null);
    try {
      await useMethods.getState().makeSetupLink();
    } catch (e) {
      setError(failureText(e));
    } finally {
      setBusy(null);
    }
  }

  async function reorder(next: number[], what: PaymentMethod, focus?: Focus) {
    if (next.join(',') === orderKey) return;
    setError(null);
    setDone(null);
    if (focus) refocus.current = focus;
    const at = next.indexOf(what.id);
    setAnnounce(at === 0 ? `${what.label} is now first: the primary.` : `${what.label} moved to position ${at + 1} of ${next.length}.`);
    try {
      await useMethods.getState().reorder(next);
    } catch (e) {
      setError(`The order was not saved: ${failureText(e)}`);
    }
  }

  async function setAuto(m: PaymentMethod, on: boolean) {
    setError(null);
    setDone(null);
    try {
      await useMethods.getState().setAutoCharge(m.id, on);
      setAnnounce(on ? `${m.label} is charged automatically again.` : `${m.label} is no longer charged automatically.`);
    } catch (e) {
      setError(`The switch was not saved: ${failureText(e)}`);
    }
  }

  function onRowKey(e: KeyboardEvent<HTMLLIElement>, m: PaymentMethod) {
    if (!canUpdate || !e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    void reorder(moved(order, m.id, e.key === 'ArrowUp' ? -1 : 1), m, { id: m.id, on: 'row' });
  }

  /** Where a drop over row `index` would put the dragged row: before it (top half) or after it. */
  function onDragOver(e: DragEvent<HTMLLIElement>, index: number) {
    if (dragId === null) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    const box = e.currentTarget.getBoundingClientRect();
    const at = e.clientY < box.top + box.height / 2 ? index : index + 1;
    if (at !== dropAt) setDropAt(at);
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    const m = methods.find((x) => x.id === dragId);
    if (m && dropAt !== null) {
      const from = order.indexOf(m.id);
      void reorder(placed(order, m.id, dropAt > from ? dropAt - 1 : dropAt), m, { id: m.id, on: 'row' });
    }
    setDragId(null);
    setDropAt(null);
  }

  const synced = methods.length ? methods.map((m) => m.syncedAt).sort().at(-1)! : null;
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
          <button type="button" onClick={() => void refresh()} disabled={busy !== null} hidden={!canRefresh} data-testid="pm-refresh" title="Read the client’s payment methods from Stripe again">
            {busy === 'refresh' ? 'Refreshing…' : 'Refresh'}
          </button>
          <button type="button" className="primary" onClick={() => void makeLink()} disabled={busy !== null} hidden={!canLink} data-testid="pm-add">
            {busy === 'setup' ? 'Making the link…' : 'Add a payment method'}
          </button>
        </div>
      </div>
      {error ? (
        <div className="banner banner-error" role="alert" data-testid="pm-error">
          {error}
        </div>
      ) : null}
      {done ? (
        <p className="form-done pm-done" role="status" data-testid="pm-done">
          {done}
        </p>
      ) : null}
      {props.setupLink ? <SetupLinkBox link={props.setupLink} /> : null}

      {methods.length === 0 ? (
        <div className="pm-empty" data-testid="pm-empty">
          <p className="pm-empty-title">No payment method yet.</p>
          <ol className="pm-steps">
            <li>
              Press <strong>Add a payment method</strong> and send the link to {client.name} ({client.billingEmail}).
            </li>
            <li>The client opens it and adds a card or a US bank account on Stripe’s page. Staff never type card numbers.</li>
            <li>
              Press <strong>Refresh</strong>: the new method appears here, set to auto-charge.
            </li>
          </ol>
          <p className="muted small">
            With several methods, automatic top-ups try them in the order listed: the first (★) is the primary; when a charge fails, the next one is tried and
            the failed one rests for 48 hours.
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
          <ol
            ref={listRef}
            className={`pm-list${dragId !== null ? ' pm-dragging' : ''}`}
            aria-label="Payment methods, in the order they are charged"
            aria-describedby="pm-order-help"
            data-testid="pm-list"
            onDragOver={(e) => dragId !== null && e.preventDefault()}
            onDrop={onDrop}
          >
            {methods.map((m, i) => {
              const exp = expiryOf(m);
              return (
                <li
                  key={m.id}
                  className={[
                    'pm-row',
                    m.primary ? 'pm-primary' : '',
                    m.cooldownUntil ? 'pm-cooling' : '',
                    dragId === m.id ? 'pm-dragged' : '',
                    dropAt === i && dragId !== null ? 'pm-drop-before' : '',
                    dropAt === i + 1 && i === methods.length - 1 && dragId !== null ? 'pm-drop-after' : '',
                  ]
                    .filter(Boolean)
                    .join(' ')}
                  tabIndex={0}
                  draggable={canUpdate}
                  data-testid="method-row"
                  data-id={m.id}
                  data-stripe-id={m.stripeId}
                  data-primary={m.primary}
                  aria-label={`${i + 1}. ${m.label}${m.primary ? ', primary' : ''}${m.cooldownUntil ? ', cooling down' : ''}`}
                  onKeyDown={(e) => onRowKey(e, m)}
                  onDragStart={(e) => {
                    setDragId(m.id);
                    e.dataTransfer.effectAllowed = 'move';
                    e.dataTransfer.setData('text/plain', m.label);
                  }}
                  onDragOver={(e) => onDragOver(e, i)}
                  onDragEnd={() => {
                    setDragId(null);
                    setDropAt(null);
                  }}
                >
                  <div className="pm-main">
                    <span className="pm-grip" aria-hidden="true" title="Drag to reorder">
                      ⠿
                    </span>
                    <span className="pm-pos" aria-hidden="true">
                      {i + 1}
                    </span>
                    <span className={`pm-star${m.primary ? '' : ' pm-star-off'}`} title={m.primary ? 'Primary: charged first' : undefined} aria-hidden="true" data-testid={m.primary ? 'pm-star' : undefined}>
                      ★
                    </span>
                    <span className="pm-label-box">
                      <span className="pm-label" data-testid="method-label">
                        {m.label}
                      </span>
                      <span className="muted small">{m.type === 'card' ? 'Card' : 'US bank account · a debit settles in days'}</span>
                    </span>
                    <span className={`pm-expiry small${exp?.expired ? ' pm-expired' : ''}`} data-testid="method-expiry">
                      {exp ? exp.text : ''}
                    </span>
                    <label className="rc-switch pm-switch" title={m.autoCharge ? 'Automatic top-ups may charge it' : 'Never charged automatically (a staff Retry still can)'}>
                      <span className="rc-switch-control">
                        <input
                          type="checkbox"
                          role="switch"
                          checked={m.autoCharge}
                          onChange={(e) => void setAuto(m, e.target.checked)}
                          disabled={!canUpdate}
                          aria-label={`Auto-charge ${m.label}`}
                          data-testid="method-auto"
                        />
                        <span className="rc-switch-track" aria-hidden="true" />
                      </span>
                      <span className="rc-switch-text">{m.autoCharge ? 'Auto-charge' : 'Auto-charge off'}</span>
                    </label>
                    <span className="pm-move" hidden={!canUpdate}>
                      <button
                        type="button"
                        className="icon-button"
                        data-move="up"
                        disabled={i === 0}
                        aria-label={`Move ${m.label} up`}
                        title="Move up (Alt+↑)"
                        onClick={() => void reorder(moved(order, m.id, -1), m, { id: m.id, on: 'up' })}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        className="icon-button"
                        data-move="down"
                        disabled={i === methods.length - 1}
                        aria-label={`Move ${m.label} down`}
                        title="Move down (Alt+↓)"
                        onClick={() => void reorder(moved(order, m.id, 1), m, { id: m.id, on: 'down' })}
                      >
                        ↓
                      </button>
                    </span>
                  </div>
                  {m.cooldownUntil ? (
                    <div className="pm-cooldown" data-testid="method-cooldown">
                      <span>
                        <strong>Cooling down until {formatTime(m.cooldownUntil)}</strong> — {m.cooldownReason ?? 'a charge failed'}. Automatic top-ups skip it
                        until then.
                      </span>
                      <button
                        type="button"
                        hidden={!canRetry}
                        onClick={() => {
                          setDone(null);
                          setRetrying(m);
                        }}
                        data-testid="method-retry"
                      >
                        Retry
                      </button>
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ol>
        </>
      )}
      <div className="visually-hidden" aria-live="polite" data-testid="pm-announce">
        {announce}
      </div>
      {retrying ? <RetryMethod client={client} method={retrying} onClose={() => setRetrying(null)} onStarted={(text) => setDone(text)} /> : null}
    </div>
  );
}

/** The Checkout link for the client, with Copy (the text is selected when the clipboard cannot be reached). */
function SetupLinkBox({ link }: { link: SetupLink }) {
  const [copied, setCopied] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(link.url);
      setCopied('Copied: paste it into an email or a message to the client.');
    } catch {
      inputRef.current?.focus();
      inputRef.current?.select();
      setCopied('The clipboard could not be reached: the link is selected, press Ctrl+C (⌘C on a Mac) to copy it.');
    }
  }

  // A fresh link goes by email (in the notification log, like every message): the one shown stays valid too.
  async function email() {
    setSending(true);
    try {
      const sent = await useMethods.getState().makeSetupLink(true);
      setCopied(`Emailed to ${sent.emailedTo ?? 'the client'}: see the notification log.`);
    } catch (e) {
      setCopied(`Not sent: ${messageOf(e)}`);
    } finally {
      setSending(false);
    }
  }

  return (
    <div className="pm-setup" data-testid="setup-link">
      <button type="button" className="icon-button pm-setup-close" aria-label="Hide the link" title="Hide the link" onClick={() => useMethods.getState().clearSetupLink()}>
        ×
      </button>
      <p>
        <strong>Send this link to the client.</strong> They open it and add a card or a US bank account themselves on Stripe’s secure page — staff never see
        or type card numbers. When they are done, press <strong>Refresh</strong> to see the new method here.
      </p>
      <div className="pm-setup-row">
        <input
          ref={inputRef}
          readOnly
          className="mono"
          value={link.url}
          aria-label="Link for the client to add a payment method"
          data-testid="setup-link-url"
          onFocus={(e) => e.target.select()}
        />
        <button type="button" onClick={() => void copy()} data-testid="setup-link-copy">
          Copy
        </button>
        <button type="button" onClick={() => void email()} disabled={sending} data-testid="setup-link-email">
          {sending ? 'Sending…' : 'Email it to the client'}
        </button>
      </div>
      <p className="muted small pm-setup-foot" aria-live="polite">
        {link.expiresAt ? `The link works until ${formatTime(link.expiresAt)}.` : null} {copied ? <span data-testid="setup-link-copied">{copied}</span> : null}
      </p>
    </div>
  );
}

/** "Charge $200.00 on Visa •••• 0002 now?": the recharge amount, at once, on this one method. */
function RetryMethod(props: { client: Client; method: PaymentMethod; onClose(): void; onStarted(text: string): void }) {
  const recharge = useRecharge((r) => (r.clientId === props.client.id ? r.settings : null));
  const amount = recharge?.saved ? formatMoney(recharge.rechargeAmount, recharge.currency) : null;
  const title = amount ? `Charge ${amount} on ${props.method.label} now?` : `Retry ${props.method.label}?`;

  async function charge() {
    const c = await useMethods.getState().retry(props.method.id);
    props.onStarted(`Retry started: ${formatMoney(c.amount, c.currency)} on ${props.method.label}. Its outcome shows here and under Charges.`);
  }

  return (
    <ChargeNowDialog title={title} testId="method-retry-dialog" confirmTestId="confirm-method-retry" amount={amount} charge={charge} onClose={props.onClose}>
      {amount ? (
        <>
          <p>
            Stripe is asked now for a payment of <strong>{amount}</strong> (the recharge amount) on <strong>{props.method.label}</strong>, although it is
            cooling down. This is a staff action and goes in the audit log.
          </p>
          <p className="muted">
            If it succeeds, the client is credited, emailed a receipt, and the method is used for automatic top-ups again. If it fails, it keeps cooling down.
          </p>
        </>
      ) : (
        <p>
          A Retry charges the recharge amount, and this client has no saved automatic top-up settings yet: save them in <strong>Automatic top-up</strong>{' '}
          first.
        </p>
      )}
    </ChargeNowDialog>
  );
}
