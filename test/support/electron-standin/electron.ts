/**
 * A recording stand-in for the `electron` module, so that the built main bundle (out/main/index.js) runs in
 * plain Node, where no Electron binary exists. It implements only what src/main/index.ts and
 * src/main/shell/ call, and as Electron 45 behaves where the app depends on it: cancellable events
 * (before-quit, close, will-quit), the quit sequence, the single-instance lock, safeStorage (sync and
 * async). Every call the app makes is recorded and sent to the test (process.send); the test drives the
 * app through the commands in register.ts.
 *
 * Set by the test through the environment (all optional):
 *   STANDIN_PACKAGED=1          app.isPackaged
 *   STANDIN_APP_PATH            app.getAppPath() (default: the working directory)
 *   STANDIN_USER_DATA           app.getPath('userData'); also 'downloads' is STANDIN_USER_DATA/Downloads
 *   STANDIN_FAIL_LOADS=N        the first N loadURL calls reject, as a page that fails to load does
 *   STANDIN_LOCK_HELD=1         requestSingleInstanceLock answers false (another desk holds it)
 *   STANDIN_KEYCHAIN=none       safeStorage has no keychain (isEncryptionAvailable false)
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export interface Rec {
  type: string;
  [k: string]: unknown;
}

/** Everything the app did, in order. */
export const records: Rec[] = [];

/** JSON-safe copy (functions named, not dropped, so a test sees a click handler was given). */
function plain(v: unknown, depth = 0): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'function') return '[function]';
  if (typeof v !== 'object') return v as Json;
  if (depth > 6) return '[deep]';
  if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
  if (v instanceof MenuStandin) return { menu: plain(v.template, depth + 1) };
  if (v instanceof ImageStandin) return { image: v.path };
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x, depth + 1)]));
}

export function record(type: string, fields: Record<string, unknown> = {}): void {
  const r: Rec = { type, ...(plain(fields) as Record<string, Json>) };
  records.push(r);
  if (process.send && process.connected) process.send({ record: r });
}

/** An Electron-style event whose default a listener may prevent. */
export function cancellable(extra: Record<string, unknown> = {}) {
  const e = {
    ...extra,
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
  };
  return e;
}

// ---- app ---------------------------------------------------------------------------------------------

let readyResolve!: () => void;
const ready = new Promise<void>((r) => (readyResolve = r));
const paths: Record<string, string> = {};
const userData = process.env.STANDIN_USER_DATA ?? path.join(process.cwd(), '.standin-user-data');
paths.userData = userData;
paths.downloads = path.join(userData, 'Downloads');
paths.appData = path.dirname(userData);
let quitting = false;

class App extends EventEmitter {
  readonly isPackaged = process.env.STANDIN_PACKAGED === '1';
  /** The single-instance lock's additionalData, as Electron hands it to the first instance. */
  lockData: unknown = undefined;
  getAppPath() {
    return process.env.STANDIN_APP_PATH ?? process.cwd();
  }
  getPath(name: string) {
    const p = paths[name];
    if (!p) throw new Error(`stand-in: app.getPath('${name}') is not provided`);
    return p;
  }
  setPath(name: string, value: string) {
    if (isReady) throw new Error(`stand-in: app.setPath('${name}') after ready (Electron requires it before)`);
    paths[name] = value;
    record('app.setPath', { name, value });
  }
  whenReady() {
    return ready;
  }
  isReady() {
    return isReady;
  }
  setAppUserModelId(id: string) {
    record('app.setAppUserModelId', { id });
  }
  requestSingleInstanceLock(additionalData?: unknown) {
    // Electron scopes the lock to the userData folder at the time of the call.
    const held = process.env.STANDIN_LOCK_HELD === '1';
    this.lockData = additionalData;
    record('app.requestSingleInstanceLock', { additionalData, userData: paths.userData, granted: !held });
    return !held;
  }
  quit() {
    record('app.quit');
    if (quitting) return;
    quitting = true;
    // Electron runs the quit sequence on later turns, not inside the caller.
    setImmediate(() => runQuit());
  }
  exit(code = 0) {
    record('app.exit', { code });
    // Electron ends the process at once here, with no quit events.
    if (process.send && process.connected) process.send({ exited: code }, () => process.exit(code));
    else process.exit(code);
  }
}
export const app = new App();
let isReady = false;

