import type { z } from 'zod';
import type { ChangeTopic } from './contracts';

/**
 * One contract per channel: its `domain.verb` name, the zod schema of its input and of its output.
 * Handlers, the renderer's client, the preload allowlist and docs/api.md all derive from these.
 */
/** A staff member's role: what they may do. Each role may do everything the ones before it may. */
export const STAFF_ROLES = ['viewer', 'operator', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const roleRank = (r: StaffRole) => STAFF_ROLES.indexOf(r);

export interface Contract<N extends string = string, I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: N;
  summary: string;
  input: I;
  output: O;
  /** True when the channel changes stored data: it runs in one write transaction and is audited. */
  mutates: boolean;
  /** True when the channel starts scheduler work that writes in transactions of its own (a sweep). */
  work: boolean;
  /**
   * The least role that may call it, enforced by the core: viewer reads; operator moves money (posts,
   * adjustments, imports, holds, Retry) and resends; admin changes settings, profiles, clients and staff.
   */
  role: StaffRole;
  /** True when it may be called before signing in (session.*, app.info); every other channel needs a session once sign-in is on. */
  signedOut: boolean;
  /**
   * A read: the change topics after which an answer of it may be out of date, so a screen showing one reads
   * it again (the renderer's data layer, src/renderer/src/data). Empty: an answer never goes stale. Absent on
   * channels that change something or act (an export started, a test email sent) rather than read.
   */
  staleOn?: readonly ChangeTopic[];
}

/** A read contract: one that says which change topics make its answers stale. */
export type ReadContract = Contract & { staleOn: readonly ChangeTopic[] };

export function defineContract<
  N extends string,
  I extends z.ZodType,
  O extends z.ZodType,
  S extends readonly ChangeTopic[] = never,
>(c: {
  name: N;
  summary: string;
  input: I;
  output: O;
  mutates?: boolean;
  work?: boolean;
  /** Unless told: admin for a channel that changes data or starts work, viewer for one that reads. */
  role?: StaffRole;
  signedOut?: boolean;
  /** Only on a read: the topics that make its answers stale (see Contract.staleOn). */
  staleOn?: S;
}): Contract<N, I, O> & ([S] extends [never] ? unknown : { staleOn: S }) {
  if (!/^[a-z]+(\.[a-z][a-zA-Z]*)+$/.test(c.name)) throw new Error(`contract name "${c.name}" is not domain.verb`);
  if (c.staleOn && (c.mutates || c.work)) throw new Error(`contract "${c.name}" changes data: only a read goes stale`);
  const contract: Contract<N, I, O> = {
    ...c,
    mutates: c.mutates ?? false,
    work: c.work ?? false,
    role: c.role ?? (c.mutates || c.work ? 'admin' : 'viewer'),
    signedOut: c.signedOut ?? false,
  };
  return contract as Contract<N, I, O> & ([S] extends [never] ? unknown : { staleOn: S });
}

export type InputOf<C> = C extends Contract<string, infer I, z.ZodType> ? z.input<I> : never;
export type ParsedInputOf<C> = C extends Contract<string, infer I, z.ZodType> ? z.output<I> : never;
export type OutputOf<C> = C extends Contract<string, z.ZodType, infer O> ? z.output<O> : never;
