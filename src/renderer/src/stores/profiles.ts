/**
 * Low Balance Profiles: the list (optionally of one reseller), the profile on screen, the staff users of
 * the resellers the form has shown, and a short note that outlives a navigation ("Profile created", "Deleted").
 */
import { create } from 'zustand';
import type { ChannelInput, ChannelOutput, Profile, StaffUser } from '../../../shared/contracts';
import { api, ApiError } from '../api/client';
import { messageOf } from '../api/errors';

export type DeleteResult = ChannelOutput<'profiles.delete'>;

/** A note for one place: the list, or the page of one profile. */
export interface ProfilesNote {
  text: string;
  where: 'list' | number;
}

interface ProfilesState {
  items: Profile[];
  loaded: boolean;
  error: string | null;
  /** The list shows this reseller's profiles only (null: every reseller's). */
  resellerId: number | null;

  /** The profile on its page. */
  currentId: number | null;
  current: Profile | null;
  currentError: string | null;
  notFound: boolean;

  /** Staff users by reseller id, as the form's "Users" checkboxes list them. */
  staff: Record<number, StaffUser[]>;

  note: ProfilesNote | null;

  load(): Promise<void>;
  setReseller(id: number | null): void;
  open(id: number): Promise<void>;
  reloadCurrent(): Promise<void>;
  loadStaff(resellerId: number): Promise<void>;
  /** Each throws ApiError for the form to show; the list is read again after a change. */
  create(input: ChannelInput<'profiles.create'>): Promise<Profile>;
  update(input: ChannelInput<'profiles.update'>): Promise<Profile>;
  remove(id: number): Promise<DeleteResult>;
  setNote(note: ProfilesNote | null): void;
  /** Forgets the note shown at `where` (when that screen goes away). */
  clearNote(where: 'list' | 'profile'): void;
}

export const useProfiles = create<ProfilesState>((set, get) => {
  // Answers can come back out of order (a filter changed twice quickly): only the last asked is applied.
  let listAsked = 0;

  return {
    items: [],
    loaded: false,
    error: null,
    resellerId: null,
    currentId: null,
    current: null,
    currentError: null,
    notFound: false,
    staff: {},
    note: null,

    async load() {
      const ask = ++listAsked;
      const resellerId = get().resellerId;
      try {
        const items = await api().call('profiles.list', resellerId === null ? {} : { resellerId });
        if (ask === listAsked) set({ items, loaded: true, error: null });
      } catch (e) {
        if (ask === listAsked) set({ error: messageOf(e), loaded: true });
      }
    },

    setReseller(id) {
      set({ resellerId: id });
      void get().load();
    },

    async open(id) {
      if (get().currentId !== id) set({ currentId: id, current: null, currentError: null, notFound: false });
      await get().reloadCurrent();
    },

    async reloadCurrent() {
      const id = get().currentId;
      if (id === null) return;
      try {
        const current = await api().call('profiles.get', { id });
        if (get().currentId === id) set({ current, currentError: null, notFound: false });
      } catch (e) {
        if (get().currentId !== id) return;
        if (e instanceof ApiError && e.kind === 'not_found') set({ current: null, notFound: true, currentError: null });
        else set({ currentError: messageOf(e) });
      }
    },

    async loadStaff(resellerId) {
      try {
        const users = await api().call('staff.list', { resellerId });
        set({ staff: { ...get().staff, [resellerId]: users } });
      } catch {
        // The form says the list could not be read by showing none; the save still checks the ids.
        set({ staff: { ...get().staff, [resellerId]: get().staff[resellerId] ?? [] } });
      }
    },

    async create(input) {
      const profile = await api().call('profiles.create', input);
      // Its page opens next: it shows at once, and is read again there.
      set({ currentId: profile.id, current: profile, currentError: null, notFound: false });
      void get().load();
      return profile;
    },

    async update(input) {
      const profile = await api().call('profiles.update', input);
      if (get().currentId === profile.id) set({ current: profile });
      void get().load();
      return profile;
    },

    async remove(id) {
      const result = await api().call('profiles.delete', { id });
      set({ items: get().items.filter((p) => p.id !== id) });
      void get().load();
      return result;
    },

    setNote(note) {
      set({ note });
    },

    clearNote(where) {
      const note = get().note;
      if (!note) return;
      if ((where === 'list' && note.where === 'list') || (where === 'profile' && note.where !== 'list')) set({ note: null });
    },
  };
});

/** A period as a desk user reads it: "24 h", "2 days", "7 days". */
export function formatHours(hours: number): string {
  if (hours >= 48 && hours % 24 === 0) return `${hours / 24} days`;
  return `${hours} h`;
}
