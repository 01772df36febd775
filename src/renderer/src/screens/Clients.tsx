/**
 * The clients list: searched, sorted and counted by the core, paged with keyset cursors as the user
 * scrolls, and drawn with a virtualizer so only the rows in view exist in the page (a ledger may hold a
 * million clients).
 */
import { useEffect, useRef, useState } from 'react';
import type { Client } from '../../../shared/contracts';
import { Money } from '../ui/Money';
import { NewClientDialog } from '../features/clients/NewClientDialog';
import { useChannel } from '../data/useChannel';
import { CLIENT_ONLY, listInput, onlyOf, useClientsQuery, type ClientSort } from '../stores/clients';
import { hrefOf, navigate, useRoute } from '../stores/route';
import { formatDate, formatTime } from '../time';
import { LoadingRow, usePagedRows } from '../ui/LoadingRow';
import { useCan } from '../stores/session';
import { useCoreNow } from '../data/core-now';
import { formatRunDry, HOUR_MS } from '../../../shared/forecast';
import { formatMoney } from '../../../shared/money';
import './Clients.css';

const ROW_HEIGHT = 34;
const SEARCH_WAIT_MS = 250;
const PAGE = 100;
const count = new Intl.NumberFormat();

const COLUMNS: { key: string; label: string; sort?: ClientSort; className?: string }[] = [
  { key: 'name', label: 'Name', sort: 'name' },
  { key: 'ref', label: 'Reference', sort: 'externalRef' },
  { key: 'reseller', label: 'Reseller' },
  { key: 'status', label: 'Status' },
  { key: 'available', label: 'Available', sort: 'available', className: 'num' },
  { key: 'runDry', label: 'Runs dry', sort: 'runDry', className: 'num' },
  { key: 'created', label: 'Created', sort: 'createdAt', className: 'num' },
];

