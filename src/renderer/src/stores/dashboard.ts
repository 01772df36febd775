/**
 * The dashboard: the figures of its tiles (dashboard.get) and the last 30 days (dashboard.chart), read
 * together and again after a change. The first read after the app started adds up the ledger's last 30
 * days in the core, which takes a while on a big ledger: until then the screen says so.
 */
import { create } from 'zustand';
import type { ChannelOutput } from '../../../shared/contracts';
import { api } from '../api/client';
import { messageOf } from '../api/errors';

export type DashboardFigures = ChannelOutput<'dashboard.get'>;
export type DashboardDays = ChannelOutput<'dashboard.chart'>;

interface DashboardState {
  figures: DashboardFigures | null;
  days: DashboardDays | null;
  error: string | null;
  load(): Promise<void>;
}

export const useDashboard = create<DashboardState>((set) => {
  // Reads overlap (a burst of changes): only the newest one started is applied.
  let started = 0;
  return {
    figures: null,
    days: null,
    error: null,
    async load() {
      const mine = ++started;
      try {
        const [figures, days] = await Promise.all([api().call('dashboard.get', {}), api().call('dashboard.chart', {})]);
        if (mine === started) set({ figures, days, error: null });
      } catch (e) {
        if (mine === started) set({ error: messageOf(e) });
      }
    },
  };
});
