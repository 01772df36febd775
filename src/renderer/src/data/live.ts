/**
 * One subscription to the core's change events for the whole window (over HTTP each subscription is an
 * EventSource), fanned out to the screens on view. A screen names the topics it shows and gets one
 * coalesced call per burst: an import of many parts announces a change per part.
 */
import { useEffect, useRef } from 'react';
import type { ChangeEvent, ChangeTopic } from '../../../shared/contracts';
import { api, currentSession, onSessionChange } from '../api/client';
import { setStream, useConnection } from '../api/connection';
import type { LiveStatus } from '../api/transport';
import { allTopics } from './stale-on';

type Listener = (e: ChangeEvent) => void;
const listeners = new Set<Listener>();
let unsubscribe: (() => void) | undefined;
let status: LiveStatus = 'connecting';

const fanOut = (e: ChangeEvent) => listeners.forEach((l) => l(e));

function setStatus(next: LiveStatus) {
  const before = status;
  status = next;
  setStream(next);
  if (next === 'live' && (before === 'reconnecting' || before === 'refused')) {
    // Back after a gap: what changed meanwhile was never announced here, so every screen reads again.
    for (const topic of allTopics()) fanOut({ topic: topic as ChangeTopic });
  }
  // The server answers but will not stream to this session: a call finds out whether it ended (then the
  // window asks who is there, api/client.ts) or whether the stream only dropped (it is tried again).
  if (next === 'refused')
    void api()
      .call('session.get', {})
      .catch(() => undefined);
}

function open() {
  unsubscribe = api().transport.onChange(fanOut, setStatus, currentSession());
}

// Signed in or out: the stream speaks for the new session (over HTTP, /events?session=).
onSessionChange(() => {
  if (!unsubscribe) return;
  unsubscribe();
  open();
});

/** Adds a listener of every change event (the stream opens with the first, closes after the last). */
export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  if (!unsubscribe) open();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && unsubscribe) {
      unsubscribe();
      unsubscribe = undefined;
      status = 'connecting';
      setStream('connecting');
    }
  };
}

/** Whether change events reach this window; keeps the stream open while a component shows it. */
export function useLiveStatus(): LiveStatus {
  useEffect(() => subscribe(() => {}), []);
  return useConnection((s) => s.stream);
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
