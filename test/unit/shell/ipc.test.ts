/** The IPC handler (src/main/shell/ipc.ts) in front of a real core: the sender check, envelopes, change events. */
import { EventEmitter } from 'node:events';
import type { IpcMain } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_URL } from '../../../src/main/shell/protocol';
import { invokeHandler, wireIpc } from '../../../src/main/shell/ipc';
import { IPC_CHANGE, IPC_INVOKE } from '../../../src/shared/ipc';
import type { ChangeEvent } from '../../../src/shared/contracts';
import { createCore, type Core } from '../../../src/main/core';

describe('IPC sender check', () => {
  describe('in front of a real core', () => {
    let core: Core;
    beforeAll(() => {
      core = createCore({ file: ':memory:', host: 'desktop' });
    });
    afterAll(() => core.close());

    it('refuses untrusted senders without reaching the core', async () => {
      const call = vi.spyOn(core, 'call');
      const handle = invokeHandler({ core, appUrl: APP_URL });
      for (const senderFrame of [null, { url: 'https://evil.example/' }, { url: 'app://elsewhere/index.html' }]) {
        const r = await handle({ senderFrame } as never, 'app.info', {});
        expect(r).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
      }
      expect(call).not.toHaveBeenCalled();
      call.mockRestore();
    });

    it('passes trusted calls to the core with the desk as actor', async () => {
      const call = vi.spyOn(core, 'call');
      const handle = invokeHandler({ core, appUrl: APP_URL });
      const r = await handle({ senderFrame: { url: APP_URL } } as never, 'app.info', {});
      expect(r).toMatchObject({ ok: true, value: { host: 'desktop', version: expect.any(String) } });
      expect(call).toHaveBeenCalledWith('app.info', {}, { actor: 'desk', session: null });
      // The window's session token goes to the core as sent; anything but text counts as none.
      await handle({ senderFrame: { url: APP_URL } } as never, 'app.info', {}, 'f00d');
      expect(call).toHaveBeenLastCalledWith('app.info', {}, { actor: 'desk', session: 'f00d' });
      await handle({ senderFrame: { url: APP_URL } } as never, 'app.info', {}, { token: 'f00d' });
      expect(call).toHaveBeenLastCalledWith('app.info', {}, { actor: 'desk', session: null });
      expect(await handle({ senderFrame: { url: APP_URL } } as never, 'no.such', {})).toMatchObject({
        ok: false,
        error: { kind: 'not_found' },
      });
      expect(await handle({ senderFrame: { url: APP_URL } } as never, 42, {})).toMatchObject({
        ok: false,
        error: { kind: 'not_found' },
      });
      call.mockRestore();
    });

    it('turns a thrown exception into an internal envelope', async () => {
      const handle = invokeHandler({
        core: { call: () => Promise.reject(new Error('disk on fire')), onChange: () => () => {} },
        appUrl: APP_URL,
      });
      const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
      expect(await handle({ senderFrame: { url: APP_URL } } as never, 'app.info', {})).toMatchObject({
        ok: false,
        error: { kind: 'internal' },
      });
      spy.mockRestore();
    });
  });

  it('wires bd:invoke and forwards change events to a live window only', async () => {
    const handlers = new Map<string, (...a: unknown[]) => unknown>();
    const ipcMain = {
      handle: (ch: string, h: (...a: unknown[]) => unknown) => handlers.set(ch, h),
      removeHandler: (ch: string) => handlers.delete(ch),
    };
    const changes = new EventEmitter();
    const core = {
      call: vi.fn(async () => ({ ok: true as const, value: 'done' })),
      onChange: (l: (e: ChangeEvent) => void) => {
        changes.on('change', l);
        return () => changes.off('change', l);
      },
    };
    const contents = { send: vi.fn(), isDestroyed: vi.fn(() => false) };
    const dispose = wireIpc({ ipcMain: ipcMain as unknown as IpcMain, core, appUrl: APP_URL, target: () => contents });

    expect([...handlers.keys()]).toEqual([IPC_INVOKE]);
    expect(await handlers.get(IPC_INVOKE)!({ senderFrame: { url: APP_URL } }, 'clients.list', { q: 'a' })).toEqual({
      ok: true,
      value: 'done',
    });
    expect(
      await handlers.get(IPC_INVOKE)!({ senderFrame: { url: 'https://evil.example/' } }, 'clients.list', {}),
    ).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(core.call).toHaveBeenCalledTimes(1);

    changes.emit('change', { topic: 'ledger', clientIds: [7] });
    expect(contents.send).toHaveBeenCalledWith(IPC_CHANGE, { topic: 'ledger', clientIds: [7] });
    contents.isDestroyed.mockReturnValue(true);
    changes.emit('change', { topic: 'clients' });
    expect(contents.send).toHaveBeenCalledTimes(1);

    dispose();
    expect(handlers.size).toBe(0);
    expect(changes.listenerCount('change')).toBe(0);
  });
});
