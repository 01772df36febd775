/**
 * Notifications: the log of every decision and message, mail settings (SMTP, or the local outbox when no
 * server is set up), the outbox itself, and local exports of the log (CSV, JSON).
 */
import { z } from 'zod';
import { defineContract } from '../contract';
import { cursor, email, empty, id, isoTime, limit, page, text } from './common';
import { profileRuleKind } from './profiles';

export const notificationKind = z.enum(
  ['low_balance_staff', 'low_balance_client', 'inactivity', 'low_balance_forecast', 'top_up_receipt', 'recharge_failed', 'method_disabled', 'settings_changed', 'setup_link'],
  { error: 'must be one of low_balance_staff, low_balance_client, inactivity, low_balance_forecast, top_up_receipt, recharge_failed, method_disabled, settings_changed, setup_link' },
);
export type NotificationKind = z.infer<typeof notificationKind>;

export const notificationStatus = z.enum(['queued', 'sent', 'failed', 'suppressed'], { error: 'must be queued, sent, failed or suppressed' });

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
  summary: 'One notification with its message as it is (or would be) sent, its next retry while the mail server is failing, and the resends made of it.',
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
  summary: 'Sends a notification again to the same recipients: a new log row linked to the old one (resendOf), queued at once.',
  mutates: true,
  input: z.strictObject({ id }),
  output: notification,
});

/* ── Mail settings ─────────────────────────────────────────────────────────────────────────────── */

export const smtpSecurity = z.enum(['none', 'starttls', 'tls'], { error: 'must be none, starttls or tls' });

/** What is wrong with a mail server's host name, in words; null when it can be one (a name, IPv4 or IPv6). */
export function hostProblem(v: string): string | null {
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(v)) return 'must be a host name or IP address such as smtp.example.com';
  const withPort = /^([^:[\]]+):(\d{1,5})$/.exec(v);
  if (withPort) return `must be the host alone: the port goes in its own field (host ${withPort[1]}, port ${withPort[2]})`;
  // IPv6, bare or in brackets: hex groups and colons only.
  if (v.includes(':')) return /^\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\]?$/.test(v) && (v.startsWith('[') === v.endsWith(']')) ? null : 'must be a host name or IP address such as smtp.example.com';
  if (v.includes('[') || v.includes(']')) return 'must be a host name or IP address such as smtp.example.com';
  const labels = v.split('.');
  if (labels.some((l) => l === '')) return 'must not have an empty part: two dots in a row, or a dot at the start or the end';
  if (labels.some((l) => l.startsWith('-') || l.endsWith('-'))) return 'must not have a part that starts or ends with a hyphen';
  if (labels.some((l) => l.length > 63)) return 'must not have a part longer than 63 characters';
  if (labels.every((l) => /^\d+$/.test(l)) && (labels.length !== 4 || labels.some((l) => Number(l) > 255))) return 'must be an IP address of four numbers from 0 to 255, such as 192.168.1.10';
  return null;
}

