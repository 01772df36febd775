/**
 * The run-dry forecast of the client on screen (clients.forecast): read by the line under the balance
 * figures and by the low balance panel's threshold suggestion, one read for both.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import type { ClientForecast } from '../../../shared/contracts/clients';
import { api } from '../api/client';
import { messageOf } from '../api/errors';
import { useLiveRefresh } from './live';

interface ForecastState {
  clientId: number | null;
  data: ClientForecast | null;
  error: string | null;
  /** Reads the client's forecast (again); reads that overlap for one client share one call. */
  load(clientId: number): Promise<void>;
}

export const useForecast = create<ForecastState>((set, get) => {
  let pending: { clientId: number; promise: Promise<void> } | null = null;
  return {
    clientId: null,
    data: null,
    error: null,
    load(clientId) {
      if (pending?.clientId === clientId) return pending.promise;
      if (get().clientId !== clientId) set({ clientId, data: null, error: null });
      const promise = (async () => {
        try {
          const data = await api().call('clients.forecast', { clientId });
          if (get().clientId === clientId) set({ data, error: null });
        } catch (e) {
          if (get().clientId === clientId) set({ error: messageOf(e) });
        } finally {
          if (pending?.clientId === clientId) pending = null;
        }
      })();
      pending = { clientId, promise };
      return promise;
    },
  };
});

const TOPICS = ['clients', 'ledger', 'holds', 'thresholds', 'profiles'] as const;

/** The forecast of one client, read when shown and again when its balance, usage or thresholds change. */
export function useClientForecast(clientId: number): { data: ClientForecast | null; error: string | null } {
  useEffect(() => void useForecast.getState().load(clientId), [clientId]);
  useLiveRefresh(TOPICS, () => void useForecast.getState().load(clientId), clientId);
  const mine = useForecast((s) => s.clientId === clientId);
  const data = useForecast((s) => s.data);
  const error = useForecast((s) => s.error);
  return mine ? { data, error } : { data: null, error: null };
}
