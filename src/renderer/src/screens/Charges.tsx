/**
 * Charges: every automatic top-up attempt, newest first — when, which client, how much (in the client's
 * currency), the method that paid or was last tried, the status and the reason in words — narrowed by
 * client, status and days. The filter lives in the URL hash (#/charges?clientId=3&status=failed), so the
 * client's page links here and the back button undoes a change. The list is virtualized and pages by
 * cursor as the user scrolls; a row opens the attempt with every method it tried and why each failed. A
 * failed attempt has a Retry button (after a confirmation); the row follows through the 'charges' event.
 */
import { useState } from 'react';
import type { Charge } from '../../../shared/contracts';
import { formatMoney } from '../../../shared/money';
import { ChargeNowDialog } from '../features/charges/ChargeNowDialog';
import { Dialog } from '../ui/Dialog';
import {
  FilterForm,
  FilteredTable,
  ListHead,
  ListSummary,
  PagedRow,
  type Column,
  type EmptyState,
} from './list/FilteredList';
import { Money } from '../ui/Money';
import { SandboxBanner } from '../features/settings/StripeSandbox';
import { useFilteredScreen } from './list/useFilteredScreen';
import {
  CHARGE_STATUS_LABEL,
  CHARGE_STATUS_TITLE,
  CHARGE_STATUSES,
  filterFromQuery,
  filterKey,
  isFiltered,
  methodOf,
  queryOfFilter,
  apiFilter,
  retryCharge,
  retryMethodOf,
  toneOf,
  TRY_STATUS_LABEL,
  type ChargeFilter,
  type ChargeStatus,
} from '../features/charges/charges';
import { hrefOf } from '../stores/route';
import { useStripeStatus } from '../features/settings/stripe';
import { formatTime } from '../time';
import { Facts } from '../ui/Facts';
import { useCan } from '../stores/session';
import './Charges.css';

const ROW_HEIGHT = 46;

const COLUMNS: Column[] = [
  { key: 'time', label: 'Time' },
  { key: 'client', label: 'Client' },
  { key: 'amount', label: 'Amount', className: 'num' },
  { key: 'method', label: 'Method' },
  { key: 'status', label: 'Status' },
  { key: 'reason', label: 'Reason' },
  { key: 'action', label: 'Actions', hidden: true },
];

/** What the charges are, before the client and the days: "the “Failed” charges". */
function whatOf(f: ChargeFilter): string {
  return isFiltered(f)
    ? `the ${f.status ? `“${CHARGE_STATUS_LABEL[f.status]}” ` : ''}charges${f.awaitingRetry ? ' awaiting Retry' : ''}`
    : 'every charge';
}

const SPEC = {
  fromQuery: filterFromQuery,
  toQuery: queryOfFilter,
  key: filterKey,
  isFiltered,
  what: whatOf,
  input: apiFilter,
};
const EMPTY: EmptyState = {
  testId: 'charges-empty',
  noMatch: 'No charge matches these filters.',
  title: 'No automatic top-up has been charged yet.',
};

export function ChargeStatusBadge({ status }: { status: ChargeStatus }) {
  return (
    <span
      className={`lb-badge cstatus cstatus-${toneOf(status)}`}
      title={CHARGE_STATUS_TITLE[status]}
      data-testid="charge-status"
      data-status={status}
    >
      {CHARGE_STATUS_LABEL[status]}
    </span>
  );
}

