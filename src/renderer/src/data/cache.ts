/**
 * The renderer's one cache of what the core answered, keyed by channel and input (and page size, for a
 * cursor list). Each entry is read when a screen starts watching it, and read again when a change event of
 * one of its contract's `staleOn` topics arrives (only for its client, when the event names clients). The
 * last answer stays shown while a newer one is on the way, and with its error when that one fails: the base
 * for a desk that reads over the network and loses it for a while.
 *
 * Reads of one entry may overlap (a burst of events, a save): the newest one started wins, and an older
 * answer that comes back later is dropped. A cursor list pages in as the user scrolls; a refresh re-reads as
 * many rows as are shown, from the top, in one call; a refresh and a "load more" that overlap do not throw
 * away each other's newer rows (see readList and loadMore).
 *
 * No React here (useChannel is the hook over it), so test/unit/renderer/use-channel.test.ts drives it with
 * a fake core and fake change events.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChangeEvent, ChangeTopic } from '../../../shared/contracts';

/** What a screen sees of one entry. */
export interface Entry {
  /** The last answer (a cursor list: its pages so far, as one answer), or null before the first. */
  data: unknown;
  /** Why the last read failed; the data before it, if any, is still there. */
  error: string | null;
  /** The core said there is no such record. */
  notFound: boolean;
  /** A read of the whole entry is on the way. */
  loading: boolean;
  /** A cursor list's next page is on the way. */
  loadingMore: boolean;
  /** When the data arrived (Date.now()): how old the core's "now" in it is. */
  at: number;
}

/** One page of a cursor list, as the list channels answer. */
interface Page {
  items: unknown[];
  nextCursor: string | null;
}

export interface WatchSpec {
  channel: string;
  input: unknown;
  /** A cursor list, read `page` rows at a time. */
  page?: number;
  /** Only events about this client (or about no client in particular) make it stale. */
  clientId?: number;
  /** How long to wait after an event before reading (events come in bursts), by topic; 250 ms unless told. */
  waitMs?: number | Partial<Record<ChangeTopic, number>>;
  /** Read again every so many ms as well (what changes with time alone, which no event announces). */
  every?: number;
  /** A cursor list read anew: what was loaded of it before is dropped, and it starts again with one page. */
  restart?: boolean;
  /** False: read once, not again on change events (the sign-in screen opens no event stream). */
  live?: boolean;
  /** Not read on watching when another screen watches it already (so its events keep it current) and its data is younger than this (ms). */
  fresh?: number;
}

export interface CacheDeps {
  call(channel: string, input: unknown): Promise<unknown>;
  /** Subscribes to the core's change events; returns the unsubscribe function. */
  subscribe(listener: (e: ChangeEvent) => void): () => void;
  /** The topics that make a channel's answers stale (its contract's staleOn). */
  staleOn(channel: string): readonly ChangeTopic[];
}

/** Book-keeping of an entry that screens need not see. */
interface Meta {
  channel: string;
  input: unknown;
  inputKey: string;
  page?: number;
  /** Bumped by every read started and every write of the data: an answer to an older read is dropped. */
  seq: number;
  /** performance.now() when the newest read started. */
  startedAt: number;
  inFlight: number;
  /** Whole reads applied and pages appended: a refresh and a "load more" that overlap see each other. */
  applied: number;
  appended: number;
  watchers: number;
  usedAt: number;
}

const WAIT_MS = 250;
/** The most a refresh of a cursor list re-reads at once; past it the list reads from the top and pages in again. */
export const MAX_LIMIT = 500;
/** How many entries no screen watches are kept (the newest used), so going back shows them at once. */
const KEEP_UNWATCHED = 100;

const EMPTY: Entry = { data: null, error: null, notFound: false, loading: false, loadingMore: false, at: 0 };

