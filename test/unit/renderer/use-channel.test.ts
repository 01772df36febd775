/**
 * The cache behind useChannel (src/renderer/src/data/cache.ts), driven with a fake core whose answers the
 * test releases one by one, and fake change events: the newest read wins when two overlap, a change event
 * of a staleOn topic (the contracts' own lists) reads again, another topic does not, nor an event about
 * another client; a cursor list pages in and a refresh keeps the place.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { contracts, type ChangeEvent } from '../../../src/shared/contracts';
import { createCache, keyOf, type Cache } from '../../../src/renderer/src/data/cache';

interface Pending {
  channel: string;
  input: Record<string, unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

const staleOn = (channel: string) => contracts.find((c) => c.name === channel)?.staleOn ?? [];

describe('the renderer cache behind useChannel', () => {
  let calls: Pending[];
  let listeners: Set<(e: ChangeEvent) => void>;
  let cache: Cache;
  const emit = (e: ChangeEvent) => listeners.forEach((l) => l(e));
  /** Lets the awaits after an answer run. */
  const settle = () => vi.advanceTimersByTimeAsync(0);

  beforeEach(() => {
    vi.useFakeTimers();
    calls = [];
    listeners = new Set();
    cache = createCache({
      call: (channel, input) =>
        new Promise((resolve, reject) =>
          calls.push({ channel, input: input as Record<string, unknown>, resolve, reject }),
        ),
      subscribe(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      staleOn,
    });
  });
  afterEach(() => vi.useRealTimers());

  it('the contracts say what makes a client stale', () => {
    expect(staleOn('clients.get')).toEqual(['clients', 'ledger', 'holds', 'thresholds']);
  });

  it('keeps the newest answer when two reads overlap, whichever comes back first', async () => {
    const key = keyOf('clients.get', { id: 7 });
    const release = cache.watch({ channel: 'clients.get', input: { id: 7 }, clientId: 7 });
    expect(calls).toHaveLength(1);
    void cache.refresh(key);
    expect(calls).toHaveLength(2);
    // The newer read answers first; the older one, coming back later, is dropped.
    calls[1].resolve({ id: 7, name: 'new' });
    await settle();
    calls[0].resolve({ id: 7, name: 'old' });
    await settle();
    expect(cache.get(key)).toMatchObject({ data: { name: 'new' }, loading: false, error: null });
    release();
  });

  it('keeps the data shown while a refresh fails, with the error', async () => {
    const key = keyOf('clients.get', { id: 7 });
    const release = cache.watch({ channel: 'clients.get', input: { id: 7 } });
    calls[0].resolve({ id: 7, name: 'shown' });
    await settle();
    void cache.refresh(key);
    expect(cache.get(key)).toMatchObject({ data: { name: 'shown' }, loading: true });
    calls[1].reject(Object.assign(new Error('cannot reach the ledger'), { kind: 'internal' }));
    await settle();
    expect(cache.get(key)).toMatchObject({ data: { name: 'shown' }, loading: false, error: 'cannot reach the ledger' });
    release();
  });

  it('reads again after a change event of a staleOn topic, once for a burst', async () => {
    const release = cache.watch({ channel: 'clients.get', input: { id: 7 }, clientId: 7 });
    calls[0].resolve({ id: 7 });
    await settle();
    emit({ topic: 'ledger', clientIds: [7] });
    emit({ topic: 'holds', clientIds: [7] });
    emit({ topic: 'ledger' });
    await vi.advanceTimersByTimeAsync(300);
    expect(calls.map((c) => c.channel)).toEqual(['clients.get', 'clients.get']);
    release();
  });

  it('does not read again after a change of another topic', async () => {
    const release = cache.watch({ channel: 'clients.get', input: { id: 7 }, clientId: 7 });
    calls[0].resolve({ id: 7 });
    await settle();
    emit({ topic: 'mail' });
    emit({ topic: 'charges', clientIds: [7] });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(1);
    release();
  });

  it('does not read again after a change that names other clients only', async () => {
    const release = cache.watch({ channel: 'clients.get', input: { id: 7 }, clientId: 7 });
    calls[0].resolve({ id: 7 });
    await settle();
    emit({ topic: 'ledger', clientIds: [8, 9] });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(1);
    release();
    // Nor once nobody watches it.
    emit({ topic: 'ledger', clientIds: [7] });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(1);
  });

  it('reads once for two screens showing the same thing, and once per event', async () => {
    const a = cache.watch({ channel: 'stripe.get', input: {} });
    const b = cache.watch({ channel: 'stripe.get', input: {}, fresh: Infinity });
    expect(calls).toHaveLength(1);
    calls[0].resolve({ source: 'none' });
    await settle();
    emit({ topic: 'stripe' });
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toHaveLength(2);
    a();
    b();
  });

  it('drops a read started before a change put its answer in place', async () => {
    const key = keyOf('recharge.get', { clientId: 3 });
    const release = cache.watch({ channel: 'recharge.get', input: { clientId: 3 } });
    cache.put('recharge.get', { clientId: 3 }, { mode: 'auto' });
    calls[0].resolve({ mode: 'off' });
    await settle();
    expect(cache.get(key).data).toEqual({ mode: 'auto' });
    release();
  });

  it('pages a cursor list in, and a refresh re-reads as many rows as are shown from the top', async () => {
    const key = keyOf('charges.list', { clientId: 3 }, 2);
    const release = cache.watch({ channel: 'charges.list', input: { clientId: 3 }, page: 2 });
    expect(calls[0].input).toEqual({ clientId: 3, limit: 2 });
    calls[0].resolve({ items: [1, 2], nextCursor: 'c2' });
    await settle();
    void cache.loadMore(key);
    expect(calls[1].input).toEqual({ clientId: 3, limit: 2, cursor: 'c2' });
    calls[1].resolve({ items: [3, 4], nextCursor: 'c4' });
    await settle();
    expect(cache.get(key).data).toEqual({ items: [1, 2, 3, 4], nextCursor: 'c4' });
    emit({ topic: 'charges', clientIds: [3] });
    await vi.advanceTimersByTimeAsync(300);
    expect(calls[2].input).toEqual({ clientId: 3, limit: 4 });
    calls[2].resolve({ items: [0, 1, 2, 3], nextCursor: 'c3' });
    await settle();
    expect(cache.get(key).data).toEqual({ items: [0, 1, 2, 3], nextCursor: 'c3' });
    release();
  });

  it('a page appended while a refresh is on the way makes the refresh read again as many rows', async () => {
    const key = keyOf('notifications.list', {}, 2);
    const release = cache.watch({ channel: 'notifications.list', input: {}, page: 2 });
    calls[0].resolve({ items: [1, 2], nextCursor: 'c2' });
    await settle();
    void cache.refresh(key);
    void cache.loadMore(key);
    calls[2].resolve({ items: [3, 4], nextCursor: null });
    await settle();
    calls[1].resolve({ items: [1, 2], nextCursor: 'c2' });
    await settle();
    expect(calls[3].input).toEqual({ limit: 4 });
    calls[3].resolve({ items: [1, 2, 3, 4], nextCursor: null });
    await settle();
    expect(cache.get(key).data).toEqual({ items: [1, 2, 3, 4], nextCursor: null });
    release();
  });
});
