/**
 * The notifier: mail settings (sealed password), the route mail takes (SMTP_URL > Settings > outbox
 * folder), the durable `notify` job that sends a log row, the message as it is sent, and the outbox.
 *
 * A send that fails for a reason that can pass (server down, refused for now, wrong password) leaves the
 * row queued with the error and its attempts, and the job retries with backoff; a refusal that cannot
 * pass (a 5xx for the address or message) marks it failed at once, as does the last attempt.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { ChangeEvent, MailSettings, RenderedMessage } from '../../../shared/contracts';
import type { mailTestResult, smtpInput } from '../../../shared/contracts/mail';
import type { outboxItem } from '../../../shared/contracts/outbox';
import type { z } from 'zod';
import { invalid } from '../../../shared/result';
import { iso, type Clock } from '../clock/clock';
import type { Job, JobQueue, JobResult } from '../scheduler/jobs';
import { PermanentJobError } from '../scheduler/jobs';
import type { SecretBox } from '../settings/secrets';
import type { SettingsStore } from '../settings/store';
import { NOTIFY_JOB, NotificationLog, sendOutcomes } from '../notifications/log';
import {
  MailError,
  Mailer,
  OUTBOX_FROM,
  parseSmtpUrl,
  redactSmtpUrl,
  type MailRoute,
  type OutgoingMail,
  type SmtpConfig,
} from './mailer';
import { messageIdOf, NOTIFICATION_SELECT, testMessageId, type NotificationRow } from '../notifications/query';
import { partyReader } from '../clients/store';
import { render, renderTest, type TemplateData } from '../notifications/templates';

/** How SMTP settings are stored: everything but the password as given, the password sealed. */
interface StoredSmtp {
  host: string;
  port: number;
  security: SmtpConfig['security'];
  user: string;
  from: string;
  password: string | null;
}

const SMTP_KEY = 'smtp';

type SmtpSettingsInput = z.output<typeof smtpInput>;

export interface NotifierOptions {
  sqlite: Database.Database;
  clock: Clock;
  settings: SettingsStore;
  secrets: SecretBox;
  jobs: JobQueue;
  log: NotificationLog;
  outboxDir: string;
  /** SMTP_URL: when set, mail goes there whatever the settings say. */
  smtpUrl?: string;
  emit(e: ChangeEvent): void;
}

/** After the server could not be reached, the rest of a run's mail waits this long instead of each timing out. */
const SERVER_DOWN_MS = 30_000;

export class Notifier {
  readonly mailer: Mailer;
  private readonly s;
  /** The client and reseller a message is about (clients/store.ts). */
  private readonly party;
  /** Until when the SMTP server counts as unreachable, and why (a circuit breaker for one run of jobs). */
  private down: { until: number; error: MailError } | null = null;

  constructor(private readonly o: NotifierOptions) {
    this.mailer = new Mailer(() => this.route());
    const sqlite = o.sqlite;
    this.party = partyReader(sqlite);
    this.s = {
      row: sqlite.prepare(`${NOTIFICATION_SELECT} WHERE n.id = ?`),
      ...sendOutcomes(sqlite),
    };
    o.jobs.register(NOTIFY_JOB, (job) => this.runJob(job));
  }

  /* ── Settings ─────────────────────────────────────────────────────────────────────────────────── */

  private stored(): StoredSmtp | null {
    return this.o.settings.get<StoredSmtp>(SMTP_KEY);
  }

  /** Where mail goes now. Throws MailError when the stored password cannot be opened. */
  route(): MailRoute {
    if (this.o.smtpUrl)
      return { via: 'smtp', source: 'env', config: parseSmtpUrl(this.o.smtpUrl, this.stored()?.from) };
    const s = this.stored();
    if (!s) return { via: 'outbox', dir: this.o.outboxDir };
    return {
      via: 'smtp',
      source: 'settings',
      config: {
        host: s.host,
        port: s.port,
        security: s.security,
        user: s.user,
        from: s.from,
        password: this.openPassword(s),
      },
    };
  }

  private openPassword(s: StoredSmtp): string {
    if (!s.password) return '';
    try {
      return this.o.secrets.open(s.password);
    } catch (e) {
      throw new MailError(
        `The stored SMTP password cannot be used here: ${(e as Error).message} (Settings → Mail).`,
        false,
        null,
      );
    }
  }

  mailSettings(): MailSettings {
    const s = this.stored();
    return {
      route: this.o.smtpUrl ? 'env' : s ? 'settings' : 'outbox',
      smtp: s
        ? { host: s.host, port: s.port, security: s.security, user: s.user, from: s.from, hasPassword: !!s.password }
        : null,
      envUrl: this.o.smtpUrl ? redactSmtpUrl(this.o.smtpUrl) : null,
      outboxDir: this.o.outboxDir,
      secretStorage: this.o.secrets.storage,
      version: this.smtpVersion(),
    };
  }