export function ClientsScreen() {
  const canCreate = useCan('clients.create');
  const q = useClientsQuery();
  // The dashboard's tiles link here narrowed (#/clients?only=below).
  const only = onlyOf(useRoute((r) => r.query.only));
  // A new query shows the rows of the last one until its own arrive.
  const list = useChannel('clients.list', listInput({ ...q, only }), { page: PAGE, keep: true, list: 'clients' });
  const s = { ...q, only, items: list.items, total: list.data?.total ?? null, error: list.error };
  const [text, setText] = useState(q.search);
  const [creating, setCreating] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const now = useCoreNow();

  useEffect(() => {
    const t = setTimeout(() => useClientsQuery.getState().setSearch(text), SEARCH_WAIT_MS);
    return () => clearTimeout(t);
  }, [text]);

  const { virtualizer, virtualRows } = usePagedRows(scroller, {
    loaded: s.items.length,
    hasMore: list.more,
    loading: list.loading || list.loadingMore,
    rowHeight: ROW_HEIGHT,
    loadMore: list.loadMore,
  });

  // A new query starts at the top of the list.
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [s.search, s.sort, s.dir]);

  const open = (c: Client) => navigate({ screen: 'client', id: c.id });

  return (
    <section className="screen screen-fill" aria-labelledby="clients-title">
      <header className="screen-head">
        <div>
          <h1 id="clients-title">Clients</h1>
          <p className="muted" data-testid="clients-total" aria-live="polite">
            {s.total === null
              ? 'Loading…'
              : `${count.format(s.total)} ${s.total === 1 ? 'client' : 'clients'}${s.only ? ` ${CLIENT_ONLY[s.only]}` : ''}${s.search ? ` matching “${s.search}”` : ''}`}
          </p>
        </div>
        <div className="toolbar">
          <input
            type="search"
            className="search"
            aria-label="Search clients by name or reference"
            placeholder="Name or reference starts with…"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') q.setSearch(text);
            }}
          />
          {canCreate ? (
            <button type="button" className="primary" onClick={() => setCreating(true)}>
              New client
            </button>
          ) : null}
        </div>
      </header>

      {only ? (
        <div className="banner banner-info" data-testid="clients-only">
          Only the clients {CLIENT_ONLY[only]}, as the dashboard counts them.{' '}
          <a href={hrefOf({ screen: 'clients' })}>Show every client</a>
        </div>
      ) : null}

      {s.error ? (
        <div className="banner banner-error" role="alert">
          Could not load clients: {s.error}{' '}
          <button type="button" className="link" onClick={() => void list.refetch()}>
            Try again
          </button>
        </div>
      ) : null}

      <div className="vtable clients-table" role="table" aria-label="Clients" aria-rowcount={(s.total ?? 0) + 1}>
        <div className="vtable-head" role="rowgroup">
          <div className="vrow vrow-head" role="row">
            {COLUMNS.map((c) => {
              const active = c.sort && s.sort === c.sort;
              return (
                <div
                  key={c.key}
                  role="columnheader"
                  className={`vcell ${c.className ?? ''}`}
                  aria-sort={active ? (s.dir === 'asc' ? 'ascending' : 'descending') : c.sort ? 'none' : undefined}
                >
                  {c.sort ? (
                    <button type="button" className="sort" onClick={() => s.setSort(c.sort!)}>
                      {c.label}
                      <span className="sort-mark" aria-hidden="true">
                        {active ? (s.dir === 'asc' ? '▲' : '▼') : ''}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </div>
              );
            })}
          </div>
        </div>
        <div className="vtable-body" ref={scroller} role="rowgroup" data-testid="clients-list">
          {s.total === 0 ? (
            <div className="empty">
              {s.search
                ? `No client name or reference starts with “${s.search}”.`
                : s.only
                  ? `No client is ${CLIENT_ONLY[s.only]}.`
                  : 'No clients yet. Create one with “New client”.'}
            </div>
          ) : null}
          <div className="vtable-spacer" style={{ height: virtualizer.getTotalSize() }}>
            {virtualRows.map((v) => {
              const c = s.items[v.index];
              if (!c) return <LoadingRow key="more" start={v.start} size={v.size} />;
              return (
                <div
                  key={c.id}
                  className="vrow"
                  role="row"
                  tabIndex={0}
                  aria-rowindex={v.index + 2}
                  data-testid="client-row"
                  style={{ transform: `translateY(${v.start}px)`, height: v.size }}
                  onClick={() => open(c)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') open(c);
                  }}
                >
                  <div role="cell" className="vcell truncate">
                    <a href={hrefOf({ screen: 'client', id: c.id })} tabIndex={-1}>
                      {c.name}
                    </a>
                  </div>
                  <div role="cell" className="vcell truncate mono">
                    {c.externalRef}
                  </div>
                  <div role="cell" className="vcell truncate muted">
                    {c.resellerName}
                  </div>
                  <div role="cell" className="vcell">
                    <span className={`status status-${c.status}`}>{c.status}</span>
                  </div>
                  <div role="cell" className="vcell num">
                    <Money amount={c.available} currency={c.currency} tone low={c.belowThreshold} />
                  </div>
                  <RunDryCell client={c} now={now} />
                  <div role="cell" className="vcell num muted">
                    {formatDate(c.createdAt)}
                  </div>
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {creating ? <NewClientDialog onClose={() => setCreating(false)} /> : null}
    </section>
  );
}

/** The stored run-dry forecast: "in about 6 h", "in 3 days", "—" without usage; within a day in red. */
function RunDryCell({ client: c, now }: { client: Client; now: number }) {
  const at = c.runDryAt === null ? null : Date.parse(c.runDryAt);
  const soon = at !== null && at - now < 24 * HOUR_MS;
  return (
    <div
      role="cell"
      className={`vcell num run-dry-cell${soon ? ' run-dry-soon' : ''}`}
      data-testid="client-run-dry"
      title={
        at === null
          ? 'No usage in the last 7 days'
          : `${formatTime(c.runDryAt!)} at ≈ ${formatMoney(c.burnPerDay, c.currency)}/day`
      }
    >
      {formatRunDry(at, now)}
    </div>
  );
}
