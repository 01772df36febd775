/** Auto-recharge attempts (the Charges screen) and the staff Retry. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { cursor, id, isoTime, limit, page } from './common';

export const chargeStatus = z.enum(['queued', 'charging', 'processing', 'succeeded', 'failed', 'requires_action'], {
  error: 'must be queued, charging, processing, succeeded, failed or requires_action',
});

export const chargeTry = z.object({
  methodId: z.number(),
  method: z.string(),
  status: z.enum(['started', 'succeeded', 'processing', 'declined', 'requires_action', 'failed']),
  paymentIntent: z.string().nullable(),
  /** Why it failed, in words. */
  message: z.string().nullable(),
  code: z.string().nullable(),
  declineCode: z.string().nullable(),
  at: z.string(),
});

export const charge = z.object({
  id: z.number(),
  clientId: z.number(),
  clientName: z.string(),
  clientRef: z.string(),
  amount: z.number(),
  currency: z.string(),
  origin: z.enum(['auto', 'retry']),
  status: chargeStatus,
  /** The method that paid, or was last tried (null before the first try). */
  method: z.string().nullable(),
  methodId: z.number().nullable(),
  reason: z.string(),
  paymentIntent: z.string().nullable(),
  entryId: z.number().nullable(),
  actor: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  tries: z.array(chargeTry),
  /** Open and waiting for Stripe to answer since this time (ISO): it keeps being tried; null otherwise. */
  waitingSince: z.string().nullable(),
  /**
   * A Retry makes sense: the attempt failed or needs the client and nothing is open for the client, or it is
   * waiting for Stripe (Retry then tries it at once).
   */
  retryable: z.boolean(),
});
export type Charge = z.infer<typeof charge>;

export const chargesList = defineContract({
  name: 'charges.list',
  staleOn: ['charges'],
  summary:
    'Auto-recharge attempts, newest first, with each method tried and why it failed, narrowed by client, status, a date range, and awaitingRetry (failed or needing the client, and the client’s latest attempt).',
  input: z
    .strictObject({
      clientId: id.optional(),
      status: chargeStatus.optional(),
      from: isoTime.optional(),
      to: isoTime.optional(),
      awaitingRetry: z.boolean().optional(),
      limit,
      cursor,
    })
    .default({ limit: 50 }),
  output: page(charge),
});

export const chargesRetry = defineContract({
  name: 'charges.retry',
  role: 'operator',
  summary:
    'Charges now (staff action, in the audit log): a failed attempt again with its first method, or one method (even cooling down) for the recharge amount; a success ends the method’s cooldown. Runs as a durable job; answers the new attempt. An attempt waiting for Stripe to answer is tried again at once, with the same key, and answered as it stands.',
  mutates: true,
  input: z
    .strictObject({ attemptId: id.optional(), methodId: id.optional() })
    .refine((v) => (v.attemptId === undefined) !== (v.methodId === undefined), {
      message: 'give either attemptId or methodId',
      path: ['attemptId'],
    }),
  output: charge,
});
