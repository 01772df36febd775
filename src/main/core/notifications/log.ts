/**
 * The notification log: one row per rule decision, written in the same transaction as the decision,
 * with the recipients and subject worked out at that moment and the reason in words, and one row per
 * message of the auto-recharge flow (receipts, failures). A row to send also enqueues its durable
 * `notify` job (keyed by the row, so never two); the job (src/main/core/mail/notifier.ts) sends it.
 */
import type Database from 'better-sqlite3';
import type { Notification, NotificationKind, ProfileRuleKind as RuleKind } from '../../../shared/contracts';
import { formatRunDry } from '../../../shared/forecast';
import { formatMoney } from '../../../shared/money';
import { iso } from '../clock/clock';
import type { JobQueue } from '../scheduler/jobs';
import { partyReader, type Party } from '../clients/store';
import { staffEmailsReader } from '../profiles/store';
import type { Decision, EffectiveRule, Facts, Policy, RuleState } from '../profiles/decide';
import { KIND_OF_RULE, subjectFor, type Party as TemplateParty, type TemplateData } from './templates';

export const NOTIFY_JOB = 'notify';

export interface DecisionProfile extends Policy {
  id: number;
  name: string;
  rules: Record<RuleKind, { notifyPrimary: boolean; emails: string[] }>;
  staffIds: number[];
}

export interface DecisionInput {
  clientId: number;
  profile: DecisionProfile;
  rule: EffectiveRule & { thresholdSource: 'profile' | 'client' };
  decision: Decision;
  facts: Facts;
  state: RuleState;
  now: number;
}

const RULE_LABEL: Record<RuleKind, string> = {
  staff: 'reseller staff',
  client: 'client',
  inactivity: 'inactivity',
  forecast: 'forecast',
};

/** "2026-11-01 09:00 UTC" */
export const whenText = (ms: number) => `${iso(ms).slice(0, 16).replace('T', ' ')} UTC`;

/** "24 h", "1 day", "3 days" */
export function durationText(ms: number): string {
  const hours = Math.round(ms / 3_600_000);
  if (hours % 24 === 0) return hours === 24 ? '1 day' : `${hours / 24} days`;
  return `${hours} h`;
}

/** Addresses in order, each once (compared without case). */
function unique(addresses: (string | null | undefined)[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const a of addresses) {
    if (!a) continue;
    const k = a.toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(a);
  }
  return out;
}

export class NotificationLog {
  private readonly s;
  private readonly party: (clientId: number) => Party | undefined;
  private readonly staffEmails: (profileId: number) => string[];

  constructor(
    sqlite: Database.Database,
    private readonly jobs: JobQueue,
  ) {
    this.party = partyReader(sqlite);
    this.staffEmails = staffEmailsReader(sqlite);
    this.s = {
      // The attempt's id ends the JSON member: "waitingAttempt":1 must not match attempt 12.
      waitNoticed: sqlite
        .prepare(
          `SELECT 1 FROM notifications WHERE client_id = @client AND kind = 'recharge_failed' AND decided_at >= @since AND (data LIKE @tag || ',%' OR data LIKE @tag || '}%') LIMIT 1`,
        )
        .pluck(),
      capNoticed: sqlite
        .prepare(
          `SELECT 1 FROM notifications WHERE client_id = ? AND kind = 'recharge_failed' AND decided_at > ? AND data LIKE '%"capReached":true%' LIMIT 1`,
        )
        .pluck(),
      insert: sqlite.prepare(
        `INSERT INTO notifications (kind, client_id, profile_id, profile_name, rule, decided_at, status, suppressed, reason, available, threshold, currency, seq, max_qty, recipients, subject, data, resend_of)
         VALUES (@kind, @clientId, @profileId, @profileName, @rule, @decidedAt, @status, @suppressed, @reason, @available, @threshold, @currency, @seq, @maxQty, @recipients, @subject, @data, @resendOf)`,
      ),
    };
  }

