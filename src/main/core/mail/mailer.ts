/**
 * Where mail goes and how: nodemailer over SMTP when a server is set up (in Settings, or SMTP_URL, which
 * overrides them), otherwise .eml files in the local outbox folder so that nothing is lost and the app
 * works out of the box. Errors come back in words, with whether retrying can help.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createTransport } from 'nodemailer';

export type SmtpSecurity = 'none' | 'starttls' | 'tls';

export interface SmtpConfig {
  host: string;
  port: number;
  security: SmtpSecurity;
  user: string;
  password: string;
  from: string;
}

export type MailRoute =
  { via: 'smtp'; source: 'settings' | 'env'; config: SmtpConfig } | { via: 'outbox'; dir: string };

export interface OutgoingMail {
  from?: string;
  to: string[];
  replyTo?: string | null;
  subject: string;
  text: string;
  html: string;
  /** "<…@…>": the same on every attempt, so a receiver can tell a repeat. */
  messageId: string;
  date: Date;
  /** The log row, written into a header (and the outbox file name). */
  notificationId?: number;
}

export interface Delivery {
  via: 'smtp' | 'outbox';
  /** The server's answer ("250 Accepted"), or the outbox file. */
  detail: string;
  /** Recipients the server refused while it took the message for the others. */
  rejected: string[];
}

/** A failure in words: `permanent` when sending the same message again cannot succeed. */
export class MailError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly code: number | null,
  ) {
    super(message);
    this.name = 'MailError';
  }
}

export const OUTBOX_FROM = 'Balance Desk <balance-desk@localhost>';

/** smtp://user:pass@host:port (plain), smtp://…?security=starttls, smtps://… (TLS from the start). */
export function parseSmtpUrl(url: string, from?: string): SmtpConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('SMTP_URL is not a URL such as smtp://user:pass@127.0.0.1:2525');
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:')
    throw new Error('SMTP_URL must start with smtp:// or smtps://');
  const tls = u.protocol === 'smtps:';
  const asked = u.searchParams.get('security');
  if (asked && !['none', 'starttls', 'tls'].includes(asked))
    throw new Error('SMTP_URL security must be none, starttls or tls');
  const security = (asked as SmtpSecurity | null) ?? (tls ? 'tls' : 'none');
  const port = u.port ? Number(u.port) : security === 'tls' ? 465 : 587;
  const user = decodeURIComponent(u.username);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    security,
    user,
    password: decodeURIComponent(u.password),
    from: u.searchParams.get('from') ?? from ?? (user.includes('@') ? user : OUTBOX_FROM),
  };
}

/** The URL without its password, to show. */
export function redactSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return u.toString();
    // Written by hand: URL would percent-encode the bullets.
    return u.toString().replace(`:${u.password}@`, ':•••@');
  } catch {
    return '(not a URL)';
  }
}

