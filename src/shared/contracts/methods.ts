/**
 * A client's Stripe Customer and payment methods: linked or created, read from Stripe and refreshed on
 * demand, with the auto-charge switch, the priority (the first is the primary, shown with a star) and the
 * 48-hour cooldown after a failed charge. Methods are added by the client through a Stripe Checkout link,
 * never typed in by staff.
 */
import { z } from 'zod';
import { defineContract } from '../contract';
import { id } from './common';

export const paymentMethod = z.object({
  id: z.number(),
  clientId: z.number(),
  stripeId: z.string(),
  type: z.enum(['card', 'us_bank_account']),
  brand: z.string(),
  last4: z.string(),
  expMonth: z.number().nullable(),
  expYear: z.number().nullable(),
  /** "Visa •••• 4242", "STRIPE TEST BANK •••• 6789". */
  label: z.string(),
  autoCharge: z.boolean(),
  priority: z.number(),
  primary: z.boolean(),
  cooldownUntil: z.string().nullable(),
  cooldownReason: z.string().nullable(),
  /** A card past its expiry month. */
  expired: z.boolean(),
  syncedAt: z.string(),
});
export type PaymentMethod = z.infer<typeof paymentMethod>;

export const clientMethods = z.object({
  clientId: z.number(),
  customerId: z.string().nullable(),
  methods: z.array(paymentMethod),
});
export type ClientMethods = z.infer<typeof clientMethods>;

const customerId = z
  .string({ error: 'must be a Stripe customer id' })
  .trim()
  .regex(/^cus_[A-Za-z0-9]{4,250}$/, 'must be a Stripe customer id such as cus_NffrFeUfNV2Hib');

export const methodsList = defineContract({
  name: 'methods.list',
  staleOn: ['methods', 'stripe', 'clock'],
  summary:
    "A client's Stripe customer and payment methods as last read from Stripe, in priority order (no call to Stripe).",
  input: z.strictObject({ clientId: id }),
  output: clientMethods,
});

export const methodsLink = defineContract({
  name: 'methods.link',
  summary:
    "Links a client to a Stripe Customer: an existing cus_… (checked at Stripe), or a new one made from the client's name and billing email; then reads its payment methods.",
  work: true,
  input: z.strictObject({ clientId: id, customerId: customerId.optional() }),
  output: clientMethods,
});

export const methodsRefresh = defineContract({
  name: 'methods.refresh',
  role: 'operator',
  summary:
    "Reads the client's payment methods from Stripe again: new ones join at the end of the order, removed ones leave it.",
  work: true,
  input: z.strictObject({ clientId: id }),
  output: clientMethods,
});

export const methodsUpdate = defineContract({
  name: 'methods.update',
  summary: 'Turns automatic charging of one payment method on or off.',
  mutates: true,
  input: z.strictObject({ id, autoCharge: z.boolean({ error: 'must be true or false' }) }),
  output: clientMethods,
});

export const methodsReorder = defineContract({
  name: 'methods.reorder',
  summary:
    "Sets the order in which a client's methods are charged: every method's id, the primary first. With expectedOrder (the order methods.list answered), an order changed since (by staff or a refresh from Stripe) is refused as a conflict naming who changed it and when.",
  mutates: true,
  input: z.strictObject({
    clientId: id,
    order: z
      .array(id, { error: 'must be a list of payment method ids' })
      .min(1, 'must list the methods')
      .max(100, 'lists too many methods'),
    /** The order the form showed (methods.list): refused as a conflict (field expectedOrder) when the stored order differs. */
    expectedOrder: z
      .array(id, { error: 'must be a list of payment method ids' })
      .max(100, 'lists too many methods')
      .optional(),
  }),
  output: clientMethods,
});

export const methodsSetupLink = defineContract({
  name: 'methods.setupLink',
  role: 'operator',
  summary:
    'Makes a Stripe Checkout link (setup mode) where the client adds a card or bank account themselves; staff copy it, or with email: true it is emailed to the client’s billing address (in the notification log).',
  work: true,
  input: z.strictObject({ clientId: id, email: z.boolean({ error: 'must be true or false' }).default(false) }),
  output: z.object({ url: z.string(), expiresAt: z.string().nullable(), emailedTo: z.string().nullable() }),
});
