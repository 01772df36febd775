/** One client: balances, the balance chart, the ledger, open holds, editing, manual adjustments, auto-recharge, payment methods and low balance notifications. */
import { useState } from 'react';
import { AdjustmentForm } from '../features/ledger/AdjustmentForm';
import { BalanceChart } from '../features/clients/BalanceChart';
import { ClientForm } from '../features/clients/ClientForm';
import { Dialog } from '../ui/Dialog';
import { LedgerTable } from '../features/ledger/LedgerTable';
import { LoadState } from '../ui/LoadState';
import { LowBalancePanel } from '../features/thresholds/LowBalancePanel';
import { Money } from '../ui/Money';
import { PaymentMethodsPanel } from '../features/methods/PaymentMethodsPanel';
import { RechargePanel } from '../features/recharge/RechargePanel';
import { RunDryLine } from '../features/clients/RunDryLine';
import { adjustBalance, updateClient, useClientPage } from '../features/clients/client';
import { hrefOf } from '../stores/route';
import { formatDate, formatTime } from '../time';
import { TableHead } from '../ui/TableHead';
import { Facts } from '../ui/Facts';
import { RoleNote } from '../ui/Field';
import { useCan } from '../stores/session';
import './ClientDetail.css';

const count = new Intl.NumberFormat();

export function ClientDetailScreen({ id }: { id: number }) {
  const canEdit = useCan('clients.update');
  const canPost = useCan('ledger.post');
  const { client, holds, entries, series } = useClientPage(id);
  const [editing, setEditing] = useState(false);
  const c = client.data;
  // A read that failed while the client is shown (the figures stay as last read).
  const error = client.error ?? holds.error ?? entries.error ?? series.error;

  if (!c) {
    return (
      <section className="screen">
        <a className="back" href="#/clients">
          ← Clients
        </a>
        <LoadState
          what="client"
          id={id}
          notFound={client.notFound}
          error={client.error}
          listHref="#/clients"
          listLabel="Back to the clients list"
          onRetry={() => void Promise.all([client, holds, entries, series].map((r) => r.refetch()))}
        />
      </section>
    );
  }

  return (
    <section className="screen" aria-labelledby="client-title">
      <a className="back" href="#/clients">
        ← Clients
      </a>
      <header className="screen-head">
        <div>
          <h1 id="client-title" data-testid="client-name">
            {c.name}
          </h1>
          <Facts
            rows={[
              [
                'Reference',
                <span className="mono" data-testid="client-ref">
                  {c.externalRef}
                </span>,
              ],
              ['Reseller', c.resellerName],
              ['Status', <span className={`status status-${c.status}`}>{c.status}</span>],
              ['Currency', c.currency],
              ['Billing email', c.billingEmail],
              ['Client since', formatDate(c.createdAt)],
            ]}
          />
        </div>
        <div className="toolbar">
          <a
            className="button-link"
            href={hrefOf({ screen: 'charges' }, { clientId: String(c.id) })}
            data-testid="client-charges"
          >
            Charges
          </a>
          {canEdit ? (
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          ) : null}
        </div>
      </header>

      {error ? (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      ) : null}

      <div className="figures">
        {(
          [
            ['Balance', c.balance, 'client-balance'],
            ['Holds', c.held, 'client-held'],
            ['Available', c.available, 'client-available'],
          ] as const
        ).map(([label, amount, testId]) => (
          <div key={label} className={`figure${label === 'Available' ? ' figure-main' : ''}`}>
            <div className="figure-label">{label}</div>
            <Money
              amount={amount}
              currency={c.currency}
              tone={label === 'Available'}
              low={c.belowThreshold}
              testId={testId}
              className="figure-value"
            />
          </div>
        ))}
        <div className="figure">
          <div className="figure-label">Last usage</div>
          <div className="figure-value figure-text">{c.lastDebitAt ? formatTime(c.lastDebitAt) : '—'}</div>
        </div>
      </div>
      <RunDryLine clientId={c.id} />

      <div className="detail-grid">
        <div className="detail-main">
          <section className="card" aria-labelledby="chart-title">
            <h2 id="chart-title">Balance over time</h2>
            {series.data ? <BalanceChart series={series.data} testId="balance-chart" /> : null}
          </section>
        </div>
        <aside className="detail-side">
          <section className="card" aria-labelledby="adjust-title">
            <h2 id="adjust-title">Manual adjustment</h2>
            {canPost ? (
              <AdjustmentForm
                key={c.id}
                currency={c.currency}
                onPost={(amount, reason) => adjustBalance(c.id, amount, reason)}
              />
            ) : (
              <RoleNote by="operator" does="posts adjustments" />
            )}
          </section>
          <section className="card" aria-labelledby="holds-title">
            <h2 id="holds-title">Open holds</h2>
            {(holds.data ?? []).length === 0 ? (
              <p className="muted">No work in progress is holding funds.</p>
            ) : (
              <table className="table" data-testid="holds-table">
                <TableHead columns={['Reference', 'Opened', { label: 'Amount', num: true }]} />
                <tbody>
                  {holds.data!.map((h) => (
                    <tr key={h.id}>
                      <td className="truncate mono" title={h.description || h.reference}>
                        {h.reference}
                      </td>
                      <td>{formatTime(h.openedAt)}</td>
                      <td className="num">
                        <Money amount={h.amount} currency={c.currency} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </aside>
      </div>

      <RechargePanel client={c} />

      <PaymentMethodsPanel client={c} />

      <LowBalancePanel client={c} />

      <section className="card" aria-labelledby="ledger-title">
        <h2 id="ledger-title">
          Ledger{' '}
          <span className="muted count">
            {count.format(c.entryCount)} {c.entryCount === 1 ? 'entry' : 'entries'}
          </span>
        </h2>
        <LedgerTable
          entries={entries.items}
          currency={c.currency}
          hasMore={entries.more}
          loadingMore={entries.loadingMore}
          onLoadMore={entries.loadMore}
        />
      </section>

      {editing ? (
        <Dialog title="Edit client" onClose={() => setEditing(false)} testId="edit-client-dialog">
          <ClientForm
            initial={c}
            submitLabel="Save changes"
            onCancel={() => setEditing(false)}
            onSubmit={async (v) => {
              await updateClient(c.id, {
                externalRef: v.externalRef,
                name: v.name,
                billingEmail: v.billingEmail,
                status: v.status,
                ...(v.currency !== c.currency ? { currency: v.currency } : {}),
                version: v.version,
              });
              setEditing(false);
            }}
          />
        </Dialog>
      ) : null}
    </section>
  );
}
