import { z } from 'zod';
import { clientStatus, entryKind, staffRole } from './common';

export const reseller = z.object({
  id: z.number(),
  name: z.string(),
  email: z.string().nullable(),
  parentId: z.number().nullable(),
  createdAt: z.string(),
  clientCount: z.number(),
});
export type Reseller = z.infer<typeof reseller>;

export const staffUser = z.object({
  id: z.number(),
  resellerId: z.number(),
  name: z.string(),
  email: z.string(),
  role: staffRole,
  active: z.boolean(),
  createdAt: z.string(),
  /** Has a password: can sign in to the desktop app and the host. */
  signsIn: z.boolean(),
});
export type StaffUser = z.infer<typeof staffUser>;

export const client = z.object({
  id: z.number(),
  resellerId: z.number(),
  resellerName: z.string(),
  externalRef: z.string(),
  name: z.string(),
  billingEmail: z.string(),
  currency: z.string(),
  status: clientStatus,
  createdAt: z.string(),
  /** Sum of the client's ledger entries, minor units. */
  balance: z.number(),
  /** Sum of open holds (work in progress), minor units. */
  held: z.number(),
  /** balance − held: what rules and recharges look at. */
  available: z.number(),
  lastDebitAt: z.string().nullable(),
  entryCount: z.number(),
  /** The assigned low balance profile; null follows the reseller's default profile for the currency. */
  profileId: z.number().nullable(),
  /** Below the threshold of at least one of its low balance rules (as of the last evaluation). */
  belowThreshold: z.boolean(),
  /** The run-dry forecast (as of the last post or hourly refresh): usage in minor units per day over the last 7 days, weighted (0: none). */
  burnPerDay: z.number(),
  /** When the available balance reaches zero at that rate; null without usage. */
  runDryAt: z.string().nullable(),
  /** The version of the client's details, bumped by every change of them: clients.update takes it back. */
  version: z.number(),
});
export type Client = z.infer<typeof client>;

export const ledgerEntry = z.object({
  id: z.number(),
  clientId: z.number(),
  kind: entryKind,
  amount: z.number(),
  balanceAfter: z.number(),
  externalId: z.string().nullable(),
  description: z.string(),
  actor: z.string(),
  at: z.string(),
  recordedAt: z.string(),
  reversesEntryId: z.number().nullable(),
  reversedByEntryId: z.number().nullable(),
});
export type LedgerEntry = z.infer<typeof ledgerEntry>;

export const hold = z.object({
  id: z.number(),
  clientId: z.number(),
  amount: z.number(),
  reference: z.string(),
  description: z.string(),
  status: z.enum(['open', 'closed']),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  entryId: z.number().nullable(),
});
export type Hold = z.infer<typeof hold>;

export const auditRow = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.number().nullable(),
  detail: z.record(z.string(), z.unknown()),
  /** The desk it was done at ("Front desk (192.168.1.20)"), or null for this machine. */
  desk: z.string().nullable(),
});
export type AuditRow = z.infer<typeof auditRow>;

export const balanceState = z.object({
  clientId: z.number(),
  balance: z.number(),
  held: z.number(),
  available: z.number(),
  lastDebitAt: z.string().nullable(),
});
export type BalanceState = z.infer<typeof balanceState>;

export const importRowError = z.object({ line: z.number(), field: z.string(), message: z.string() });
export type ImportRowError = z.infer<typeof importRowError>;

export const importRow = z.object({
  line: z.number(),
  clientId: z.number(),
  clientRef: z.string(),
  clientName: z.string(),
  currency: z.string(),
  at: z.string(),
  amount: z.number(),
  externalId: z.string(),
  description: z.string(),
  duplicate: z.boolean(),
});
export type ImportRow = z.infer<typeof importRow>;
