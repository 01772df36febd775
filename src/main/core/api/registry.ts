/**
 * One registry of handlers keyed by channel name. It refuses to start with a channel handled twice, a
 * handler without a contract or a contract without a handler; dispatch validates every input against
 * the channel's zod schema and answers with the envelope, never a raw exception.
 */
import { z } from 'zod';
import { roleRank, type Contract, type StaffRole } from '../../../shared/contract';
import type { Channel, ChannelOutput, ChannelParsedInput, ChangeEvent } from '../../../shared/contracts';
import { AppError, type Result } from '../../../shared/result';
import type { Clock } from '../clock/clock';
import type { Db } from '../db/open';
import { auditInsert } from '../audit/log';
import type { Ledger } from '../ledger/post';
import type { RuleEngine } from '../profiles/engine';
import type { Scheduler } from '../scheduler/scheduler';
import type { NotificationLog } from '../notifications/log';
import type { Notifier } from '../mail/notifier';
import type { Exporter } from '../exports/exporter';
import type { SettingsStore } from '../settings/store';
import type { Payments } from '../stripe/service';
import type { Charges } from '../charges/flow';
import type { DeskOrigin, Sessions } from '../session/sessions';
import type { OfficeHost } from '../office/host';

export interface Ctx {
  db: Db;
  ledger: Ledger;
  /** Rule evaluation (low balance profiles). */
  rules: RuleEngine;
  scheduler: Scheduler;
  settings: SettingsStore;
  /** The notification log's writer (queues a row's mail job). */
  notifyLog: NotificationLog;
  /** Mail: settings, sending, the outbox. */
  notifier: Notifier;
  exporter: Exporter;
  /** Stripe: the key, the SDK client. */
  payments: Payments;
  /** Auto-recharge attempts. */
  charges: Charges;
  clock: Clock;
  /** Who is acting: the signed-in staff user ("Name <email>"), or 'desk'/'api'/a test's name before sign-in is on. */
  actor: string;
  /** What the actor may do; a channel whose contract asks for more is refused before it runs. Null: not signed in, while sign-in is on. */
  role: StaffRole | null;
  /** The signed-in staff user and their session token, when there is one. */
  staffId: number | null;
  session: string | null;
  sessions: Sessions;
  /** Where the call comes from (the desk's name and address); both null on this machine. */
  from: DeskOrigin;
  /** How the audit log names that desk, or null on this machine. */
  desk: string | null;
  /** What hosts the core shares with the office (office.*): the network listener, if any. */
  office: OfficeHost;
  /** The channels this caller may use. */
  channels(): string[];
  /** Records a money-affecting or settings action in the audit log, in the same transaction. */
  audit(action: string, subjectType: string, subjectId: number | null, detail?: Record<string, unknown>): void;
  /** Announces a change once the transaction has committed. */
  emit(event: ChangeEvent): void;
}

export type Handler<N extends Channel> = (
  input: ChannelParsedInput<N>,
  ctx: Ctx,
) => ChannelOutput<N> | Promise<ChannelOutput<N>>;
/**
 * A changing channel with slow work that must not hold the write lock (hashing a password): `prepare`
 * runs first, off the transaction, and may be async; `run` then gets its result inside the transaction.
 */
export interface PreparedHandler<N extends Channel, P> {
  prepare(input: ChannelParsedInput<N>, ctx: Ctx): Promise<P>;
  run(input: ChannelParsedInput<N>, ctx: Ctx, prepared: P): ChannelOutput<N>;
}
/** `any`: each prepared handler picks the type its prepare hands to its run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: no one type fits every handler's prepared value
export type HandlerMap = { [N in Channel]?: Handler<N> | PreparedHandler<N, any> };
type AnyHandler = ((input: unknown, ctx: Ctx) => unknown) | PreparedHandler<Channel, unknown>;

export interface Registry {
  readonly channels: readonly string[];
  has(channel: string): boolean;
  contract(channel: string): Contract | undefined;
  dispatch(
    channel: string,
    input: unknown,
    ctx: Omit<Ctx, 'audit' | 'emit' | 'channels'> & { emit(event: ChangeEvent): void },
  ): Promise<Result<unknown>>;
}

/* ── Handlers whose success sets the due work going (the staff Retry, charges/retry.ts) ─────────── */

/** What a handler marked by runsDueWork carries. */
export interface RunsDueWork {
  readonly runsDueWork: true;
}

/**
 * Marks a handler whose success sets the core's due work (jobs, rules, sweeps) going at once, once
 * the call's transaction has committed. The composition root reads the mark (runsDueWorkAfter) and does
 * it — not with a test clock, whose moves run the due work.
 */
export const runsDueWork = <H extends object>(handler: H): H & RunsDueWork =>
  Object.assign(handler, { runsDueWork: true as const });

/** Whether a handler is marked by runsDueWork. */
export const runsDueWorkAfter = (handler: unknown): boolean =>
  typeof handler === 'function' && (handler as Partial<RunsDueWork>).runsDueWork === true;

