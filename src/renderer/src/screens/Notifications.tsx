/**
 * The notification log: every decision the rules made and every message, newest first, narrowed by days,
 * client, kind and status. The filter lives in the URL hash (#/notifications?clientId=3&status=failed), so
 * a filtered view can be linked and the back button undoes a change. The list is virtualized and loads the
 * next page by cursor as the user scrolls; a row opens the notification's page.
 */
import { useEffect, useRef, useState } from 'react';
import type { Notification } from '../../../shared/contracts';
import { ClientPicker, useClientLabel } from '../components/ClientPicker';
import { ExportDialog } from '../components/ExportDialog';
import { Field } from '../components/Field';
import { NotificationStatusBadge } from '../components/NotificationTimeline';
import { KIND_LABEL, KINDS, STATUS_LABEL, STATUSES } from '../notify-labels';
import { useLiveRefresh } from '../stores/live';
import { useMail } from '../stores/mail';
import { apiFilter, dayStart, filterFromQuery, filterKey, isFiltered, queryOfFilter, useNotificationLog, type LogFilter } from '../stores/notifications';
import { hrefOf, navigate, useRoute } from '../stores/route';
import { formatTime } from '../time';
import '../styles/notifications.css';
import { LoadingRow, usePagedRows } from '../components/LoadingRow';

const ROW_HEIGHT = 36;
const loadMoreLog = () => void useNotificationLog.getState().loadMore();
const count = new Intl.NumberFormat();
/** The filter's days are UTC days: named as such, whatever the machine's zone. */
const utcDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

const COLUMNS: { key: string; label: string; className?: string }[] = [
  { key: 'time', label: 'Time' },
  { key: 'client', label: 'Client' },
  { key: 'kind', label: 'Kind' },
  { key: 'recipients', label: 'Recipients' },
  { key: 'subject', label: 'Subject' },
  { key: 'status', label: 'Status' },
  { key: 'attempts', label: 'Attempts', className: 'num' },
];

