/** What is running (version, data folder, demo mode), from app.info, for the header. */
import { create } from 'zustand';
import type { ChannelOutput } from '../../../shared/contracts';
import { api } from '../api/client';
import { messageOf } from '../api/errors';

type AppInfo = ChannelOutput<'app.info'>;

interface AppState {
  info: AppInfo | null;
  error: string | null;
  load(): Promise<void>;
}

export const useApp = create<AppState>((set) => ({
  info: null,
  error: null,
  async load() {
    try {
      set({ info: await api().call('app.info', {}), error: null });
    } catch (e) {
      set({ error: messageOf(e) });
    }
  },
}));
