/**
 * The auto-recharge side of the client on screen: its settings with the average daily spend, the
 * suggested trigger and the best-practice warnings (recharge.get), saving them (recharge.set, which emails
 * the client a confirmation when something changed) and the dry run of "Test trigger" (recharge.dryRun).
 */
import { create } from 'zustand';
import type { ChannelInput, ChannelOutput, RechargeSettings } from '../../../shared/contracts';
import { api } from '../api/client';
import { messageOf } from '../api/errors';

export type RechargeInput = Omit<ChannelInput<'recharge.set'>, 'clientId'>;
export type DryRun = ChannelOutput<'recharge.dryRun'>;

export interface SaveResult {
  settings: RechargeSettings;
  /** Something was stored, so the client was emailed a "settings changed" confirmation. */
  changed: boolean;
}

interface RechargeState {
  clientId: number | null;
  settings: RechargeSettings | null;
  /** Set when the settings cannot be read (host unreachable). */
  error: string | null;
  dryRun: DryRun | null;
  dryRunBusy: boolean;
  dryRunError: string | null;
  open(clientId: number): Promise<void>;
  reload(): Promise<void>;
  /** Saves the settings; throws ApiError (with `field`) for the form to show. */
  save(input: RechargeInput): Promise<SaveResult>;
  /** Asks the core what would happen now with the saved settings; nothing is sent or charged. */
  runDryRun(): Promise<void>;
  clearDryRun(): void;
}

type Values = Pick<RechargeSettings, 'mode' | 'enabled' | 'alertThreshold' | 'triggerThreshold' | 'rechargeAmount' | 'dailyCap'>;

export function sameValues(a: Values, b: Values): boolean {
  return (
    a.mode === b.mode &&
    a.enabled === b.enabled &&
    a.alertThreshold === b.alertThreshold &&
    a.triggerThreshold === b.triggerThreshold &&
    a.rechargeAmount === b.rechargeAmount &&
    a.dailyCap === b.dailyCap
  );
}

export const useRecharge = create<RechargeState>((set, get) => {
  // Reads overlap (a burst of change events, a save): only the newest one started is applied.
  let started = 0;
  let dryRuns = 0;

  async function read(clientId: number) {
    const mine = ++started;
    try {
      const settings = await api().call('recharge.get', { clientId });
      if (get().clientId !== clientId || mine !== started) return;
      set({ settings, error: null });
    } catch (e) {
      if (get().clientId === clientId && mine === started) set({ error: messageOf(e) });
    }
  }

  return {
    clientId: null,
    settings: null,
    error: null,
    dryRun: null,
    dryRunBusy: false,
    dryRunError: null,
    async open(clientId) {
      if (get().clientId !== clientId) {
        dryRuns++;
        set({ clientId, settings: null, error: null, dryRun: null, dryRunBusy: false, dryRunError: null });
      }
      await read(clientId);
    },
    async reload() {
      const clientId = get().clientId;
      if (clientId !== null) await read(clientId);
    },
    async save(input) {
      const clientId = get().clientId;
      if (clientId === null) throw new Error('No client is open.');
      const before = get().settings;
      // A read started before the save must not put the old settings back on screen.
      started++;
      const settings = await api().call('recharge.set', { clientId, ...input });
      // The stored time tells a change; the values tell it too when the clock did not move (a test clock).
      const changed = !before || !before.saved || before.updatedAt !== settings.updatedAt || !sameValues(before, settings);
      if (get().clientId === clientId) {
        dryRuns++;
        // A dry run shown before is about the old settings.
        set({ settings, error: null, dryRun: null, dryRunBusy: false, dryRunError: null });
      }
      return { settings, changed };
    },
    async runDryRun() {
      const clientId = get().clientId;
      if (clientId === null || get().dryRunBusy) return;
      const mine = ++dryRuns;
      set({ dryRunBusy: true, dryRunError: null });
      try {
        const dryRun = await api().call('recharge.dryRun', { clientId });
        if (mine === dryRuns) set({ dryRun, dryRunBusy: false });
      } catch (e) {
        if (mine === dryRuns) set({ dryRunBusy: false, dryRunError: messageOf(e) });
      }
    },
    clearDryRun() {
      dryRuns++;
      set({ dryRun: null, dryRunBusy: false, dryRunError: null });
    },
  };
});
