/** Stripe settings: the secret key (sealed, never shown again), where the SDK points, and a connection check. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { empty } from './common';

export const stripeStatus = z.object({
  /** Where the key in force comes from: STRIPE_SECRET_KEY, Settings, or nowhere yet. */
  source: z.enum(['env', 'settings', 'none']),
  keyHint: z.string().nullable(),
  mode: z.enum(['test', 'live']).nullable(),
  /** STRIPE_API_BASE when set: the SDK talks to that server (the sandbox), not api.stripe.com. */
  apiBase: z.string().nullable(),
  secretStorage: z.enum(['os', 'keyfile']),
  /** The page a client lands on after adding (or cancelling) a payment method through a setup link: the reseller's own. */
  returnUrl: z.string().nullable(),
  /** The page used when returnUrl is not set: the sandbox's own page, or null (a setup link then needs returnUrl). */
  defaultReturnUrl: z.string().nullable(),
});
export type StripeStatus = z.infer<typeof stripeStatus>;

export const stripeGet = defineContract({
  name: 'stripe.get',
  staleOn: ['stripe'],
  summary:
    'The Stripe settings: where the key comes from, its last four characters and mode (never the key), and where the SDK points.',
  input: empty,
  output: stripeStatus,
});

export const stripeSet = defineContract({
  name: 'stripe.set',
  summary: 'Stores the Stripe secret key sealed (never as plain text), or null to remove it.',
  mutates: true,
  input: z.strictObject({
    secretKey: z
      .string({ error: 'must be a Stripe secret key' })
      .trim()
      .max(255, 'is too long for a Stripe key')
      .nullable(),
  }),
  output: stripeStatus,
});

export const stripeCheck = defineContract({
  name: 'stripe.check',
  role: 'admin',
  summary:
    'Checks a key (the stored one when omitted) with one harmless read from Stripe, and says what happened in words.',
  input: z.strictObject({
    secretKey: z
      .string({ error: 'must be a Stripe secret key' })
      .trim()
      .max(255, 'is too long for a Stripe key')
      .optional(),
  }),
  output: z.object({ ok: z.boolean(), message: z.string(), mode: z.enum(['test', 'live']).nullable() }),
});

export const stripeSetReturnPage = defineContract({
  name: 'stripe.setReturnPage',
  summary:
    "Sets the page (the reseller's website, http:// or https://) a client returns to after adding a payment method through a setup link, or null to clear it.",
  mutates: true,
  input: z.strictObject({
    returnUrl: z
      .url({ protocol: /^https?$/, error: 'must be a web address such as https://example.com/thank-you' })
      .max(2000, 'is too long for a web address')
      .nullable(),
  }),
  output: stripeStatus,
});