function runQuit() {
  const stop = (why: string) => {
    record('quit.cancelled', { by: why });
    quitting = false;
  };
  const before = cancellable();
  app.emit('before-quit', before);
  if (before.defaultPrevented) return stop('before-quit');
  for (const w of BrowserWindowStandin.all) {
    if (w.destroyed) continue;
    const e = cancellable();
    w.emit('close', e);
    if (e.defaultPrevented) return stop('close');
    w.destroy();
  }
  const will = cancellable();
  app.emit('will-quit', will);
  record('app.will-quit', { prevented: will.defaultPrevented });
  if (will.defaultPrevented) return stop('will-quit');
  app.emit('quit', cancellable(), 0);
  record('app.quit-done');
  finish(0);
}

/**
 * The end of the process, as Electron's would be, but without killing it: the channel to the test is closed
 * and the process must then end by itself. Anything the app left running (a timer, a socket, a database
 * handle's work) keeps it alive, and the watchdog names it and exits with 99.
 */
function finish(code: number) {
  process.exitCode = code;
  const watchdog = setTimeout(
    () => {
      const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
      process.stderr.write(`stand-in: the app left work running after it quit: ${left.join(', ')}\n`);
      process.exit(99);
    },
    Number(process.env.STANDIN_EXIT_WAIT_MS ?? 3000),
  );
  watchdog.unref();
  if (process.send && process.connected) process.send({ exited: code }, () => process.disconnect());
}

/** Called by register.ts once the bundle has loaded: Electron emits 'ready' after the main script ran. */
export function becomeReady() {
  setImmediate(() => {
    isReady = true;
    record('app.ready');
    app.emit('ready');
    readyResolve();
  });
}

// ---- protocol, session ---------------------------------------------------------------------------------

export const schemeHandlers = new Map<string, (request: { url: string }) => Promise<Response>>();
export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]) {
    if (isReady) throw new Error('stand-in: registerSchemesAsPrivileged after ready (Electron requires it before)');
    record('protocol.registerSchemesAsPrivileged', { schemes });
  },
  handle(scheme: string, handler: (request: { url: string }) => Promise<Response>) {
    if (!isReady) throw new Error('stand-in: protocol.handle before ready');
    schemeHandlers.set(scheme, handler);
    record('protocol.handle', { scheme });
  },
};

type Handler = (...a: unknown[]) => unknown;
export const sessionHandlers: { request?: Handler; check?: Handler; device?: Handler; headers?: Handler } = {};
export const session = {
  defaultSession: {
    setPermissionRequestHandler(h: Handler) {
      sessionHandlers.request = h;
      record('session.setPermissionRequestHandler');
    },
    setPermissionCheckHandler(h: Handler) {
      sessionHandlers.check = h;
      record('session.setPermissionCheckHandler');
    },
    setDevicePermissionHandler(h: Handler) {
      sessionHandlers.device = h;
      record('session.setDevicePermissionHandler');
    },
    webRequest: {
      onHeadersReceived(h: Handler) {
        sessionHandlers.headers = h;
        record('session.webRequest.onHeadersReceived');
      },
    },
  },
};

// ---- windows ---------------------------------------------------------------------------------------------

let failLoads = Number(process.env.STANDIN_FAIL_LOADS ?? 0);

class WebContentsStandin extends EventEmitter {
  url = '';
  destroyed = false;
  openHandler?: Handler;
  constructor(readonly id: number) {
    super();
  }
  setWindowOpenHandler(h: Handler) {
    this.openHandler = h;
  }
  getURL() {
    return this.url;
  }
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, payload: unknown) {
    record('webContents.send', { channel, payload });
  }
  sendInputEvent(e: unknown) {
    record('webContents.sendInputEvent', { event: e });
  }
}

export class BrowserWindowStandin extends EventEmitter {
  static all: BrowserWindowStandin[] = [];
  readonly webContents: WebContentsStandin;
  destroyed = false;
  visible = false;
  minimized = false;
  maximized = false;
  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    const preload = (options.webPreferences as { preload?: string } | undefined)?.preload;
    this.webContents = new WebContentsStandin(BrowserWindowStandin.all.length + 1);
    BrowserWindowStandin.all.push(this);
    record('BrowserWindow.new', { options, preloadExists: typeof preload === 'string' && fs.existsSync(preload) });
    app.emit('web-contents-created', cancellable(), this.webContents);
  }
  async loadURL(url: string) {
    record('BrowserWindow.loadURL', { url });
    await new Promise((r) => setImmediate(r));
    if (failLoads > 0) {
      failLoads--;
      // What Electron rejects with when the page cannot be loaded (ERR_FAILED, a missing file…).
      throw Object.assign(new Error(`ERR_FAILED (-2) loading '${url}'`), { code: 'ERR_FAILED', errno: -2, url });
    }
    this.webContents.url = url;
    this.emit('ready-to-show');
  }
  show() {
    this.visible = true;
    record('BrowserWindow.show');
  }
  hide() {
    this.visible = false;
    record('BrowserWindow.hide');
  }
  focus() {
    record('BrowserWindow.focus');
  }
  isVisible() {
    return this.visible;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  maximize() {
    this.maximized = true;
  }
  isMaximized() {
    return this.maximized;
  }
  getNormalBounds() {
    return { x: 0, y: 0, width: Number(this.options.width ?? 1280), height: Number(this.options.height ?? 820) };
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    record('BrowserWindow.destroy');
    this.emit('closed');
  }
}
export { BrowserWindowStandin as BrowserWindow };

