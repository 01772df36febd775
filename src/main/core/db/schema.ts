/**
 * The ledger's tables. Times are integer milliseconds since the epoch (UTC); money is integer minor
 * units. Migrations are generated from this file by drizzle-kit (`npm run db:generate`), never by hand.
 */
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from 'drizzle-orm/sqlite-core';

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
    /** scrypt$N$r$p$salt$hash (base64) when this staff member signs in to the desktop app or the host; null: cannot sign in. */
    passwordHash: text('password_hash'),
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
    /** The client's low balance profile; NULL follows the reseller's default profile for the client's currency. */
    profileId: integer('profile_id').references((): AnySQLiteColumn => lowBalanceProfiles.id),
    /** Bumped by every write of the client's fields: a form saved over a newer version is refused (issue 17). */
    version: integer('version').notNull().default(1),
    /**
     * Bumped by every write of the client's own thresholds (client_thresholds, several rows): apart from
     * `version`, so a threshold saved does not refuse an unrelated edit of the client's details.
     */
    thresholdsVersion: integer('thresholds_version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('clients_reseller_ref').on(t.resellerId, t.externalRef),
    // Counts a profile's clients: assigned (profile_id = ?) and following the default (NULL, reseller, currency).
    index('clients_profile').on(t.profileId, t.resellerId, t.currency),
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
    /** The run-dry forecast (src/shared/forecast.ts): usage in minor units per hour, 0 without usage in the last 7 days. */
    burnRate: real('burn_rate').notNull().default(0),
    /** When the available balance reaches zero at that rate; RUN_DRY_NEVER (8.64e15) without usage. Written with the balance and by the hourly refresh. */
    runDryAt: integer('run_dry_at').notNull().default(8_640_000_000_000_000),
  },
  (t) => [
    index('balances_available').on(t.available, t.clientId),
    index('balances_run_dry').on(t.runDryAt, t.clientId),
  ],
);

/**
 * The run-dry forecast's days of a client with usage in the window: usage debits per UTC day (day =
 * floor(at / 86,400,000)), as a flat JSON array [day, spent, day, spent, …] (src/main/core/ledger/forecast.ts).
 * Not in `balances`: the sweep, the clients list and its sorts scan that table, and these days made each of
 * its rows about four times wider (1.5× slower scans, measured). Read with the balance by its primary key,
 * written only by a usage debit and by the hourly refresh; no row: no usage in the window.
 */
export const usageDays = sqliteTable('usage_days', {
  clientId: integer('client_id')
    .primaryKey()
    .references(() => clients.id),
  days: text('days').notNull(),
});

/**
 * How many clients each reseller has in each status, kept by triggers on clients (migration 0017): the
 * clients list's total without counting a million rows on every first page (10–15 ms of its 20 ms budget).
 */
export const clientCounts = sqliteTable(
  'client_counts',
  {
    resellerId: integer('reseller_id').notNull(),
    status: text('status').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.resellerId, t.status] })],
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
    uniqueIndex('ledger_client_external')
      .on(t.clientId, t.externalId)
      .where(sql`external_id IS NOT NULL`),
    index('ledger_client_id').on(t.clientId, t.id),
    index('ledger_client_at').on(t.clientId, t.at),
    uniqueIndex('ledger_reverses')
      .on(t.reversesEntryId)
      .where(sql`reverses_entry_id IS NOT NULL`),
  ],
);

/**
 * Per UTC day of recording and currency, what the ledger recorded: the net of every entry, and its
 * top-ups (amount, count). Written by the ledger in the transaction of every entry (Ledger.post, and per
 * part in an import), so the dashboard's 30 days and the total balance per currency (the sum over all
 * days) are read from a few hundred rows, never from the entries.
 */
