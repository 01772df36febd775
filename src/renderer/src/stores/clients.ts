/**
 * The clients list: one query (search, sort, direction) and the pages loaded so far. Searching, sorting
 * and counting happen in the core (a ledger may hold a million clients); the list asks for the next page
 * with the keyset cursor of the last one as the user scrolls.
 */
import { create } from 'zustand';
import type { Client, clientSort } from '../../../shared/contracts';
import type { z } from 'zod';
import { api } from '../api/client';
import { messageOf } from '../api/errors';

export type ClientSort = z.infer<typeof clientSort>;
export type SortDir = 'asc' | 'desc';

const PAGE = 100;
/** The most a refresh re-reads at once; past it the list reloads from the top and pages in again. */
const MAX_LIMIT = 500;

interface ClientsState {
  search: string;
  sort: ClientSort;
  dir: SortDir;
  items: Client[];
  total: number | null;
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
  /** Bumped by every new query: answers to an older query are dropped. */
  generation: number;
  setSearch(search: string): void;
  /** Sorts by a column; choosing the current column again flips the direction. */
  setSort(sort: ClientSort): void;
  loadFirst(): Promise<void>;
  loadMore(): Promise<void>;
  /** Re-reads what is shown (after a change elsewhere) without losing the place in the list. */
  refresh(): Promise<void>;
}

export const useClients = create<ClientsState>((set, get) => {
  const query = () => {
    const { search, sort, dir } = get();
    return { search: search.trim() || undefined, sort, dir };
  };

  async function fetchPage(limit: number, cursor: string | undefined, replace: boolean) {
    const generation = replace ? get().generation + 1 : get().generation;
    set({ loading: true, error: null, generation });
    try {
      const page = await api().call('clients.list', { ...query(), limit, cursor });
      if (get().generation !== generation) return;
      set((s) => ({
        items: replace ? page.items : [...s.items, ...page.items],
        total: page.total ?? s.total,
        nextCursor: page.nextCursor,
        loading: false,
      }));
    } catch (e) {
      if (get().generation === generation) set({ loading: false, error: messageOf(e) });
    }
  }

  return {
    search: '',
    sort: 'name',
    dir: 'asc',
    items: [],
    total: null,
    nextCursor: null,
    loading: false,
    error: null,
    generation: 0,
    setSearch(search) {
      if (search === get().search) return;
      set({ search });
      void get().loadFirst();
    },
    setSort(sort) {
      const s = get();
      set(s.sort === sort ? { dir: s.dir === 'asc' ? 'desc' : 'asc' } : { sort, dir: sort === 'createdAt' ? 'desc' : 'asc' });
      void get().loadFirst();
    },
    loadFirst: () => fetchPage(PAGE, undefined, true),
    async loadMore() {
      const s = get();
      if (s.loading || !s.nextCursor) return;
      await fetchPage(PAGE, s.nextCursor, false);
    },
    refresh: () => fetchPage(Math.min(MAX_LIMIT, Math.max(PAGE, get().items.length)), undefined, true),
  };
});
