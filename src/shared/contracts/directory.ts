/** Resellers, their staff and their clients. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { clientStatus, currency, cursor, email, empty, id, limit, page, password, requiredText, staffRole, text } from './common';
import { client, reseller, staffUser } from './entities';

export const resellersList = defineContract({
  name: 'resellers.list',
  summary: 'Every reseller with its parent and how many clients it has, ordered by name.',
  input: empty,
  output: z.array(reseller),
});

export const resellersCreate = defineContract({
  name: 'resellers.create',
  summary: 'Adds a reseller, optionally under a parent reseller.',
  mutates: true,
  input: z.strictObject({
    name: requiredText(120, 'a name'),
    email: email.nullable().optional(),
    parentId: id.nullable().optional(),
  }),
  output: reseller,
});

export const resellersUpdate = defineContract({
  name: 'resellers.update',
  summary: 'Changes a reseller; a parent may not be the reseller itself or one of its own sub-resellers.',
  mutates: true,
  input: z.strictObject({
    id,
    name: requiredText(120, 'a name').optional(),
    email: email.nullable().optional(),
    parentId: id.nullable().optional(),
  }),
  output: reseller,
});

export const staffList = defineContract({
  name: 'staff.list',
  summary: "A reseller's staff users (all resellers' when no resellerId), ordered by name.",
  input: z.strictObject({ resellerId: id.optional() }).default({}),
  output: z.array(staffUser),
});

export const staffCreate = defineContract({
  name: 'staff.create',
  summary: 'Adds a staff user (name, email unique per reseller, role).',
  mutates: true,
  input: z.strictObject({ resellerId: id, name: requiredText(120, 'a name'), email, role: staffRole.default('operator') }),
  output: staffUser,
});

export const staffUpdate = defineContract({
  name: 'staff.update',
  summary: "Changes a staff user's name, email, role or whether the user is active.",
  mutates: true,
  input: z.strictObject({
    id,
    name: requiredText(120, 'a name').optional(),
    email: email.optional(),
    role: staffRole.optional(),
    active: z.boolean({ error: 'must be true or false' }).optional(),
  }),
  output: staffUser,
});

export const staffSetPassword = defineContract({
  name: 'staff.setPassword',
  summary:
    "Sets a staff user's password (scrypt-hashed; never stored, logged or audited as text), or removes it (null) so the user cannot sign in; ends the user's sessions. Once any active user has a password, windows and the host must sign in. The first password must be an active admin's, and an admin must always be able to sign in.",
  mutates: true,
  input: z.strictObject({ id, password: password.nullable() }),
  output: staffUser,
});

export const clientSort = z.enum(['name', 'externalRef', 'available', 'createdAt', 'runDry'], {
  error: 'must be name, externalRef, available, createdAt or runDry',
});

/** The dashboard's narrowings of the clients list. */
export const clientOnly = z.enum(['below', 'cooling', 'dry'], { error: 'must be below, cooling or dry' });

export const clientsList = defineContract({
  name: 'clients.list',
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
    "Changes a client's details or low balance profile. The currency can change only while the client has no ledger entries.",
  mutates: true,
  input: z.strictObject({
    id,
    externalRef: requiredText(64, 'a reference').regex(/^[^\s,"]+$/, 'must have no spaces, commas or quotes').optional(),
    name: requiredText(200, 'a name').optional(),
    billingEmail: email.optional(),
    currency: currency.optional(),
    status: clientStatus.optional(),
    /** A low balance profile of the client's reseller in the client's currency; null follows the reseller's default. */
    profileId: id.nullable().optional(),
  }),
  output: client,
});
