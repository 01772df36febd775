/**
 * useChannel: what every screen reads, through the one cache (./cache.ts). `useChannel('clients.get', { id })`
 * reads the channel when the component shows it, again after each change event of one of the contract's
 * staleOn topics (of the same client only, when the input names one), and shares the answer with every other
 * component that reads the same channel and input. An input of null reads nothing (nothing chosen yet).
 *
 * A change made here puts the core's answer in place at once (put), changes what is shown before the core
 * answers (update), or has the affected reads read again (refetch), and every screen showing them follows.
 */
import { useCallback, useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import type { Channel, ChannelInput, ChannelOutput, ReadChannel } from '../../../shared/contracts';
import { api } from '../api/client';
import { createCache, keyOf, type Entry, type WatchSpec } from './cache';
import { subscribe } from './live';
import { staleOn } from './stale-on';

export const cache = createCache({
  call: (channel, input) => api().call(channel as Channel, input as never),
  subscribe,
  staleOn,
});

export interface ChannelOptions extends Pick<WatchSpec, 'waitMs' | 'every' | 'fresh' | 'live'> {
  /** Only changes of this client make it stale. Unless told, the input's clientId. */
  clientId?: number;
  /** A cursor list: read `page` rows at a time (limit and cursor are the cache's to send). */
  page?: number;
  /** While the first answer for a new input is on the way, the one for the input before stays shown. */
  keep?: boolean;
  /**
   * A cursor list that a screen narrows (its name): a new input starts from the top with one page, as a new
   * list would; the input the screen showed last keeps what was loaded of it when the screen comes back.
   */
  list?: string;
}

/** The key each named list showed last. */
const lastShown = new Map<string, string>();

type ItemOf<N extends Channel> = ChannelOutput<N> extends { items: (infer I)[] } ? I : never;

/** The input of a read (of a cursor list, limit and cursor are the cache's to set). */
export type ReadInput<N extends Channel> = NonNullable<ChannelInput<N>>;

export interface ChannelView<N extends ReadChannel> {
  data: ChannelOutput<N> | null;
  error: string | null;
  notFound: boolean;
  /** A read is on the way (the first, or a refresh while `data` still shows the last answer). */
  loading: boolean;
  /** `data` is the answer for the input before (`keep`). */
  previous: boolean;
  /** When `data` arrived (Date.now()). */
  at: number;
  refetch(): Promise<void>;
  /** A cursor list: the rows loaded so far, whether there are more, and the next page. */
  items: ItemOf<N>[];
  more: boolean;
  loadingMore: boolean;
  loadMore(): void;
}

const NONE: Entry = { data: null, error: null, notFound: false, loading: false, loadingMore: false, at: 0 };

export function useChannel<N extends ReadChannel>(
  channel: N,
  input: ReadInput<N> | null,
  options: ChannelOptions = {},
): ChannelView<N> {
  const key = input === null ? null : keyOf(channel, input, options.page);
  const entry = useStore(cache.store, (s) => (key === null ? undefined : s.entries[key]));
  const named = (input as { clientId?: unknown } | null)?.clientId;
  const clientId = options.clientId ?? (typeof named === 'number' ? named : undefined);
  const latest = useRef(input);
  latest.current = input;
  const waitKey = JSON.stringify(options.waitMs ?? null);

  useEffect(() => {
    if (key === null) return;
    const restart = options.list !== undefined && lastShown.get(options.list) !== key;
    if (options.list !== undefined) lastShown.set(options.list, key);
    return cache.watch({
      channel,
      input: latest.current,
      page: options.page,
      clientId,
      waitMs: options.waitMs,
      every: options.every,
      fresh: options.fresh,
      live: options.live,
      restart,
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key stands for the channel, the input and the page size
  }, [key, clientId, waitKey, options.every, options.fresh, options.live]);

  const shown = useRef<{ key: string; data: unknown } | null>(null);
  const e = entry ?? NONE;
  if (key !== null && e.data !== null) shown.current = { key, data: e.data };
  const kept =
    e.data === null && options.keep && shown.current && shown.current.key !== key ? shown.current.data : null;
  const data = (e.data ?? kept) as ChannelOutput<N> | null;
  const page = data as { items?: ItemOf<N>[]; nextCursor?: string | null } | null;
  // Stable for one input, so an effect that asks for the next page does not run again on every render.
  const refetch = useCallback(() => (key === null ? Promise.resolve() : cache.refresh(key)), [key]);
  const loadMore = useCallback(() => {
    if (key !== null) void cache.loadMore(key);
  }, [key]);

  return {
    data,
    error: e.error,
    notFound: e.notFound,
    // Not watched yet (the first render): as good as on the way.
    loading: key !== null && (entry ? e.loading : true),
    previous: kept !== null,
    at: e.at,
    refetch,
    items: page?.items ?? [],
    more: !!page?.nextCursor,
    loadingMore: e.loadingMore,
    loadMore,
  };
}

/** Puts a change's answer (the record as stored now) where the read of `channel` with `input` shows it. */
export function put<N extends ReadChannel>(channel: N, input: ReadInput<N>, data: ChannelOutput<N>): void {
  cache.put(channel, input, data);
}

/** Changes what every read of `channel` shows, before the core answers (a row removed, a list reordered). */
export function update<N extends ReadChannel>(
  channel: N,
  change: (data: ChannelOutput<N>, input: ReadInput<N>) => ChannelOutput<N>,
): void {
  cache.update(channel, change as (data: unknown, input: unknown) => unknown);
}

/** Reads again what screens show of `channel` (of one input, when given). */
export function refetch<N extends ReadChannel>(channel: N, input?: ReadInput<N>): Promise<void> {
  return cache.refetch(channel, input);
}