/** The same text for the same input, whatever the order of its keys. */
export function stableKey(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

export function keyOf(channel: string, input: unknown, page?: number): string {
  return `${channel} ${stableKey(input ?? {})}${page ? ` page ${page}` : ''}`;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const isNotFound = (e: unknown) => !!e && typeof e === 'object' && (e as { kind?: unknown }).kind === 'not_found';

export interface Cache {
  readonly store: StoreApi<{ entries: Record<string, Entry> }>;
  /** What a screen sees of an entry (an empty one when it is not read yet). */
  get(key: string): Entry;
  /** A screen shows the entry: read it now (unless a read is on the way), and again on its change events. Returns the release. */
  watch(spec: WatchSpec): () => void;
  /** Reads an entry again (after an event that came at `since`, performance.now(): not when a read started after it is on the way). */
  refresh(key: string, since?: number): Promise<void>;
  /** A cursor list's next page. */
  loadMore(key: string): Promise<void>;
  /** Reads again the entries of a channel (of one input only, when given) that screens watch; the others are read when watched again anyway. */
  refetch(channel: string, input?: unknown): Promise<void>;
  /** Puts the answer of a change (the record as stored now) in place of a read's: reads started before are dropped. */
  put(channel: string, input: unknown, data: unknown): void;
  /** Changes the data of every entry of a channel (a row removed at once, a list reordered before the core answers). */
  update(channel: string, change: (data: unknown, input: unknown) => unknown): void;
}

export function createCache(deps: CacheDeps): Cache {
  const store = createStore<{ entries: Record<string, Entry> }>(() => ({ entries: {} }));
  const metas = new Map<string, Meta>();
  const now = () => performance.now();

  const get = (key: string) => store.getState().entries[key] ?? EMPTY;
  function patch(key: string, change: Partial<Entry> | ((e: Entry) => Partial<Entry>)) {
    store.setState((s) => {
      const before = s.entries[key] ?? EMPTY;
      return {
        entries: { ...s.entries, [key]: { ...before, ...(typeof change === 'function' ? change(before) : change) } },
      };
    });
  }

  function metaOf(spec: WatchSpec, key: string): Meta {
    let m = metas.get(key);
    if (!m) {
      m = {
        channel: spec.channel,
        input: spec.input ?? {},
        inputKey: stableKey(spec.input ?? {}),
        page: spec.page,
        seq: 0,
        startedAt: -Infinity,
        inFlight: 0,
        applied: 0,
        appended: 0,
        watchers: 0,
        usedAt: 0,
      };
      metas.set(key, m);
    }
    return m;
  }

  /** Forgets the entries no screen has watched for longest, past the ones kept. */
  function sweep() {
    const idle = [...metas]
      .filter(([, m]) => m.watchers === 0 && m.inFlight === 0)
      .sort((a, b) => b[1].usedAt - a[1].usedAt);
    const gone = idle.slice(KEEP_UNWATCHED).map(([key]) => key);
    if (!gone.length) return;
    for (const key of gone) metas.delete(key);
    store.setState((s) => {
      const entries = { ...s.entries };
      for (const key of gone) delete entries[key];
      return { entries };
    });
  }

  /** One read of the whole entry (a cursor list: as many rows as are shown), kept only if it is still the newest started. */
  async function read(key: string, m: Meta): Promise<void> {
    const mine = ++m.seq;
    const appendedBefore = m.appended;
    m.startedAt = now();
    m.inFlight++;
    patch(key, { loading: true });
    try {
      const input = m.page
        ? {
            ...(m.input as object),
            limit: Math.min(MAX_LIMIT, Math.max(m.page, pageOf(get(key).data)?.items.length ?? 0)),
          }
        : m.input;
      const data = await deps.call(m.channel, input);
      if (mine !== m.seq) return;
      // More rows were appended meanwhile: read again as many as are shown now.
      if (m.appended !== appendedBefore) return void (await read(key, m));
      m.applied++;
      patch(key, { data, error: null, notFound: false, at: Date.now() });
    } catch (e) {
      if (mine === m.seq) patch(key, { error: messageOf(e), notFound: isNotFound(e) });
    } finally {
      m.inFlight--;
      if (m.inFlight === 0) patch(key, { loading: false });
    }
  }

  async function refresh(key: string, since?: number): Promise<void> {
    const m = metas.get(key);
    if (!m) return;
    // A read that started after the event sees what it announced.
    if (since !== undefined && m.inFlight > 0 && m.startedAt > since) return;
    await read(key, m);
  }

  async function loadMore(key: string): Promise<void> {
    const m = metas.get(key);
    const e = get(key);
    if (!m?.page || e.loadingMore || !pageOf(e.data)?.nextCursor) return;
    patch(key, { loadingMore: true });
    try {
      let page: Page;
      // A refresh that lands first replaces the list and its cursor: page again from the new cursor.
      for (;;) {
        const before = m.applied;
        const cursor = pageOf(get(key).data)?.nextCursor;
        if (!cursor) return patch(key, { loadingMore: false });
        page = (await deps.call(m.channel, { ...(m.input as object), limit: m.page, cursor })) as Page;
        if (m.applied === before) break;
      }
      m.appended++;
      patch(key, (cur) => {
        const shown = pageOf(cur.data)!;
        return {
          data: { ...shown, items: [...shown.items, ...page.items], nextCursor: page.nextCursor },
          loadingMore: false,
        };
      });
    } catch (err) {
      patch(key, { loadingMore: false, error: messageOf(err) });
    }
  }

  function watch(spec: WatchSpec): () => void {
    const key = keyOf(spec.channel, spec.input, spec.page);
    const m = metaOf(spec, key);
    const e = get(key);
    const young =
      m.watchers > 0 && e.data !== null && !e.error && spec.fresh !== undefined && Date.now() - e.at < spec.fresh;
    if (spec.restart && m.page && m.watchers === 0 && e.data !== null) {
      m.seq++;
      patch(key, { data: null, error: null, notFound: false });
    }
    m.watchers++;
    m.usedAt = now();
    if (m.inFlight === 0 && !young) void read(key, m);

    const topics = spec.live === false ? [] : deps.staleOn(spec.channel);
    const timers = new Map<number, ReturnType<typeof setTimeout>>();
    const off = topics.length
      ? deps.subscribe((event) => {
          if (!topics.includes(event.topic)) return;
          if (spec.clientId !== undefined && event.clientIds && !event.clientIds.includes(spec.clientId)) return;
          const wait = typeof spec.waitMs === 'number' ? spec.waitMs : (spec.waitMs?.[event.topic] ?? WAIT_MS);
          if (timers.has(wait)) return;
          const at = now();
          timers.set(
            wait,
            setTimeout(() => {
              timers.delete(wait);
              void refresh(key, at);
            }, wait),
          );
        })
      : () => {};
    const every = spec.every ? setInterval(() => void refresh(key), spec.every) : undefined;

    return () => {
      off();
      for (const t of timers.values()) clearTimeout(t);
      if (every) clearInterval(every);
      m.watchers--;
      m.usedAt = now();
      sweep();
    };
  }

  const entriesOf = (channel: string, input?: unknown) => {
    const inputKey = input === undefined ? null : stableKey(input);
    return [...metas].filter(([, m]) => m.channel === channel && (inputKey === null || m.inputKey === inputKey));
  };

  return {
    store,
    get,
    watch,
    refresh,
    loadMore,
    async refetch(channel, input) {
      await Promise.all(
        entriesOf(channel, input)
          .filter(([, m]) => m.watchers > 0)
          .map(([key, m]) => read(key, m)),
      );
    },
    put(channel, input, data) {
      const key = keyOf(channel, input);
      const m = metaOf({ channel, input }, key);
      m.seq++;
      m.usedAt = now();
      patch(key, { data, error: null, notFound: false, at: Date.now() });
    },
    update(channel, change) {
      for (const [key, m] of entriesOf(channel)) {
        const cur = get(key).data;
        if (cur === null) continue;
        m.seq++;
        patch(key, { data: change(cur, m.input) });
      }
    },
  };
}

function pageOf(data: unknown): Page | null {
  return data && typeof data === 'object' && 'items' in data ? (data as Page) : null;
}
