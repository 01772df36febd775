/** Quitting while due work runs (src/main/shell/quit.ts). */
import { describe, expect, it } from 'vitest';
import { quitAfterRunningWork, type QuitSteps } from '../../../src/main/shell/quit';

describe('quitting while due work runs', () => {
  function steps(run: Promise<unknown> | null, waitMs?: number) {
    const calls: string[] = [];
    const s: QuitSteps = {
      stopNewWork: () => calls.push('stop'),
      running: () => run,
      close: () => calls.push('close'),
      quitAgain: () => calls.push('quit again'),
      log: (line) => calls.push(line),
      waitMs,
    };
    const event = () => {
      const e = { prevented: false, preventDefault: () => (e.prevented = true) };
      return e;
    };
    return { calls, onWillQuit: quitAfterRunningWork(s), event };
  }
  const turn = () => new Promise((r) => setTimeout(r, 5));

  it('closes at once when nothing runs', () => {
    const t = steps(null);
    const e = t.event();
    t.onWillQuit(e);
    expect(e.prevented).toBe(false);
    expect(t.calls).toEqual(['stop', 'close']);
  });

  it('holds the quit until the run ends (failed or not), then closes and quits again, once', async () => {
    let finish!: () => void;
    const t = steps(new Promise<void>((_r, reject) => (finish = () => reject(new Error('a charge failed')))));
    const first = t.event();
    t.onWillQuit(first);
    expect(first.prevented).toBe(true);
    expect(t.calls).toEqual(['stop']);
    // Quit clicked again while waiting: still held, no second close.
    const again = t.event();
    t.onWillQuit(again);
    expect(again.prevented).toBe(true);
    await turn();
    expect(t.calls).toEqual(['stop', 'stop']);
    finish();
    await turn();
    expect(t.calls).toEqual(['stop', 'stop', 'close', 'quit again']);
    // The quit asked for again goes through.
    const last = t.event();
    t.onWillQuit(last);
    expect(last.prevented).toBe(false);
    expect(t.calls).toHaveLength(4);
  });

  it('does not wait for ever on a stuck run: it says so and quits', async () => {
    const t = steps(new Promise(() => {}), 20);
    t.onWillQuit(t.event());
    await new Promise((r) => setTimeout(r, 60));
    expect(t.calls).toEqual([
      'stop',
      'balance-desk: due work still running after 0 s; quitting anyway (it resumes at the next start)',
      'close',
      'quit again',
    ]);
  });
});