  /** Records one decision (and its job when something is to be sent); returns the log row's id. */
  record(d: DecisionInput): number {
    const party = this.party(d.clientId)!;
    const money = (v: number) => formatMoney(v, party.currency, { locale: 'en-US' });
    const ruleCfg = d.profile.rules[d.rule.kind];
    // The forecast rule goes where the staff rule does: the reseller's email (its own tick), the staff users
    // chosen on the staff rule, and its own extra emails. It is an estimate, for the reseller to act on.
    const toStaff = d.rule.kind === 'staff' || d.rule.kind === 'forecast';
    const recipients = toStaff
      ? unique([
          ruleCfg.notifyPrimary ? party.resellerEmail : null,
          ...this.staffEmails(d.profile.id),
          ...ruleCfg.emails,
        ])
      : unique([ruleCfg.notifyPrimary ? party.billingEmail : null, ...ruleCfg.emails]);

    let status: Notification['status'] = 'queued';
    let suppressed: Notification['suppressed'] = null;
    let reason: string;
    const horizonHours = Math.round((d.rule.horizonMs ?? 0) / 3_600_000);
    const below =
      d.rule.kind === 'forecast'
        ? `At the current rate, available ${money(d.facts.available)} runs out ${formatRunDry(d.facts.runDryAt, d.now)}, within the forecast rule’s ${horizonHours} h`
        : `Available ${money(d.facts.available)} is below the ${RULE_LABEL[d.rule.kind]} threshold of ${money(d.rule.threshold)}${d.rule.thresholdSource === 'client' ? ' (the client’s own threshold)' : ''}`;
    const idle =
      d.rule.kind === 'inactivity'
        ? d.facts.lastDebitAt === null
          ? ` and there has been no usage since the client was created (${whenText(d.facts.createdAt)})`
          : ` and there has been no usage since ${whenText(d.facts.lastDebitAt)}`
        : '';
    if (d.decision.type === 'notify') {
      const next =
        d.decision.seq < d.profile.maxQty
          ? `another after ${durationText(d.profile.periodMs)} if still ${d.rule.kind === 'forecast' ? 'forecast to run dry in time' : 'below'}`
          : 'the last one until the balance is refilled';
      reason = `${below}${idle}. Notification ${d.decision.seq} of ${d.profile.maxQty}; ${next}.`;
      if (recipients.length === 0) {
        status = 'suppressed';
        suppressed = 'no_recipients';
        reason = `Not sent: nobody to notify — ${
          toStaff
            ? 'the reseller’s email is not ticked or not set, no staff users are chosen and there are no extra emails'
            : 'the client’s billing email is not ticked and there are no extra emails'
        }. ${reason}`;
      }
    } else if (d.decision.reason === 'period') {
      status = 'suppressed';
      suppressed = 'period';
      const last = d.state.lastSentAt ?? d.now;
      reason = `Not sent: the period is ${durationText(d.profile.periodMs)} and notification ${d.decision.seq} of ${d.profile.maxQty} went out at ${whenText(last)}; the next may go at ${whenText(last + d.profile.periodMs)}. ${below}.`;
    } else {
      status = 'suppressed';
      suppressed = 'quota';
      const refill =
        d.rule.kind === 'forecast'
          ? `the forecast is beyond ${horizonHours} h again (a top-up)`
          : `the balance is refilled to ${money(d.rule.threshold)} or more`;
      reason = `Not sent: Max Qty reached (${d.profile.maxQty} of ${d.profile.maxQty}); no more until ${refill}. ${below}${idle}.`;
    }

    const kind = KIND_OF_RULE[d.rule.kind];
    const data: TemplateData =
      d.rule.kind === 'forecast' ? { runDryAt: d.facts.runDryAt, withinHours: horizonHours } : {};
    const subject = subjectFor(kind, templateParty(party), { available: d.facts.available, data, decidedAt: d.now });

