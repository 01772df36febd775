/** The preload bridge and its allowlist (src/preload/bridge.ts, src/preload/index.ts), and the built preload bundle. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { makeBridge } from '../../../src/preload/bridge';
import { channelNames, type ChangeEvent } from '../../../src/shared/contracts';
import { root } from './helpers';

describe('preload bridge', () => {
  const ok = { ok: true as const, value: 1 };

  it('lets through exactly the contract channels', async () => {
    const invoke = vi.fn(async () => ok);
    const bridge = makeBridge(invoke, () => () => {});
    expect(channelNames.length).toBeGreaterThan(5);
    for (const channel of channelNames) expect(await bridge.invoke(channel, {}, null)).toEqual(ok);
    expect(invoke.mock.calls.map((c) => (c as unknown[])[0])).toEqual([...channelNames]);

    // The session token goes along as the third argument, and only as text.
    invoke.mockClear();
    await bridge.invoke('session.get', {}, 'abc');
    await bridge.invoke('session.get', {}, { token: 'abc' } as never);
    expect(invoke.mock.calls.map((c) => (c as unknown[])[2])).toEqual(['abc', null]);

    invoke.mockClear();
    for (const channel of [
      'bd:invoke',
      'bd:change',
      'constructor',
      '__proto__',
      'clients',
      'app.info ',
      'shell.openExternal',
      42,
      null,
    ]) {
      expect(await bridge.invoke(channel as string, {}, null), String(channel)).toMatchObject({
        ok: false,
        error: { kind: 'not_found' },
      });
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('exposes two functions and nothing else', () => {
    const bridge = makeBridge(
      async () => ok,
      () => () => {},
    );
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onChange']);
  });

  it('turns a failed IPC call into an envelope', async () => {
    const bridge = makeBridge(
      () => Promise.reject(new Error('gone')),
      () => () => {},
    );
    expect(await bridge.invoke(channelNames[0], {}, null)).toMatchObject({ ok: false, error: { kind: 'internal' } });
  });

  it('passes change payloads to listeners and unsubscribes', () => {
    const listeners = new Set<(e: ChangeEvent) => void>();
    const bridge = makeBridge(
      async () => ok,
      (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    );
    const seen: ChangeEvent[] = [];
    const off = bridge.onChange((e) => seen.push(e));
    for (const l of listeners) l({ topic: 'ledger' });
    expect(seen).toEqual([{ topic: 'ledger' }]);
    off();
    expect(listeners.size).toBe(0);
    expect(() => bridge.onChange('nope' as never)()).not.toThrow();
  });

  it('src/preload/index.ts uses the default allowlist and never exposes ipcRenderer', () => {
    const text = fs.readFileSync(path.join(root, 'src/preload/index.ts'), 'utf8');
    expect(text).toMatch(/exposeInMainWorld\('balanceDesk', bridge\)/);
    expect(text).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    // Two arguments only: a third would replace channelNames as the allowlist.
    expect(text).toMatch(/makeBridge\(\s*\(channel, input, session\)/);
    expect(text).not.toMatch(/channelNames/);
  });

  const built = path.join(root, 'out/preload/index.js');
  it.skipIf(!fs.existsSync(built))(
    'the built preload is CommonJS requiring only electron (a sandboxed preload can load nothing else)',
    () => {
      const text = fs.readFileSync(built, 'utf8');
      const requires = [...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
      expect(new Set(requires)).toEqual(new Set(['electron']));
      expect(text).not.toMatch(/^\s*(import|export)\s/m);
      expect(text).toContain('exposeInMainWorld');
    },
  );
});