export function ChargesScreen() {
  const canRetry = useCan('charges.retry');
  const list = useFilteredScreen('charges.list', { screen: 'charges', spec: SPEC, rowHeight: ROW_HEIGHT });
  const { filter, items, clientLabel } = list;
  const stripe = useStripeStatus();
  const [openId, setOpenId] = useState<number | null>(null);
  const [retrying, setRetrying] = useState<Charge | null>(null);
  const [started, setStarted] = useState<string | null>(null);
  const opened = openId === null ? null : (items.find((c) => c.id === openId) ?? null);

  return (
    <section className="screen screen-fill charges" aria-labelledby="charges-title">
      <ListHead
        id="charges-title"
        title="Charges"
        summary={
          <ListSummary
            list={list}
            testId="charges-summary"
            none="No automatic top-up yet."
            one="attempt"
            many="attempts"
          />
        }
      >
        {filter.clientId ? (
          <a
            className="button-link"
            href={hrefOf({ screen: 'client', id: filter.clientId })}
            data-testid="charges-client-link"
          >
            {clientLabel ?? `Client #${filter.clientId}`}: payment methods
          </a>
        ) : null}
      </ListHead>

      {filter.awaitingRetry ? (
        <div className="banner banner-info" data-testid="charges-awaiting">
          Only each client’s latest attempt, when it failed or needs the client: nothing is charged automatically until
          a Retry (or a method’s cooldown ends).{' '}
          <a href={hrefOf({ screen: 'charges' }, queryOfFilter({ ...filter, awaitingRetry: undefined }))}>
            Show every charge
          </a>
        </div>
      ) : null}
      <SandboxBanner testId="charges-sandbox" />
      {stripe?.source === 'none' ? (
        <div className="banner banner-info" data-testid="charges-stripe-missing">
          Stripe is not set up: automatic top-ups cannot charge anyone until the secret key is entered in{' '}
          <a href={hrefOf({ screen: 'settings' })}>Settings → Stripe</a>.
        </div>
      ) : null}

      <FilterForm
        list={list}
        className="charges-filters"
        label="Filter the charges"
        testId="charges-filters"
        clearTestId="charges-clear"
        status={{ choices: CHARGE_STATUSES, labels: CHARGE_STATUS_LABEL }}
      />

      {started ? (
        <div className="banner banner-info charges-started" role="status" data-testid="charges-started">
          {started}{' '}
          <button type="button" className="link" onClick={() => setStarted(null)}>
            Hide
          </button>
        </div>
      ) : null}

      <FilteredTable
        list={list}
        what="the charges"
        label="Charges"
        columns={COLUMNS}
        testId="charges-list"
        loading="Loading the charges…"
        row={(c, v) => {
          const method = methodOf(c);
          return (
            <PagedRow
              key={c.id}
              v={v}
              className={`vrow charge-row charge-row-${toneOf(c.status)}`}
              testId="charge-row"
              id={c.id}
              status={c.status}
              onOpen={() => setOpenId(c.id)}
            >
              <div role="cell" className="vcell nowrap">
                <time dateTime={c.createdAt}>{formatTime(c.createdAt)}</time>
              </div>
              <div role="cell" className="vcell truncate" title={`${c.clientName} (${c.clientRef})`}>
                <a
                  href={hrefOf({ screen: 'client', id: c.clientId })}
                  tabIndex={-1}
                  onClick={(e) => e.stopPropagation()}
                >
                  {c.clientName}
                </a>
              </div>
              <div role="cell" className="vcell num" data-testid="charge-amount">
                <Money amount={c.amount} currency={c.currency} />
              </div>
              <div role="cell" className="vcell charge-method" data-testid="charge-method">
                <span className="truncate">{method ?? <span className="muted">—</span>}</span>{' '}
                {c.tries.length > 1 ? (
                  <span
                    className="muted small truncate"
                    title={c.tries.map((t) => `${t.method}: ${t.message ?? TRY_STATUS_LABEL[t.status]}`).join('\n')}
                  >
                    {c.tries.length} methods tried
                  </span>
                ) : null}
              </div>
              <div role="cell" className="vcell">
                <ChargeStatusBadge status={c.status} />
              </div>
              <div role="cell" className="vcell charge-reason" title={c.reason} data-testid="charge-reason">
                {c.origin === 'retry' ? <span className="tag charge-retry-tag">retry</span> : null}
                {c.waitingSince ? (
                  <span className="tag charge-waiting-tag" data-testid="charge-waiting">
                    waiting for Stripe
                  </span>
                ) : null}{' '}
                {c.reason}
              </div>
              <div role="cell" className="vcell charge-action">
                {c.retryable && canRetry ? (
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
            </PagedRow>
          );
        }}
        empty={EMPTY}
        intro={
          <>
            <p>
              When a client on <strong>Automatic top-up</strong> falls below its trigger, Balance Desk charges its saved
              payment methods through Stripe — the primary first, then the next when one is declined — and the attempt
              lands here: the amount, the method that paid, and every failure in words (insufficient funds, expired
              card, bank decline, authentication required). A failed attempt has a <strong>Retry</strong> button; the
              client is credited only once a payment has succeeded.
            </p>
            <p className="muted">To start:</p>
            <ul className="links">
              <li>
                <a href={hrefOf({ screen: 'settings' })}>Enter the Stripe secret key in Settings → Stripe</a>
                {stripe?.source === 'none' ? ' (not set yet).' : '.'}
              </li>
              <li>
                On a <a href={hrefOf({ screen: 'clients' })}>client’s page</a>, link a Stripe customer and send the
                client the link to add a card or bank account.
              </li>
              <li>
                In the client’s Automatic top-up panel, choose Automatic top-up with a trigger and a recharge amount.
              </li>
            </ul>
          </>
        }
      />

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
            setStarted(
              c.waitingSince
                ? `Trying attempt #${c.id} again now: ${formatMoney(c.amount, c.currency)} for ${c.clientName}, with the same payment key. Its row updates by itself.`
                : `Retry started: attempt #${c.id}, ${formatMoney(c.amount, c.currency)} for ${c.clientName}. It appears at the top of the list and updates by itself.`,
            );
          }}
        />
      ) : null}
    </section>
  );
}

