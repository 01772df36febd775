import { z } from 'zod';
import { isCurrency, MAX_AMOUNT } from '../money';

export const id = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .positive('must be a positive id');

/**
 * The version of a thing a form loaded (its read channel answers it), sent back with its save: a save over
 * a newer version is refused as a conflict (field "version") naming who changed it and when. Optional, so
 * scripts keep working; the screens always send it.
 */
export const version = z
  .number({ error: 'must be the version the form loaded' })
  .int('must be a whole number')
  .min(0, 'must be 0 or more');

/** A signed amount in minor units: whole, and within ±MAX_AMOUNT. */
export const amount = z
  .number({ error: 'must be an amount in minor units (a whole number)' })
  .int('must be a whole number of minor units')
  .min(-MAX_AMOUNT, 'is beyond the largest amount Balance Desk accepts')
  .max(MAX_AMOUNT, 'is beyond the largest amount Balance Desk accepts');

export const positiveAmount = amount.refine((v) => v > 0, 'must be more than zero');

export const currency = z
  .string({ error: 'must be a currency code' })
  .refine(isCurrency, 'must be an ISO 4217 currency code such as USD, or POINTS');

export const email = z.email({ error: 'is not a valid email address' }).max(254, 'is too long');

export const text = (max: number, what = 'text') =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .max(max, `must be at most ${max} characters`);

export const requiredText = (max: number, what = 'text') => text(max, what).min(1, 'is required');

/** A point in time as ISO 8601 text with a zone, e.g. 2026-11-21T14:00:00Z. */
export const isoTime = z.iso.datetime({ offset: true, error: 'must be a date and time such as 2026-11-21T14:00:00Z' });

export const limit = z.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500').default(50);
export const cursor = z.string().max(500, 'is not a cursor from this list').optional();

export const clientStatus = z.enum(['active', 'suspended', 'closed'], { error: 'must be active, suspended or closed' });
/** A new password: 10 to 200 characters (a passphrase is welcome). */
export const password = z
  .string({ error: 'must be text' })
  .min(10, 'must be at least 10 characters')
  .max(200, 'must be at most 200 characters');

export const staffRole = z.enum(['viewer', 'operator', 'admin'], { error: 'must be viewer, operator or admin' });
export const entryKind = z.enum(['usage', 'top_up', 'adjustment', 'refund', 'reversal']);

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const empty = z.object({}).strict().default({});
