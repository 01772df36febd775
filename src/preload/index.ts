/**
 * The preload: wires electron's ipcRenderer to the bridge (src/preload/bridge.ts) and exposes it as
 * window.balanceDesk. It runs sandboxed, so everything it imports is bundled into one file.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CHANGE, IPC_INVOKE } from '../shared/ipc';
import type { ChangeEvent } from '../shared/contracts';
import type { Result } from '../shared/result';
import { makeBridge } from './bridge';

const bridge = makeBridge(
  (channel, input, session) => ipcRenderer.invoke(IPC_INVOKE, channel, input, session) as Promise<Result<unknown>>,
  (listener) => {
    // The IPC event stays here: only the payload reaches the page.
    const handler = (_event: IpcRendererEvent, e: ChangeEvent) => listener(e);
    ipcRenderer.on(IPC_CHANGE, handler);
    return () => {
      ipcRenderer.removeListener(IPC_CHANGE, handler);
    };
  },
);

contextBridge.exposeInMainWorld('balanceDesk', bridge);