export const dailyTotals = sqliteTable(
  'daily_totals',
  {
    day: integer('day').notNull(),
    currency: text('currency').notNull(),
    net: integer('net').notNull(),
    topUps: integer('top_ups').notNull(),
    topUpCount: integer('top_up_count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.currency] })],
);

/**
 * A cache for the client chart (ledger.series): each hour with entries, its first, lowest, highest and last
 * balance and its top-ups (top_up_id: the lowest id among them). Derived from ledger_entries alone and brought up to date by ledger.series itself
 * (series_state says through which entry), so posting an entry writes nothing more.
 */
export const seriesHours = sqliteTable(
  'series_hours',
  {
    clientId: integer('client_id').notNull(),
    hour: integer('hour').notNull(),
    firstAt: integer('first_at').notNull(),
    lastAt: integer('last_at').notNull(),
    firstBalance: integer('first_balance').notNull(),
    low: integer('low').notNull(),
    high: integer('high').notNull(),
    lastBalance: integer('last_balance').notNull(),
    topUps: integer('top_ups').notNull(),
    topUpAmount: integer('top_up_amount').notNull(),
    firstTopUpAt: integer('first_top_up_at'),
    lastTopUpAt: integer('last_top_up_at'),
    topUpId: integer('top_up_id'),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.hour] })],
);

/** Through which ledger entry (by id: the ledger is append-only, ids only grow) series_hours is up to date. */
export const seriesState = sqliteTable('series_state', {
  clientId: integer('client_id')
    .primaryKey()
    .references(() => clients.id),
  throughId: integer('through_id').notNull(),
});

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
  (t) => [
    uniqueIndex('holds_client_reference').on(t.clientId, t.reference),
    index('holds_client_status').on(t.clientId, t.status, t.id),
  ],
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
    /** The desk it was done at: the name the desk gave and its address ("Front desk (192.168.1.20)"), or null on this machine. */
    desk: text('desk'),
  },
  (t) => [index('audit_subject').on(t.subjectType, t.subjectId, t.id)],
);

/**
 * Signed-in sessions (session.signIn), kept so that a restart of the office server signs no one out. The
 * token itself is never stored: its SHA-256 is. `id` is a short public name for Settings → Office.
 */
export const staffSessions = sqliteTable(
  'staff_sessions',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staffUsers.id),
    /** The name the desk gave at sign-in, or null. */
    desk: text('desk'),
    /** The network address it signed in from, or null for a call on this machine. */
    address: text('address'),
    createdAt: integer('created_at').notNull(),
    lastSeen: integer('last_seen').notNull(),
  },
  (t) => [uniqueIndex('staff_sessions_token').on(t.tokenHash), index('staff_sessions_staff').on(t.staffId)],
);

/** The rules of a profile; the forecast rule (run dry within N hours) has no client override. */
export const RULE_KINDS = ['staff', 'client', 'inactivity', 'forecast'] as const;

/** A named notification policy (seed 004): quota and period shared by its three rules. */
export const lowBalanceProfiles = sqliteTable(
  'low_balance_profiles',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    resellerId: integer('reseller_id')
      .notNull()
      .references(() => resellers.id),
    name: text('name').notNull(),
    /** Lower-cased name: unique per reseller. */
    nameKey: text('name_key').notNull(),
    currency: text('currency').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
    maxQty: integer('max_qty').notNull(),
    periodMs: integer('period_ms').notNull(),
    /** The profile that clients of this reseller and currency without a profile of their own follow. */
    isDefault: integer('is_default', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** Bumped by every write of the profile, its rules or its staff: a form saved over a newer version is refused. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('profiles_reseller_name').on(t.resellerId, t.nameKey),
    uniqueIndex('profiles_default')
      .on(t.resellerId, t.currency)
      .where(sql`is_default = 1`),
  ],
);

/** One row per profile and rule kind (reseller staff, client, inactivity). */
export const profileRules = sqliteTable(
  'profile_rules',
  {
    profileId: integer('profile_id')
      .notNull()
      .references(() => lowBalanceProfiles.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: RULE_KINDS }).notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    threshold: integer('threshold').notNull(),
    /** Staff rule: the reseller's email; client and inactivity rules: the client's billing email. */
    notifyPrimary: integer('notify_primary', { mode: 'boolean' }).notNull(),
    /** JSON array of extra email addresses. */
    emails: text('emails').notNull().default('[]'),
    /** Inactivity rule only: how long without a debit before it may fire. */
    inactivityMs: integer('inactivity_ms'),
    /** Forecast rule only: it fires when the run-dry forecast (balances.run_dry_at) is within this long. */
    horizonMs: integer('horizon_ms'),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.kind] })],
);

