/**
 * The emails Balance Desk sends, one template per notification kind, each as plain text and HTML. Amounts
 * are formatted in the client's currency; the reseller's name signs every message. Pure functions: the
 * detail view shows exactly what the mail job sends.
 */
import type { NotificationKind, ProfileRuleKind as RuleKind } from '../../../shared/contracts';
import { formatRunDry } from '../../../shared/forecast';
import { formatMoney } from '../../../shared/money';

export interface Party {
  clientName: string;
  clientRef: string;
  clientEmail: string;
  currency: string;
  resellerName: string;
  resellerEmail: string | null;
}

/** What the auto-recharge flow hands to its templates (the notification row's `data`). */
export interface TemplateData {
  /** top_up_receipt, recharge_failed: the amount charged or attempted. */
  amount?: number;
  /** top_up_receipt: the balance once credited. */
  balanceAfter?: number;
  /** A payment method in words: "Visa •••• 4242". */
  method?: string;
  /** The Stripe PaymentIntent (receipt). */
  paymentIntent?: string;
  /** Why a charge failed or a method was disabled, in words. */
  failure?: string;
  /** method_disabled: until when (ISO), null when until the client acts. */
  until?: string | null;
  /** recharge_failed: the client must act (authentication), with where to do it. */
  actionUrl?: string | null;
  /** recharge_failed: no charge because the daily cap is used up (told once a day). */
  capReached?: boolean;
  /** recharge_failed, to staff: this attempt has waited an hour for Stripe to answer and is still being tried. */
  waitingAttempt?: number;
  /** settings_changed: what changed. */
  changes?: { label: string; before: string; after: string }[];
  /** low_balance_forecast: the run-dry time (ms) at the decision, and the rule's horizon in hours. */
  runDryAt?: number;
  withinHours?: number;
}

export interface TemplateInput extends Party {
  kind: NotificationKind;
  /** The stored subject (decided with the notification). */
  subject: string;
  available: number | null;
  threshold: number | null;
  seq: number | null;
  maxQty: number | null;
  decidedAt: number;
  data: TemplateData;
}

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

export const RULE_OF_KIND: Partial<Record<NotificationKind, RuleKind>> = {
  low_balance_staff: 'staff',
  low_balance_client: 'client',
  inactivity: 'inactivity',
  low_balance_forecast: 'forecast',
};
export const KIND_OF_RULE: Record<RuleKind, NotificationKind> = {
  staff: 'low_balance_staff',
  client: 'low_balance_client',
  inactivity: 'inactivity',
  forecast: 'low_balance_forecast',
};

/** "in about 5 h" from a forecast notification's data and decision time. */
export const runsOutIn = (d: TemplateData | undefined, decidedAt: number) =>
  formatRunDry(d?.runDryAt ?? null, decidedAt);

const money = (v: number | null | undefined, currency: string) =>
  v == null ? '—' : formatMoney(v, currency, { locale: 'en-US' });
const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The subject of a message of this kind, decided when it is logged. */
export function subjectFor(
  kind: NotificationKind,
  p: Party,
  f: { available?: number | null; data?: TemplateData; decidedAt?: number },
): string {
  const m = (v: number | null | undefined) => money(v, p.currency);
  switch (kind) {
    case 'low_balance_staff':
      return `Low balance: ${p.clientName} (${p.clientRef}) has ${m(f.available)}`;
    case 'low_balance_client':
      return `Your ${p.resellerName} balance is low: ${m(f.available)}`;
    case 'inactivity':
      return `Your ${p.resellerName} account has been inactive and has ${m(f.available)} left`;
    case 'low_balance_forecast':
      return `Runs dry soon: ${p.clientName} (${p.clientRef}) runs out ${runsOutIn(f.data, f.decidedAt ?? 0)} at the current rate`;
    case 'top_up_receipt':
      return `Receipt: ${m(f.data?.amount)} added to your ${p.resellerName} balance`;
    case 'recharge_failed':
      if (f.data?.waitingAttempt !== undefined)
        return `Top-up delayed: ${p.clientName} (${p.clientRef}), ${m(f.data.amount)} — Stripe is not answering`;
      return f.data?.actionUrl
        ? `Action needed: your ${p.resellerName} top-up of ${m(f.data?.amount)} needs your approval`
        : `Your ${p.resellerName} automatic top-up of ${m(f.data?.amount)} failed`;
    case 'method_disabled':
      return `Your payment method ${f.data?.method ?? ''} is paused for automatic top-ups`.replace('  ', ' ');
    case 'settings_changed':
      return `Your ${p.resellerName} top-up settings were changed`;
    case 'setup_link':
      return `Add a payment method for your ${p.resellerName} account`;
  }
}

