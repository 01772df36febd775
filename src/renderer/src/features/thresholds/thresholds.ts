/**
 * The low balance side of a client: the profile in force and each rule as it applies to the client
 * (thresholds.get), the profiles the client may be given (its reseller's, in its currency), and the timeline
 * of the rules' decisions (notifications.list, newest first, 20 a page); and the changes made there (the
 * profile assigned, the client's own threshold and switch for a rule).
 */
import type { Client, ClientThresholds, RuleKind } from '../../../../shared/contracts';
import { api } from '../../api/client';
import { put, refetch, useChannel } from '../../data/useChannel';
import { updateClient } from '../clients/client';
import './thresholds.css';

const TIMELINE_PAGE = 20;

export function useClientThresholds(client: Pick<Client, 'id' | 'resellerId' | 'currency'>) {
  const rules = useChannel('thresholds.get', { clientId: client.id });
  // Only this client's changes matter here, as for the rules beside it.
  const profiles = useChannel(
    'profiles.list',
    { resellerId: client.resellerId, currency: client.currency },
    { clientId: client.id },
  );
  const timeline = useChannel('notifications.list', { clientId: client.id }, { page: TIMELINE_PAGE });
  return { rules, profiles, timeline };
}

/** Everything the panel shows, read again after a change made in it. */
function reread(clientId: number) {
  return Promise.all([
    refetch('thresholds.get', { clientId }),
    refetch('profiles.list'),
    refetch('notifications.list', { clientId }),
  ]);
}

/** Assigns a profile (null: follow the reseller's default). Throws what the core said. */
export async function setProfile(clientId: number, profileId: number | null): Promise<void> {
  await updateClient(clientId, { profileId });
  await reread(clientId);
}

/**
 * The client's own threshold (null keeps the profile's) and switch for a rule, with the thresholds' version
 * the form loaded (refused when they were changed since). Throws what the core said.
 */
export async function setOverride(
  clientId: number,
  kind: RuleKind,
  threshold: number | null,
  enabled: boolean,
  version?: number,
): Promise<void> {
  put(
    'thresholds.get',
    { clientId },
    await api().call('thresholds.set', { clientId, kind, threshold, enabled, version }),
  );
  // Its next check is measured against the core's clock.
  void refetch('app.info');
  await reread(clientId);
}

export async function clearOverride(clientId: number, kind: RuleKind, version?: number): Promise<void> {
  put('thresholds.get', { clientId }, await api().call('thresholds.clear', { clientId, kind, version }));
  await reread(clientId);
}

/** Reads the client's thresholds again (a form's Reload after a conflict); the panel shows them too. */
export async function reloadThresholds(clientId: number): Promise<ClientThresholds> {
  const data = await api().call('thresholds.get', { clientId });
  put('thresholds.get', { clientId }, data);
  return data;
}