  /** The version of the SMTP settings (0: never saved), which mail.set takes back. */
  smtpVersion(): number {
    return this.o.settings.version(SMTP_KEY);
  }

  /** Saves the SMTP settings (inside the caller's transaction); returns what the audit log may say. */
  setSmtp(input: SmtpSettingsInput | null, now: number): Record<string, unknown> {
    const before = this.stored();
    this.o.settings.bumpVersion(SMTP_KEY, now);
    if (!input) {
      this.o.settings.delete(SMTP_KEY);
      this.down = null;
      return { smtp: 'removed: mail goes to the outbox folder' };
    }
    let password = before?.password ?? null;
    let change = 'kept';
    if (input.password === null || input.password === '') {
      password = null;
      change = before?.password ? 'removed' : 'none';
    } else if (input.password !== undefined) {
      password = this.o.secrets.seal(input.password);
      change = 'changed';
    } else if (before && (before.host !== input.host || before.user !== input.user) && before.password) {
      // A password is for one account on one server: never hand it to another.
      throw invalid('smtp.password', 'smtp.password must be entered again when the host or user changes');
    }
    const next: StoredSmtp = {
      host: input.host,
      port: input.port,
      security: input.security,
      user: input.user,
      from: input.from,
      password,
    };
    this.o.settings.set(SMTP_KEY, next, now);
    // New settings deserve a try at once.
    this.down = null;
    return {
      host: next.host,
      port: next.port,
      security: next.security,
      user: next.user,
      from: next.from,
      password: change,
    };
  }

  /** Sends a test email now: with `smtp` those settings (password omitted: the stored one), else the current route. */
  async test(to: string, smtp: SmtpSettingsInput | undefined): Promise<z.output<typeof mailTestResult>> {
    const now = this.o.clock.now();
    let route: MailRoute;
    try {
      if (smtp) {
        const s = this.stored();
        let password = smtp.password ?? '';
        if (smtp.password === undefined && s?.password) {
          if (s.host !== smtp.host || s.user !== smtp.user)
            throw invalid('smtp.password', 'smtp.password is needed: the stored one belongs to another server or user');
          password = this.openPassword(s);
        }
        route = { via: 'smtp', source: 'settings', config: { ...smtp, password } };
      } else {
        route = this.route();
      }
    } catch (e) {
      if (e instanceof MailError) return { ok: false, via: 'smtp', message: e.message, code: e.code };
      throw e;
    }
    const where =
      route.via === 'outbox'
        ? 'the outbox folder (no SMTP server is set up)'
        : `${route.config.host}:${route.config.port}`;
    const msg = renderTest(now, where);
    const mail: OutgoingMail = {
      to: [to],
      subject: msg.subject,
      text: msg.text,
      html: msg.html,
      messageId: testMessageId(now, this.o.settings.installId(now)),
      date: new Date(now),
    };
    try {
      const d = await this.mailer.send(mail, route);
      if (d.via === 'outbox') this.o.emit({ topic: 'outbox' });
      return {
        ok: true,
        via: d.via,
        message:
          d.via === 'outbox'
            ? `No SMTP server is set up: the test email was written to ${d.detail}.`
            : `${route.via === 'smtp' ? route.config.host : ''} accepted the test email for ${to}: ${d.detail}`,
        code: null,
      };
    } catch (e) {
      const err = e instanceof MailError ? e : new MailError((e as Error).message, false, null);
      return { ok: false, via: route.via, message: err.message, code: err.code };
    }
  }

  /* ── Messages ─────────────────────────────────────────────────────────────────────────────────── */

  row(id: number): NotificationRow | undefined {
    return this.s.row.get(id) as NotificationRow | undefined;
  }

  messageId(id: number): string {
    return messageIdOf(id, this.o.settings.installId(this.o.clock.now()));
  }

  /** The email of a log row, exactly as the job sends it. */
  message(r: NotificationRow): RenderedMessage {
    const p = this.party(r.clientId)!;
    const rendered = render({
      kind: r.kind,
      subject: r.subject,
      clientName: p.name,
      clientRef: p.externalRef,
      clientEmail: p.billingEmail,
      currency: r.currency,
      resellerName: p.resellerName,
      resellerEmail: p.resellerEmail,
      available: r.available,
      threshold: r.threshold,
      seq: r.seq,
      maxQty: r.maxQty,
      decidedAt: r.decidedAt,
      data: JSON.parse(r.data) as TemplateData,
    });
    let from = OUTBOX_FROM;
    try {
      const route = this.route();
      if (route.via === 'smtp') from = route.config.from;
    } catch {
      from = this.stored()?.from ?? OUTBOX_FROM;
    }
    return {
      from,
      to: JSON.parse(r.recipients) as string[],
      // Staff reply to the desk; clients reply to their reseller.
      replyTo: r.kind === 'low_balance_staff' ? null : p.resellerEmail,
      ...rendered,
      messageId: this.messageId(r.id),
    };
  }

