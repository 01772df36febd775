/** Channels of a client's auto-recharge settings: read with advice, save (with a confirmation email), dry run. */
import type { RechargeSettings } from '../../../shared/contracts';
import { formatMoney } from '../../../shared/money';
import { invalid } from '../../../shared/result';
import type { Ctx, HandlerMap } from '../api/registry';
import { iso, isoOrNull } from '../clock/clock';
import { subjectFor } from '../notifications/templates';
import { whenText } from '../notifications/log';
import { methodLabel } from '../methods/handlers';
import { planCharge, rechargeWarnings, type RechargeValues } from '../../../shared/recharge';
import { averageDailySpend } from '../ledger/spend';


interface ClientRow {
  id: number;
  name: string;
  external_ref: string;
  billing_email: string;
  currency: string;
  created_at: number;
  available: number;
  reseller_name: string;
  reseller_email: string | null;
}

interface SettingsRow {
  mode: RechargeValues['mode'];
  enabled: number;
  alert_threshold: number | null;
  trigger_threshold: number;
  recharge_amount: number;
  daily_cap: number | null;
  updated_at: number;
  updated_by: string;
}

function client(ctx: Ctx, clientId: number): ClientRow {
  const c = ctx.db.$client
    .prepare(
      `SELECT c.id, c.name, c.external_ref, c.billing_email, c.currency, c.created_at, b.available, r.name AS reseller_name, r.email AS reseller_email
       FROM clients c JOIN balances b ON b.client_id = c.id JOIN resellers r ON r.id = c.reseller_id WHERE c.id = ?`,
    )
    .get(clientId) as ClientRow | undefined;
  if (!c) throw invalid('clientId', `clientId ${clientId} is not a client`);
  return c;
}

function view(ctx: Ctx, c: ClientRow): RechargeSettings {
  const now = ctx.clock.now();
  const row = ctx.db.$client.prepare(`SELECT * FROM recharge_settings WHERE client_id = ?`).get(c.id) as SettingsRow | undefined;
  const s = averageDailySpend(ctx.db.$client, c, now);
  const suggestedThreshold = 2 * s.average;
  // Never saved: off, with values worth starting from (two days of spend; a recharge of at least as much).
  const values: RechargeValues = row
    ? { mode: row.mode, enabled: !!row.enabled, alertThreshold: row.alert_threshold, triggerThreshold: row.trigger_threshold, rechargeAmount: row.recharge_amount, dailyCap: row.daily_cap }
    : { mode: 'off', enabled: true, alertThreshold: null, triggerThreshold: suggestedThreshold, rechargeAmount: Math.max(suggestedThreshold, 1), dailyCap: null };
  return {
    clientId: c.id,
    currency: c.currency,
    ...values,
    saved: !!row,
    updatedAt: isoOrNull(row?.updated_at),
    updatedBy: row?.updated_by ?? null,
    averageDailySpend: s.average,
    spendDays: s.days,
    suggestedThreshold,
    warnings: rechargeWarnings(values, { currency: c.currency, averageDailySpend: s.average, suggestedThreshold }),
    primaryOff: ctx.charges.primaryOff(c.id),
  };
}

const MODE_WORDS: Record<RechargeValues['mode'], string> = { off: 'Do nothing', notify: 'Notify only', auto: 'Automatic top-up' };

/** What changed, in words for the client's confirmation email. */
function changes(before: RechargeValues | null, after: RechargeValues, currency: string): { label: string; before: string; after: string }[] {
  const m = (v: number | null) => (v === null ? 'none' : formatMoney(v, currency, { locale: 'en-US' }));
  const fields: [string, (v: RechargeValues) => string][] = [
    ['Automatic top-up', (v) => MODE_WORDS[v.mode]],
    ['Switched', (v) => (v.enabled ? 'on' : 'off (paused)')],
    ['Email me below', (v) => m(v.alertThreshold)],
    ['Top up when below', (v) => m(v.triggerThreshold)],
    ['Recharge amount', (v) => m(v.rechargeAmount)],
    ['Daily cap', (v) => m(v.dailyCap)],
  ];
  const out: { label: string; before: string; after: string }[] = [];
  for (const [label, show] of fields) {
    const b = before ? show(before) : '—';
    const a = show(after);
    if (b !== a) out.push({ label, before: b, after: a });
  }
  return out;
}

