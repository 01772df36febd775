/**
 * A client's low balance decisions, newest first: each one sent, queued, failed or suppressed, and why in
 * words (the core writes the reason: "Available $9.00 is below the client threshold of $10.00. …").
 */
import type { Notification, RuleKind } from '../../../shared/contracts';
import { formatTime } from '../time';
import { relativeTime } from './LowBalanceTime';
import '../styles/low-balance.css';

export const RULE_LABEL: Record<RuleKind, string> = {
  staff: 'Reseller staff',
  client: 'Client',
  inactivity: 'Inactivity',
};

const SUPPRESSED_LABEL: Record<NonNullable<Notification['suppressed']>, string> = {
  quota: 'quota',
  period: 'period',
  no_recipients: 'no recipients',
};

const STATUS_TITLE: Record<Notification['status'], string> = {
  queued: 'Waiting to be sent',
  sent: 'Sent',
  failed: 'Could not be sent; it is retried',
  suppressed: 'Decided, and not sent',
};

export function NotificationStatusBadge({ n }: { n: Pick<Notification, 'status' | 'suppressed'> }) {
  const text = n.status === 'suppressed' && n.suppressed ? `suppressed: ${SUPPRESSED_LABEL[n.suppressed]}` : n.status;
  return (
    <span className={`lb-badge nstatus nstatus-${n.status}`} title={STATUS_TITLE[n.status]}>
      {text}
    </span>
  );
}

export function NotificationTimeline(props: {
  notifications: Notification[];
  now: number;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore(): void;
}) {
  return (
    <div className="lb-timeline-wrap" data-testid="notification-timeline">
      {props.notifications.length === 0 ? (
        <p className="muted lb-timeline-empty">No low balance decisions for this client yet.</p>
      ) : (
        <ol className="lb-timeline">
          {props.notifications.map((n) => (
            <li key={n.id} className={`lb-event lb-event-${n.status}`} data-testid={`notification-${n.id}`} data-status={n.status} data-rule={n.rule}>
              <div className="lb-event-head">
                <time className="lb-event-time nowrap" dateTime={n.decidedAt} title={relativeTime(n.decidedAt, props.now, { past: true })}>
                  {formatTime(n.decidedAt)}
                </time>
                <span className="lb-event-rule">{n.rule ? `${RULE_LABEL[n.rule]} rule` : n.kind.replace(/_/g, ' ')}</span>
                <NotificationStatusBadge n={n} />
                <span className="lb-event-subject truncate" title={n.subject}>
                  {n.subject}
                </span>
              </div>
              <p className="lb-event-reason">{n.reason}</p>
              <div className="lb-event-meta">
                {n.recipients.length ? (
                  <span className="truncate" title={n.recipients.join(', ')}>
                    To {n.recipients.join(', ')}
                  </span>
                ) : (
                  <span>No recipients</span>
                )}
                {n.attempts > 1 ? <span>{n.attempts} attempts</span> : null}
                {n.profileName ? <span>Profile {n.profileName}</span> : null}
              </div>
              {n.error ? <div className="lb-event-error">{n.error}</div> : null}
            </li>
          ))}
        </ol>
      )}
      {props.hasMore ? (
        <div className="load-more">
          <button type="button" onClick={props.onLoadMore} disabled={props.loadingMore} data-testid="notifications-load-more">
            {props.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </div>
  );
}