/** What the caller sent at a path (zod 4 leaves the input out of its issues). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** The first problem zod found, as "field: message" with the field as a dotted path. */
export function validationError(err: z.ZodError, input?: unknown): AppError {
  const issue = err.issues[0];
  let field = issue.path.map(String).join('.') || 'input';
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    field = [...issue.path.map(String), issue.keys[0]].join('.');
    return new AppError('validation', `${field} is not a field of this channel`, field);
  }
  if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) message = 'is required';
  return new AppError('validation', `${field} ${message}`, field);
}

export function toErrorShape(err: unknown) {
  if (err instanceof AppError) return err.toShape();
  if (err instanceof z.ZodError) return validationError(err).toShape();
  const e = err as { code?: string; message?: string };
  if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT')) {
    return { kind: 'conflict' as const, message: `the change clashes with stored data (${e.message})` };
  }
  return { kind: 'internal' as const, message: `Balance Desk hit an internal error: ${e?.message ?? String(err)}` };
}

/** Whether a caller with `role` (null: not signed in while sign-in is on) may use a channel. */
const allows = (c: Contract, role: StaffRole | null) =>
  role === null ? c.signedOut : roleRank(role) >= roleRank(c.role);

export function createRegistry(
  contracts: readonly Contract[],
  maps: readonly HandlerMap[],
  opts: { optional?: readonly string[] } = {},
): Registry {
  const byName = new Map<string, Contract>();
  for (const c of contracts) {
    if (byName.has(c.name)) throw new Error(`channel ${c.name} has two contracts`);
    byName.set(c.name, c);
  }
  const handlers = new Map<string, AnyHandler>();
  for (const map of maps) {
    for (const [name, h] of Object.entries(map)) {
      if (!h) continue;
      if (handlers.has(name)) throw new Error(`channel ${name} is handled twice`);
      if (!byName.has(name)) throw new Error(`handler ${name} has no contract`);
      handlers.set(name, h as AnyHandler);
    }
  }
  const optional = new Set(opts.optional ?? []);
  for (const name of byName.keys()) {
    if (!handlers.has(name) && !optional.has(name)) throw new Error(`channel ${name} has no handler`);
  }
  const live = [...byName.keys()].filter((n) => handlers.has(n));

  return {
    channels: live,
    has: (channel) => handlers.has(channel),
    contract: (channel) => (handlers.has(channel) ? byName.get(channel) : undefined),
    async dispatch(channel, input, base) {
      const contract = byName.get(channel);
      const handler = handlers.get(channel);
      if (!contract || !handler)
        return { ok: false, error: { kind: 'not_found', message: `there is no channel ${channel}` } };
      if (!allows(contract, base.role)) {
        if (base.role === null)
          return {
            ok: false,
            error: {
              kind: 'unauthorized',
              message: 'sign in first: Balance Desk asks who you are before it shows or changes anything',
            },
          };
        return {
          ok: false,
          error: {
            kind: 'forbidden',
            message: `${channel} needs the ${contract.role} role; ${base.actor} is ${base.role === 'admin' ? 'an' : 'a'} ${base.role}`,
          },
        };
      }
      const parsed = contract.input.safeParse(input === undefined ? {} : input);
      if (!parsed.success) return { ok: false, error: validationError(parsed.error, input).toShape() };
      const pending: ChangeEvent[] = [];
      const sqlite = base.db.$client;
      const ctx: Ctx = {
        ...base,
        channels: () => live.filter((n) => allows(byName.get(n)!, base.role)),
        emit: (e) => pending.push(e),
        audit: (action, subjectType, subjectId, detail = {}) => {
          auditInsert(sqlite).run(
            base.clock.now(),
            base.actor,
            action,
            subjectType,
            subjectId,
            JSON.stringify(detail),
            base.desk,
          );
          pending.push({ topic: 'audit' });
        },
      };
      try {
        let value: unknown;
        if (typeof handler !== 'function') {
          if (!contract.mutates) throw new Error(`handler ${channel} is prepared but does not mutate`);
          const prepared = await handler.prepare(parsed.data as never, ctx);
          value = sqlite
            .transaction(() =>
              base.ledger.atomic(base.clock.now(), () => handler.run(parsed.data as never, ctx, prepared)),
            )
            .immediate();
        } else if (contract.mutates) {
          // One synchronous write transaction per mutating call: all of it lands, or none of it.
          // The balance listeners (rules, auto-recharge) judge the balances the call commits, once each.
          value = sqlite
            .transaction(() =>
              base.ledger.atomic(base.clock.now(), () => {
                const out = handler(parsed.data, ctx);
                if (out instanceof Promise)
                  throw new Error(`handler ${channel} is async but mutates: it must be synchronous`);
                return out;
              }),
            )
            .immediate();
        } else {
          value = await handler(parsed.data, ctx);
        }
        for (const e of pending) base.emit(e);
        return { ok: true, value };
      } catch (err) {
        return { ok: false, error: toErrorShape(err) };
      }
    },
  };
}
