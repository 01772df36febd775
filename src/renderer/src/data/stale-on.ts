/**
 * Each read channel's staleOn list, from its contract. The contracts themselves (zod schemas and all) stay
 * out of the renderer's bundle: electron.vite.config.ts writes this one map into it at build time.
 */
import type { ChangeTopic, ReadChannel } from '../../../shared/contracts';

declare const __BALANCE_DESK_STALE_ON__: Record<string, readonly ChangeTopic[]> | undefined;

const STALE_ON: Record<string, readonly ChangeTopic[]> =
  typeof __BALANCE_DESK_STALE_ON__ === 'undefined' ? {} : __BALANCE_DESK_STALE_ON__;

/** The change topics after which an answer of the channel may be out of date. */
export function staleOn(channel: ReadChannel | string): readonly ChangeTopic[] {
  return STALE_ON[channel] ?? [];
}

/** Every topic some read is stale on: after a gap in the change stream, each is announced once here. */
export function allTopics(): readonly ChangeTopic[] {
  return [...new Set(Object.values(STALE_ON).flat())];
}
