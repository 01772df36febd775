/** The notification log: every decision and message, one row each, its detail, Resend and the export of the log. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { cursor, id, isoTime, limit, page } from './common';
import { exportStarter } from './exports';
import { profileRuleKind } from './profiles';

export const notificationKind = z.enum(
  [
    'low_balance_staff',
    'low_balance_client',
    'inactivity',
    'low_balance_forecast',
    'top_up_receipt',
    'recharge_failed',
    'method_disabled',
    'settings_changed',
    'setup_link',
  ],
  {
    error:
      'must be one of low_balance_staff, low_balance_client, inactivity, low_balance_forecast, top_up_receipt, recharge_failed, method_disabled, settings_changed, setup_link',
  },
);
export type NotificationKind = z.infer<typeof notificationKind>;

export const notificationStatus = z.enum(['queued', 'sent', 'failed', 'suppressed'], {
  error: 'must be queued, sent, failed or suppressed',
});

export const notification = z.object({
  id: z.number(),
  kind: notificationKind,
  clientId: z.number(),
  clientName: z.string(),
  clientRef: z.string(),
  profileId: z.number().nullable(),
  profileName: z.string().nullable(),
  /** The rule that decided (the three low balance kinds), else null. */
  rule: profileRuleKind.nullable(),
  decidedAt: z.string(),
  /** queued: waiting to be sent, or retrying after an error (attempts > 0, error says why). */
  status: notificationStatus,
  suppressed: z.enum(['quota', 'period', 'no_recipients']).nullable(),
  reason: z.string(),
  available: z.number().nullable(),
  threshold: z.number().nullable(),
  currency: z.string(),
  seq: z.number().nullable(),
  maxQty: z.number().nullable(),
  recipients: z.array(z.string()),
  subject: z.string(),
  attempts: z.number(),
  error: z.string().nullable(),
  sentAt: z.string().nullable(),
  via: z.enum(['smtp', 'outbox']).nullable(),
  resendOf: z.number().nullable(),
  /** The stable Message-ID of its email, derived from the id: the same on every attempt. */
  messageId: z.string(),
});
export type Notification = z.infer<typeof notification>;

/** What narrows the log: the list screen and the export share it. */
export const notificationFilter = z.strictObject({
  clientId: id.optional(),
  kind: notificationKind.optional(),
  status: notificationStatus.optional(),
  /** Decided at or after. */
  from: isoTime.optional(),
  /** Decided before. */
  to: isoTime.optional(),
});
export type NotificationFilter = z.infer<typeof notificationFilter>;

export const notificationsList = defineContract({
  name: 'notifications.list',
  staleOn: ['notifications'],
  summary:
    'One page of the notification log, newest first: every decision (sent, queued, failed, or suppressed with its reason) and every message; narrowed by client, kind, status and a date range.',
  input: notificationFilter.extend({ limit, cursor }).default({ limit: 50 }),
  output: page(notification),
});

export const renderedMessage = z.object({
  from: z.string(),
  to: z.array(z.string()),
  replyTo: z.string().nullable(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  messageId: z.string(),
});
export type RenderedMessage = z.infer<typeof renderedMessage>;

export const notificationsGet = defineContract({
  name: 'notifications.get',
  staleOn: ['notifications', 'mail'],
  summary:
    'One notification with its message as it is (or would be) sent, its next retry while the mail server is failing, and the resends made of it.',
  input: z.strictObject({ id }),
  output: z.object({
    notification,
    message: renderedMessage,
    /** When the next attempt is due while it is queued after an error. */
    nextAttemptAt: z.string().nullable(),
    resends: z.array(z.object({ id: z.number(), status: notificationStatus, decidedAt: z.string() })),
  }),
});

export const notificationsResend = defineContract({
  name: 'notifications.resend',
  role: 'operator',
  summary:
    'Sends a notification again to the same recipients: a new log row linked to the old one (resendOf), queued at once.',
  mutates: true,
  input: z.strictObject({ id }),
  output: notification,
});

export const notificationsExport = exportStarter(
  'notifications.export',
  'Starts writing the notification log, narrowed like notifications.list, to a CSV (UTF-8, RFC 4180, safe in spreadsheets) or JSON file, streamed in the background; the desktop app asks where to save it. Null when the save dialog was cancelled.',
  notificationFilter,
);
