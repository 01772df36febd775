/**
 * The client on its page: its figures (clients.get), open holds, ledger entries (newest first, 50 a page)
 * and the balance series for the chart, each read again when its contract's topics change for this client;
 * and the changes made there (the client's details, a manual adjustment).
 */
import type { ChannelInput, Client } from '../../../../shared/contracts';
import { api } from '../../api/client';
import { put, refetch, useChannel } from '../../data/useChannel';

const ENTRIES_PAGE = 50;
const SERIES_POINTS = 600;

export function useClientPage(id: number) {
  const client = useChannel('clients.get', { id }, { clientId: id });
  const holds = useChannel('holds.list', { clientId: id });
  const entries = useChannel('ledger.list', { clientId: id }, { page: ENTRIES_PAGE });
  const series = useChannel('ledger.series', { clientId: id, points: SERIES_POINTS });
  return { client, holds, entries, series };
}

/** Changes the client's details; the page shows what was stored at once. Throws ApiError for the form. */
export async function updateClient(id: number, input: Omit<ChannelInput<'clients.update'>, 'id'>): Promise<void> {
  const client = await api().call('clients.update', { id, ...input });
  put('clients.get', { id }, client);
}

/** Reads the client again (a form's Reload after a conflict); the page shows it too. */
export async function reloadClient(id: number): Promise<Client> {
  const client = await api().call('clients.get', { id });
  put('clients.get', { id }, client);
  return client;
}

/** Posts a manual adjustment (signed minor units) with its reason, and reads the page's figures again. */
export async function adjustBalance(clientId: number, amount: number, reason: string): Promise<void> {
  await api().call('ledger.post', { clientId, kind: 'adjustment', amount, description: reason });
  await Promise.all([
    refetch('clients.get', { id: clientId }),
    refetch('holds.list', { clientId }),
    refetch('ledger.list', { clientId }),
    refetch('ledger.series', { clientId, points: SERIES_POINTS }),
  ]);
}