/** One attempt: its facts, its reason, and every method it tried with what Stripe said. */
function ChargeDetail(props: { charge: Charge; onClose(): void; onRetry(): void }) {
  const canRetry = useCan('charges.retry');
  const c = props.charge;
  return (
    <Dialog
      title={`Charge #${c.id}: ${formatMoney(c.amount, c.currency)} for ${c.clientName}`}
      onClose={props.onClose}
      wide
      testId="charge-detail"
    >
      <div className="charge-detail" data-id={c.id}>
        <div className="charge-detail-head">
          <ChargeStatusBadge status={c.status} />
          <span className="charge-detail-reason" data-testid="charge-detail-reason">
            {c.reason}
          </span>
        </div>
        <Facts
          className="facts charge-facts"
          rows={[
            [
              'Client',
              <a
                href={hrefOf({ screen: 'client', id: c.clientId })}
                onClick={props.onClose}
              >{`${c.clientName} (${c.clientRef})`}</a>,
            ],
            ['Amount', <Money amount={c.amount} currency={c.currency} />],
            ['Started', formatTime(c.createdAt)],
            ['Last change', formatTime(c.updatedAt)],
            ['By', c.origin === 'retry' ? `${c.actor} (Retry)` : 'Automatic top-up'],
            ['Payment', c.paymentIntent ? <span className="mono">{c.paymentIntent}</span> : '—'],
          ]}
        />
        <h3>Methods tried</h3>
        {c.tries.length === 0 ? (
          <p className="muted" data-testid="charge-no-tries">
            {c.status === 'queued'
              ? 'None yet: the attempt is waiting to be sent to Stripe.'
              : 'None: it failed before any method was charged.'}
          </p>
        ) : (
          <ol className="charge-tries" data-testid="charge-tries">
            {c.tries.map((t, i) => (
              <li
                key={i}
                className={`charge-try charge-try-${toneOf(t.status)}`}
                data-testid="charge-try"
                data-status={t.status}
              >
                <span className="charge-try-method">{t.method}</span>
                <span className={`lb-badge cstatus cstatus-${toneOf(t.status)}`}>{TRY_STATUS_LABEL[t.status]}</span>
                <span className="charge-try-message">
                  {t.message ??
                    (t.status === 'succeeded'
                      ? 'Paid.'
                      : t.status === 'processing'
                        ? 'The bank debit is processing.'
                        : '')}
                  {t.declineCode ? <span className="muted mono small"> ({t.declineCode})</span> : null}
                </span>
                <span className="muted small nowrap">{formatTime(t.at)}</span>
              </li>
            ))}
          </ol>
        )}
        <div className="form-actions">
          <a
            className="button-link charge-detail-more"
            href={hrefOf({ screen: 'charges' }, { clientId: String(c.clientId) })}
            onClick={props.onClose}
          >
            Every charge of this client
          </a>
          <button type="button" onClick={props.onClose}>
            Close
          </button>
          {c.retryable && canRetry ? (
            <button type="button" className="primary" onClick={props.onRetry} data-testid="charge-detail-retry">
              Retry…
            </button>
          ) : null}
        </div>
      </div>
    </Dialog>
  );
}

/** "Charge $200.00 on Visa •••• 0002 now?": the failed attempt's amount, again, on the method it first tried. */
function RetryCharge(props: { charge: Charge; onClose(): void; onStarted(c: Charge): void }) {
  const c = props.charge;
  const amount = formatMoney(c.amount, c.currency);
  const method = retryMethodOf(c);

  async function charge() {
    props.onStarted(await retryCharge(c.id));
  }

  if (c.waitingSince) {
    // The same attempt, tried again with the same keys: Stripe charges it at most once, however often it is asked.
    return (
      <ChargeNowDialog
        title={`Try the top-up of ${amount} again now?`}
        testId="charge-retry-dialog"
        confirmTestId="confirm-charge-retry"
        amount={amount}
        charge={charge}
        onClose={props.onClose}
      >
        <p>
          The top-up of <strong>{amount}</strong> for <strong>{c.clientName}</strong> has been waiting for Stripe to
          answer since {formatTime(c.waitingSince)}. It is tried again now, with the same payment key, so Stripe takes
          the money at most once. This is a staff action and goes in the audit log.
        </p>
        <p className="muted">Without this it is tried again by itself every few minutes until Stripe answers.</p>
      </ChargeNowDialog>
    );
  }
  return (
    <ChargeNowDialog
      title={method ? `Charge ${amount} on ${method} now?` : `Charge ${amount} now?`}
      testId="charge-retry-dialog"
      confirmTestId="confirm-charge-retry"
      amount={amount}
      charge={charge}
      onClose={props.onClose}
    >
      <p>
        The {c.status === 'requires_action' ? 'attempt that needed the client' : 'failed attempt'} of{' '}
        {formatTime(c.createdAt)} for <strong>{c.clientName}</strong> is charged again now: <strong>{amount}</strong>
        {method ? (
          <>
            {' '}
            on <strong>{method}</strong>
          </>
        ) : null}
        , even if that method is cooling down. This is a staff action and goes in the audit log.
      </p>
      <p className="muted">
        A new attempt appears at the top of the list. If it succeeds, the client is credited, emailed a receipt, and the
        method is used for automatic top-ups again.
      </p>
    </ChargeNowDialog>
  );
}
