/** Every reseller (a short list), for the selects of the client form and the import. */
import { create } from 'zustand';
import type { ChannelInput, Reseller } from '../../../shared/contracts';
import { api } from '../api/client';
import { messageOf } from '../api/errors';

interface ResellersState {
  items: Reseller[];
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
  /** Creates a reseller and reloads the list; throws ApiError for the form to show. */
  create(input: ChannelInput<'resellers.create'>): Promise<Reseller>;
}

export const useResellers = create<ResellersState>((set, get) => ({
  items: [],
  loaded: false,
  error: null,
  async load() {
    try {
      set({ items: await api().call('resellers.list', {}), loaded: true, error: null });
    } catch (e) {
      set({ error: messageOf(e), loaded: true });
    }
  },
  async create(input) {
    const reseller = await api().call('resellers.create', input);
    await get().load();
    return reseller;
  },
}));
