/**
 * Charges: every automatic top-up attempt, newest first — when, which client, how much (in the client's
 * currency), the method that paid or was last tried, the status and the reason in words — narrowed by
 * client, status and days. The filter lives in the URL hash (#/charges?clientId=3&status=failed), so the
 * client's page links here and the back button undoes a change. The list is virtualized and pages by
 * cursor as the user scrolls; a row opens the attempt with every method it tried and why each failed. A
 * failed attempt has a Retry button (after a confirmation); the row follows through the 'charges' event.
 */
import { useEffect, useRef, useState } from 'react';
import type { Charge } from '../../../shared/contracts';
import { formatMoney } from '../../../shared/money';
import { ApiError } from '../api/client';
import { messageOf } from '../api/errors';
import { ClientPicker, useClientLabel } from '../components/ClientPicker';
import { Dialog } from '../components/Dialog';
import { Field, FormError } from '../components/Field';
import { LoadingRow, usePagedRows } from '../components/LoadingRow';
import { Money } from '../components/Money';
import { SandboxBanner } from '../components/StripeSandbox';
import {
  CHARGE_STATUS_LABEL,
  CHARGE_STATUS_TITLE,
  CHARGE_STATUSES,
  filterFromQuery,
  filterKey,
  isFiltered,
  methodOf,
  queryOfFilter,
  retryMethodOf,
  toneOf,
  TRY_STATUS_LABEL,
  useCharges,
  type ChargeFilter,
  type ChargeStatus,
} from '../stores/charges';
import { dayStart, daysInWords } from '../stores/days';
import { useLiveRefresh } from '../stores/live';
import { hrefOf, navigate, useRoute } from '../stores/route';
import { useStripe } from '../stores/stripe';
import { formatTime } from '../time';
import '../styles/charges.css';
import '../styles/notifications.css';

const ROW_HEIGHT = 46;
const loadMoreCharges = () => void useCharges.getState().loadMore();
const count = new Intl.NumberFormat();

const COLUMNS: { key: string; label: string; className?: string }[] = [
  { key: 'time', label: 'Time' },
  { key: 'client', label: 'Client' },
  { key: 'amount', label: 'Amount', className: 'num' },
  { key: 'method', label: 'Method' },
  { key: 'status', label: 'Status' },
  { key: 'reason', label: 'Reason' },
  { key: 'action', label: '' },
];

