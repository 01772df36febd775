/**
 * A sweep asked for here ("Sweep now" in the scheduler dialog): whether it runs, its report or why it
 * failed. UI state: it outlives the dialog, so closing and opening it again shows the same report, and the
 * header's chip says "sweeping…" from the click on.
 */
import { create } from 'zustand';
import type { SweepReport } from '../../../shared/contracts';
import { api } from '../api/client';
import { messageOf } from '../api/errors';
import { refetch } from '../data/useChannel';

interface SweepState {
  running: boolean;
  report: SweepReport | null;
  error: string | null;
  sweep(): Promise<void>;
}

export const useSweep = create<SweepState>((set, get) => ({
  running: false,
  report: null,
  error: null,
  async sweep() {
    if (get().running) return;
    set({ running: true, error: null, report: null });
    // The status says "sweeping" as soon as the core has started.
    const poll = setTimeout(() => void refetch('scheduler.status'), 150);
    try {
      const report = await api().call('scheduler.sweep', {});
      set({ report, running: false });
    } catch (e) {
      set({ error: messageOf(e), running: false });
    } finally {
      clearTimeout(poll);
    }
    await Promise.all([refetch('scheduler.status'), refetch('app.info')]);
  },
}));
