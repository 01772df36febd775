/**
 * The notification log: every decision the rules made and every message, newest first, narrowed by days,
 * client, kind and status. The filter lives in the URL hash (#/notifications?clientId=3&status=failed), so
 * a filtered view can be linked and the back button undoes a change. The list is virtualized and loads the
 * next page by cursor as the user scrolls; a row opens the notification's page.
 */
import { useState } from 'react';
import type { Notification } from '../../../shared/contracts';
import { ExportDialog } from '../features/exports/ExportDialog';
import {
  ChoiceField,
  FilterForm,
  FilteredTable,
  ListHead,
  ListSummary,
  PagedRow,
  type Column,
  type EmptyState,
} from './list/FilteredList';
import { NotificationStatusBadge } from '../features/notifications/NotificationTimeline';
import { useFilteredScreen } from './list/useFilteredScreen';
import { useQueryAction } from '../ui/useQueryAction';
import { KIND_LABEL, KINDS, STATUS_LABEL, STATUSES } from '../features/notifications/labels';
import { useChannel } from '../data/useChannel';
import {
  apiFilter,
  filterFromQuery,
  filterKey,
  isFiltered,
  queryOfFilter,
  type LogFilter,
} from '../features/notifications/log';
import { hrefOf, navigate } from '../stores/route';
import { formatTime } from '../time';
import './Notifications.css';

const ROW_HEIGHT = 36;

const COLUMNS: Column[] = [
  { key: 'time', label: 'Time' },
  { key: 'client', label: 'Client' },
  { key: 'kind', label: 'Kind' },
  { key: 'recipients', label: 'Recipients' },
  { key: 'subject', label: 'Subject' },
  { key: 'status', label: 'Status' },
  { key: 'attempts', label: 'Attempts', className: 'num' },
];

/** What the notifications are, before the client and the days: "the failed “Low balance” notifications". */
function whatOf(f: LogFilter): string {
  const what = `${f.status ? `${STATUS_LABEL[f.status].toLowerCase()} ` : ''}${f.kind ? `“${KIND_LABEL[f.kind]}” ` : ''}notifications`;
  return isFiltered(f) ? `the ${what}` : 'every notification';
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
  testId: 'nlog-empty',
  noMatch: 'No notification matches these filters.',
  title: 'The notification log is empty.',
};

export function NotificationsScreen() {
  const list = useFilteredScreen('notifications.list', { screen: 'notifications', spec: SPEC, rowHeight: ROW_HEIGHT });
  const { filter } = list;
  const mail = useChannel('mail.get', {}).data;
  const [exporting, setExporting] = useState(false);
  // "?export=1" (File → Export… in the desktop menu, the palette): the Export dialog opens on arrival.
  useQueryAction('export', () => setExporting(true));

  const open = (n: Notification) => navigate({ screen: 'notification', id: n.id });

  return (
    <section className="screen screen-fill nlog" aria-labelledby="nlog-title">
      <ListHead
        id="nlog-title"
        title="Notification log"
        summary={
          <ListSummary
            list={list}
            testId="nlog-summary"
            none="Nothing decided yet."
            one="notification"
            many="notifications"
          />
        }
      >
        <a className="button-link" href={hrefOf({ screen: 'outbox' })} data-testid="outbox-link">
          Outbox
        </a>
        <button type="button" className="primary" onClick={() => setExporting(true)} data-testid="export-open">
          Export…
        </button>
      </ListHead>

      {mail?.route === 'outbox' ? (
        <div className="banner banner-info nlog-route" data-testid="nlog-outbox-note">
          No mail server is set up: emails are written to the outbox folder instead of being sent.{' '}
          <a href={hrefOf({ screen: 'outbox' })}>See the outbox</a> ·{' '}
          <a href={hrefOf({ screen: 'settings' })}>Set up SMTP in Settings</a>
        </div>
      ) : null}

      <FilterForm
        list={list}
        label="Filter the notification log"
        testId="nlog-filters"
        clearTestId="nlog-clear"
        status={{ choices: STATUSES, labels: STATUS_LABEL }}
      >
        <ChoiceField
          label="Kind"
          name="kind"
          className="nlog-kind"
          any="Any kind"
          value={filter.kind}
          choices={KINDS}
          labels={KIND_LABEL}
          onChange={(kind) => list.setFilter({ kind })}
        />
      </FilterForm>

      <FilteredTable
        list={list}
        what="the notification log"
        label="Notifications"
        columns={COLUMNS}
        testId="nlog-list"
        loading="Loading the notification log…"
        row={(n, v) => (
          <PagedRow
            key={n.id}
            v={v}
            className={`vrow nlog-row nlog-row-${n.status}`}
            testId="nlog-row"
            id={n.id}
            status={n.status}
            onOpen={() => open(n)}
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
          </PagedRow>
        )}
        empty={EMPTY}
        intro={
          <>
            <p>
              Every time a low balance rule decides about a client, a row lands here with the reason in words: an email{' '}
              <strong>sent</strong>, one <strong>queued</strong> or retrying while the mail server is unreachable, one
              that <strong>failed</strong>, or one <strong>suppressed</strong> because the quota was used up, the period
              had not passed or there was nobody to tell. Receipts, failed recharges and resends are logged here too.
            </p>
            <p className="muted">
              Filter it by day, client, kind or status, open a row to read the email as it was sent, and export it as
              CSV or JSON for your records.
            </p>
            <ul className="links">
              <li>
                <a href="#/profiles">Set up a low balance profile</a>: its rules start deciding as balances cross its
                thresholds.
              </li>
              <li>
                <a href="#/settings">Set up the mail server</a>
                {mail?.route === 'outbox' ? ': until then, emails go to the outbox folder.' : '.'}
              </li>
            </ul>
          </>
        }
      />
      {exporting ? (
        <ExportDialog
          request={{ log: 'notifications', filter: apiFilter(filter) }}
          description={list.described}
          onClose={() => setExporting(false)}
        />
      ) : null}
    </section>
  );
}
