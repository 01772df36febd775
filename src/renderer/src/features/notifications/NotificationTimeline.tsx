/**
 * A client's low balance decisions, newest first: each one sent, queued, failed or suppressed, and why in
 * words (the core writes the reason: "Available $9.00 is below the client threshold of $10.00. …").
 */
import type { Notification, ProfileRuleKind } from '../../../../shared/contracts';
import { isRetrying, KIND_LABEL, STATUS_LABEL, STATUS_TITLE, SUPPRESSED_LABEL } from './labels';
import { hrefOf } from '../../stores/route';
import { formatTime } from '../../time';
import { relativeTime } from '../../ui/When';
import './NotificationTimeline.css';

export const RULE_LABEL: Record<ProfileRuleKind, string> = {
  staff: 'Reseller staff',
  client: 'Client',
  inactivity: 'Inactivity',
  forecast: 'Run-dry forecast',
};

/**
 * The status of a notification as a badge. "retrying" when it is queued after a failed attempt (the error
 * is its title); "Suppressed: quota" says why nothing was sent.
 */
export function NotificationStatusBadge({
  n,
}: {
  n: Pick<Notification, 'status' | 'suppressed'> & Partial<Pick<Notification, 'attempts' | 'error'>>;
}) {
  const retrying = isRetrying({ status: n.status, attempts: n.attempts ?? 0 });
  const text = retrying
    ? 'Retrying'
    : n.status === 'suppressed' && n.suppressed
      ? `Suppressed: ${SUPPRESSED_LABEL[n.suppressed]}`
      : STATUS_LABEL[n.status];
  const title = retrying
    ? `Retrying after ${n.attempts} failed ${n.attempts === 1 ? 'attempt' : 'attempts'}${n.error ? `: ${n.error}` : ''}`
    : STATUS_TITLE[n.status];
  return (
    <span
      className={`lb-badge nstatus nstatus-${retrying ? 'retrying' : n.status}`}
      title={title}
      data-testid="notification-status"
    >
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
            <li
              key={n.id}
              className={`lb-event lb-event-${n.status}`}
              data-testid={`notification-${n.id}`}
              data-status={n.status}
              data-rule={n.rule}
            >
              <div className="lb-event-head">
                <a
                  className="lb-event-time nowrap"
                  href={hrefOf({ screen: 'notification', id: n.id })}
                  title={`${relativeTime(n.decidedAt, props.now, { past: true })}: open notification #${n.id}`}
                >
                  <time dateTime={n.decidedAt}>{formatTime(n.decidedAt)}</time>
                </a>
                <span className="lb-event-rule">{n.rule ? `${RULE_LABEL[n.rule]} rule` : KIND_LABEL[n.kind]}</span>
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
          <button
            type="button"
            onClick={props.onLoadMore}
            disabled={props.loadingMore}
            data-testid="notifications-load-more"
          >
            {props.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </div>
  );
}
