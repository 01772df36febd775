/**
 * The desktop window's security: its options, the Content-Security-Policy and the guards on its web
 * contents and session. Pure (types only from electron), so test/unit/shell/security.test.ts proves every
 * line without launching Electron. The renderer is our own code, but it shows data that came from outside
 * (client names, CSV rows, emails): if any of it ever runs as script, these are what keep it in the page.
 */
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { CSP } from '../../shared/csp';

export { CSP };

/**
 * The development CSP, for the Vite dev server only (never for the built app): Vite injects its React
 * refresh preamble as an inline script and CSS as <style> tags, and talks to the page over a websocket.
 */
export function devCsp(devUrl: string): string {
  const ws = `ws://${new URL(devUrl).host}`;
  return CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    .replace("connect-src 'self'", `connect-src 'self' ${ws}`);
}

export function windowOptions(preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions {
  return {
    title: 'Balance Desk',
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    // Shown on 'ready-to-show': no white flash of an empty window before the first paint.
    show: false,
    backgroundColor: '#f5f7fa',
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
      // The page and the preload get separate JavaScript worlds: page script cannot tamper with the
      // preload's globals (Array.prototype, JSON) to hijack the bridge or reach ipcRenderer.
      contextIsolation: true,
      // Page script never gets require/process: an injected script must not become code on the machine.
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      // The OS sandbox around the renderer process: a renderer exploit cannot read files or spawn programs.
      sandbox: true,
      // Keeps the same-origin policy: the page cannot read other origins' responses or local files.
      webSecurity: true,
      // No http script or style inside the page: a network attacker cannot swap in code.
      allowRunningInsecureContent: false,
      // A <webview> would be a second, less guarded browser inside the window.
      webviewTag: false,
      // Chromium features still being designed are where new holes are found first.
      experimentalFeatures: false,
      // Dropping a file on the window would navigate the app away to that file.
      navigateOnDragDrop: false,
      // A page looping alert() would otherwise lock the desk out of its own window.
      safeDialogs: true,
      // The spellchecker downloads dictionaries from Google's servers; the ledger is names and numbers.
      spellcheck: false,
    },
  };
}

/** Is `url` a page of the app itself (same scheme and host; for file: the same file)? */
export function isAppUrl(url: string, appUrl: string): boolean {
  let u: URL;
  let app: URL;
  try {
    u = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (u.protocol !== app.protocol) return false;
  // file: has no host: any local file would pass an origin check, so only the app's own page counts.
  if (u.protocol === 'file:') return u.pathname === app.pathname;
  // `host` includes the port: the dev server's neighbour on another port is a different site.
  return u.host === app.host && u.username === '' && u.password === '';
}

/**
 * The IPC sender check: only the app's own top page may call the core. A frame from elsewhere (an iframe
 * slipped in, a page navigated to by a bug) gets nothing. A destroyed frame has no URL and is refused.
 */
export function isTrustedSender(frameUrl: string | null | undefined, appUrl: string): boolean {
  return typeof frameUrl === 'string' && isAppUrl(frameUrl, appUrl);
}

/** Links the desk may open in the OS browser: https only. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    // Other schemes (file:, smb:, ms-msdt:, custom app handlers) let a link launch programs or open shares.
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

export interface GuardOptions {
  /** The URL the window loads; only pages under it may be shown. */
  appUrl: string;
  /** shell.openExternal, injected; omit to open nothing outside the app. */
  openExternal?: (url: string) => unknown;
}

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Guards one webContents (the main window, and any other created, via app 'web-contents-created'). */
export function guardContents(contents: GuardedContents, opts: GuardOptions): void {
  const sendOut = (url: string) => {
    if (opts.openExternal && isSafeExternalUrl(url)) void Promise.resolve(opts.openExternal(url)).catch(() => {});
  };

  // A new window would be a second renderer outside these guards (and window.opener a path back in).
  contents.setWindowOpenHandler(({ url }) => {
    sendOut(url);
    return { action: 'deny' };
  });

  // The bridge to the ledger lives in this window: a foreign page loaded into it would get the bridge.
  const stayHome = (event: { preventDefault(): void; url?: string }, url: string) => {
    const target = event.url ?? url;
    if (isAppUrl(target, opts.appUrl)) return;
    event.preventDefault();
    sendOut(target);
  };
  contents.on('will-navigate', stayHome);
  // A redirect is a navigation the page did not ask for by name; same rule.
  contents.on('will-redirect', stayHome);

  // A <webview> would embed arbitrary content with its own preferences, beyond this window's guards.
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

type GuardedSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'> &
  Partial<Pick<Session, 'setDevicePermissionHandler'>>;

/**
 * The one permission the desk uses: writing text to the clipboard (Copy of a payment setup link). Only the
 * app's own top page gets it; reading the clipboard (which can hold a password or another client's data)
 * stays refused, as does everything else.
 */
const APP_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** May the frame at `url` (a URL or an origin) use `permission`? */
export function mayUsePermission(
  permission: string,
  url: string | undefined,
  isMainFrame: boolean,
  appUrl: string,
): boolean {
  return APP_PERMISSIONS.has(permission) && isMainFrame && typeof url === 'string' && isAppUrl(url, appUrl);
}

/** Guards the session the window uses: permissions and the CSP header. `appUrl` is the app's own page. */
export function guardSession(session: GuardedSession, appUrl: string, csp: string = CSP): void {
  // Electron grants every permission by default; the desk needs only the clipboard write above (no camera,
  // microphone, location, notifications from the page, clipboard reads, USB or serial devices). Both
  // handlers answer alike: Chromium asks the check handler before it ever requests, so a grant in one
  // alone would still be a refusal.
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(mayUsePermission(permission, details?.requestingUrl, details?.isMainFrame ?? false, appUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    mayUsePermission(permission, details?.requestingUrl ?? requestingOrigin, details?.isMainFrame ?? false, appUrl),
  );
  session.setDevicePermissionHandler?.(() => false);

  // The policy travels as a response header so no markup (and no injected markup) can loosen it.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
}
