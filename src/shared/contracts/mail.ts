/** Mail settings: SMTP, or the local outbox folder when no server is set up, and a test message. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { email, empty, text, version } from './common';

/* ── Mail settings ─────────────────────────────────────────────────────────────────────────────── */

export const smtpSecurity = z.enum(['none', 'starttls', 'tls'], { error: 'must be none, starttls or tls' });

/** What is wrong with a mail server's host name, in words; null when it can be one (a name, IPv4 or IPv6). */
export function hostProblem(v: string): string | null {
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(v)) return 'must be a host name or IP address such as smtp.example.com';
  const withPort = /^([^:[\]]+):(\d{1,5})$/.exec(v);
  if (withPort)
    return `must be the host alone: the port goes in its own field (host ${withPort[1]}, port ${withPort[2]})`;
  // IPv6, bare or in brackets: hex groups and colons only.
  if (v.includes(':'))
    return /^\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\]?$/.test(v) && v.startsWith('[') === v.endsWith(']')
      ? null
      : 'must be a host name or IP address such as smtp.example.com';
  if (v.includes('[') || v.includes(']')) return 'must be a host name or IP address such as smtp.example.com';
  const labels = v.split('.');
  if (labels.some((l) => l === ''))
    return 'must not have an empty part: two dots in a row, or a dot at the start or the end';
  if (labels.some((l) => l.startsWith('-') || l.endsWith('-')))
    return 'must not have a part that starts or ends with a hyphen';
  if (labels.some((l) => l.length > 63)) return 'must not have a part longer than 63 characters';
  if (labels.every((l) => /^\d+$/.test(l)) && (labels.length !== 4 || labels.some((l) => Number(l) > 255)))
    return 'must be an IP address of four numbers from 0 to 255, such as 192.168.1.10';
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
const port = z
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be from 1 to 65535')
  .max(65535, 'must be from 1 to 65535');

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
    .object({
      host: z.string(),
      port: z.number(),
      security: smtpSecurity,
      user: z.string(),
      from: z.string(),
      hasPassword: z.boolean(),
    })
    .nullable(),
  /** SMTP_URL with the password left out, when it is set. */
  envUrl: z.string().nullable(),
  outboxDir: z.string(),
  /** How the password is sealed: the OS keychain (desktop app), or a key file in the data folder (headless host). */
  secretStorage: z.enum(['os', 'keyfile']),
  /** Bumped by every save of the SMTP settings (0: never saved): mail.set takes it back. */
  version: z.number(),
});
export type MailSettings = z.infer<typeof mailSettings>;

export const mailGet = defineContract({
  name: 'mail.get',
  staleOn: ['mail'],
  summary: 'The mail settings: the SMTP server (never its password), or the outbox folder used while none is set up.',
  input: empty,
  output: mailSettings,
});

export const mailSet = defineContract({
  name: 'mail.set',
  summary:
    'Saves the SMTP server (the password sealed, never stored as plain text), or null to write mail to the outbox folder instead. With version (the one mail.get answered), settings saved since are refused as a conflict (field version) naming who saved them and when.',
  mutates: true,
  input: z.strictObject({
    smtp: smtpInput.nullable(),
    /** The settings' version the form loaded (mail.get): refused as a conflict when they were saved since. */
    version: version.optional(),
  }),
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