/** The filter in words: "the failed charges of Blue Fox Ltd (C-100) on Nov 21, 2026". */
function describe(f: ChargeFilter, clientLabel: string | null): string {
  const parts = [isFiltered(f) ? `the ${f.status ? `“${CHARGE_STATUS_LABEL[f.status]}” ` : ''}charges` : 'every charge'];
  if (f.clientId) parts.push(`of ${clientLabel ?? `client #${f.clientId}`}`);
  const days = daysInWords(f.from, f.to);
  if (days) parts.push(days);
  return parts.join(' ');
}

export function ChargeStatusBadge({ status }: { status: ChargeStatus }) {
  return (
    <span className={`lb-badge cstatus cstatus-${toneOf(status)}`} title={CHARGE_STATUS_TITLE[status]} data-testid="charge-status" data-status={status}>
      {CHARGE_STATUS_LABEL[status]}
    </span>
  );
}

export function ChargesScreen() {
  const query = useRoute((r) => r.query);
  const filter = filterFromQuery(query);
  const key = filterKey(filter);
  const s = useCharges();
  const stripe = useStripe((x) => x.status);
  const clientLabel = useClientLabel(filter.clientId);
  const scroller = useRef<HTMLDivElement>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const [retrying, setRetrying] = useState<Charge | null>(null);
  const [started, setStarted] = useState<string | null>(null);

  useEffect(() => {
    useCharges.getState().setFilter(filterFromQuery(useRoute.getState().query));
    scroller.current?.scrollTo({ top: 0 });
  }, [key]);

  useLiveRefresh(['charges'], () => void useCharges.getState().refresh());

  const setFilter = (patch: Partial<ChargeFilter>) => {
    const next = { ...filter, ...patch };
    for (const k of Object.keys(patch) as (keyof ChargeFilter)[]) if (patch[k] === undefined) delete next[k];
    navigate({ screen: 'charges' }, queryOfFilter(next));
  };

  const shown = filterKey(s.filter) === key;
  const items = shown ? s.items : [];
  const { virtualizer, virtualRows } = usePagedRows(scroller, {
    loaded: items.length,
    hasMore: shown && !!s.nextCursor,
    loading: s.loading,
    rowHeight: ROW_HEIGHT,
    loadMore: loadMoreCharges,
  });

  const badDays = !!(filter.from && filter.to && dayStart(filter.from)! > dayStart(filter.to)!);
  const filtered = isFiltered(filter);
  const loaded = shown && s.loaded;
  const opened = openId === null ? null : (items.find((c) => c.id === openId) ?? null);

  return (
    <section className="screen screen-fill charges" aria-labelledby="charges-title">
      <header className="screen-head">
        <div>
          <h1 id="charges-title">Charges</h1>
          <p className="muted" aria-live="polite" data-testid="charges-summary">
            {!loaded
              ? 'Loading…'
              : items.length === 0
                ? filtered
                  ? 'Nothing matches these filters.'
                  : 'No automatic top-up yet.'
                : `${count.format(items.length)}${s.nextCursor ? '+' : ''} ${items.length === 1 ? 'attempt' : 'attempts'}, newest first`}
          </p>
        </div>
        {filter.clientId ? (
          <div className="toolbar">
            <a className="button-link" href={hrefOf({ screen: 'client', id: filter.clientId })} data-testid="charges-client-link">
              {clientLabel ?? `Client #${filter.clientId}`}: payment methods
            </a>
          </div>
        ) : null}
      </header>

      <SandboxBanner testId="charges-sandbox" />
      {stripe?.source === 'none' ? (
        <div className="banner banner-info" data-testid="charges-stripe-missing">
          Stripe is not set up: automatic top-ups cannot charge anyone until the secret key is entered in <a href={hrefOf({ screen: 'settings' })}>Settings → Stripe</a>.
        </div>
      ) : null}

      <form className="nlog-filters charges-filters" role="search" aria-label="Filter the charges" onSubmit={(e) => e.preventDefault()} data-testid="charges-filters">
        <Field label="From day" name="from" className="nlog-day">
          {(f) => <input {...f} type="date" title="The first day shown, counted in UTC" value={filter.from ?? ''} max={filter.to} onChange={(e) => setFilter({ from: e.target.value || undefined })} />}
        </Field>
        <Field label="To day" name="to" className="nlog-day" error={badDays ? 'The last day is before the first.' : undefined}>
          {(f) => <input {...f} type="date" title="The last day shown, counted in UTC" value={filter.to ?? ''} min={filter.from} onChange={(e) => setFilter({ to: e.target.value || undefined })} />}
        </Field>
        <Field label="Client" name="clientId" className="nlog-client">
          {(f) => <ClientPicker {...f} value={filter.clientId} onChange={(id) => setFilter({ clientId: id })} placeholder="Any client: type to search" />}
        </Field>
        <Field label="Status" name="status" className="nlog-status">
          {(f) => (
            <select {...f} value={filter.status ?? ''} onChange={(e) => setFilter({ status: (e.target.value || undefined) as ChargeStatus | undefined })}>
              <option value="">Any status</option>
              {CHARGE_STATUSES.map((st) => (
                <option key={st} value={st}>
                  {CHARGE_STATUS_LABEL[st]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="nlog-clear">
          <button type="button" onClick={() => navigate({ screen: 'charges' })} disabled={!filtered} data-testid="charges-clear">
            Clear filters
          </button>
        </div>
      </form>

      {started ? (
        <div className="banner banner-info charges-started" role="status" data-testid="charges-started">
          {started}{' '}
          <button type="button" className="link" onClick={() => setStarted(null)}>
            Hide
          </button>
        </div>
      ) : null}

      {s.error && shown ? (
        <div className="banner banner-error" role="alert">
          Could not load the charges: {s.error}{' '}
          <button type="button" className="link" onClick={() => void s.loadFirst()}>
            Try again
          </button>
        </div>
      ) : null}

      {loaded && items.length === 0 && !s.error ? (
        filtered ? (
          <div className="card nlog-empty" data-testid="charges-empty" data-filtered="true">
            <p className="nlog-empty-title">No charge matches these filters.</p>
            <p className="muted">Looking for {describe(filter, clientLabel)}. Widen the days or clear a filter to see more.</p>
            <button type="button" onClick={() => navigate({ screen: 'charges' })}>
              Clear filters
            </button>
          </div>
        ) : (
          <div className="card nlog-empty" data-testid="charges-empty">
            <p className="nlog-empty-title">No automatic top-up has been charged yet.</p>
            <p>
              When a client on <strong>Automatic top-up</strong> falls below its trigger, Balance Desk charges its saved payment methods through Stripe — the
              primary first, then the next when one is declined — and the attempt lands here: the amount, the method that paid, and every failure in words
              (insufficient funds, expired card, bank decline, authentication required). A failed attempt has a <strong>Retry</strong> button; the client is
              credited only once a payment has succeeded.
            </p>
            <p className="muted">To start:</p>
            <ul className="links">
              <li>
                <a href={hrefOf({ screen: 'settings' })}>Enter the Stripe secret key in Settings → Stripe</a>
                {stripe?.source === 'none' ? ' (not set yet).' : '.'}
              </li>
              <li>
                On a <a href={hrefOf({ screen: 'clients' })}>client’s page</a>, link a Stripe customer and send the client the link to add a card or bank account.
              </li>
              <li>In the client’s Automatic top-up panel, choose Automatic top-up with a trigger and a recharge amount.</li>
            </ul>
          </div>
        )
      ) : (
        <div className="vtable" role="table" aria-label="Charges" aria-rowcount={items.length + 1}>
          <div className="vtable-head" role="rowgroup">
            <div className="vrow vrow-head" role="row">
              {COLUMNS.map((c) => (
                <div key={c.key} role="columnheader" className={`vcell ${c.className ?? ''}`}>
                  {c.label ? c.label : <span className="visually-hidden">Actions</span>}
                </div>
              ))}
            </div>
          </div>
          <div className="vtable-body" ref={scroller} role="rowgroup" data-testid="charges-list">
            {!loaded ? <div className="empty">Loading the charges…</div> : null}
            <div className="vtable-spacer" style={{ height: virtualizer.getTotalSize() }}>
              {virtualRows.map((v) => {
                const c = items[v.index];
                if (!c) return <LoadingRow key="more" start={v.start} size={v.size} />;
                const method = methodOf(c);
                return (
                  <div
                    key={c.id}
                    className={`vrow charge-row charge-row-${toneOf(c.status)}`}
                    role="row"
                    tabIndex={0}
                    aria-rowindex={v.index + 2}
                    data-testid="charge-row"
                    data-id={c.id}
                    data-status={c.status}
                    style={{ transform: `translateY(${v.start}px)`, height: v.size }}
                    onClick={() => setOpenId(c.id)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' && e.target === e.currentTarget) setOpenId(c.id);
                    }}
                  >
                    <div role="cell" className="vcell nowrap">
                      <time dateTime={c.createdAt}>{formatTime(c.createdAt)}</time>
                    </div>
                    <div role="cell" className="vcell truncate" title={`${c.clientName} (${c.clientRef})`}>
                      <a href={hrefOf({ screen: 'client', id: c.clientId })} tabIndex={-1} onClick={(e) => e.stopPropagation()}>
                        {c.clientName}
                      </a>
                    </div>
                    <div role="cell" className="vcell num" data-testid="charge-amount">
                      <Money amount={c.amount} currency={c.currency} />
                    </div>
                    <div role="cell" className="vcell charge-method" data-testid="charge-method">
                      <span className="truncate">{method ?? <span className="muted">—</span>}</span>{' '}
                      {c.tries.length > 1 ? (
                        <span className="muted small truncate" title={c.tries.map((t) => `${t.method}: ${t.message ?? TRY_STATUS_LABEL[t.status]}`).join('\n')}>
                          {c.tries.length} methods tried
                        </span>
                      ) : null}
                    </div>
                    <div role="cell" className="vcell">
                      <ChargeStatusBadge status={c.status} />
                    </div>
                    <div role="cell" className="vcell charge-reason" title={c.reason} data-testid="charge-reason">
                      {c.origin === 'retry' ? <span className="tag charge-retry-tag">retry</span> : null} {c.reason}
                    </div>
                    <div role="cell" className="vcell charge-action">
                      {c.retryable ? (
                        <button
                          type="button"
                          className="charge-retry"
                          data-testid="charge-retry"
                          onClick={(e) => {
                            e.stopPropagation();
                            setRetrying(c);
                          }}
                        >
                          Retry
                        </button>
                      ) : null}
                    </div>
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}

      {opened ? (
        <ChargeDetail
          charge={opened}
          onClose={() => setOpenId(null)}
          onRetry={() => {
            setRetrying(opened);
            setOpenId(null);
          }}
        />
      ) : null}
      {retrying ? (
        <RetryCharge
          charge={retrying}
          onClose={() => setRetrying(null)}
          onStarted={(c) => {
            setOpenId(null);
            setStarted(`Retry started: attempt #${c.id}, ${formatMoney(c.amount, c.currency)} for ${c.clientName}. It appears at the top of the list and updates by itself.`);
          }}
        />
      ) : null}
    </section>
  );
}

/** One attempt: its facts, its reason, and every method it tried with what Stripe said. */
function ChargeDetail(props: { charge: Charge; onClose(): void; onRetry(): void }) {
  const c = props.charge;
  return (
    <Dialog title={`Charge #${c.id}: ${formatMoney(c.amount, c.currency)} for ${c.clientName}`} onClose={props.onClose} wide testId="charge-detail">
      <div className="charge-detail" data-id={c.id}>
        <div className="charge-detail-head">
          <ChargeStatusBadge status={c.status} />
          <span className="charge-detail-reason" data-testid="charge-detail-reason">
            {c.reason}
          </span>
        </div>
        <dl className="facts charge-facts">
          {(
            [
              ['Client', <a href={hrefOf({ screen: 'client', id: c.clientId })} onClick={props.onClose}>{`${c.clientName} (${c.clientRef})`}</a>],
              ['Amount', <Money amount={c.amount} currency={c.currency} />],
              ['Started', formatTime(c.createdAt)],
              ['Last change', formatTime(c.updatedAt)],
              ['By', c.origin === 'retry' ? `${c.actor} (Retry)` : 'Automatic top-up'],
              ['Payment', c.paymentIntent ? <span className="mono">{c.paymentIntent}</span> : '—'],
            ] as const
          ).map(([term, value]) => (
            <div key={term}>
              <dt>{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        <h3>Methods tried</h3>
        {c.tries.length === 0 ? (
          <p className="muted" data-testid="charge-no-tries">
            {c.status === 'queued' ? 'None yet: the attempt is waiting to be sent to Stripe.' : 'None: it failed before any method was charged.'}
          </p>
        ) : (
          <ol className="charge-tries" data-testid="charge-tries">
            {c.tries.map((t, i) => (
              <li key={i} className={`charge-try charge-try-${toneOf(t.status)}`} data-testid="charge-try" data-status={t.status}>
                <span className="charge-try-method">{t.method}</span>
                <span className={`lb-badge cstatus cstatus-${toneOf(t.status)}`}>{TRY_STATUS_LABEL[t.status]}</span>
                <span className="charge-try-message">
                  {t.message ?? (t.status === 'succeeded' ? 'Paid.' : t.status === 'processing' ? 'The bank debit is processing.' : '')}
                  {t.declineCode ? <span className="muted mono small"> ({t.declineCode})</span> : null}
                </span>
                <span className="muted small nowrap">{formatTime(t.at)}</span>
              </li>
            ))}
          </ol>
        )}
        <div className="form-actions">
          <a className="button-link charge-detail-more" href={hrefOf({ screen: 'charges' }, { clientId: String(c.clientId) })} onClick={props.onClose}>
            Every charge of this client
          </a>
          <button type="button" onClick={props.onClose}>
            Close
          </button>
          {c.retryable ? (
            <button type="button" className="primary" onClick={props.onRetry} data-testid="charge-detail-retry">
              Retry…
            </button>
          ) : null}
        </div>
      </div>
    </Dialog>
  );
}

function RetryCharge(props: { charge: Charge; onClose(): void; onStarted(c: Charge): void }) {
  const c = props.charge;
  const sandbox = useStripe((x) => x.status?.apiBase ?? null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const amount = formatMoney(c.amount, c.currency);
  const method = retryMethodOf(c);

  async function confirm() {
    setBusy(true);
    setError(undefined);
    try {
      const next = await useCharges.getState().retry(c.id);
      props.onStarted(next);
      props.onClose();
    } catch (e) {
      setError(e instanceof ApiError && e.kind === 'unavailable' ? `Stripe did not answer as expected: ${e.message}` : messageOf(e));
      setBusy(false);
    }
  }

  return (
    <Dialog title={method ? `Charge ${amount} on ${method} now?` : `Charge ${amount} now?`} onClose={props.onClose} testId="charge-retry-dialog">
      <div className="form">
        <p>
          The {c.status === 'requires_action' ? 'attempt that needed the client' : 'failed attempt'} of {formatTime(c.createdAt)} for <strong>{c.clientName}</strong>{' '}
          is charged again now: <strong>{amount}</strong>
          {method ? (
            <>
              {' '}
              on <strong>{method}</strong>
            </>
          ) : null}
          , even if that method is cooling down. This is a staff action and goes in the audit log.
        </p>
        <p className="muted">
          A new attempt appears at the top of the list. If it succeeds, the client is credited, emailed a receipt, and the method is used for automatic top-ups
          again.
        </p>
        {sandbox ? <p className="small stripe-sandbox-note">Sandbox — no real money: the charge goes to {sandbox}.</p> : null}
        <FormError message={error} />
        <div className="form-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void confirm()} data-testid="confirm-charge-retry">
            {busy ? 'Charging…' : `Charge ${amount} now`}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
