/**
 * The clients list's query as the user set it — search, sort and direction — kept while the user goes to
 * a client and back (the dashboard's narrowings are in the URL). Searching, sorting and counting happen in the core (a ledger may hold a
 * million clients); the rows come through the data layer (clients.list).
 */
import { create } from 'zustand';
import type { clientSort } from '../../../shared/contracts';
import type { clientOnly } from '../../../shared/contracts/clients';
import type { z } from 'zod';

export type ClientSort = z.infer<typeof clientSort>;
export type SortDir = 'asc' | 'desc';
/** The dashboard's narrowings, from the URL (#/clients?only=below). */
export type ClientOnly = z.infer<typeof clientOnly>;
export const CLIENT_ONLY: Record<ClientOnly, string> = {
  below: 'below a low balance threshold now',
  cooling: 'with a payment method cooling down after a failed charge',
  dry: 'forecast to run dry within 24 hours at their current rate of use',
};
export const onlyOf = (q: string | undefined): ClientOnly | undefined =>
  q && q in CLIENT_ONLY ? (q as ClientOnly) : undefined;

interface ClientsQuery {
  search: string;
  sort: ClientSort;
  dir: SortDir;
  setSearch(search: string): void;
  /** Sorts by a column; choosing the current column again flips the direction. */
  setSort(sort: ClientSort): void;
}

export const useClientsQuery = create<ClientsQuery>((set, get) => ({
  search: '',
  sort: 'name',
  dir: 'asc',
  setSearch: (search) => set({ search }),
  setSort(sort) {
    const s = get();
    set(
      s.sort === sort
        ? { dir: s.dir === 'asc' ? 'desc' : 'asc' }
        : { sort, dir: sort === 'createdAt' ? 'desc' : 'asc' },
    );
  },
}));

/** What the core is asked for the query, narrowed as the URL says (undefined: every client). */
export function listInput(q: Pick<ClientsQuery, 'search' | 'sort' | 'dir'> & { only: ClientOnly | undefined }) {
  return { search: q.search.trim() || undefined, sort: q.sort, dir: q.dir, only: q.only };
}
