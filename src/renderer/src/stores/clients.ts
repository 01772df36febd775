/**
 * The clients list: one query (search, sort, direction) and the pages loaded so far. Searching, sorting
 * and counting happen in the core (a ledger may hold a million clients); the list asks for the next page
 * with the keyset cursor of the last one as the user scrolls.
 */
import { create } from 'zustand';
import type { ChannelOutput, Client, clientSort } from '../../../shared/contracts';
import type { clientOnly } from '../../../shared/contracts/clients';
import type { z } from 'zod';
import { api } from '../api/client';
import { paging } from './paged';

export type ClientSort = z.infer<typeof clientSort>;
export type SortDir = 'asc' | 'desc';
/** The dashboard's narrowings, from the URL (#/clients?only=below). */
export type ClientOnly = z.infer<typeof clientOnly>;
export const CLIENT_ONLY: Record<ClientOnly, string> = {
  below: 'below a low balance threshold now',
  cooling: 'with a payment method cooling down after a failed charge',
  dry: 'forecast to run dry within 24 hours at their current rate of use',
};
export const onlyOf = (q: string | undefined): ClientOnly | undefined => (q && q in CLIENT_ONLY ? (q as ClientOnly) : undefined);


interface ClientsState {
  search: string;
  only: ClientOnly | undefined;
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
  /** Narrows the list as the URL says (undefined: every client). */
  setOnly(only: ClientOnly | undefined): void;
  /** Sorts by a column; choosing the current column again flips the direction. */
  setSort(sort: ClientSort): void;
  loadFirst(): Promise<void>;
  loadMore(): Promise<void>;
  /** Re-reads what is shown (after a change elsewhere) without losing the place in the list. */
  refresh(): Promise<void>;
}

export const useClients = create<ClientsState>((set, get) => {
  const query = () => {
    const { search, sort, dir, only } = get();
    return { search: search.trim() || undefined, sort, dir, only };
  };

  const pages = paging<ClientsState, Client, ChannelOutput<'clients.list'>>(get, set, (limit, cursor) => api().call('clients.list', { ...query(), limit, cursor }), (page, s) => ({
    total: page?.total ?? s.total,
  }));

  return {
    search: '',
    only: undefined,
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
    setOnly(only) {
      if (only === get().only) return;
      set({ only });
      void get().loadFirst();
    },
    setSort(sort) {
      const s = get();
      set(s.sort === sort ? { dir: s.dir === 'asc' ? 'desc' : 'asc' } : { sort, dir: sort === 'createdAt' ? 'desc' : 'asc' });
      void get().loadFirst();
    },
    ...pages,
  };
});