function transportOptions(c: SmtpConfig) {
  return {
    host: c.host,
    port: c.port,
    secure: c.security === 'tls',
    requireTLS: c.security === 'starttls',
    ignoreTLS: c.security === 'none',
    auth: c.user ? { user: c.user, pass: c.password } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

/** What went wrong, in words a reseller can act on. */
export function describeSmtpError(err: unknown, c: Pick<SmtpConfig, 'host' | 'port' | 'security'>): MailError {
  const e = err as {
    code?: string;
    responseCode?: number;
    response?: string;
    command?: string;
    message?: string;
    rejected?: string[];
  };
  const where = `${c.host}:${c.port}`;
  const said = e.response ? ` The server said: ${e.response.trim()}` : '';
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const msg = e.message ?? String(err);
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    return new MailError(
      e.code === 'ENOAUTH'
        ? `The server at ${where} wants a user name and password, and none is set.${said}`
        : `The server at ${where} refused the user name or password: check them in Settings.${said}`,
      false,
      code,
    );
  }
  if (/ECONNREFUSED/.test(msg))
    return new MailError(
      `Could not connect to ${where}: the connection was refused. Is the mail server running, and is the port right?`,
      false,
      null,
    );
  if (e.code === 'EDNS' || /ENOTFOUND|EAI_AGAIN/.test(msg))
    return new MailError(`The mail server ${c.host} was not found: check the host name.`, false, null);
  if (e.code === 'ETIMEDOUT' || /timeout/i.test(msg))
    return new MailError(`The mail server at ${where} did not answer in time.`, false, null);
  if (e.code === 'ETLS' || /wrong version number|SSL routines|certificate|self.signed/i.test(msg)) {
    return new MailError(
      `The secure connection to ${where} failed (${msg}). ${c.security === 'tls' ? 'The server may not speak TLS on this port: try STARTTLS (usually port 587).' : 'Check the security setting and the server’s certificate.'}`,
      false,
      null,
    );
  }
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') {
    if (code !== null && code >= 500) {
      const who = e.rejected?.length ? ` ${e.rejected.join(', ')}` : '';
      return new MailError(
        `The server refused the message${who ? ` for${who}` : ''} (${code}); sending it again will not help.${said}`,
        true,
        code,
      );
    }
    return new MailError(
      `The server did not take the message for now${code ? ` (${code})` : ''}; it will be tried again.${said}`,
      false,
      code,
    );
  }
  if (code !== null && code >= 500 && e.command && /RCPT|MAIL|DATA/i.test(e.command)) {
    return new MailError(
      `The server refused the message (${code}); sending it again will not help.${said}`,
      true,
      code,
    );
  }
  if (e.code === 'ECONNECTION' || e.code === 'ESOCKET')
    return new MailError(`The connection to ${where} failed: ${msg}`, false, code);
  return new MailError(`Sending through ${where} failed: ${msg}`, false, code);
}

export class Mailer {
  constructor(private readonly route: () => MailRoute) {}

  /** Sends one message by the current route. Throws MailError. */
  async send(mail: OutgoingMail, route: MailRoute = this.route()): Promise<Delivery> {
    if (route.via === 'outbox') return writeOutbox(route.dir, mail);
    return this.sendWith(route.config, mail);
  }

  /**
   * Sends with the given settings, on a connection of its own. Not a pool: nodemailer's pool tries a
   * failing server again by itself, several times per message, and each try can wait for a timeout; one
   * connection per message keeps a send's worst case to one timeout (the notify job does the retrying).
   */
  async sendWith(config: SmtpConfig, mail: OutgoingMail): Promise<Delivery> {
    const transport = createTransport(transportOptions(config));
    try {
      const info = (await transport.sendMail(message(mail, mail.from ?? config.from))) as {
        response?: string;
        rejected?: (string | { address: string })[];
      };
      return {
        via: 'smtp',
        detail: info.response ?? 'accepted',
        rejected: (info.rejected ?? []).map((r) => (typeof r === 'string' ? r : r.address)),
      };
    } catch (err) {
      throw describeSmtpError(err, config);
    } finally {
      transport.close();
    }
  }
}

function message(mail: OutgoingMail, from: string) {
  return {
    from,
    to: mail.to,
    replyTo: mail.replyTo ?? undefined,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    date: mail.date,
    headers: mail.notificationId ? { 'X-Balance-Desk-Notification': String(mail.notificationId) } : undefined,
  };
}

/**
 * The outbox file of a message: one per notification (a retry rewrites it), or one per test email — named by
 * its time and its Message-ID's random part, so two tests in one millisecond are two files.
 */
export function outboxFileName(mail: Pick<OutgoingMail, 'notificationId' | 'date' | 'messageId'>): string {
  if (mail.notificationId) return `notification-${mail.notificationId}.eml`;
  const token = /^<test-\d+\.([0-9a-f]+)\./.exec(mail.messageId)?.[1];
  return `test-${mail.date.toISOString().replace(/[:.]/g, '-')}${token ? `-${token}` : ''}.eml`;
}

const composer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/** Writes the message as an .eml file, whole or not at all (a temporary file renamed into place). */
async function writeOutbox(dir: string, mail: OutgoingMail): Promise<Delivery> {
  const info = (await composer.sendMail(message(mail, mail.from ?? OUTBOX_FROM))) as { message: Buffer };
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, outboxFileName(mail));
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, info.message);
  fs.renameSync(tmp, file);
  return { via: 'outbox', detail: file, rejected: [] };
}