/** The filter in words: "failed notifications of Blue Fox Ltd (C-100) from Nov 1, 2026". */
function describe(f: LogFilter, clientLabel: string | null): string {
  const parts: string[] = [];
  const what = `${f.status ? `${STATUS_LABEL[f.status].toLowerCase()} ` : ''}${f.kind ? `“${KIND_LABEL[f.kind]}” ` : ''}notifications`;
  parts.push(isFiltered(f) ? `the ${what}` : 'every notification');
  if (f.clientId) parts.push(`of ${clientLabel ?? `client #${f.clientId}`}`);
  const day = (d: string) => utcDay.format(dayStart(d) ?? 0);
  if (f.from && f.to) parts.push(f.from === f.to ? `on ${day(f.from)}` : `from ${day(f.from)} to ${day(f.to)}`);
  else if (f.from) parts.push(`from ${day(f.from)} on`);
  else if (f.to) parts.push(`up to ${day(f.to)}`);
  return parts.join(' ');
}

export function NotificationsScreen() {
  const query = useRoute((r) => r.query);
  const filter = filterFromQuery(query);
  const key = filterKey(filter);
  const s = useNotificationLog();
  const mail = useMail((m) => m.settings);
  const clientLabel = useClientLabel(filter.clientId);
  const [exporting, setExporting] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    useNotificationLog.getState().setFilter(filterFromQuery(useRoute.getState().query));
    scroller.current?.scrollTo({ top: 0 });
  }, [key]);

  useEffect(() => {
    void useMail.getState().load();
  }, []);

  useLiveRefresh(['notifications'], () => void useNotificationLog.getState().refresh());
  useLiveRefresh(['mail'], () => void useMail.getState().load());

  const setFilter = (patch: Partial<LogFilter>) => {
    const next = { ...filter, ...patch };
    for (const k of Object.keys(patch) as (keyof LogFilter)[]) if (patch[k] === undefined) delete next[k];
    navigate({ screen: 'notifications' }, queryOfFilter(next));
  };

  const shown = filterKey(s.filter) === key;
  const items = shown ? s.items : [];
  const { virtualizer, virtualRows } = usePagedRows(scroller, {
    loaded: items.length,
    hasMore: shown && !!s.nextCursor,
    loading: s.loading,
    rowHeight: ROW_HEIGHT,
    loadMore: loadMoreLog,
  });

  const open = (n: Notification) => navigate({ screen: 'notification', id: n.id });
  const badDays = !!(filter.from && filter.to && dayStart(filter.from)! > dayStart(filter.to)!);
  const filtered = isFiltered(filter);
  const loaded = shown && s.loaded;

  return (
    <section className="screen screen-fill nlog" aria-labelledby="nlog-title">
      <header className="screen-head">
        <div>
          <h1 id="nlog-title">Notification log</h1>
          <p className="muted" aria-live="polite" data-testid="nlog-summary">
            {!loaded
              ? 'Loading…'
              : items.length === 0
                ? filtered
                  ? 'Nothing matches these filters.'
                  : 'Nothing decided yet.'
                : `${count.format(items.length)}${s.nextCursor ? '+' : ''} ${items.length === 1 ? 'notification' : 'notifications'}, newest first`}
          </p>
        </div>
        <div className="toolbar">
          <a className="button-link" href={hrefOf({ screen: 'outbox' })} data-testid="outbox-link">
            Outbox
          </a>
          <button type="button" className="primary" onClick={() => setExporting(true)} data-testid="export-open">
            Export…
          </button>
        </div>
      </header>

      {mail?.route === 'outbox' ? (
        <div className="banner banner-info nlog-route" data-testid="nlog-outbox-note">
          No mail server is set up: emails are written to the outbox folder instead of being sent. <a href={hrefOf({ screen: 'outbox' })}>See the outbox</a> ·{' '}
          <a href={hrefOf({ screen: 'settings' })}>Set up SMTP in Settings</a>
        </div>
      ) : null}

      <form className="nlog-filters" role="search" aria-label="Filter the notification log" onSubmit={(e) => e.preventDefault()} data-testid="nlog-filters">
        <Field label="From day" name="from" className="nlog-day">
          {(f) => <input {...f} type="date" title="The first day shown, counted in UTC" value={filter.from ?? ''} max={filter.to} onChange={(e) => setFilter({ from: e.target.value || undefined })} />}
        </Field>
        <Field label="To day" name="to" className="nlog-day" error={badDays ? 'The last day is before the first.' : undefined}>
          {(f) => <input {...f} type="date" title="The last day shown, counted in UTC" value={filter.to ?? ''} min={filter.from} onChange={(e) => setFilter({ to: e.target.value || undefined })} />}
        </Field>
        <Field label="Client" name="clientId" className="nlog-client">
          {(f) => <ClientPicker {...f} value={filter.clientId} onChange={(id) => setFilter({ clientId: id })} placeholder="Any client: type to search" />}
        </Field>
        <Field label="Kind" name="kind" className="nlog-kind">
          {(f) => (
            <select {...f} value={filter.kind ?? ''} onChange={(e) => setFilter({ kind: (e.target.value || undefined) as LogFilter['kind'] })}>
              <option value="">Any kind</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABEL[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Status" name="status" className="nlog-status">
          {(f) => (
            <select {...f} value={filter.status ?? ''} onChange={(e) => setFilter({ status: (e.target.value || undefined) as LogFilter['status'] })}>
              <option value="">Any status</option>
              {STATUSES.map((st) => (
                <option key={st} value={st}>
                  {STATUS_LABEL[st]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="nlog-clear">
          <button type="button" onClick={() => navigate({ screen: 'notifications' })} disabled={!filtered} data-testid="nlog-clear">
            Clear filters
          </button>
        </div>
      </form>

      {s.error && shown ? (
        <div className="banner banner-error" role="alert">
          Could not load the notification log: {s.error}{' '}
          <button type="button" className="link" onClick={() => void s.loadFirst()}>
            Try again
          </button>
        </div>
      ) : null}

      {loaded && items.length === 0 && !s.error ? (
        filtered ? (
          <div className="card nlog-empty" data-testid="nlog-empty">
            <p className="nlog-empty-title">No notification matches these filters.</p>
            <p className="muted">Looking for {describe(filter, clientLabel)}. Widen the days or clear a filter to see more.</p>
            <button type="button" onClick={() => navigate({ screen: 'notifications' })}>
              Clear filters
            </button>
          </div>
        ) : (
          <div className="card nlog-empty" data-testid="nlog-empty">
            <p className="nlog-empty-title">The notification log is empty.</p>
            <p>
              Every time a low balance rule decides about a client, a row lands here with the reason in words: an email <strong>sent</strong>, one{' '}
              <strong>queued</strong> or retrying while the mail server is unreachable, one that <strong>failed</strong>, or one{' '}
              <strong>suppressed</strong> because the quota was used up, the period had not passed or there was nobody to tell. Receipts, failed
              recharges and resends are logged here too.
            </p>
            <p className="muted">Filter it by day, client, kind or status, open a row to read the email as it was sent, and export it as CSV or JSON for your records.</p>
            <ul className="links">
              <li>
                <a href="#/profiles">Set up a low balance profile</a>: its rules start deciding as balances cross its thresholds.
              </li>
              <li>
                <a href="#/settings">Set up the mail server</a>
                {mail?.route === 'outbox' ? ': until then, emails go to the outbox folder.' : '.'}
              </li>
            </ul>
          </div>
        )
      ) : (
        <div className="vtable" role="table" aria-label="Notifications" aria-rowcount={items.length + 1}>
          <div className="vtable-head" role="rowgroup">
            <div className="vrow vrow-head" role="row">
              {COLUMNS.map((c) => (
                <div key={c.key} role="columnheader" className={`vcell ${c.className ?? ''}`}>
                  {c.label}
                </div>
              ))}
            </div>
          </div>
          <div className="vtable-body" ref={scroller} role="rowgroup" data-testid="nlog-list">
            {!loaded ? <div className="empty">Loading the notification log…</div> : null}
            <div className="vtable-spacer" style={{ height: virtualizer.getTotalSize() }}>
              {virtualRows.map((v) => {
                const n = items[v.index];
                if (!n) return <LoadingRow key="more" start={v.start} size={v.size} />;
                return (
                  <div
                    key={n.id}
                    className={`vrow nlog-row nlog-row-${n.status}`}
                    role="row"
                    tabIndex={0}
                    aria-rowindex={v.index + 2}
                    data-testid="nlog-row"
                    data-id={n.id}
                    data-status={n.status}
                    style={{ transform: `translateY(${v.start}px)`, height: v.size }}
                    onClick={() => open(n)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') open(n);
                    }}
                  >
                    <div role="cell" className="vcell nowrap">
                      <a href={hrefOf({ screen: 'notification', id: n.id })} tabIndex={-1}>
                        <time dateTime={n.decidedAt}>{formatTime(n.decidedAt)}</time>
                      </a>
                    </div>
                    <div role="cell" className="vcell truncate" title={`${n.clientName} (${n.clientRef})`}>
                      {n.clientName}
                    </div>
                    <div role="cell" className="vcell truncate">
                      {KIND_LABEL[n.kind]}
                    </div>
                    <div role="cell" className="vcell truncate muted" title={n.recipients.join(', ')}>
                      {n.recipients.length ? n.recipients.join(', ') : 'nobody'}
                    </div>
                    <div role="cell" className="vcell truncate" title={n.subject}>
                      {n.resendOf ? <span className="tag nlog-resend-tag">resend</span> : null} {n.subject}
                    </div>
                    <div role="cell" className="vcell">
                      <NotificationStatusBadge n={n} />
                    </div>
                    <div role="cell" className="vcell num">
                      {n.attempts}
                    </div>
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
      {exporting ? <ExportDialog filter={apiFilter(filter)} description={describe(filter, clientLabel)} onClose={() => setExporting(false)} /> : null}
    </section>
  );
}
