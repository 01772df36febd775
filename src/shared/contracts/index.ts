/**
 * Every channel of Balance Desk. The registry, the renderer's client, the preload allowlist and
 * docs/api.md derive from this list: add a channel here and everything else follows.
 */
import type { Contract, OutputOf, ParsedInputOf, InputOf } from '../contract';
import * as app from './app';
import * as clock from './clock';
import * as session from './session';
import * as staff from './staff';
import * as resellers from './resellers';
import * as clients from './clients';
import * as ledger from './ledger';
import * as holds from './holds';
import * as audit from './audit';
import * as profiles from './profiles';
import * as thresholds from './thresholds';
import * as scheduler from './scheduler';
import * as notifications from './notifications';
import * as mail from './mail';
import * as outbox from './outbox';
import * as exports from './exports';
import * as dashboard from './dashboard';
import * as stripe from './stripe';
import * as methods from './methods';
import * as recharge from './recharge';
import * as charges from './charges';
import * as office from './office';

function byName<T extends Record<string, unknown>>(mod: T) {
  return Object.values(mod).filter(
    (v): v is Contract => typeof v === 'object' && v !== null && 'input' in v && 'name' in v,
  );
}

/** Sorted by name: module namespaces list their exports in different orders under different loaders. */
export const contracts = [
  ...[
    app,
    clock,
    session,
    staff,
    resellers,
    clients,
    ledger,
    holds,
    audit,
    profiles,
    thresholds,
    scheduler,
    notifications,
    mail,
    outbox,
    exports,
    dashboard,
    stripe,
    methods,
    recharge,
    charges,
    office,
  ].flatMap(byName),
].sort((a, b) => (a.name < b.name ? -1 : 1));

/** Channels that exist only in the headless host started with --test-clock. */
export const testClockChannels: readonly string[] = [clock.clockGet.name, clock.clockSet.name, clock.clockAdvance.name];

type Mods = typeof app &
  typeof clock &
  typeof session &
  typeof staff &
  typeof resellers &
  typeof clients &
  typeof ledger &
  typeof holds &
  typeof audit &
  typeof profiles &
  typeof thresholds &
  typeof scheduler &
  typeof notifications &
  typeof mail &
  typeof outbox &
  typeof exports &
  typeof dashboard &
  typeof stripe &
  typeof methods &
  typeof recharge &
  typeof charges &
  typeof office;
type AllContracts = Mods[keyof Mods];
type ContractsOnly = Extract<AllContracts, Contract>;

export type Channel = ContractsOnly['name'];
export type ContractOf<N extends Channel> = Extract<ContractsOnly, { name: N }>;
export type ChannelInput<N extends Channel> = InputOf<ContractOf<N>>;
export type ChannelParsedInput<N extends Channel> = ParsedInputOf<ContractOf<N>>;
export type ChannelOutput<N extends Channel> = OutputOf<ContractOf<N>>;
/** The channels that read, each declaring the change topics that make its answers stale (Contract.staleOn). */
export type ReadChannel = {
  [N in Channel]: ContractOf<N> extends { staleOn: readonly ChangeTopic[] } ? N : never;
}[Channel];

export const channelNames: readonly string[] = contracts.map((c) => c.name);

/** The topics of change events (docs/api.md lists them from here). */
export const CHANGE_TOPICS = [
  'clients',
  'ledger',
  'holds',
  'resellers',
  'staff',
  'audit',
  'clock',
  'profiles',
  'thresholds',
  'notifications',
  'scheduler',
  'mail',
  'outbox',
  'exports',
  'recharge',
  'stripe',
  'methods',
  'charges',
  'office',
] as const;

export type ChangeTopic = (typeof CHANGE_TOPICS)[number];

/** What the core announces after a change, so open screens can refresh. */
export interface ChangeEvent {
  topic: ChangeTopic;
  clientIds?: number[];
}

export * from './common';
export * from './entities';
export { clientSort } from './clients';
export type { Profile, RuleKind, ProfileRuleKind } from './profiles';
export type { RuleView, ClientThresholds } from './thresholds';
export type { SweepReport, SchedulerStatus } from './scheduler';
export type { Notification, NotificationKind, NotificationFilter, RenderedMessage } from './notifications';
export type { MailSettings, SmtpInput } from './mail';
export type { ExportState } from './exports';
export type { RechargeMode, RechargeSettings } from './recharge';
export type { StripeStatus } from './stripe';
export type { OfficeStatus, OfficeDesk } from './office';
export type { PaymentMethod, ClientMethods } from './methods';
export type { Charge } from './charges';
export type { AuditFilter } from './audit';
