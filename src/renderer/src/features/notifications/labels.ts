/**
 * Notifications in words, shared by the log, its detail, the client's timeline and the settings: one map
 * per value the core sends, so a kind reads the same wherever it appears.
 */
import type { MailSettings, Notification, NotificationKind } from '../../../../shared/contracts';

export const KIND_LABEL: Record<NotificationKind, string> = {
  low_balance_staff: 'Low balance (staff)',
  low_balance_client: 'Low balance (client)',
  inactivity: 'Inactivity',
  low_balance_forecast: 'Runs dry soon (forecast)',
  top_up_receipt: 'Top-up receipt',
  recharge_failed: 'Recharge failed',
  method_disabled: 'Payment method paused',
  settings_changed: 'Settings changed',
  setup_link: 'Payment method link',
};

/** In the order the filter lists them. */
export const KINDS = Object.keys(KIND_LABEL) as NotificationKind[];

export type NotificationStatus = Notification['status'];

export const STATUS_LABEL: Record<NotificationStatus, string> = {
  queued: 'Queued',
  sent: 'Sent',
  failed: 'Failed',
  suppressed: 'Suppressed',
};

export const STATUSES = Object.keys(STATUS_LABEL) as NotificationStatus[];

export const STATUS_TITLE: Record<NotificationStatus, string> = {
  queued: 'Waiting to be sent',
  sent: 'Sent',
  failed: 'Could not be sent, and will not be tried again: the server refused it for good, or every attempt failed',
  suppressed: 'Decided, and not sent',
};

export type Suppressed = NonNullable<Notification['suppressed']>;

/** Short, for a badge: "suppressed: quota". */
export const SUPPRESSED_LABEL: Record<Suppressed, string> = {
  quota: 'quota',
  period: 'period',
  no_recipients: 'no recipients',
};

/** Whole, for the detail: why nothing was sent. */
export const SUPPRESSED_TEXT: Record<Suppressed, string> = {
  quota: 'the quota (Max Qty) for this rule was used up until the balance is refilled',
  period: 'a notification of this rule already went out within its Period',
  no_recipients: 'there was nobody to send it to',
};

/** Queued after a failed attempt: the job tries again with backoff. */
export function isRetrying(n: Pick<Notification, 'status' | 'attempts'>): boolean {
  return n.status === 'queued' && n.attempts > 0;
}

export const VIA_LABEL: Record<NonNullable<Notification['via']>, string> = {
  smtp: 'SMTP server',
  outbox: 'Outbox folder',
};

export type Security = NonNullable<MailSettings['smtp']>['security'];

export const SECURITY_LABEL: Record<Security, string> = {
  none: 'None',
  starttls: 'STARTTLS',
  tls: 'TLS',
};

/** The port each kind of connection usually uses. */
export const SECURITY_PORT: Record<Security, number> = {
  none: 25,
  starttls: 587,
  tls: 465,
};

export const SECRET_STORAGE_TEXT: Record<MailSettings['secretStorage'], string> = {
  os: 'sealed by the system keychain',
  keyfile: 'sealed with a key file in the data folder',
};
