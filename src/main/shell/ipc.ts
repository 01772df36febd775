/**
 * The IPC bridge in the main process: one handler for every contract channel, and the core's change
 * events pushed to the window. Pure (types only from electron), so tests drive it with fakes.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { Core } from '../core';
import { IPC_CHANGE, IPC_INVOKE } from '../../shared/ipc';
import type { Result } from '../../shared/result';
import { isTrustedSender } from './security';

export interface IpcWiring {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  core: Pick<Core, 'call' | 'onChange'>;
  /** The app's own page; only frames showing it may call the core. */
  appUrl: string;
  /** The window's webContents, when there is one to tell about changes. */
  target: () => Pick<WebContents, 'send' | 'isDestroyed'> | null | undefined;
  /** Who the audit log names for calls from this desk. */
  actor?: string;
}

export type InvokeHandler = (
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  channel: unknown,
  input: unknown,
  session?: unknown,
) => Promise<Result<unknown>>;

export function invokeHandler(w: Pick<IpcWiring, 'core' | 'appUrl' | 'actor'>): InvokeHandler {
  return async (event, channel, input, session) => {
    // Any frame that reaches ipcRenderer (an iframe, a page navigated to by a bug) could otherwise post
    // money entries; only the app's own page is served. senderFrame is null once the frame is gone.
    if (!isTrustedSender(event.senderFrame?.url, w.appUrl)) {
      return { ok: false, error: { kind: 'forbidden', message: 'this page may not use Balance Desk' } };
    }
    if (typeof channel !== 'string') {
      return { ok: false, error: { kind: 'not_found', message: 'a channel name is required' } };
    }
    try {
      // The staff member signed in at this window (session.signIn), or null: the core decides what that may do.
      return await w.core.call(channel, input, {
        actor: w.actor ?? 'desk',
        session: typeof session === 'string' && session ? session : null,
      });
    } catch (e) {
      // A raw exception would cross IPC as a bare string with our internals in it; send an envelope.
      console.error(`balance-desk: ${channel} failed`, e);
      return {
        ok: false,
        error: { kind: 'internal', message: 'Balance Desk could not complete this request; see the log' },
      };
    }
  };
}

/** Installs the handler and the change forwarding; returns the function that removes both. */
export function wireIpc(w: IpcWiring): () => void {
  w.ipcMain.handle(IPC_INVOKE, invokeHandler(w));
  const unsubscribe = w.core.onChange((e) => {
    const contents = w.target();
    if (contents && !contents.isDestroyed()) contents.send(IPC_CHANGE, e);
  });
  return () => {
    unsubscribe();
    w.ipcMain.removeHandler(IPC_INVOKE);
  };
}
