/** Who is at the desk: the signed-in staff member and their role, or the desk as an admin before sign-in is on. */
import { create } from 'zustand';
import type { StaffRole } from '../../../shared/contract';
import type { Channel, StaffUser } from '../../../shared/contracts';
import { api, onSignInNeeded, setSession } from '../api/client';
import { messageOf } from '../api/errors';

interface SessionState {
  /** False until session.get has answered once. */
  loaded: boolean;
  /** Sign-in is on (a staff member has a password). */
  required: boolean;
  staff: StaffUser | null;
  /** Null: not signed in while sign-in is on. */
  role: StaffRole | null;
  /** The channels the core lets this caller use. */
  channels: ReadonlySet<string>;
  /** Why the sign-in screen shows (the session ended), or a failure to reach the ledger. */
  notice: string | null;
  load(): Promise<void>;
  signIn(email: string, password: string): Promise<void>;
  /** Ends the session and reloads the window, which then asks who is there. */
  signOut(): Promise<void>;
  /** Shows the sign-in screen, saying why (a session that ended, sign-in just turned on). */
  requireSignIn(notice: string): void;
}

export const useSession = create<SessionState>((set, get) => ({
  loaded: false,
  required: false,
  staff: null,
  role: null,
  channels: new Set(),
  notice: null,
  async load() {
    try {
      const s = await api().call('session.get', {});
      set({ loaded: true, required: s.required, staff: s.staff, role: s.role, channels: new Set(s.channels) });
    } catch (e) {
      // An ended session was handled by the listener below; anything else is shown on the sign-in screen.
      if (!get().notice) set({ loaded: true, notice: messageOf(e) });
    }
  },
  async signIn(email, password) {
    const s = await api().call('session.signIn', { email, password });
    setSession(s.token);
    set({ notice: null });
    await get().load();
  },
  requireSignIn(notice) {
    setSession(null);
    set({ loaded: true, required: true, staff: null, role: null, channels: new Set(), notice });
  },
  async signOut() {
    await api()
      .call('session.signOut', {})
      .catch(() => undefined);
    setSession(null);
    // A reload empties every screen's memory of what this staff member saw. Nothing renders in between: a
    // sign-in screen drawn before the reload could take a password that the reload then throws away.
    window.location.reload();
  },
}));

onSignInNeeded((message) => {
  // The sign-in screen already says why it shows: the first refusal's reason stays.
  const now = useSession.getState();
  if (now.loaded && now.role === null && now.notice) return setSession(null);
  now.requireSignIn(message);
});

/** Whether the person at the desk may use a channel (the core refuses it anyway; the screens hide what would be refused). */
export function useCan(channel: Channel): boolean {
  return useSession((s) => s.channels.has(channel));
}
