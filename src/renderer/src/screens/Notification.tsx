/**
 * One notification (#/notifications/<id>): why it was decided, in words, every field of its log row, the
 * resends made of it, and its email as it is (or would be) sent. "Resend" sends the same email again to
 * the same recipients as a new row linked to this one, after a confirmation.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { Notification } from '../../../shared/contracts';
import { Dialog } from '../ui/Dialog';
import { FormError } from '../ui/Field';
import { LoadState } from '../ui/LoadState';
import { relativeTime } from '../ui/When';
import { MailMessage } from '../features/notifications/MailMessage';
import { Money } from '../ui/Money';
import { NotificationStatusBadge, RULE_LABEL } from '../features/notifications/NotificationTimeline';
import { isRetrying, KIND_LABEL, SUPPRESSED_TEXT, VIA_LABEL } from '../features/notifications/labels';
import { useChannel } from '../data/useChannel';
import { resend } from '../features/notifications/log';
import { hrefOf, navigate } from '../stores/route';
import { useCoreNow } from '../data/core-now';
import { useFormSubmit } from '../ui/useFormSubmit';
import { formatTime } from '../time';
import { useCan } from '../stores/session';
import './Notification.css';

export function NotificationScreen({ id }: { id: number }) {
  const canResendRole = useCan('notifications.resend');
  const [clientId, setClientId] = useState<number | undefined>();
  // Read again when its client's notifications change, once it is known whose it is.
  const s = useChannel('notifications.get', { id }, { clientId });
  const now = useCoreNow();
  const [resending, setResending] = useState(false);
  const d = s.notFound ? null : s.data;
  const n = d?.notification;
  if (n && n.clientId !== clientId) setClientId(n.clientId);

  useEffect(() => {
    setResending(false);
    document.getElementById('content')?.scrollTo({ top: 0 });
  }, [id]);

  const back = (
    <a className="back" href={hrefOf({ screen: 'notifications' })}>
      ← Notification log
    </a>
  );

  if (!d || !n) {
    return (
      <section className="screen ndetail">
        {back}
        <LoadState
          what="notification"
          id={id}
          notFound={s.notFound}
          error={s.error}
          listHref="#/notifications"
          listLabel="Back to the notification log"
          onRetry={() => void s.refetch()}
        />
      </section>
    );
  }

  const canResend = n.recipients.length > 0;

  return (
    <section
      className="screen ndetail"
      aria-labelledby="ndetail-title"
      data-testid="notification-detail"
      data-id={n.id}
      data-status={n.status}
    >
      {back}
      <header className="screen-head">
        <div className="ndetail-title">
          <h1 id="ndetail-title">
            <span className="muted">#{n.id}</span> {n.subject}
          </h1>
          <p className="muted">
            {KIND_LABEL[n.kind]} · <a href={hrefOf({ screen: 'client', id: n.clientId })}>{n.clientName}</a> ·{' '}
            <time dateTime={n.decidedAt} title={relativeTime(n.decidedAt, now, { past: true })}>
              {formatTime(n.decidedAt)}
            </time>
          </p>
        </div>
        <div className="toolbar">
          <NotificationStatusBadge n={n} />
          {canResendRole ? (
            <button
              type="button"
              onClick={() => setResending(true)}
              disabled={!canResend}
              title={
                canResend
                  ? 'Send the same email again to the same recipients'
                  : 'Nobody was to be told when it was decided: there is no one to send it to'
              }
              data-testid="resend"
            >
              Resend…
            </button>
          ) : null}
        </div>
      </header>

      <div
        className={`card ndetail-reason ndetail-reason-${isRetrying(n) ? 'retrying' : n.status}`}
        data-testid="notification-reason"
      >
        <h2>Why</h2>
        <p className="ndetail-reason-text">{n.reason}</p>
        {n.status === 'suppressed' && n.suppressed ? (
          <p className="ndetail-reason-more">Not sent: {SUPPRESSED_TEXT[n.suppressed]}.</p>
        ) : null}
        {n.error ? (
          <p className="ndetail-error" data-testid="notification-error">
            {n.status === 'failed' ? 'Could not be sent: ' : 'Last attempt failed: '}
            {n.error}
          </p>
        ) : null}
        {d.nextAttemptAt ? (
          <p className="ndetail-reason-more" data-testid="notification-next-attempt">
            Tried {n.attempts} {n.attempts === 1 ? 'time' : 'times'}; the next attempt is{' '}
            {relativeTime(d.nextAttemptAt, now, { due: true })} ({formatTime(d.nextAttemptAt)}).
          </p>
        ) : null}
      </div>

      <div className="ndetail-grid">
        <div className="card ndetail-facts">
          <h2>Details</h2>
          <Facts n={n} nextAttemptAt={d.nextAttemptAt} resends={d.resends} now={now} />
        </div>
        <div className="card ndetail-message">
          <h2>Message</h2>
          <MailMessage message={d.message} />
        </div>
      </div>

      {resending ? (
        <ResendDialog
          n={n}
          onClose={() => setResending(false)}
          onResend={async () => {
            const fresh = await resend(n.id);
            setResending(false);
            navigate({ screen: 'notification', id: fresh.id });
          }}
        />
      ) : null}
    </section>
  );
}

function Fact(props: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd data-testid={props.testId}>{props.children}</dd>
    </div>
  );
}

function Facts(props: {
  n: Notification;
  nextAttemptAt: string | null;
  resends: { id: number; status: Notification['status']; decidedAt: string }[];
  now: number;
}) {
  const { n } = props;
  const none = <span className="muted">—</span>;
  return (
    <dl className="ndetail-dl">
      <Fact label="Decided at">
        <time dateTime={n.decidedAt}>{formatTime(n.decidedAt)}</time>
      </Fact>
      <Fact label="Client" testId="fact-client">
        <a href={hrefOf({ screen: 'client', id: n.clientId })}>{n.clientName}</a>{' '}
        <span className="muted mono small">{n.clientRef}</span>
      </Fact>
      <Fact label="Kind">{KIND_LABEL[n.kind]}</Fact>
      <Fact label="Rule">{n.rule ? `${RULE_LABEL[n.rule]} rule` : none}</Fact>
      <Fact label="Profile">
        {n.profileId ? (
          <a href={hrefOf({ screen: 'profile', id: n.profileId })}>{n.profileName ?? `Profile #${n.profileId}`}</a>
        ) : (
          (n.profileName ?? none)
        )}
        {!n.profileId && n.profileName ? <span className="muted small"> (deleted)</span> : null}
      </Fact>
      {n.available !== null || n.threshold !== null ? (
        <Fact label="Balance when decided">
          {n.available !== null ? <Money amount={n.available} currency={n.currency} /> : none}
          {n.threshold !== null ? (
            <span className="muted">
              {' '}
              available, threshold <Money amount={n.threshold} currency={n.currency} />
            </span>
          ) : null}
        </Fact>
      ) : null}
      {n.seq !== null ? (
        <Fact label="Quota">
          Notification {n.seq}
          {n.maxQty !== null ? ` of ${n.maxQty}` : ''} until the balance is refilled
        </Fact>
      ) : null}
      <Fact label="Status" testId="fact-status">
        <NotificationStatusBadge n={n} />
        {n.status === 'suppressed' && n.suppressed ? (
          <span className="muted small"> {SUPPRESSED_TEXT[n.suppressed]}</span>
        ) : null}
      </Fact>
      <Fact label="Recipients" testId="fact-recipients">
        {n.recipients.length ? (
          <ul className="ndetail-recipients">
            {n.recipients.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        ) : (
          'nobody'
        )}
      </Fact>
      <Fact label="Attempts" testId="fact-attempts">
        {n.attempts}
      </Fact>
      <Fact label="Error">{n.error ? <span className="error-text">{n.error}</span> : none}</Fact>
      <Fact label="Next retry">
        {props.nextAttemptAt ? (
          <time dateTime={props.nextAttemptAt} title={relativeTime(props.nextAttemptAt, props.now, { due: true })}>
            {formatTime(props.nextAttemptAt)}
          </time>
        ) : (
          none
        )}
      </Fact>
      <Fact label="Sent via" testId="fact-via">
        {n.via ? VIA_LABEL[n.via] : none}
      </Fact>
      <Fact label="Sent at" testId="fact-sent-at">
        {n.sentAt ? <time dateTime={n.sentAt}>{formatTime(n.sentAt)}</time> : none}
      </Fact>
      <Fact label="Message-ID" testId="fact-message-id">
        <span className="mono ndetail-wrap">{n.messageId}</span>
      </Fact>
      <Fact label="Resend of" testId="fact-resend-of">
        {n.resendOf ? (
          <a href={hrefOf({ screen: 'notification', id: n.resendOf })}>Notification #{n.resendOf}</a>
        ) : (
          none
        )}
      </Fact>
      <Fact label="Resends" testId="fact-resends">
        {props.resends.length ? (
          <ul className="ndetail-resends">
            {props.resends.map((r) => (
              <li key={r.id}>
                <a href={hrefOf({ screen: 'notification', id: r.id })}>Notification #{r.id}</a>{' '}
                <NotificationStatusBadge n={{ status: r.status, suppressed: null }} />{' '}
                <span className="muted small">{formatTime(r.decidedAt)}</span>
              </li>
            ))}
          </ul>
        ) : (
          none
        )}
      </Fact>
    </dl>
  );
}

function ResendDialog(props: { n: Notification; onClose(): void; onResend(): Promise<void> }) {
  const { busy, errors, run } = useFormSubmit({ clearOnRun: true });
  const { n } = props;
  return (
    <Dialog title="Resend this notification?" onClose={props.onClose} testId="resend-dialog">
      <div className="form">
        <p>
          The email “{n.subject}” is sent again, now, to {n.recipients.join(', ')}.
        </p>
        <p className="muted">
          A new row is added to the log, linked to #{n.id}; this one stays as it is. The message is written afresh from
          this notification's figures, as it was decided.
        </p>
        {n.status === 'queued' ? (
          <p className="ndetail-warn">
            This notification is still waiting to be sent: resending it now may deliver the email twice.
          </p>
        ) : null}
        <FormError message={errors.form} />
        <div className="form-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={busy}
            autoFocus
            data-testid="confirm-resend"
            onClick={() => void run(props.onResend)}
          >
            {busy ? 'Resending…' : 'Resend'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
