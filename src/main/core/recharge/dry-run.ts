/**
 * The dry run: what would happen for a client now, in words, with no side effect. It reads the same charge
 * facts as the charge flow (charges/facts.ts) and plans with the same planCharge, so what it predicts is
 * what the flow does.
 */
import type Database from 'better-sqlite3';
import type { ChannelOutput, RechargeSettings } from '../../../shared/contracts';
import { formatMoney } from '../../../shared/money';
import { planCharge } from '../../../shared/recharge';
import { iso } from '../clock/clock';
import { chargeableMethods, chargedLast24h, heldBack, openAttempt, primaryOff } from '../charges/facts';
import { methodLabel } from '../methods/store';
import { whenText } from '../notifications/log';
import { subjectFor } from '../notifications/templates';
import type { ClientWithBalance } from '../clients/store';
import type { SettingsRow } from './settings';

type DryRun = ChannelOutput<'recharge.dryRun'>;

/** `s`: the settings as the screen shows them; `saved`: the stored row (for the alert's mark). */
export function dryRun(
  sqlite: Database.Database,
  c: ClientWithBalance,
  s: RechargeSettings,
  saved: SettingsRow | null,
  now: number,
): DryRun {
  const m = (v: number) => formatMoney(v, c.currency, { locale: 'en-US' });
  const alertedAt = saved?.alertedAt ?? null;
  // An open attempt (a bank debit still processing, a charge under way) is the pending top-up.
  const open = openAttempt(sqlite, c.id);
  const pending = open?.amount ?? 0;
  const charged = chargedLast24h(sqlite, c.id, now);
  const methods = chargeableMethods(sqlite, c.id, now).map(methodLabel);
  const steps: string[] = [
    `Available balance ${m(c.available)}${pending ? `, plus ${m(pending)} of top-ups still settling` : ''}.`,
  ];
  const emails: DryRun['emails'] = [];
  let charge: DryRun['charge'] = null;
  const party = {
    clientName: c.name,
    clientRef: c.externalRef,
    clientEmail: c.billingEmail,
    currency: c.currency,
    resellerName: c.resellerName,
    resellerEmail: c.resellerEmail,
  };
  const answer = (): DryRun => ({
    now: iso(now),
    available: c.available,
    pending,
    currency: c.currency,
    steps,
    emails,
    charge,
  });
  if (!s.saved || s.mode === 'off') steps.push('Auto-recharge is set to do nothing: no email, no charge.');
  else if (!s.enabled)
    steps.push('Auto-recharge is switched off (paused): no email, no charge. The settings are kept.');
  else {
    if (s.alertThreshold === null) steps.push('No alert threshold: no email.');
    else if (c.available < s.alertThreshold && alertedAt !== null) {
      steps.push(
        `${m(c.available)} is below the alert threshold of ${m(s.alertThreshold)}; the client was emailed at ${whenText(alertedAt)} and is not emailed again until the balance is back at or above it.`,
      );
    } else if (c.available < s.alertThreshold) {
      steps.push(
        `${m(c.available)} is below the alert threshold of ${m(s.alertThreshold)}: the client would be emailed.`,
      );
      emails.push({
        kind: 'low_balance_client',
        to: [c.billingEmail],
        subject: subjectFor('low_balance_client', party, { available: c.available }),
      });
    } else steps.push(`${m(c.available)} is not below the alert threshold of ${m(s.alertThreshold)}: no email.`);
    if (s.mode === 'notify') steps.push('Notify only: no charge.');
    else {
      if (open) {
        steps.push(
          open.status === 'processing'
            ? `A top-up of ${m(open.amount)} is processing (a bank debit): no second charge until it settles; it is credited when it succeeds.`
            : open.waitingSince !== null
              ? `A top-up of ${m(open.amount)} is waiting for Stripe, which has not answered since ${whenText(open.waitingSince)}: it is tried again every few minutes with the same key and charged once when Stripe answers (Retry on the Charges screen tries now). No second charge.`
              : `A top-up of ${m(open.amount)} is under way: no second charge.`,
        );
        return answer();
      }
      const held = heldBack(sqlite, c.id, now);
      const plan = planCharge({
        effective: c.available + pending,
        trigger: s.triggerThreshold,
        recharge: s.rechargeAmount,
        capLeft: s.dailyCap === null ? null : s.dailyCap - charged,
      });
      if ('why' in plan) {
        steps.push(
          plan.why === 'not_below'
            ? `${m(c.available + pending)} is not below the trigger of ${m(s.triggerThreshold)}: no charge.`
            : `The daily cap of ${m(s.dailyCap ?? 0)} is reached: no charge; the client and the reseller would be told once.`,
        );
        // What the settings will do when the balance does fall: the check a reseller makes after saving.
        if (plan.why === 'not_below') {
          const next = planCharge({
            effective: s.triggerThreshold - 1,
            trigger: s.triggerThreshold,
            recharge: s.rechargeAmount,
            capLeft: s.dailyCap === null ? null : s.dailyCap - charged,
          });
          const off = primaryOff(sqlite, c.id);
          steps.push(
            off !== null
              ? `When it falls below ${m(s.triggerThreshold)}: no charge. ${off}`
              : 'why' in next
                ? `When it falls below ${m(s.triggerThreshold)}: no charge while the daily cap of ${m(s.dailyCap ?? 0)} is used up.`
                : `When it falls below ${m(s.triggerThreshold)}: one charge of ${m(next.amount)}${next.cappedFrom !== null ? ` (cut by the daily cap)` : ''}, ` +
                  (methods.length
                    ? `tried on ${methods.join(', then ')}.`
                    : 'but no payment method can be charged yet (link the client to Stripe and send them a setup link).'),
          );
        }
      } else {
        const what =
          `${m(c.available + pending)} is below the trigger of ${m(s.triggerThreshold)}: one charge of ${m(plan.amount)}` +
          (plan.multiples > 1
            ? ` (${plan.multiples} × ${m(s.rechargeAmount)}, to close the whole gap in one payment)`
            : '') +
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
  return answer();
}
