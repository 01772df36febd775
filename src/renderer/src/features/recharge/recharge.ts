/**
 * The auto-recharge side of a client: its settings with the average daily spend, the suggested trigger
 * and the best-practice warnings (recharge.get), saving them (recharge.set, which emails the client a
 * confirmation when something changed) and the dry run of "Test trigger" (recharge.dryRun).
 */
import { useRef, useState } from 'react';
import type { ChannelInput, ChannelOutput, RechargeSettings } from '../../../../shared/contracts';
import { api } from '../../api/client';
import { messageOf } from '../../api/errors';
import { put, useChannel } from '../../data/useChannel';

export type RechargeInput = Omit<ChannelInput<'recharge.set'>, 'clientId'>;
export type DryRun = ChannelOutput<'recharge.dryRun'>;

export interface SaveResult {
  settings: RechargeSettings;
  /** Something was stored, so the client was emailed a "settings changed" confirmation. */
  changed: boolean;
}

type Values = Pick<
  RechargeSettings,
  'mode' | 'enabled' | 'alertThreshold' | 'triggerThreshold' | 'rechargeAmount' | 'dailyCap'
>;

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

export const useRechargeSettings = (clientId: number) => useChannel('recharge.get', { clientId });

/** Saves the settings (`before`: as the form showed them); throws ApiError (with `field`) for the form to show. */
export async function saveRecharge(
  clientId: number,
  before: RechargeSettings,
  input: RechargeInput,
): Promise<SaveResult> {
  const settings = await api().call('recharge.set', { clientId, ...input });
  put('recharge.get', { clientId }, settings);
  // The stored time tells a change; the values tell it too when the clock did not move (a test clock).
  const changed = !before.saved || before.updatedAt !== settings.updatedAt || !sameValues(before, settings);
  return { settings, changed };
}

/** Reads the settings again (the form's Reload after a conflict); the panel shows them too. */
export async function reloadRecharge(clientId: number): Promise<RechargeSettings> {
  const settings = await api().call('recharge.get', { clientId });
  put('recharge.get', { clientId }, settings);
  return settings;
}

/**
 * "Test trigger": what the core would do now with the saved settings, nothing sent or charged. An answer
 * comes to the newest ask only (one asked before a save, or a Hide, is dropped).
 */
export function useDryRun(clientId: number) {
  const [state, setState] = useState<{ dryRun: DryRun | null; busy: boolean; error: string | null }>({
    dryRun: null,
    busy: false,
    error: null,
  });
  const asked = useRef(0);
  return {
    ...state,
    async run() {
      if (state.busy) return;
      const mine = ++asked.current;
      setState({ dryRun: state.dryRun, busy: true, error: null });
      try {
        const dryRun = await api().call('recharge.dryRun', { clientId });
        if (mine === asked.current) setState({ dryRun, busy: false, error: null });
      } catch (e) {
        if (mine === asked.current) setState((s) => ({ ...s, busy: false, error: messageOf(e) }));
      }
    },
    /** Hides the answer (the settings it was about changed, or the user said so). */
    clear() {
      asked.current++;
      setState({ dryRun: null, busy: false, error: null });
    },
  };
}

export type DryRunState = ReturnType<typeof useDryRun>;