/** A paragraph is a string; a table is label/value pairs; an action is a link. */
type Block = string | { rows: [string, string][] } | { action: string; url: string };

function body(t: TemplateInput): { greeting: string; blocks: Block[] } {
  const m = (v: number | null | undefined) => money(v, t.currency);
  const d = t.data;
  const hello = `Hello ${t.clientName},`;
  switch (t.kind) {
    case 'low_balance_staff':
      return {
        greeting: 'Hello,',
        blocks: [
          `${t.clientName} (${t.clientRef}) is below the low balance threshold.`,
          {
            rows: [
              ['Available balance', m(t.available)],
              ['Threshold', m(t.threshold)],
              ['Notification', t.seq && t.maxQty ? `${t.seq} of ${t.maxQty}` : '—'],
              ['Decided at', when(t.decidedAt)],
            ],
          },
          'The client may need a top-up soon, or a word from you.',
        ],
      };
    case 'low_balance_client':
      return {
        greeting: hello,
        blocks: [
          `Your ${t.resellerName} balance is ${m(t.available)}, below ${m(t.threshold)}.`,
          'Please top up your account soon so that your service continues without interruption.',
        ],
      };
    case 'inactivity':
      return {
        greeting: hello,
        blocks: [
          `We have not seen any usage on your ${t.resellerName} account for a while. Your balance is ${m(t.available)}.`,
          'If you still need the service, please top up your account; if you have questions, reply to this email.',
        ],
      };
    case 'low_balance_forecast':
      return {
        greeting: 'Hello,',
        blocks: [
          `At the current rate, ${t.clientName} (${t.clientRef}) runs out of prepaid balance ${runsOutIn(d, t.decidedAt)}.`,
          {
            rows: [
              ['Available balance', m(t.available)],
              ['Notify when', d.withinHours ? `forecast to run dry within ${d.withinHours} h` : '—'],
              ['Notification', t.seq && t.maxQty ? `${t.seq} of ${t.maxQty}` : '—'],
              ['Decided at', when(t.decidedAt)],
            ],
          },
          'The forecast follows the client’s usage of the last 7 days. The client may need a top-up soon, or a word from you.',
        ],
      };
    case 'top_up_receipt':
      return {
        greeting: hello,
        blocks: [
          `Thank you: ${m(d.amount)} was added to your ${t.resellerName} balance.`,
          {
            rows: [
              ['Amount', m(d.amount)],
              ['Paid with', d.method ?? '—'],
              ['New balance', m(d.balanceAfter)],
              ['Reference', d.paymentIntent ?? '—'],
              ['Date', when(t.decidedAt)],
            ],
          },
        ],
      };
    case 'recharge_failed':
      if (d.waitingAttempt !== undefined) {
        return {
          greeting: 'Hello,',
          blocks: [
            `The automatic top-up of ${m(d.amount)} for ${t.clientName} (${t.clientRef}) is delayed${d.failure ? `: ${d.failure}` : ''}.`,
            `Balance Desk keeps trying with the same payment key, so it is charged once, as soon as Stripe answers. The client's available balance is ${m(t.available)}. Retry on the Charges screen tries at once.`,
          ],
        };
      }
      return {
        greeting: hello,
        blocks: [
          d.actionUrl
            ? `Your bank asks you to approve the automatic top-up of ${m(d.amount)}. We did not retry it: please approve it, or add another payment method.`
            : `We could not top up your ${t.resellerName} balance by ${m(d.amount)}${d.failure ? `: ${d.failure}` : ''}.`,
          ...(d.actionUrl ? [{ action: 'Approve the payment', url: d.actionUrl } as Block] : []),
          `Your balance is ${m(t.available)}. Please check your payment methods so that your service continues.`,
        ],
      };
    case 'method_disabled':
      return {
        greeting: hello,
        blocks: [
          `Your payment method ${d.method ?? ''} will not be used for automatic top-ups${d.until ? ` until ${when(Date.parse(d.until))}` : ''}${d.failure ? `: ${d.failure}` : ''}.`,
          'Your other payment methods are still used, in their order. To use this one again sooner, contact us or update the card.',
        ],
      };
    case 'settings_changed':
      return {
        greeting: hello,
        blocks: [
          `The automatic top-up settings of your ${t.resellerName} account were changed on ${when(t.decidedAt)}.`,
          { rows: (d.changes ?? []).map((c) => [c.label, `${c.before} → ${c.after}`] as [string, string]) },
          'If you did not expect this change, reply to this email.',
        ],
      };
    case 'setup_link':
      return {
        greeting: hello,
        blocks: [
          `To keep your ${t.resellerName} balance topped up automatically, please add a card or bank account on Stripe's secure page. We never see your card number.`,
          ...(d.actionUrl ? [{ action: 'Add a payment method', url: d.actionUrl } as Block] : []),
          d.until
            ? `The link works until ${when(Date.parse(d.until))}.`
            : 'The link works for a limited time; ask us for a new one if it has expired.',
        ],
      };
  }
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The message of a notification, as text and HTML. */
export function render(t: TemplateInput): Rendered {
  const { greeting, blocks } = body(t);
  const sign = `— ${t.resellerName}`;
  const text: string[] = [greeting, ''];
  const html: string[] = [
    `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2933;max-width:560px;margin:0 auto;padding:24px">`,
    `<p>${escapeHtml(greeting)}</p>`,
  ];
  for (const b of blocks) {
    if (typeof b === 'string') {
      text.push(b, '');
      html.push(`<p>${escapeHtml(b)}</p>`);
    } else if ('rows' in b) {
      const width = Math.max(0, ...b.rows.map(([k]) => k.length));
      for (const [k, v] of b.rows) text.push(`  ${`${k}:`.padEnd(width + 2)}${v}`);
      text.push('');
      html.push(
        `<table style="border-collapse:collapse;margin:8px 0 16px">${b.rows
          .map(
            ([k, v]) =>
              `<tr><td style="padding:4px 16px 4px 0;color:#52606d">${escapeHtml(k)}</td><td style="padding:4px 0;font-weight:600">${escapeHtml(v)}</td></tr>`,
          )
          .join('')}</table>`,
      );
    } else {
      text.push(`${b.action}: ${b.url}`, '');
      html.push(
        `<p><a href="${escapeHtml(b.url)}" style="background:#2563eb;color:#fff;padding:8px 16px;border-radius:6px;text-decoration:none">${escapeHtml(b.action)}</a></p>`,
      );
    }
  }
  text.push(sign);
  html.push(`<p style="color:#52606d">${escapeHtml(sign)}</p></body></html>`);
  return { subject: t.subject, text: text.join('\n'), html: html.join('\n') };
}

/** The test email of the Settings screen. */
export function renderTest(now: number, route: string): Rendered {
  const lines = [
    'This is a test email from Balance Desk.',
    `It was sent at ${when(now)} through ${route}.`,
    'If you can read it, notifications will reach their recipients.',
  ];
  return {
    subject: 'Balance Desk test email',
    text: lines.join('\n\n'),
    html: `<!doctype html><html><body style="font-family:sans-serif">${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</body></html>`,
  };
}