/** The staff users a profile's staff rule notifies. */
export const profileStaff = sqliteTable(
  'profile_staff',
  {
    profileId: integer('profile_id')
      .notNull()
      .references(() => lowBalanceProfiles.id, { onDelete: 'cascade' }),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staffUsers.id),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.staffId] })],
);

/** Client thresholds: a client's own threshold for a rule, or the rule switched off for the client. */
export const clientThresholds = sqliteTable(
  'client_thresholds',
  {
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id),
    kind: text('kind', { enum: RULE_KINDS }).notNull(),
    /** NULL keeps the profile's threshold (the row may exist only to switch the rule off). */
    threshold: integer('threshold'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.kind] })],
);

/**
 * Where a client stands with a rule while it is below the rule's threshold (no row: not below). The
 * notification counter lives here and resets, with the row, when the balance is refilled.
 */
export const ruleStates = sqliteTable(
  'rule_states',
  {
    /**
     * client_id × 4 + the rule's index (ruleStateId): the rows of a client sit side by side in the table
     * itself, so a sweep slice reads the states of its clients in one walk, with no index lookups.
     */
    id: integer('id').primaryKey(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id),
    kind: text('kind', { enum: RULE_KINDS }).notNull(),
    /** Notifications decided in this episode below the threshold (Max Qty counts these). */
    sent: integer('sent').notNull().default(0),
    since: integer('since').notNull(),
    lastSentAt: integer('last_sent_at'),
    lastSuppressedAt: integer('last_suppressed_at'),
    lastSuppressedReason: text('last_suppressed_reason'),
    /** When the rule must be looked at again without any balance change (period over, inactivity reached). */
    nextCheckAt: integer('next_check_at'),
  },
  (t) => [
    index('rule_states_next_check')
      .on(t.nextCheckAt)
      .where(sql`next_check_at IS NOT NULL`),
  ],
);

/** The id of a client's rule state row, and the first and last ids of a client's (or a range's) rows. */
export const ruleStateId = (clientId: number, kind: (typeof RULE_KINDS)[number]) =>
  clientId * 4 + RULE_KINDS.indexOf(kind);
export const ruleStateRange = (fromClient: number, toClient: number): [number, number] => [
  fromClient * 4,
  toClient * 4 + 3,
];

/** The notification log: every rule decision, sent, queued, failed or suppressed, with its reason. */
/**
 * What a notification is about; each kind has its template (src/main/core/notifications/templates.ts). The three
 * low balance kinds are rule decisions of a profile; the others are events of the auto-recharge flow.
 */
export const NOTIFICATION_KINDS = [
  'low_balance_staff',
  'low_balance_client',
  'inactivity',
  'low_balance_forecast',
  'top_up_receipt',
  'recharge_failed',
  'method_disabled',
  'settings_changed',
  'setup_link',
] as const;

