/** The OS notification and the tray count for failed charges (src/main/shell/charge-alerts.ts), driven by fake change events. */
import { describe, expect, it } from 'vitest';
import { failureNotice, waitingLabel, watchChargeFailures } from '../../../src/main/shell/charge-alerts';
import type { Charge, ChangeEvent } from '../../../src/shared/contracts';
import type { Result } from '../../../src/shared/result';

describe('failed charges: the OS notification and the tray', () => {
  const charge = (id: number, over: Partial<Charge> = {}): Charge => ({
    id,
    clientId: id,
    clientName: `Client ${id}`,
    clientRef: `C-${id}`,
    amount: 5000,
    currency: 'USD',
    origin: 'auto',
    status: 'failed',
    method: 'Visa •••• 0002',
    methodId: 1,
    reason: 'Your card was declined.',
    paymentIntent: null,
    entryId: null,
    actor: 'scheduler',
    createdAt: '2026-11-21T09:00:00.000Z',
    updatedAt: '2026-11-21T09:00:00.000Z',
    tries: [],
    waitingSince: null,
    retryable: true,
    ...over,
  });

  /** A core whose waiting attempts the test sets, and whose change events it sends. */
  function fakeCore() {
    const listeners = new Set<(e: ChangeEvent) => void>();
    const state = { waiting: [] as Charge[], more: false, fail: false };
    const inputs: unknown[] = [];
    return {
      state,
      inputs,
      emit: (e: ChangeEvent) => listeners.forEach((l) => l(e)),
      listeners,
      core: {
        call: async (channel: string, input: unknown, opts?: unknown): Promise<Result<unknown>> => {
          inputs.push({ channel, input, opts });
          if (state.fail) return { ok: false, error: { kind: 'internal', message: 'database is locked' } };
          return { ok: true, value: { items: [...state.waiting], nextCursor: state.more ? 'next' : null } };
        },
        onChange: (l: (e: ChangeEvent) => void) => {
          listeners.add(l);
          return () => listeners.delete(l);
        },
      },
    };
  }
  const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

  it('counts what waits at the start without announcing it, then announces each new automatic failure once', async () => {
    const f = fakeCore();
    f.state.waiting = [charge(2), charge(1)];
    const notes: { title: string; body: string; onClick(): void }[] = [];
    const counts: [number, boolean][] = [];
    let opened = 0;
    const stop = watchChargeFailures({
      core: f.core,
      notify: (n) => notes.push(n),
      openFailed: () => opened++,
      onWaiting: (c, m) => counts.push([c, m]),
      settleMs: 5,
    });
    await tick();
    expect(counts).toEqual([[2, false]]);
    expect(notes).toEqual([]);
    // Read as a viewer, in the process: the failed and needing-the-client attempts, latest per client.
    expect(f.inputs[0]).toEqual({
      channel: 'charges.list',
      input: { awaitingRetry: true, limit: 100 },
      opts: { actor: 'desk', role: 'viewer' },
    });

    // Two fail (one needs the client), a staff Retry fails too; other topics are ignored.
    f.state.waiting = [
      charge(5, { origin: 'retry' }),
      charge(4, { status: 'requires_action', reason: 'The bank asks the client to authenticate.' }),
      charge(3),
      charge(2),
      charge(1),
    ];
    f.emit({ topic: 'ledger' });
    await tick();
    expect(counts).toHaveLength(1);
    f.emit({ topic: 'charges' });
    f.emit({ topic: 'charges' });
    await tick();
    expect(counts.at(-1)).toEqual([5, false]);
    expect(notes.map((n) => n.title)).toEqual([
      'Automatic top-up failed: Client 3 (C-3)',
      'Top-up needs the client: Client 4 (C-4)',
    ]);
    expect(notes[0].body).toBe('$50.00 on Visa •••• 0002: Your card was declined. Open Charges to Retry.');
    notes[0].onClick();
    expect(opened).toBe(1);

    // Nothing new: nothing announced again. One retried away: the count drops.
    f.state.waiting = f.state.waiting.slice(1);
    f.emit({ topic: 'charges' });
    await tick();
    expect(notes).toHaveLength(2);
    expect(counts.at(-1)).toEqual([4, false]);

    // A read that fails is logged and the next change reads again.
    f.state.fail = true;
    f.emit({ topic: 'charges' });
    await tick();
    f.state.fail = false;
    f.state.more = true;
    f.emit({ topic: 'charges' });
    await tick();
    expect(counts.at(-1)).toEqual([4, true]);

    stop();
    expect(f.listeners.size).toBe(0);
  });

  it('words the tray line and the notification', () => {
    expect(waitingLabel(0, false)).toBe('No failed charge is waiting');
    expect(waitingLabel(1, false)).toBe('1 failed charge waiting for Retry');
    expect(waitingLabel(3, false)).toBe('3 failed charges waiting for Retry');
    expect(waitingLabel(100, true)).toBe('100+ failed charges waiting for Retry');
    expect(
      failureNotice(
        charge(1, { method: null, amount: 150000, currency: 'EUR', reason: 'No payment method is set up' }),
      ),
    ).toEqual({
      title: 'Automatic top-up failed: Client 1 (C-1)',
      body: '€1,500.00: No payment method is set up. Open Charges to Retry.',
    });
  });
});
