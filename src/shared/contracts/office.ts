/**
 * The office: one machine serves the ledger to the other desks over the office network (TLS, sign-in
 * mandatory off loopback). These channels say how this ledger is shared and who is signed in where.
 */
import { z } from 'zod';
import { defineContract } from '../contract';
import { empty } from './common';

export const officeStatus = z.object({
  /** True while this ledger is served to the office network. */
  sharing: z.boolean(),
  /** True where an admin can turn sharing on and off here (the desktop app); the headless host is started with --office. */
  canShare: z.boolean(),
  /** The addresses desks connect to (https://…:port), empty while not sharing. */
  urls: z.array(z.string()),
  /** The server certificate's SHA-256 fingerprint (AB:CD:…), which desks compare on first connection; null while not sharing. */
  fingerprint: z.string().nullable(),
  /** Where the certificate comes from: made by Balance Desk on first start, or the office's own PEM files. */
  certificate: z.enum(['self-signed', 'provided']).nullable(),
  /** Why sharing cannot be turned on now (no admin has a password yet), or null. */
  blocked: z.string().nullable(),
});

export const officeGet = defineContract({
  name: 'office.get',
  staleOn: ['office'],
  summary:
    'Whether this ledger is shared with the office network: the addresses desks connect to, the certificate fingerprint they compare, and why sharing is not possible yet.',
  input: empty,
  output: officeStatus,
});

export const officeDesk = z.object({
  /** A short id of the session (never its token). */
  id: z.string(),
  staffId: z.number().int(),
  /** The staff member as the audit log names them. */
  staff: z.string(),
  /** The name the desk gave ("Front desk"), or null (a script, a browser that gave none). */
  desk: z.string().nullable(),
  /** The network address the desk signed in from. */
  address: z.string().nullable(),
  signedInAt: z.string(),
  lastSeenAt: z.string(),
  /** True for the caller's own session. */
  current: z.boolean(),
});

export const officeDesks = defineContract({
  name: 'office.desks',
  staleOn: ['office', 'staff'],
  summary: 'The signed-in sessions: who, at which desk and address, since when and last seen when.',
  role: 'admin',
  input: empty,
  output: z.object({ desks: z.array(officeDesk) }),
});

export const officeSignOutDesk = defineContract({
  name: 'office.signOutDesk',
  summary: 'Ends one signed-in session (Settings → Office → Sign out that desk); the desk must sign in again. Audited.',
  mutates: true,
  role: 'admin',
  input: z.strictObject({ id: z.string({ error: 'must be text' }).regex(/^[a-f0-9]{16}$/, 'is not a desk id') }),
  output: z.object({ signedOut: z.boolean() }),
});

export const officeShare = defineContract({
  name: 'office.share',
  summary:
    'Turns sharing this ledger with the office on or off, where the host allows it (the desktop app). Refused until an admin has a password. Audited.',
  mutates: true,
  role: 'admin',
  input: z.strictObject({ on: z.boolean({ error: 'must be true or false' }) }),
  output: officeStatus,
});

export type OfficeStatus = z.infer<typeof officeStatus>;
export type OfficeDesk = z.infer<typeof officeDesk>;