/** The notification log: every decision to notify, sent or not, and every message the app sends. */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id),
    /** The profile at the time of a rule decision (kept when the profile is later deleted). */
    profileId: integer('profile_id'),
    profileName: text('profile_name'),
    /** The rule that decided (low balance kinds only). */
    rule: text('rule', { enum: RULE_KINDS }),
    decidedAt: integer('decided_at').notNull(),
    status: text('status', { enum: ['queued', 'sent', 'failed', 'suppressed'] }).notNull(),
    /** Why it was not sent: quota (Max Qty), period, no_recipients; NULL when it goes out. */
    suppressed: text('suppressed', { enum: ['quota', 'period', 'no_recipients'] }),
    reason: text('reason').notNull(),
    /** The available balance at the decision, and the rule's threshold (rule decisions). */
    available: integer('available'),
    threshold: integer('threshold'),
    currency: text('currency').notNull(),
    /** Which notification of the episode this is (1..Max Qty), for rule decisions. */
    seq: integer('seq'),
    maxQty: integer('max_qty'),
    /** JSON array of addresses. */
    recipients: text('recipients').notNull().default('[]'),
    subject: text('subject').notNull(),
    /** JSON: what the template needs beyond the columns (an amount, a payment method, changed settings). */
    data: text('data').notNull().default('{}'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    sentAt: integer('sent_at'),
    /** Where it went: the SMTP server, or the local outbox folder when no server is set up. */
    via: text('via', { enum: ['smtp', 'outbox'] }),
    resendOf: integer('resend_of').references((): AnySQLiteColumn => notifications.id),
  },
  (t) => [
    // The log is read newest first by (decided_at, id), narrowed by one of these.
    index('notifications_decided').on(t.decidedAt, t.id),
    index('notifications_client').on(t.clientId, t.decidedAt, t.id),
    index('notifications_status').on(t.status, t.decidedAt, t.id),
    index('notifications_kind').on(t.kind, t.decidedAt, t.id),
  ],
);

/** Durable work: a job is leased, run, and finished or retried with backoff; a restart resumes it. */
export const jobs = sqliteTable(
  'jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    /** One decision, one job: a second enqueue with the same key adds nothing. */
    key: text('key').notNull(),
    payload: text('payload').notNull().default('{}'),
    status: text('status', { enum: ['queued', 'running', 'done', 'failed'] }).notNull(),
    /** queued: when it may run; running: when its lease runs out and another worker may take it. */
    readyAt: integer('ready_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('jobs_key').on(t.key),
    index('jobs_ready')
      .on(t.readyAt)
      .where(sql`status IN ('queued', 'running')`),
    index('jobs_status').on(t.status, t.id),
  ],
);

/** Small durable facts of the scheduler (the last sweep, a requested sweep), as JSON by key. */
export const schedulerState = sqliteTable('scheduler_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * The app's settings as JSON by key (`smtp`, the install id). Secrets are stored only sealed
 * (src/main/core/settings/secrets.ts): never plain text in this file.
 */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * A client's auto-recharge settings (PRODUCT.md §3). No row: mode "off" (do nothing). `enabled` is the
 * holiday switch: off keeps every value but nothing happens.
 */
export const rechargeSettings = sqliteTable(
  'recharge_settings',
  {
    clientId: integer('client_id')
      .primaryKey()
      .references(() => clients.id),
    /** off: do nothing; notify: email below the alert threshold only; auto: also charge below the trigger. */
    mode: text('mode', { enum: ['off', 'notify', 'auto'] }).notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    /** Email the client when the available balance is below this; NULL: no alert. */
    alertThreshold: integer('alert_threshold'),
    /** Charge when available + pending top-ups is below this. */
    triggerThreshold: integer('trigger_threshold').notNull(),
    rechargeAmount: integer('recharge_amount').notNull(),
    /** The most auto-recharged in any 24 hours; NULL: no cap. */
    dailyCap: integer('daily_cap'),
    updatedAt: integer('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
    /** When the client was emailed for falling below the alert threshold; cleared back at or above it (once per episode). */
    alertedAt: integer('alerted_at'),
    /** Bumped by every save of the settings (not by the alert's mark); 0 is "never saved" in the contracts. */
    version: integer('version').notNull().default(1),
  },
  // The periodic recharge check reads only the clients whose automatic top-up is on.
  (t) => [
    index('recharge_settings_auto')
      .on(t.clientId)
      .where(sql`mode = 'auto' AND enabled = 1`),
  ],
);

/** A client's Stripe Customer: created by Balance Desk or an existing `cus_…` entered by staff. */
export const stripeCustomers = sqliteTable('stripe_customers', {
  clientId: integer('client_id')
    .primaryKey()
    .references(() => clients.id),
  customerId: text('customer_id').notNull().unique(),
  linkedAt: integer('linked_at').notNull(),
  linkedBy: text('linked_by').notNull(),
});

/**
 * A client's payment methods as read from Stripe (refreshed on demand), with what Balance Desk adds: the
 * auto-charge switch, the priority (1 is the primary) and the 48-hour cooldown after a failed charge.
 */
export const paymentMethods = sqliteTable(
  'payment_methods',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id),
    stripeId: text('stripe_id').notNull().unique(),
    type: text('type', { enum: ['card', 'us_bank_account'] }).notNull(),
    /** Cards: visa, mastercard …; bank accounts: the bank's name. */
    brand: text('brand').notNull(),
    last4: text('last4').notNull(),
    expMonth: integer('exp_month'),
    expYear: integer('exp_year'),
    autoCharge: integer('auto_charge', { mode: 'boolean' }).notNull(),
    priority: integer('priority').notNull(),
    cooldownUntil: integer('cooldown_until'),
    cooldownReason: text('cooldown_reason'),
    /** No longer attached at Stripe (kept for the charges that used it). */
    removedAt: integer('removed_at'),
    syncedAt: integer('synced_at').notNull(),
    /**
     * When it last became chargeable by something other than time: read from Stripe for the first time,
     * attached again, or its auto-charge switched on. After a failed attempt, a new automatic one waits
     * for a method whose ready time (this, or the end of its cooldown) is after the failure.
     */
    readyAt: integer('ready_at'),
  },
  (t) => [
    index('payment_methods_client').on(t.clientId, t.priority),
    // The periodic check finds the cooldowns that ended since it last looked.
    index('payment_methods_cooldown')
      .on(t.cooldownUntil)
      .where(sql`cooldown_until IS NOT NULL`),
  ],
);

