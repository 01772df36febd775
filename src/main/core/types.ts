/**
 * What the core is to those who host it (the desktop main process, the headless host, tests, the demo):
 * its options, the options of one call, and the object createCore answers. Types only, so the demo and
 * other hosts can name them without importing the composition root.
 */
import type { StaffRole } from '../../shared/contract';
import type { ChangeEvent } from '../../shared/contracts';
import type { Result } from '../../shared/result';
import type { Registry } from './api/registry';
import type { Charges } from './charges/flow';
import type { Clock, ManualClock } from './clock/clock';
import type { Db } from './db/open';
import type { Exporter, SaveDialog } from './exports/exporter';
import type { Ledger } from './ledger/post';
import type { Notifier } from './mail/notifier';
import type { NotificationLog } from './notifications/log';
import type { RuleEngine } from './profiles/engine';
import type { JobQueue } from './scheduler/jobs';
import type { Scheduler } from './scheduler/scheduler';
import type { SecretBox } from './settings/secrets';
import type { SettingsStore } from './settings/store';
import type { Payments } from './stripe/service';
import type { DeskOrigin, Sessions } from './session/sessions';
import type { OfficeHost } from './office/host';

export interface CoreOptions {
  /** The data folder (the database is DIR/ledger.sqlite); omit with `file: ':memory:'` for tests. */
  dataDir?: string;
  file?: string;
  clock?: Clock;
  /** A ManualClock here turns on the clock.* channels (the end-to-end test host). */
  testClock?: ManualClock;
  demo?: boolean;
  host?: 'desktop' | 'headless';
  nativeBinding?: string;
  migrationsFolder?: string;
  log?: (line: string) => void;
  /** Seals secrets (the SMTP password): the desktop app passes the OS keychain; default a key file in the data folder. */
  secrets?: SecretBox;
  /** SMTP_URL (headless host): mail goes there, whatever the settings say. */
  smtpUrl?: string;
  /** Where mail goes while no SMTP server is set up (default DATA/outbox). */
  outboxDir?: string;
  /** The desktop app's native save dialog for exports; without it exports land in DATA/exports for download. */
  saveDialog?: SaveDialog;
  /** STRIPE_SECRET_KEY: overrides the key stored in Settings. */
  stripeKey?: string;
  /** STRIPE_API_BASE: the SDK talks to this server (the sandbox) instead of api.stripe.com. */
  stripeApiBase?: string;
  /** stripeApiBase only for test keys (sk_test_/rk_test_); live keys go to Stripe itself. The installed desktop app sets it. */
  stripeApiBaseTestOnly?: boolean;
  /** How long one Stripe request may take before it counts as failed (and is retried by its job with the same key); 30 s unless told. */
  stripeTimeoutMs?: number;
  /** scrypt's cost for new staff passwords as log2 N (17 unless told; tests lower it). */
  scryptLogN?: number;
}

export interface CallOptions {
  /** Who the audit log names when no one is signed in ('desk' unless told). */
  actor?: string;
  /** The role of an in-process caller (tests, the demo); admin unless told. Ignored for a call with `session`. */
  role?: StaffRole;
  /**
   * A call from a window or the host carries this key: the caller's session token (session.signIn), or
   * null when it has none. Such a call is made as the signed-in staff user; without a session it is made
   * as an admin only until sign-in is on (an active staff user has a password), and after that reaches
   * only the channels open before sign-in. An unknown or ended token is refused (`unauthorized`).
   * Without the key the caller is in-process (tests, the demo, the bench) and is trusted with `role`.
   */
  session?: string | null;
  /**
   * A call from another machine (the office server's network listener): it is made as the signed-in staff
   * user of `session` or not at all. Before-sign-in admin access and the host token never reach the network.
   */
  remote?: boolean;
  /** The desk the call comes from (the name it gives, its address), recorded with sessions and audit entries. */
  from?: DeskOrigin;
}

export interface Core {
  readonly db: Db;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly rules: RuleEngine;
  readonly scheduler: Scheduler;
  readonly jobs: JobQueue;
  readonly settings: SettingsStore;
  /** Logs and queues messages (the auto-recharge flow's receipts and failures use it). */
  readonly notifyLog: NotificationLog;
  readonly notifier: Notifier;
  readonly exporter: Exporter;
  readonly payments: Payments;
  readonly charges: Charges;
  readonly registry: Registry;
  /** Where a host attaches its office network listener (office.*). */
  readonly office: OfficeHost;
  readonly sessions: Sessions;
  readonly channels: readonly string[];
  /** True when this start filled an empty demo ledger: the host then gives it its Stripe side (demo-stripe.ts). */
  readonly demoSeeded: boolean;
  call(channel: string, input: unknown, opts?: CallOptions): Promise<Result<unknown>>;
  /** Runs work that has fallen due: rules at their check time, the sweep, durable jobs. */
  runDue(): Promise<void>;
  onChange(listener: (e: ChangeEvent) => void): () => void;
  /** Stops timers, running exports and mail connections, and closes the database. */
  close(): void;
}
