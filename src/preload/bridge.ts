/**
 * What the preload exposes as window.balanceDesk, without electron so tests can load it. The page gets
 * two functions and nothing else: never ipcRenderer, never an IPC event (event.sender is ipcRenderer,
 * which would let page script send on any channel).
 */
import { channelNames, type ChangeEvent } from '../shared/contracts';
import type { Result } from '../shared/result';
import type { DesktopBridge } from '../renderer/src/api/transport';

/** Sends one contract call to the main process (ipcRenderer.invoke on bd:invoke). */
export type IpcInvoke = (channel: string, input: unknown, session: string | null) => Promise<Result<unknown>>;
/** Subscribes to the main process's change events (bd:change); returns the unsubscribe function. */
export type IpcSubscribe = (listener: (e: ChangeEvent) => void) => () => void;

export function makeBridge(
  invoke: IpcInvoke,
  subscribe: IpcSubscribe,
  allowed: readonly string[] = channelNames,
): DesktopBridge {
  const allow = new Set(allowed);
  return {
    invoke(channel, input, session) {
      // Only contract channels leave the page: script injected into it cannot probe the main process
      // with names of its own choosing.
      if (typeof channel !== 'string' || !allow.has(channel)) {
        return Promise.resolve({
          ok: false,
          error: { kind: 'not_found', message: `there is no channel ${String(channel)}` },
        });
      }
      return invoke(channel, input, typeof session === 'string' ? session : null).catch((e: unknown) => ({
        ok: false as const,
        error: {
          kind: 'internal' as const,
          message: `Balance Desk did not answer: ${(e as Error)?.message ?? String(e)}`,
        },
      }));
    },
    onChange(listener) {
      if (typeof listener !== 'function') return () => {};
      return subscribe((e) => listener(e));
    },
  };
}
