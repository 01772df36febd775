/** Clients: the list, one client, creating and updating, and the run-dry forecast of one client. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { clientStatus, currency, cursor, email, id, limit, page, requiredText, text, version } from './common';
import { client } from './entities';
import { ruleKind } from './profiles';

export const clientSort = z.enum(['name', 'externalRef', 'available', 'createdAt', 'runDry'], {
  error: 'must be name, externalRef, available, createdAt or runDry',
});

/** The dashboard's narrowings of the clients list. */
export const clientOnly = z.enum(['below', 'cooling', 'dry'], { error: 'must be below, cooling or dry' });

export const clientsList = defineContract({
  name: 'clients.list',
  staleOn: ['clients', 'ledger', 'holds'],
  summary:
    'One page of clients. search matches the start of the name or the external reference (case-insensitive); sorted by name, externalRef, available balance, creation or runDry (the forecast time the available balance reaches zero; clients without usage last ascending); keyset paging with nextCursor. only: below (a low balance threshold now), cooling (a payment method cooling down) or dry (forecast to run dry within 24 hours, or already dry).',
  input: z
    .strictObject({
      search: text(120).optional(),
      resellerId: id.optional(),
      status: clientStatus.optional(),
      /** Only the clients below a low balance threshold now (belowThreshold), with a payment method cooling down, or forecast to run dry within 24 hours (runDryAt). */
      only: clientOnly.optional(),
      sort: clientSort.default('name'),
      dir: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).default('asc'),
      limit,
      cursor,
    })
    .default({ sort: 'name', dir: 'asc', limit: 50 }),
  /** total: how many clients match, counted on the first page (no cursor) and null on later pages. */
  output: page(client).extend({ total: z.number().nullable() }),
});

export const clientsGet = defineContract({
  name: 'clients.get',
  staleOn: ['clients', 'ledger', 'holds', 'thresholds'],
  summary: 'One client with its balance, holds and available balance.',
  input: z.strictObject({ id }),
  output: client,
});

export const clientsCreate = defineContract({
  name: 'clients.create',
  summary: 'Adds a client to a reseller. The external reference is unique per reseller; the balance starts at zero.',
  mutates: true,
  input: z.strictObject({
    resellerId: id,
    externalRef: requiredText(64, 'a reference').regex(/^[^\s,"]+$/, 'must have no spaces, commas or quotes'),
    name: requiredText(200, 'a name'),
    billingEmail: email,
    currency,
    status: clientStatus.default('active'),
  }),
  output: client,
});

export const clientsUpdate = defineContract({
  name: 'clients.update',
  summary:
    "Changes a client's details or low balance profile. The currency can change only while the client has no ledger entries. With version (the one clients.get answered), a client changed since is refused as a conflict (field version) naming who changed it and when.",
  mutates: true,
  input: z.strictObject({
    id,
    externalRef: requiredText(64, 'a reference')
      .regex(/^[^\s,"]+$/, 'must have no spaces, commas or quotes')
      .optional(),
    name: requiredText(200, 'a name').optional(),
    billingEmail: email.optional(),
    currency: currency.optional(),
    status: clientStatus.optional(),
    /** A low balance profile of the client's reseller in the client's currency; null follows the reseller's default. */
    profileId: id.nullable().optional(),
    /** The client's version the form loaded (clients.get): refused as a conflict when the client changed since. */
    version: version.optional(),
  }),
  output: client,
});

export const clientForecast = z.object({
  clientId: z.number(),
  currency: z.string(),
  available: z.number(),
  /** Usage in minor units per hour, weighted over the last 7 days and capped against bursts (a fraction; 0: no usage). */
  burnPerHour: z.number(),
  /** The same per day, rounded to the minor unit. */
  burnPerDay: z.number(),
  /** When the available balance reaches zero at that rate (now when it already has); null without usage. */
  runDryAt: z.string().nullable(),
  /** Each rule that is on for the client: its effective threshold and when the available balance falls below it (now: already below; null: no usage). */
  thresholds: z.array(z.object({ kind: ruleKind, threshold: z.number(), crossesAt: z.string().nullable() })),
  /** The average daily spend of the last 30 days (the same figure as the automatic top-up panel's), and the days it covers. */
  averageDailySpend: z.number(),
  spendDays: z.number(),
  /** Twice the average daily spend: a threshold that leaves two days to react. 0 without usage. */
  suggestedThreshold: z.number(),
});
export type ClientForecast = z.infer<typeof clientForecast>;

export const clientsForecast = defineContract({
  name: 'clients.forecast',
  staleOn: ['clients', 'ledger', 'holds', 'thresholds', 'profiles'],
  summary:
    "A client's run-dry forecast as of now: the burn rate (usage per hour and per day over the last 7 days, recent days weighted more, one day's burst capped at 3 × the median day), when the available balance falls below each rule's threshold and reaches zero, and a suggested threshold (twice the average daily spend of 30 days).",
  input: z.strictObject({ clientId: id }),
  output: clientForecast,
});
