/**
 * Every channel of Balance Desk. The registry, the renderer's client, the preload allowlist and
 * docs/api.md derive from this list: add a channel here and everything else follows.
 */
import type { Contract, OutputOf, ParsedInputOf, InputOf } from '../contract';
import * as directory from './directory';
import * as ledger from './ledger';
import * as notify from './notify';
import * as profiles from './profiles';
import * as recharge from './recharge';
import * as stripe from './stripe';
import * as methods from './methods';
import * as charges from './charges';
import * as system from './system';
import * as session from './session';
import * as forecast from './forecast';
import * as dashboard from './dashboard';

function byName<T extends Record<string, unknown>>(mod: T) {
  return Object.values(mod).filter((v): v is Contract => typeof v === 'object' && v !== null && 'input' in v && 'name' in v);
}

/** Sorted by name: module namespaces list their exports in different orders under different loaders. */
export const contracts = [...byName(system), ...byName(session), ...byName(directory), ...byName(ledger), ...byName(profiles), ...byName(notify), ...byName(recharge), ...byName(stripe), ...byName(methods), ...byName(charges), ...byName(dashboard), ...byName(forecast)].sort((a, b) => (a.name < b.name ? -1 : 1));

/** Channels that exist only in the headless host started with --test-clock. */
export const testClockChannels: readonly string[] = [system.clockGet.name, system.clockSet.name, system.clockAdvance.name];

type Mods = typeof directory & typeof session & typeof ledger & typeof system & typeof profiles & typeof notify & typeof recharge & typeof stripe & typeof methods & typeof charges & typeof dashboard & typeof forecast;
type AllContracts = Mods[keyof Mods];
type ContractsOnly = Extract<AllContracts, Contract>;

export type Channel = ContractsOnly['name'];
export type ContractOf<N extends Channel> = Extract<ContractsOnly, { name: N }>;
export type ChannelInput<N extends Channel> = InputOf<ContractOf<N>>;
export type ChannelParsedInput<N extends Channel> = ParsedInputOf<ContractOf<N>>;
export type ChannelOutput<N extends Channel> = OutputOf<ContractOf<N>>;

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
] as const;

/** What the core announces after a change, so open screens can refresh. */
export interface ChangeEvent {
  topic: (typeof CHANGE_TOPICS)[number];
  clientIds?: number[];
}

export * from './common';
export * from './entities';
export { clientSort } from './directory';
export type { Profile, RuleKind, ProfileRuleKind, RuleView, ClientThresholds, SweepReport, SchedulerStatus } from './profiles';
export type { Notification, NotificationKind, NotificationFilter, RenderedMessage, MailSettings, SmtpInput, ExportState } from './notify';
export type { RechargeMode, RechargeSettings } from './recharge';
export type { StripeStatus } from './stripe';
export type { PaymentMethod, ClientMethods } from './methods';
export type { Charge } from './charges';
export type { AuditFilter } from './ledger';
