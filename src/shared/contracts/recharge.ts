/**
 * Auto-recharge settings per client (PRODUCT.md §3): mode, the holiday switch, alert and trigger
 * thresholds, recharge amount, daily cap; best-practice warnings computed from the ledger; and a dry run.
 */
import { z } from 'zod';
import { defineContract } from '../contract';
import { amount, id, positiveAmount, version } from './common';

export const rechargeMode = z.enum(['off', 'notify', 'auto'], { error: 'must be off, notify or auto' });
export type RechargeMode = z.infer<typeof rechargeMode>;

export const rechargeWarning = z.object({
  /** The field the warning is about, for the form. */
  field: z.enum(['alertThreshold', 'triggerThreshold', 'rechargeAmount', 'dailyCap']),
  message: z.string(),
});

export const rechargeSettings = z.object({
  clientId: z.number(),
  currency: z.string(),
  mode: rechargeMode,
  enabled: z.boolean(),
  alertThreshold: z.number().nullable(),
  triggerThreshold: z.number(),
  rechargeAmount: z.number(),
  dailyCap: z.number().nullable(),
  /** False until the settings are first saved (the values are then the suggested defaults). */
  saved: z.boolean(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  /** Usage debits per day over the last 30 days (or since the client's first entry or creation, if sooner: imported history counts). */
  averageDailySpend: z.number(),
  /** The days that average covers (to a tenth): 30, or fewer for a newer client. */
  spendDays: z.number(),
  /** Twice the average daily spend (at least one recharge's worth is not implied). */
  suggestedThreshold: z.number(),
  /** Best-practice advice: saving is still allowed. */
  warnings: z.array(rechargeWarning),
  /**
   * In words when the primary payment method has auto-charge off: then no automatic payment is made at all
   * (seed 002), whatever the mode says. Null otherwise.
   */
  primaryOff: z.string().nullable(),
  /** Bumped by every save; 0 while never saved. recharge.set takes it back. */
  version: z.number(),
});
export type RechargeSettings = z.infer<typeof rechargeSettings>;

export const rechargeGet = defineContract({
  name: 'recharge.get',
  staleOn: ['recharge', 'ledger', 'holds', 'clients', 'methods', 'clock'],
  summary:
    "A client's auto-recharge settings (defaults when never saved), the average daily spend from the ledger, the suggested threshold and the warnings.",
  input: z.strictObject({ clientId: id }),
  output: rechargeSettings,
});

export const rechargeSet = defineContract({
  name: 'recharge.set',
  summary:
    "Saves a client's auto-recharge settings and, when something changed, emails the client a confirmation (settings changed). Warnings are advice and never block. With version (the one recharge.get answered), settings saved since are refused as a conflict (field version) naming who saved them and when.",
  mutates: true,
  input: z.strictObject({
    clientId: id,
    mode: rechargeMode,
    enabled: z.boolean({ error: 'must be true or false' }),
    alertThreshold: amount.nullable(),
    triggerThreshold: amount,
    rechargeAmount: positiveAmount,
    dailyCap: positiveAmount.nullable(),
    /** The settings' version the form loaded (recharge.get): refused as a conflict when they were saved since. */
    version: version.optional(),
  }),
  output: rechargeSettings,
});

export const rechargeDryRun = defineContract({
  name: 'recharge.dryRun',
  summary:
    'What would happen for a client now, with no side effect: the emails, the charge amount and the payment methods in the order they would be tried.',
  input: z.strictObject({ clientId: id }),
  output: z.object({
    now: z.string(),
    available: z.number(),
    pending: z.number(),
    currency: z.string(),
    /** One line per step, in words. */
    steps: z.array(z.string()),
    emails: z.array(z.object({ kind: z.string(), to: z.array(z.string()), subject: z.string() })),
    charge: z
      .object({
        amount: z.number(),
        /** Methods in the order they would be tried (auto-charge on, not cooling down). */
        methods: z.array(z.string()),
      })
      .nullable(),
  }),
});
