/**
 * The profile screens' own state: which reseller's profiles the list shows (the default reseller of a new
 * profile too), and a short note that outlives a navigation ("Profile created", "Deleted …").
 */
import { create } from 'zustand';

/** A note for one place: the list, or the page of one profile. */
export interface ProfilesNote {
  text: string;
  where: 'list' | number;
}

interface ProfilesView {
  /** The list shows this reseller's profiles only (null: every reseller's). */
  resellerId: number | null;
  note: ProfilesNote | null;
  setReseller(id: number | null): void;
  setNote(note: ProfilesNote | null): void;
  /** Forgets the note shown at `where` (when that screen goes away). */
  clearNote(where: 'list' | 'profile'): void;
}

export const useProfilesView = create<ProfilesView>((set, get) => ({
  resellerId: null,
  note: null,
  setReseller: (resellerId) => set({ resellerId }),
  setNote: (note) => set({ note }),
  clearNote(where) {
    const note = get().note;
    if (!note) return;
    if ((where === 'list' && note.where === 'list') || (where === 'profile' && note.where !== 'list'))
      set({ note: null });
  },
}));