const host = z
  .string({ error: 'must be a host name' })
  .trim()
  .min(1, 'is required')
  .max(253, 'must be at most 253 characters')
  .superRefine((v, ctx) => {
    const problem = hostProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const port = z.number({ error: 'must be a port number' }).int('must be a whole number').min(1, 'must be from 1 to 65535').max(65535, 'must be from 1 to 65535');

/** A From address: "Name <a@b.c>" or a@b.c. */
const fromAddress = z
  .string({ error: 'must be an email address' })
  .trim()
  .min(1, 'is required')
  .max(320, 'is too long')
  .refine((v) => {
    const m = /^(?:"?([^"<>\r\n]*)"?\s*)?<([^<>\s]+)>$/.exec(v);
    return email.safeParse(m ? m[2] : v).success;
  }, 'must be an email address, or a name and address such as Balance Desk <billing@example.com>');

export const smtpInput = z.strictObject({
  host,
  port,
  security: smtpSecurity,
  user: text(256, 'a user name').default(''),
  /** Omitted: keep the stored password; '' or null: remove it. */
  password: z.string({ error: 'must be text' }).max(1024, 'must be at most 1024 characters').nullable().optional(),
  from: fromAddress,
});
export type SmtpInput = z.input<typeof smtpInput>;

export const mailSettings = z.object({
  /** Where mail goes now: the SMTP server from the settings, from SMTP_URL (which overrides them), or the outbox folder. */
  route: z.enum(['settings', 'env', 'outbox']),
  smtp: z
    .object({ host: z.string(), port: z.number(), security: smtpSecurity, user: z.string(), from: z.string(), hasPassword: z.boolean() })
    .nullable(),
  /** SMTP_URL with the password left out, when it is set. */
  envUrl: z.string().nullable(),
  outboxDir: z.string(),
  /** How the password is sealed: the OS keychain (desktop app), or a key file in the data folder (headless host). */
  secretStorage: z.enum(['os', 'keyfile']),
});
export type MailSettings = z.infer<typeof mailSettings>;

export const mailGet = defineContract({
  name: 'mail.get',
  summary: 'The mail settings: the SMTP server (never its password), or the outbox folder used while none is set up.',
  input: empty,
  output: mailSettings,
});

export const mailSet = defineContract({
  name: 'mail.set',
  summary: 'Saves the SMTP server (the password sealed, never stored as plain text), or null to write mail to the outbox folder instead.',
  mutates: true,
  input: z.strictObject({ smtp: smtpInput.nullable() }),
  output: mailSettings,
});

export const mailTestResult = z.object({
  ok: z.boolean(),
  via: z.enum(['smtp', 'outbox']),
  /** What happened, in words: the server's answer, or what went wrong and what to check. */
  message: z.string(),
  /** The server's reply code when it refused (e.g. 535). */
  code: z.number().nullable(),
});

export const mailTest = defineContract({
  name: 'mail.test',
  role: 'admin',
  summary:
    'Sends a test email now and reports what the server said, in words. With smtp, tries those settings (password omitted: the stored one) before they are saved.',
  input: z.strictObject({ to: email, smtp: smtpInput.optional() }),
  output: mailTestResult,
});

/* ── The outbox folder ─────────────────────────────────────────────────────────────────────────── */

export const outboxItem = z.object({
  file: z.string(),
  bytes: z.number(),
  writtenAt: z.string(),
  subject: z.string(),
  to: z.string(),
  notificationId: z.number().nullable(),
});

export const outboxList = defineContract({
  name: 'outbox.list',
  summary: 'The .eml files in the outbox folder (mail written there while no SMTP server is set up), newest first.',
  input: z.strictObject({ limit, cursor }).default({ limit: 50 }),
  output: page(outboxItem).extend({ dir: z.string(), total: z.number() }),
});

export const outboxGet = defineContract({
  name: 'outbox.get',
  summary: 'One message of the outbox folder, as raw .eml text.',
  input: z.strictObject({
    file: z
      .string({ error: 'must be a file name' })
      .regex(/^[\w.-]{1,200}\.eml$/, 'must be the name of an .eml file in the outbox folder'),
  }),
  output: outboxItem.extend({ eml: z.string() }),
});

/* ── Exports ───────────────────────────────────────────────────────────────────────────────────── */

export const exportFormat = z.enum(['csv', 'json'], { error: 'must be csv or json' });

export const exportState = z.object({
  id: z.string(),
  /** Which log it writes: the notification log (exports.start) or the audit log (audit.export). */
  log: z.enum(['notifications', 'audit']),
  format: exportFormat,
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** Rows written so far, and how many the filter matched when it started. */
  rows: z.number(),
  total: z.number(),
  bytes: z.number(),
  fileName: z.string(),
  /** Where the file is: the path chosen in the save dialog (desktop), or the host's exports folder. */
  path: z.string(),
  /** In the browser the finished file is fetched from here (GET, with the token). */
  downloadPath: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ExportState = z.infer<typeof exportState>;

/** A channel that starts exporting a log narrowed by its filter: the export's state, or null when the save dialog was cancelled. */
export const exportStarter = <N extends string, S extends z.ZodRawShape>(name: N, summary: string, filter: z.ZodObject<S, z.core.$strict>) =>
  defineContract({ name, summary, input: filter.extend({ format: exportFormat }), output: exportState.nullable() });

export const exportsStart = exportStarter(
  'exports.start',
  'Starts writing the notification log, narrowed like notifications.list, to a CSV (UTF-8, RFC 4180, safe in spreadsheets) or JSON file, streamed in the background; the desktop app asks where to save it. Null when the save dialog was cancelled.',
  notificationFilter,
);

export const exportsStatus = defineContract({
  name: 'exports.status',
  summary: 'How far an export has got (of either log).',
  input: z.strictObject({ id: z.string().regex(/^[\w-]{1,64}$/, 'is not an export id') }),
  output: exportState,
});

export const exportsCancel = defineContract({
  name: 'exports.cancel',
  summary: 'Stops a running export (of either log) and removes its unfinished file.',
  input: z.strictObject({ id: z.string().regex(/^[\w-]{1,64}$/, 'is not an export id') }),
  output: exportState,
});