  private async runJob(job: Job): Promise<JobResult> {
    const id = Number(job.payload.notificationId);
    const r = this.row(id);
    // Already sent or given up (a resend is a new row): nothing to do.
    if (!r || r.status !== 'queued') return;
    const m = this.message(r);
    const clientIds = [r.clientId];
    try {
      const route = this.route();
      // One unreachable server must not cost every queued message its own timeout: the run would hold the
      // scheduler for minutes. Within SERVER_DOWN_MS of the last failure the others wait for their retry.
      if (route.via === 'smtp' && this.down && this.o.clock.now() < this.down.until) throw this.down.error;
      const d = await this.mailer.send({ ...m, notificationId: id, date: new Date(this.o.clock.now()) }, route);
      this.down = null;
      const note = d.rejected.length ? `The server refused ${d.rejected.join(', ')}; the others received it.` : null;
      return {
        commit: () => {
          this.s.sent.run(this.o.clock.now(), d.via, note, id);
          this.o.emit({ topic: 'notifications', clientIds });
          if (d.via === 'outbox') this.o.emit({ topic: 'outbox' });
        },
      };
    } catch (e) {
      const err = e instanceof MailError ? e : new MailError(`Sending failed: ${(e as Error).message}`, false, null);
      // No reply code: the server was not reached (refused, timed out, not found, TLS) or would not log us in.
      if (!err.permanent && (err.code === null || err.code === 535 || err.code === 530))
        this.down = { until: this.o.clock.now() + SERVER_DOWN_MS, error: err };
      const last = err.permanent || job.attempt >= job.maxAttempts;
      const words = last && !err.permanent ? `${err.message} Gave up after ${job.attempt} attempts.` : err.message;
      if (this.o.sqlite.open) {
        this.s.attempt.run(last ? 'failed' : 'queued', words, id);
        this.o.emit({ topic: 'notifications', clientIds });
      }
      throw err.permanent ? new PermanentJobError(words) : err;
    }
  }

  /* ── The outbox folder ────────────────────────────────────────────────────────────────────────── */

  outboxFiles(): { file: string; bytes: number; mtime: number }[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.o.outboxDir).filter((n) => n.endsWith('.eml'));
    } catch {
      return [];
    }
    const out: { file: string; bytes: number; mtime: number }[] = [];
    for (const file of names) {
      try {
        const st = fs.statSync(path.join(this.o.outboxDir, file));
        out.push({ file, bytes: st.size, mtime: st.mtimeMs });
      } catch {
        /* removed meanwhile */
      }
    }
    return out.sort((a, b) => b.mtime - a.mtime || (a.file < b.file ? 1 : -1));
  }

  outboxItem(f: { file: string; bytes: number; mtime: number }, eml?: string): z.output<typeof outboxItem> {
    const head = eml ?? readHead(path.join(this.o.outboxDir, f.file));
    const h = headers(head);
    const n = Number(h['x-balance-desk-notification']);
    return {
      file: f.file,
      bytes: f.bytes,
      writtenAt: iso(Math.floor(f.mtime)),
      subject: h.subject ?? '',
      to: h.to ?? '',
      notificationId: Number.isInteger(n) && n > 0 ? n : null,
    };
  }

  readOutbox(file: string): { item: z.output<typeof outboxItem>; eml: string } | null {
    const full = path.join(this.o.outboxDir, path.basename(file));
    let st: fs.Stats;
    try {
      st = fs.statSync(full);
    } catch {
      return null;
    }
    const eml = fs.readFileSync(full, 'utf8');
    return { item: this.outboxItem({ file: path.basename(file), bytes: st.size, mtime: st.mtimeMs }, eml), eml };
  }

  close(): void {
    this.down = null;
  }
}

function readHead(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** The header block of a message, unfolded, names lower-cased, encoded words decoded. */
export function headers(eml: string): Record<string, string> {
  const end = eml.search(/\r?\n\r?\n/);
  const block = (end >= 0 ? eml.slice(0, end) : eml).replace(/\r?\n[ \t]+/g, ' ');
  const out: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  return out;
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= and =?UTF-8?Q?…?=), as nodemailer writes non-ASCII headers. */
export function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([\w-]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            );
      return bytes.toString('utf8');
    });
}
