/**
 * The low balance side of the client on screen: the profile in force and each rule as it applies to the
 * client (thresholds.get), the profiles the client may be given (its reseller's, in its currency), and
 * the timeline of the rules' decisions (notifications.list, newest first, paged).
 */
import { create } from 'zustand';
import type { ChannelOutput, ClientThresholds, Notification, Profile, RuleKind } from '../../../shared/contracts';
import { api } from '../api/client';
import { messageOf } from '../api/errors';
import { useClient } from './client';
import { useScheduler } from './scheduler';

const PAGE = 20;
const MAX_LIMIT = 500;

/** Which client, and what decides the profiles it may be given. */
export interface ThresholdsTarget {
  clientId: number;
  resellerId: number;
  currency: string;
}

interface ThresholdsState {
  target: ThresholdsTarget | null;
  data: ClientThresholds | null;
  /** The reseller's profiles in the client's currency; null until read. */
  profiles: Profile[] | null;
  notifications: Notification[];
  cursor: string | null;
  loaded: boolean;
  loadingMore: boolean;
  /** Set when the panel cannot be shown as it is (host unreachable). */
  error: string | null;
  open(target: ThresholdsTarget): Promise<void>;
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  /** Assigns a profile (null: follow the reseller's default). Throws what the core said. */
  setProfile(profileId: number | null): Promise<void>;
  /** The client's own threshold (null keeps the profile's) and switch for a rule. Throws what the core said. */
  setOverride(kind: RuleKind, threshold: number | null, enabled: boolean): Promise<void>;
  clearOverride(kind: RuleKind): Promise<void>;
}

const sameTarget = (a: ThresholdsTarget | null, b: ThresholdsTarget | null) =>
  !!a && !!b && a.clientId === b.clientId && a.resellerId === b.resellerId && a.currency === b.currency;

export const useThresholds = create<ThresholdsState>((set, get) => {
  // As in the client store: a reload and a "load more" may overlap; each counts what it applied.
  let applied = 0;
  let appended = 0;
  let started = 0;

  async function readAll(target: ThresholdsTarget, limit: number): Promise<void> {
    const mine = ++started;
    const before = appended;
    const [data, profiles, page] = await Promise.all([
      api().call('thresholds.get', { clientId: target.clientId }),
      api().call('profiles.list', { resellerId: target.resellerId, currency: target.currency }),
      api().call('notifications.list', { clientId: target.clientId, limit }),
    ]);
    if (!sameTarget(get().target, target) || mine !== started) return;
    if (appended !== before) return readAll(target, Math.min(MAX_LIMIT, Math.max(PAGE, get().notifications.length)));
    applied++;
    set({ data, profiles, notifications: page.items, cursor: page.nextCursor, loaded: true, error: null });
  }

  async function guarded(target: ThresholdsTarget, limit: number) {
    try {
      await readAll(target, limit);
    } catch (e) {
      if (sameTarget(get().target, target)) set({ error: messageOf(e) });
    }
  }

  function shown(): number {
    return Math.min(MAX_LIMIT, Math.max(PAGE, get().notifications.length));
  }

  return {
    target: null,
    data: null,
    profiles: null,
    notifications: [],
    cursor: null,
    loaded: false,
    loadingMore: false,
    error: null,
    async open(target) {
      const current = get().target;
      if (!sameTarget(current, target)) {
        const sameClient = current?.clientId === target.clientId;
        set({
          target,
          profiles: null,
          ...(sameClient ? {} : { data: null, notifications: [], cursor: null, loaded: false, loadingMore: false, error: null }),
        });
      }
      await guarded(target, sameTarget(current, target) ? shown() : PAGE);
    },
    async reload() {
      const target = get().target;
      if (target) await guarded(target, shown());
    },
    async loadMore() {
      const { target, cursor, loadingMore } = get();
      if (!target || !cursor || loadingMore) return;
      set({ loadingMore: true });
      try {
        let page: ChannelOutput<'notifications.list'>;
        for (;;) {
          const before = applied;
          const from = get().cursor;
          if (!from) return set({ loadingMore: false });
          page = await api().call('notifications.list', { clientId: target.clientId, limit: PAGE, cursor: from });
          if (!sameTarget(get().target, target)) return set({ loadingMore: false });
          if (applied === before) break;
        }
        appended++;
        set((s) => ({ notifications: [...s.notifications, ...page.items], cursor: page.nextCursor, loadingMore: false }));
      } catch (e) {
        set({ loadingMore: false, error: messageOf(e) });
      }
    },
    async setProfile(profileId) {
      const target = get().target;
      if (!target) return;
      // The client store owns the client: it keeps the page's copy of profileId in step.
      if (useClient.getState().id === target.clientId) await useClient.getState().update({ profileId });
      else await api().call('clients.update', { id: target.clientId, profileId });
      await get().reload();
    },
    async setOverride(kind, threshold, enabled) {
      const target = get().target;
      if (!target) return;
      const data = await api().call('thresholds.set', { clientId: target.clientId, kind, threshold, enabled });
      if (sameTarget(get().target, target)) set({ data });
      void useScheduler.getState().syncClock();
      await get().reload();
    },
    async clearOverride(kind) {
      const target = get().target;
      if (!target) return;
      const data = await api().call('thresholds.clear', { clientId: target.clientId, kind });
      if (sameTarget(get().target, target)) set({ data });
      await get().reload();
    },
  };
});
