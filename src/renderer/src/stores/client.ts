/**
 * The client on screen: its balances, open holds, ledger entries (newest first, paged) and the balance
 * series for the chart. Every part is re-read together after a change, so the figures always agree.
 */
import { create } from 'zustand';
import type { ChannelInput, ChannelOutput, Client, Hold, LedgerEntry } from '../../../shared/contracts';
import { api, ApiError } from '../api/client';
import { messageOf } from '../api/errors';

type Series = ChannelOutput<'ledger.series'>;

const PAGE = 50;
const MAX_LIMIT = 500;

interface ClientState {
  id: number | null;
  client: Client | null;
  holds: Hold[];
  entries: LedgerEntry[];
  entriesCursor: string | null;
  series: Series | null;
  loading: boolean;
  loadingMore: boolean;
  /** Set when the client cannot be shown (not found, host unreachable). */
  error: string | null;
  notFound: boolean;
  open(id: number): Promise<void>;
  reload(): Promise<void>;
  loadMoreEntries(): Promise<void>;
  update(input: Omit<ChannelInput<'clients.update'>, 'id'>): Promise<void>;
  /** Posts a manual adjustment (signed minor units) with its reason. */
  adjust(amount: number, reason: string): Promise<void>;
}

export const useClient = create<ClientState>((set, get) => {
  // A reload and a "load more" can be in flight together (a live change lands while the user pages):
  // each counts what it applied, so neither overwrites the other's newer rows with a stale answer.
  let applied = 0;
  let appended = 0;

  async function readAll(id: number, entryLimit: number): Promise<void> {
    const startedAt = appended;
    const [client, holds, page, series] = await Promise.all([
      api().call('clients.get', { id }),
      api().call('holds.list', { clientId: id }),
      api().call('ledger.list', { clientId: id, limit: entryLimit }),
      api().call('ledger.series', { clientId: id, points: 600 }),
    ]);
    if (get().id !== id) return;
    // More entries were appended meanwhile: read again as many as are on screen now.
    if (appended !== startedAt) return readAll(id, Math.min(MAX_LIMIT, Math.max(PAGE, get().entries.length)));
    applied++;
    set({ client, holds, entries: page.items, entriesCursor: page.nextCursor, series, loading: false, error: null, notFound: false });
  }

  async function guarded(id: number, entryLimit: number) {
    try {
      await readAll(id, entryLimit);
    } catch (e) {
      if (get().id !== id) return;
      set({ loading: false, error: messageOf(e), notFound: e instanceof ApiError && e.kind === 'not_found' });
    }
  }

  return {
    id: null,
    client: null,
    holds: [],
    entries: [],
    entriesCursor: null,
    series: null,
    loading: false,
    loadingMore: false,
    error: null,
    notFound: false,
    async open(id) {
      if (get().id !== id) {
        set({ id, client: null, holds: [], entries: [], entriesCursor: null, series: null, error: null, notFound: false });
      }
      set({ loading: true });
      await guarded(id, PAGE);
    },
    async reload() {
      const id = get().id;
      if (id === null) return;
      await guarded(id, Math.min(MAX_LIMIT, Math.max(PAGE, get().entries.length)));
    },
    async loadMoreEntries() {
      const { id, entriesCursor, loadingMore } = get();
      if (id === null || !entriesCursor || loadingMore) return;
      set({ loadingMore: true });
      try {
        let page: ChannelOutput<'ledger.list'>;
        // A reload that lands first replaces the list and its cursor: page again from the new cursor.
        for (;;) {
          const before = applied;
          const cursor = get().entriesCursor;
          if (!cursor) return set({ loadingMore: false });
          page = await api().call('ledger.list', { clientId: id, limit: PAGE, cursor });
          if (get().id !== id) return set({ loadingMore: false });
          if (applied === before) break;
        }
        appended++;
        set((s) => ({ entries: [...s.entries, ...page.items], entriesCursor: page.nextCursor, loadingMore: false }));
      } catch (e) {
        set({ loadingMore: false, error: messageOf(e) });
      }
    },
    async update(input) {
      const id = get().id;
      if (id === null) return;
      const client = await api().call('clients.update', { id, ...input });
      if (get().id === id) set({ client });
    },
    async adjust(amount, reason) {
      const id = get().id;
      if (id === null) return;
      await api().call('ledger.post', { clientId: id, kind: 'adjustment', amount, description: reason });
      await get().reload();
    },
  };
});
