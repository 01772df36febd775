/**
 * Loaded with `--require` before the built main bundle (test/support/electron-standin/desk.ts starts it):
 * `require('electron')` in out/main/index.js then returns the recording stand-in (electron.ts) instead of
 * the electron package, whose binary cannot be installed here. Also answers the test's commands, which
 * stand for what a person or the OS does: a click in the tray, closing the window, a second start, the
 * page fetching a file from app://.
 */
import Module from 'node:module';
import path from 'node:path';
import * as electron from './electron';

const standin = require.resolve('./electron');
type Resolve = (request: string, ...rest: unknown[]) => string;
const mod = Module as unknown as { _resolveFilename: Resolve };
const original = mod._resolveFilename;
mod._resolveFilename = function (request: string, ...rest: unknown[]) {
  if (request === 'electron' || request.startsWith('electron/')) return standin;
  return original.call(this, request, ...rest);
};

// Electron sets process.resourcesPath; the packaged layout reads it.
if (process.env.STANDIN_RESOURCES)
  (process as { resourcesPath?: string }).resourcesPath = process.env.STANDIN_RESOURCES;

type Command =
  | { cmd: 'fetch'; url: string }
  | { cmd: 'invoke'; channel: unknown; input: unknown; frameUrl: string | null; session?: unknown }
  | { cmd: 'close-window' }
  | { cmd: 'window' }
  | { cmd: 'tray'; label: string }
  | { cmd: 'tray-labels' }
  | { cmd: 'second-instance'; argv: string[]; cwd: string; additionalData: unknown }
  | { cmd: 'permission'; permission: string; url: string; isMainFrame: boolean }
  | { cmd: 'headers' };

async function answer(c: Command): Promise<unknown> {
  const win = electron.BrowserWindow.all[0];
  switch (c.cmd) {
    case 'fetch': {
      const handler = electron.schemeHandlers.get(new URL(c.url).protocol.replace(/:$/, ''));
      if (!handler) return { error: `no handler for ${c.url}` };
      const res = await handler({ url: c.url });
      return { status: res.status, headers: Object.fromEntries(res.headers), body: (await res.text()).slice(0, 2000) };
    }
    case 'invoke': {
      const handler = electron.ipcHandlers.get('bd:invoke');
      if (!handler) return { error: 'no bd:invoke handler' };
      return await handler(
        { senderFrame: c.frameUrl === null ? null : { url: c.frameUrl } },
        c.channel,
        c.input,
        c.session,
      );
    }
    case 'close-window': {
      const e = electron.cancellable();
      win.emit('close', e);
      if (!e.defaultPrevented) win.destroy();
      return { prevented: e.defaultPrevented, visible: win.visible, destroyed: win.destroyed };
    }
    case 'window':
      return win ? { visible: win.visible, destroyed: win.destroyed, url: win.webContents.url } : null;
    case 'tray-labels':
      return (electron.TrayStandin.current?.menu?.template ?? []).map(
        (i) => (i as { label?: string; type?: string }).label ?? (i as { type?: string }).type,
      );
    case 'tray': {
      const item = (electron.TrayStandin.current?.menu?.template ?? []).find(
        (i) => (i as { label?: string }).label === c.label,
      ) as { click?: () => void } | undefined;
      if (!item?.click) return { error: `no tray item ${c.label}` };
      item.click();
      return { clicked: c.label };
    }
    case 'second-instance':
      electron.app.emit('second-instance', electron.cancellable(), c.argv, c.cwd, c.additionalData);
      return { emitted: true };
    case 'permission': {
      let granted: unknown;
      electron.sessionHandlers.request?.(win?.webContents, c.permission, (g: boolean) => (granted = g), {
        requestingUrl: c.url,
        isMainFrame: c.isMainFrame,
      });
      const checked = electron.sessionHandlers.check?.(win?.webContents, c.permission, new URL(c.url).origin, {
        requestingUrl: c.url,
        isMainFrame: c.isMainFrame,
      });
      return { granted, checked };
    }
    case 'headers': {
      let out: unknown;
      electron.sessionHandlers.headers?.(
        { url: 'app://balance-desk/index.html', responseHeaders: { 'Content-Type': ['text/html'] } },
        (r: unknown) => (out = r),
      );
      return out;
    }
  }
}

process.on('message', (m: { id?: number; command?: Command }) => {
  if (typeof m?.id !== 'number' || !m.command) return;
  answer(m.command).then(
    (result) => process.connected && process.send!({ id: m.id, result: result ?? null }),
    (e: unknown) => process.connected && process.send!({ id: m.id, error: String((e as Error)?.stack ?? e) }),
  );
});

electron.record('standin.loaded', { main: path.relative(process.cwd(), process.argv[1] ?? '') });
electron.becomeReady();
