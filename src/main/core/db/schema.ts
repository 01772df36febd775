/**
 * The ledger's tables. Times are integer milliseconds since the epoch (UTC); money is integer minor
 * units. Migrations are generated from this file by drizzle-kit (`npm run db:generate`), never by hand.
 */
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

export const resellers = sqliteTable(
  'resellers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    email: text('email'),
    parentId: integer('parent_id').references((): AnySQLiteColumn => resellers.id),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('resellers_parent').on(t.parentId)],
);

export const staffUsers = sqliteTable(
  'staff_users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    resellerId: integer('reseller_id')
      .notNull()
      .references(() => resellers.id),
    name: text('name').notNull(),
    email: text('email').notNull(),
    role: text('role', { enum: ['viewer', 'operator', 'admin'] }).notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('staff_users_reseller_email').on(t.resellerId, t.email)],
);

export const clients = sqliteTable(
  'clients',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    resellerId: integer('reseller_id')
      .notNull()
      .references(() => resellers.id),
    externalRef: text('external_ref').notNull(),
    /** Lower-cased external_ref, for case-insensitive prefix search through an index. */
    refKey: text('ref_key').notNull(),
    name: text('name').notNull(),
    /** Lower-cased name, for case-insensitive prefix search and sorting through an index. */
    nameKey: text('name_key').notNull(),
    billingEmail: text('billing_email').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: ['active', 'suspended', 'closed'] }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('clients_reseller_ref').on(t.resellerId, t.externalRef),
    index('clients_name_key').on(t.nameKey, t.id),
    index('clients_ref_key').on(t.refKey, t.id),
    index('clients_created').on(t.createdAt, t.id),
    index('clients_reseller_name').on(t.resellerId, t.nameKey, t.id),
  ],
);

/** One row per client, written in the same transaction as every entry and hold. */
export const balances = sqliteTable(
  'balances',
  {
    clientId: integer('client_id')
      .primaryKey()
      .references(() => clients.id),
    balance: integer('balance').notNull().default(0),
    held: integer('held').notNull().default(0),
    available: integer('available').notNull().default(0),
    lastDebitAt: integer('last_debit_at'),
    entryCount: integer('entry_count').notNull().default(0),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('balances_available').on(t.available, t.clientId)],
);

/** Append-only (triggers refuse UPDATE and DELETE): a mistake is corrected by a reversal entry. */
export const ledgerEntries = sqliteTable(
  'ledger_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id),
    kind: text('kind', { enum: ['usage', 'top_up', 'adjustment', 'refund', 'reversal'] }).notNull(),
    amount: integer('amount').notNull(),
    balanceAfter: integer('balance_after').notNull(),
    externalId: text('external_id'),
    description: text('description').notNull().default(''),
    actor: text('actor').notNull(),
    /** When the thing happened (usage time from the CSV, or now). */
    at: integer('at').notNull(),
    /** When Balance Desk recorded it. */
    recordedAt: integer('recorded_at').notNull(),
    reversesEntryId: integer('reverses_entry_id').references((): AnySQLiteColumn => ledgerEntries.id),
  },
  (t) => [
    uniqueIndex('ledger_client_external').on(t.clientId, t.externalId).where(sql`external_id IS NOT NULL`),
    index('ledger_client_id').on(t.clientId, t.id),
    index('ledger_client_at').on(t.clientId, t.at),
    uniqueIndex('ledger_reverses').on(t.reversesEntryId).where(sql`reverses_entry_id IS NOT NULL`),
  ],
);

export const holds = sqliteTable(
  'holds',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id),
    amount: integer('amount').notNull(),
    reference: text('reference').notNull(),
    description: text('description').notNull().default(''),
    status: text('status', { enum: ['open', 'closed'] }).notNull(),
    openedAt: integer('opened_at').notNull(),
    closedAt: integer('closed_at'),
    entryId: integer('entry_id').references(() => ledgerEntries.id),
  },
  (t) => [uniqueIndex('holds_client_reference').on(t.clientId, t.reference), index('holds_client_status').on(t.clientId, t.status, t.id)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: integer('subject_id'),
    /** JSON: what changed (never a secret). */
    detail: text('detail').notNull().default('{}'),
  },
  (t) => [index('audit_subject').on(t.subjectType, t.subjectId, t.id)],
);