export const rechargeHandlers: HandlerMap = {
  'recharge.get': (input, ctx) => view(ctx, client(ctx, input.clientId)),

  'recharge.set': (input, ctx) => {
    const c = client(ctx, input.clientId);
    const now = ctx.clock.now();
    const sqlite = ctx.db.$client;
    const old = sqlite.prepare(`SELECT * FROM recharge_settings WHERE client_id = ?`).get(c.id) as SettingsRow | undefined;
    const before: RechargeValues | null = old
      ? { mode: old.mode, enabled: !!old.enabled, alertThreshold: old.alert_threshold, triggerThreshold: old.trigger_threshold, rechargeAmount: old.recharge_amount, dailyCap: old.daily_cap }
      : null;
    const after: RechargeValues = {
      mode: input.mode,
      enabled: input.enabled,
      alertThreshold: input.alertThreshold,
      triggerThreshold: input.triggerThreshold,
      rechargeAmount: input.rechargeAmount,
      dailyCap: input.dailyCap,
    };
    const diff = changes(before, after, c.currency);
    if (diff.length === 0) return view(ctx, c);
    sqlite
      .prepare(
        `INSERT INTO recharge_settings (client_id, mode, enabled, alert_threshold, trigger_threshold, recharge_amount, daily_cap, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (client_id) DO UPDATE SET mode = excluded.mode, enabled = excluded.enabled, alert_threshold = excluded.alert_threshold,
           trigger_threshold = excluded.trigger_threshold, recharge_amount = excluded.recharge_amount, daily_cap = excluded.daily_cap,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(c.id, after.mode, after.enabled ? 1 : 0, after.alertThreshold, after.triggerThreshold, after.rechargeAmount, after.dailyCap, now, ctx.actor);
    ctx.audit('recharge.set', 'client', c.id, Object.fromEntries(diff.map((d) => [d.label, [d.before, d.after]])));
    // The client confirms what their card may be charged: the confirmation goes out in the same transaction.
    ctx.notifyLog.message({ kind: 'settings_changed', clientId: c.id, reason: `Auto-recharge settings saved by ${ctx.actor}.`, data: { changes: diff }, now, available: c.available });
    ctx.emit({ topic: 'recharge', clientIds: [c.id] });
    ctx.emit({ topic: 'notifications', clientIds: [c.id] });
    // Already below the new thresholds: the alert and the charge start now, not at the next usage.
    ctx.charges.alert(c.id, { available: c.available }, now);
    ctx.charges.consider(c.id, { available: c.available }, now);
    return view(ctx, c);
  },

  'recharge.dryRun': (input, ctx) => {
    const c = client(ctx, input.clientId);
    const now = ctx.clock.now();
    const s = view(ctx, c);
    const m = (v: number) => formatMoney(v, c.currency, { locale: 'en-US' });
    const sqlite = ctx.db.$client;
    const alertedAt = (sqlite.prepare(`SELECT alerted_at FROM recharge_settings WHERE client_id = ?`).pluck().get(c.id) as number | null | undefined) ?? null;
    // An open attempt (a bank debit still processing, a charge under way) is the pending top-up.
    const pending = sqlite.prepare(`SELECT coalesce(sum(amount), 0) FROM charge_attempts WHERE client_id = ? AND status IN ('queued', 'charging', 'processing')`).pluck().get(c.id) as number;
    const charged = ctx.charges.chargedLast24h(c.id, now);
    const methods = (
      sqlite
        .prepare(`SELECT type, brand, last4 FROM payment_methods WHERE client_id = ? AND removed_at IS NULL AND auto_charge = 1 AND (cooldown_until IS NULL OR cooldown_until <= ?) ORDER BY priority, id`)
        .all(c.id, now) as { type: 'card' | 'us_bank_account'; brand: string; last4: string }[]
    ).map(methodLabel);
    const steps: string[] = [`Available balance ${m(c.available)}${pending ? `, plus ${m(pending)} of top-ups still settling` : ''}.`];
    const emails: { kind: string; to: string[]; subject: string }[] = [];
    let charge: { amount: number; methods: string[] } | null = null;
    const party = { clientName: c.name, clientRef: c.external_ref, clientEmail: c.billing_email, currency: c.currency, resellerName: c.reseller_name, resellerEmail: c.reseller_email };
    if (!s.saved || s.mode === 'off') steps.push('Auto-recharge is set to do nothing: no email, no charge.');
    else if (!s.enabled) steps.push('Auto-recharge is switched off (paused): no email, no charge. The settings are kept.');
    else {
      if (s.alertThreshold === null) steps.push('No alert threshold: no email.');
      else if (c.available < s.alertThreshold && alertedAt !== null) {
        steps.push(`${m(c.available)} is below the alert threshold of ${m(s.alertThreshold)}; the client was emailed at ${whenText(alertedAt)} and is not emailed again until the balance is back at or above it.`);
      } else if (c.available < s.alertThreshold) {
        steps.push(`${m(c.available)} is below the alert threshold of ${m(s.alertThreshold)}: the client would be emailed.`);
        emails.push({ kind: 'low_balance_client', to: [c.billing_email], subject: subjectFor('low_balance_client', party, { available: c.available }) });
      } else steps.push(`${m(c.available)} is not below the alert threshold of ${m(s.alertThreshold)}: no email.`);
      if (s.mode === 'notify') steps.push('Notify only: no charge.');
      else {
        const open = sqlite.prepare(`SELECT status, amount, waiting_since FROM charge_attempts WHERE client_id = ? AND status IN ('queued', 'charging', 'processing')`).get(c.id) as
          | { status: string; amount: number; waiting_since: number | null }
          | undefined;
        if (open) {
          steps.push(
            open.status === 'processing'
              ? `A top-up of ${m(open.amount)} is processing (a bank debit): no second charge until it settles; it is credited when it succeeds.`
              : open.waiting_since !== null
                ? `A top-up of ${m(open.amount)} is waiting for Stripe, which has not answered since ${whenText(open.waiting_since)}: it is tried again every few minutes with the same key and charged once when Stripe answers (Retry on the Charges screen tries now). No second charge.`
                : `A top-up of ${m(open.amount)} is under way: no second charge.`,
          );
          return { now: iso(now), available: c.available, pending, currency: c.currency, steps, emails, charge };
        }
        const held = ctx.charges.heldBack(c.id, now);
        const plan = planCharge({ effective: c.available + pending, trigger: s.triggerThreshold, recharge: s.rechargeAmount, capLeft: s.dailyCap === null ? null : s.dailyCap - charged });
        if ('why' in plan) {
          steps.push(
            plan.why === 'not_below'
              ? `${m(c.available + pending)} is not below the trigger of ${m(s.triggerThreshold)}: no charge.`
              : `The daily cap of ${m(s.dailyCap ?? 0)} is reached: no charge; the client and the reseller would be told once.`,
          );
          // What the settings will do when the balance does fall: the check a reseller makes after saving.
          if (plan.why === 'not_below') {
            const next = planCharge({ effective: s.triggerThreshold - 1, trigger: s.triggerThreshold, recharge: s.rechargeAmount, capLeft: s.dailyCap === null ? null : s.dailyCap - charged });
            const primaryOff = ctx.charges.primaryOff(c.id);
            steps.push(
              primaryOff !== null
                ? `When it falls below ${m(s.triggerThreshold)}: no charge. ${primaryOff}`
                : 'why' in next
                ? `When it falls below ${m(s.triggerThreshold)}: no charge while the daily cap of ${m(s.dailyCap ?? 0)} is used up.`
                : `When it falls below ${m(s.triggerThreshold)}: one charge of ${m(next.amount)}${next.cappedFrom !== null ? ` (cut by the daily cap)` : ''}, ` +
                    (methods.length ? `tried on ${methods.join(', then ')}.` : 'but no payment method can be charged yet (link the client to Stripe and send them a setup link).'),
            );
          }
        } else {
          const what =
            `${m(c.available + pending)} is below the trigger of ${m(s.triggerThreshold)}: one charge of ${m(plan.amount)}` +
            (plan.multiples > 1 ? ` (${plan.multiples} × ${m(s.rechargeAmount)}, to close the whole gap in one payment)` : '') +
            (plan.cappedFrom !== null ? `, cut from ${m(plan.cappedFrom)} by the daily cap` : '');
          if (held !== null) steps.push(`${what} — due, but not made now.`, held);
          else {
            steps.push(`${what}.`);
            steps.push(
              methods.length
                ? `Tried in this order until one succeeds: ${methods.join(', ')}.`
                : 'No payment method can be charged: none is set to auto-charge, or all are cooling down after a failure (link the client to Stripe and send them a setup link).',
            );
            charge = { amount: plan.amount, methods };
          }
        }
      }
    }
    return { now: iso(now), available: c.available, pending, currency: c.currency, steps, emails, charge };
  },
};