    const id = Number(
      this.s.insert.run({
        kind,
        clientId: d.clientId,
        profileId: d.profile.id,
        profileName: d.profile.name,
        rule: d.rule.kind,
        decidedAt: d.now,
        status,
        suppressed,
        reason,
        available: d.facts.available,
        // The forecast rule has no threshold: its horizon is in the reason and the data.
        threshold: d.rule.kind === 'forecast' ? null : d.rule.threshold,
        currency: party.currency,
        seq: d.decision.seq,
        maxQty: d.profile.maxQty,
        recipients: JSON.stringify(recipients),
        subject,
        data: JSON.stringify(data),
        resendOf: null,
      }).lastInsertRowid,
    );
    if (status === 'queued') this.enqueue(id, d.now);
    return id;
  }

  /**
   * Logs and queues a message of the auto-recharge flow (receipt, failure, method paused, settings
   * changed) to the client's billing email, or to `to` when given. Inside the caller's transaction.
   */
  message(m: {
    kind: Exclude<NotificationKind, 'low_balance_staff' | 'inactivity'>;
    clientId: number;
    reason: string;
    data: TemplateData;
    now: number;
    to?: string[];
    available?: number | null;
    /** The threshold crossed (the auto-recharge alert), for the low balance template. */
    threshold?: number | null;
  }): number {
    const party = this.party(m.clientId);
    if (!party) throw new Error(`client ${m.clientId} does not exist`);
    const recipients = unique(m.to ?? [party.billingEmail]);
    const status: Notification['status'] = recipients.length ? 'queued' : 'suppressed';
    const id = Number(
      this.s.insert.run({
        kind: m.kind,
        clientId: m.clientId,
        profileId: null,
        profileName: null,
        rule: null,
        decidedAt: m.now,
        status,
        suppressed: recipients.length ? null : 'no_recipients',
        reason: recipients.length ? m.reason : `Not sent: nobody to notify. ${m.reason}`,
        available: m.available ?? null,
        threshold: m.threshold ?? null,
        currency: party.currency,
        seq: null,
        maxQty: null,
        recipients: JSON.stringify(recipients),
        subject: subjectFor(m.kind, templateParty(party), { available: m.available, data: m.data }),
        data: JSON.stringify(m.data),
        resendOf: null,
      }).lastInsertRowid,
    );
    if (status === 'queued') this.enqueue(id, m.now);
    return id;
  }

  /** Whether staff were told since `since` that attempt `attemptId` waits for Stripe (the charge flow tells them once). */
  waitNoticed(clientId: number, since: number, attemptId: number): boolean {
    return this.s.waitNoticed.get({ client: clientId, since, tag: `%"waitingAttempt":${attemptId}` }) !== undefined;
  }

  /** Whether the client was told after `after` that the daily cap of automatic top-ups is used up. */
  capNoticed(clientId: number, after: number): boolean {
    return this.s.capNoticed.get(clientId, after) !== undefined;
  }

  /** The durable job that sends log row `id` (a second call for the same row adds nothing). */
  enqueue(id: number, now: number): void {
    this.jobs.enqueue({ kind: NOTIFY_JOB, key: `notify:${id}`, payload: { notificationId: id }, readyAt: now }, now);
  }
}

function templateParty(p: Party): TemplateParty {
  return {
    clientName: p.name,
    clientRef: p.externalRef,
    clientEmail: p.billingEmail,
    currency: p.currency,
    resellerName: p.resellerName,
    resellerEmail: p.resellerEmail,
  };
}

/** What sending a row did: sent (with the route it took), or one more failed attempt (queued again or failed). */
export const sendOutcomes = (sqlite: Database.Database) => ({
  sent: sqlite.prepare(
    `UPDATE notifications SET status = 'sent', sent_at = ?, via = ?, attempts = attempts + 1, error = ? WHERE id = ? AND status = 'queued'`,
  ),
  attempt: sqlite.prepare(
    `UPDATE notifications SET status = ?, attempts = attempts + 1, error = ? WHERE id = ? AND status = 'queued'`,
  ),
});