/**
 * One auto-recharge (or staff Retry): the amount decided when the balance fell below the trigger, and
 * where it stands. At most one open attempt per client (queued, charging or processing): an open one is
 * the "pending top-up" that blocks a second charge.
 */
export const chargeAttempts = sqliteTable(
  'charge_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    origin: text('origin', { enum: ['auto', 'retry'] }).notNull(),
    status: text('status', {
      enum: ['queued', 'charging', 'processing', 'succeeded', 'failed', 'requires_action'],
    }).notNull(),
    /** A Retry charges this method only. */
    methodId: integer('method_id').references(() => paymentMethods.id),
    /** What happened, in words. */
    reason: text('reason').notNull().default(''),
    paymentIntent: text('payment_intent'),
    /** The top_up entry credited for it (succeeded only). */
    entryId: integer('entry_id').references(() => ledgerEntries.id),
    /**
     * Open and waiting for Stripe to answer (unreachable, 5xx, rate-limited) since this time: its job keeps
     * trying with the same key, and staff may press Retry to try at once. Null otherwise.
     */
    waitingSince: integer('waiting_since'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    actor: text('actor').notNull(),
  },
  (t) => [
    uniqueIndex('charge_attempts_open')
      .on(t.clientId)
      .where(sql`status IN ('queued', 'charging', 'processing')`),
    index('charge_attempts_client').on(t.clientId, t.id),
    index('charge_attempts_created').on(t.createdAt, t.id),
  ],
);

/**
 * One PaymentIntent of an attempt on one method. Its idempotency key is written here before Stripe is
 * called, so a crash or a lost answer is resumed with the same key and Stripe answers with the same result.
 */
export const chargeTries = sqliteTable(
  'charge_tries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    attemptId: integer('attempt_id')
      .notNull()
      .references(() => chargeAttempts.id),
    methodId: integer('method_id')
      .notNull()
      .references(() => paymentMethods.id),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    paymentIntent: text('payment_intent'),
    status: text('status', {
      enum: ['started', 'succeeded', 'processing', 'declined', 'requires_action', 'failed'],
    }).notNull(),
    code: text('code'),
    declineCode: text('decline_code'),
    message: text('message'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('charge_tries_attempt_method').on(t.attemptId, t.methodId)],
);
