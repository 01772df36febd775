/**
 * Low Balance Profiles: the changes made to them (each throws ApiError for the form to show), with the
 * reads that show them put or read again at once.
 */
import type { ChannelInput, ChannelOutput, Profile } from '../../../../shared/contracts';
import { api } from '../../api/client';
import { put, refetch, update } from '../../data/useChannel';
import './profiles.css';

export type DeleteResult = ChannelOutput<'profiles.delete'>;

export async function createProfile(input: ChannelInput<'profiles.create'>): Promise<Profile> {
  const profile = await api().call('profiles.create', input);
  // Its page opens next: it shows at once, and is read again there.
  put('profiles.get', { id: profile.id }, profile);
  void refetch('profiles.list');
  return profile;
}

export async function updateProfile(input: ChannelInput<'profiles.update'>): Promise<Profile> {
  const profile = await api().call('profiles.update', input);
  put('profiles.get', { id: profile.id }, profile);
  void refetch('profiles.list');
  return profile;
}

/** Reads the profile again (the form's Reload after a conflict); its page shows it too. */
export async function reloadProfile(id: number): Promise<Profile> {
  const profile = await api().call('profiles.get', { id });
  put('profiles.get', { id }, profile);
  return profile;
}

export async function deleteProfile(id: number): Promise<DeleteResult> {
  const result = await api().call('profiles.delete', { id });
  update('profiles.list', (items) => items.filter((p) => p.id !== id));
  void refetch('profiles.list');
  return result;
}
