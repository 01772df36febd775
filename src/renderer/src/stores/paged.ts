/**
 * Paging a keyset-paged channel into a store: the first page, the next page as the user scrolls, and a
 * refresh that re-reads what is shown without losing the place. Answers to an older query are dropped
 * (each new query bumps `generation`). Shared by the clients list and the notification log.
 */
import { create } from 'zustand';
import { messageOf } from '../api/errors';

/** One page as the channels answer it. */
export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PagedState<T> {
  items: T[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
  /** Bumped by every new query: answers to an older one are dropped. */
  generation: number;
}

export const PAGE = 100;
/** The most a refresh re-reads at once; past it the list reloads from the top and pages in again. */
export const MAX_LIMIT = 500;

type Set<S> = (partial: Partial<S> | ((s: S) => Partial<S>)) => void;

export function paging<S extends PagedState<T>, T, P extends PageOf<T>>(
  get: () => S,
  set: Set<S>,
  fetch: (limit: number, cursor: string | undefined) => Promise<P>,
  /** What else a page sets (a total, a loaded flag). */
  extra: (page: P | null, s: S) => Partial<S> = () => ({}),
) {
  async function fetchPage(limit: number, cursor: string | undefined, replace: boolean) {
    const generation = replace ? get().generation + 1 : get().generation;
    set({ loading: true, error: null, generation } as Partial<S>);
    try {
      const page = await fetch(limit, cursor);
      if (get().generation !== generation) return;
      set((s) => ({ items: replace ? page.items : [...s.items, ...page.items], nextCursor: page.nextCursor, loading: false, ...extra(page, s) }) as Partial<S>);
    } catch (e) {
      if (get().generation === generation) set((s) => ({ loading: false, error: messageOf(e), ...extra(null, s) }) as Partial<S>);
    }
  }
  return {
    loadFirst: () => fetchPage(PAGE, undefined, true),
    async loadMore() {
      const s = get();
      if (s.loading || !s.nextCursor) return;
      await fetchPage(PAGE, s.nextCursor, false);
    },
    refresh: () => fetchPage(Math.min(MAX_LIMIT, Math.max(PAGE, get().items.length)), undefined, true),
  };
}

/** A paged list narrowed by a filter (the notification log, the charges). */
export interface FilteredListState<T, F> extends PagedState<T> {
  filter: F;
  /** The first page of the current filter has arrived. */
  loaded: boolean;
  /** Shows this filter, reading it from the top when it differs from the one shown. */
  setFilter(f: F): void;
  loadFirst(): Promise<void>;
  loadMore(): Promise<void>;
  /** Re-reads what is shown (after a change elsewhere) without losing the place in the list. */
  refresh(): Promise<void>;
}

/** The state and actions of a filtered list: `fetch` reads one page of a filter, `key` tells filters apart. */
export function filteredList<S extends FilteredListState<T, F>, T, F, P extends PageOf<T>>(
  get: () => S,
  set: Set<S>,
  fetch: (filter: F, limit: number, cursor: string | undefined) => Promise<P>,
  key: (f: F) => string,
): FilteredListState<T, F> {
  const pages = paging<S, T, P>(get, set, (limit, cursor) => fetch(get().filter, limit, cursor), () => ({ loaded: true }) as Partial<S>);
  return {
    filter: {} as F,
    items: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    error: null,
    generation: 0,
    setFilter(f) {
      if (key(f) === key(get().filter) && get().loaded) {
        void get().refresh();
        return;
      }
      set({ filter: f, items: [], nextCursor: null, loaded: false } as unknown as Partial<S>);
      void get().loadFirst();
    },
    ...pages,
  };
}

/** A store of a filtered list and nothing more (the notification log, the audit log). */
export function createFilteredList<T, F, P extends PageOf<T>>(fetch: (filter: F, limit: number, cursor: string | undefined) => Promise<P>, key: (f: F) => string) {
  return create<FilteredListState<T, F>>((set, get) => filteredList<FilteredListState<T, F>, T, F, P>(get, set, fetch, key));
}
