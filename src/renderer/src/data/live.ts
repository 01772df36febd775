/**
 * One subscription to the core's change events for the whole window (over HTTP each subscription is an
 * EventSource), fanned out to the screens on view. A screen names the topics it shows and gets one
 * coalesced call per burst: an import of many parts announces a change per part.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { ChangeEvent } from '../../../shared/contracts';
import { api } from '../api/client';
import type { LiveStatus } from '../api/transport';

type Listener = (e: ChangeEvent) => void;
const listeners = new Set<Listener>();
let unsubscribe: (() => void) | undefined;
let status: LiveStatus = 'connecting';
const statusListeners = new Set<() => void>();

function setStatus(next: LiveStatus) {
  status = next;
  statusListeners.forEach((l) => l());
}

/** Adds a listener of every change event (the stream opens with the first, closes after the last). */
export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  if (!unsubscribe) unsubscribe = api().transport.onChange((e) => listeners.forEach((l) => l(e)), setStatus);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && unsubscribe) {
      unsubscribe();
      unsubscribe = undefined;
      setStatus('connecting');
    }
  };
}

/** Whether change events reach this window; keeps the stream open while a component shows it. */
export function useLiveStatus(): LiveStatus {
  useEffect(() => subscribe(() => {}), []);
  return useSyncExternalStore(
    (l) => {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
    () => status,
  );
}

/**
 * Calls `reload` (at most once per `waitMs`) after a change of one of `topics`; with `clientId`, only
 * when the change concerns that client (or does not say which clients it touched).
 */
export function useLiveRefresh(
  topics: readonly ChangeEvent['topic'][],
  reload: () => void,
  clientId?: number,
  waitMs = 250,
): void {
  const latest = useRef(reload);
  latest.current = reload;
  const key = topics.join(',');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe((e) => {
      if (!key.split(',').includes(e.topic)) return;
      if (clientId !== undefined && e.clientIds && !e.clientIds.includes(clientId)) return;
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        latest.current();
      }, waitMs);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [key, clientId, waitMs]);
}