// ---- IPC, menus, tray ------------------------------------------------------------------------------------

export const ipcHandlers = new Map<string, Handler>();
export const ipcMain = {
  handle(channel: string, h: Handler) {
    if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcHandlers.set(channel, h);
    record('ipcMain.handle', { channel });
  },
  removeHandler(channel: string) {
    ipcHandlers.delete(channel);
    record('ipcMain.removeHandler', { channel });
  },
};

class MenuStandin {
  constructor(readonly template: unknown[]) {}
}
export const Menu = {
  buildFromTemplate: (template: unknown[]) => new MenuStandin(template),
  setApplicationMenu(menu: MenuStandin | null) {
    record('Menu.setApplicationMenu', {
      labels: menu
        ? menu.template.map((m) => (m as { label?: string; role?: string }).label ?? (m as { role?: string }).role)
        : null,
    });
  },
};

class ImageStandin {
  constructor(readonly path: string) {}
  resize() {
    return this;
  }
  isEmpty() {
    return !fs.existsSync(this.path);
  }
}
export const nativeImage = { createFromPath: (p: string) => new ImageStandin(p) };

export class TrayStandin extends EventEmitter {
  static current: TrayStandin | null = null;
  destroyed = false;
  menu: MenuStandin | null = null;
  constructor(readonly image: ImageStandin) {
    super();
    TrayStandin.current = this;
    record('Tray.new', { icon: image.path, iconExists: !image.isEmpty() });
  }
  setToolTip(text: string) {
    record('Tray.setToolTip', { text });
  }
  setContextMenu(menu: MenuStandin) {
    this.menu = menu;
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    record('Tray.destroy');
  }
}
export { TrayStandin as Tray };

// ---- the rest ----------------------------------------------------------------------------------------------

export const nativeTheme = { themeSource: 'system' as 'system' | 'light' | 'dark' };

export class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  constructor(readonly options: unknown) {
    super();
  }
  show() {
    record('Notification.show', { options: this.options });
  }
}

export const dialog = {
  showErrorBox(title: string, content: string) {
    record('dialog.showErrorBox', { title, content });
  },
  async showMessageBox(...args: unknown[]) {
    const options = args.find((a) => a && typeof a === 'object' && 'message' in (a as object));
    record('dialog.showMessageBox', { options, withWindow: args.length > 1 });
    // The person dismisses it (Esc), which answers the cancel button.
    return { response: (options as { cancelId?: number } | undefined)?.cancelId ?? 0, checkboxChecked: false };
  },
  async showSaveDialog(...args: unknown[]) {
    record('dialog.showSaveDialog', { options: args.at(-1) });
    return { canceled: true, filePath: '' };
  },
};

// A keychain that seals reversibly and visibly (not the plain text), as the OS's would.
const seal = (s: string) => Buffer.from([...Buffer.from(s, 'utf8')].map((b) => b ^ 0x5a));
const open = (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString('utf8');
const keychain = process.env.STANDIN_KEYCHAIN !== 'none';
export const safeStorage = {
  isEncryptionAvailable() {
    record('safeStorage.isEncryptionAvailable');
    return keychain && isReady;
  },
  async isAsyncEncryptionAvailable() {
    return keychain && isReady;
  },
  getSelectedStorageBackend() {
    return isReady ? 'gnome_libsecret' : 'unknown';
  },
  encryptString(s: string) {
    record('safeStorage.encryptString');
    return seal(s);
  },
  decryptString(b: Buffer) {
    record('safeStorage.decryptString');
    return open(b);
  },
  async encryptStringAsync(s: string) {
    record('safeStorage.encryptStringAsync');
    return seal(s);
  },
  async decryptStringAsync(b: Buffer) {
    record('safeStorage.decryptStringAsync');
    return { result: open(b), shouldReEncrypt: false };
  },
  setUsePlainTextEncryption() {},
};

export const screen = {
  getAllDisplays: () => [
    { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 }, bounds: { x: 0, y: 0, width: 1920, height: 1080 } },
  ],
};

export const shell = {
  async openExternal(url: string) {
    record('shell.openExternal', { url });
  },
  async openPath(p: string) {
    record('shell.openPath', { path: p });
    return '';
  },
};
