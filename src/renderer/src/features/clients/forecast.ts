/**
 * The run-dry forecast of a client (clients.forecast): read by the line under the balance figures and by the
 * low balance panel's threshold suggestion, one read for both, again when its balance, usage or thresholds
 * change (the contract's staleOn).
 */
import type { ClientForecast } from '../../../../shared/contracts/clients';
import { useChannel } from '../../data/useChannel';

export function useClientForecast(clientId: number): { data: ClientForecast | null; error: string | null } {
  const { data, error } = useChannel('clients.forecast', { clientId });
  return { data, error };
}
