/** Every reseller (a short list), for the selects of the client form, the profiles and the import. */
import type { ChannelInput, Reseller } from '../../../../shared/contracts';
import { api } from '../../api/client';
import { refetch, useChannel } from '../../data/useChannel';

/** The resellers, read when shown and again when one changes: the list ([] until read), and whether it has been read. */
export function useResellers(): { items: Reseller[]; loaded: boolean; error: string | null } {
  const { data, error } = useChannel('resellers.list', {});
  return { items: data ?? [], loaded: data !== null || error !== null, error };
}

/** Creates a reseller and reads the list again; throws ApiError for the form to show. */
export async function createReseller(input: ChannelInput<'resellers.create'>): Promise<Reseller> {
  const reseller = await api().call('resellers.create', input);
  await refetch('resellers.list');
  return reseller;
}
