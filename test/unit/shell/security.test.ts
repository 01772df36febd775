/**
 * The desktop window's security (src/main/shell/security.ts), proven in plain Node (no Electron binary exists
 * here): the window options, the CSP, the guards on fake webContents/session objects, and which IPC senders
 * are trusted.
 */
import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import {
  CSP,
  devCsp,
  guardContents,
  guardSession,
  isAppUrl,
  isTrustedSender,
  windowOptions,
} from '../../../src/main/shell/security';
import { APP_URL } from '../../../src/main/shell/protocol';

const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name, sources]),
  );

describe('window options', () => {
  const opts = windowOptions('/app/out/preload/index.js', '/app/resources/icon.png');
  const web = opts.webPreferences!;

  it('isolates the page from Node and the preload', () => {
    expect(web.preload).toBe('/app/out/preload/index.js');
    expect(web.contextIsolation).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
    expect(web.sandbox).toBe(true);
  });

  it('keeps the web security defaults and turns off what the desk does not need', () => {
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
    expect(web.spellcheck).toBe(false);
    expect(web).not.toHaveProperty('enableBlinkFeatures');
  });

  it('is a sane window: hidden until painted, a minimum size, a title and the icon', () => {
    expect(opts.show).toBe(false);
    expect(opts.title).toBe('Balance Desk');
    expect(opts.minWidth).toBeGreaterThanOrEqual(800);
    expect(opts.width).toBeGreaterThanOrEqual(opts.minWidth!);
    expect(opts.backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
    expect(opts.icon).toBe('/app/resources/icon.png');
    expect(windowOptions('/p.js')).not.toHaveProperty('icon');
  });
});

describe('content security policy', () => {
  it("starts from default-src 'none' and allows only the app's own files", () => {
    expect(CSP.startsWith("default-src 'none'")).toBe(true);
    const d = directives(CSP);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('style-src')).toEqual(["'self'"]);
    expect(d.get('img-src')).toEqual(["'self'", 'data:']);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    for (const name of ['base-uri', 'form-action', 'frame-ancestors']) expect(d.get(name)).toEqual(["'none'"]);
  });

  it('has no eval, no inline script and no remote host', () => {
    expect(CSP).not.toMatch(/unsafe-eval|unsafe-inline|wasm-unsafe-eval/);
    expect(CSP).not.toMatch(/https?:|wss?:|\*|blob:|filesystem:/);
  });

  it('the development policy loosens only what the Vite dev server needs, and never eval', () => {
    const dev = devCsp('http://localhost:5173');
    expect(dev.startsWith("default-src 'none'")).toBe(true);
    expect(dev).not.toMatch(/unsafe-eval/);
    expect(directives(dev).get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
  });
});

class FakeContents extends EventEmitter {
  openHandler?: (details: { url: string }) => { action: string };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
  /** Emits an Electron-style cancellable event; returns whether a listener prevented it. */
  fire(name: string, url: string): boolean {
    let prevented = false;
    const event = { url, preventDefault: () => (prevented = true) };
    this.emit(name, event, url, {}, {});
    return prevented;
  }
}

describe('web contents guards', () => {
  const contents = new FakeContents();
  const openExternal = vi.fn();
  guardContents(contents as unknown as WebContents, { appUrl: APP_URL, openExternal });

  it('denies window.open, sending only https links to the OS browser', () => {
    expect(contents.openHandler!({ url: 'https://stripe.com/docs' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://stripe.com/docs');
    openExternal.mockClear();
    for (const url of ['file:///etc/passwd', 'http://example.com/', 'smb://share/x', 'javascript:alert(1)', APP_URL]) {
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('prevents navigation away from the app and allows its own pages', () => {
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'app://other-host/index.html',
      'http://127.0.0.1:47110/',
      'data:text/html,hi',
    ]) {
      expect(contents.fire('will-navigate', url), url).toBe(true);
      expect(contents.fire('will-redirect', url), url).toBe(true);
    }
    for (const url of [APP_URL, 'app://balance-desk/index.html#/clients', 'app://balance-desk/']) {
      expect(contents.fire('will-navigate', url), url).toBe(false);
    }
  });

  it('prevents attaching a <webview>', () => {
    expect(contents.fire('will-attach-webview', 'https://evil.example/')).toBe(true);
  });
});

describe('session guards', () => {
  const requestHandlers: ((...a: unknown[]) => void)[] = [];
  let checkHandler: (...a: unknown[]) => boolean = () => true;
  let deviceHandler: (...a: unknown[]) => boolean = () => true;
  let headersListener: (
    details: { responseHeaders?: Record<string, string[]> },
    cb: (r: { responseHeaders?: Record<string, string[]> }) => void,
  ) => void = () => {};
  const session = {
    setPermissionRequestHandler: (h: (...a: unknown[]) => void) => requestHandlers.push(h),
    setPermissionCheckHandler: (h: (...a: unknown[]) => boolean) => (checkHandler = h),
    setDevicePermissionHandler: (h: (...a: unknown[]) => boolean) => (deviceHandler = h),
    webRequest: { onHeadersReceived: (l: typeof headersListener) => (headersListener = l) },
  };
  guardSession(session as unknown as Session, APP_URL);
  const request = (permission: string, details: unknown) => {
    const callback = vi.fn();
    requestHandlers[0]({}, permission, callback, details);
    expect(callback).toHaveBeenCalledTimes(1);
    return callback.mock.calls[0][0] as boolean;
  };
  const appFrame = { requestingUrl: 'app://balance-desk/index.html#/clients/7', isMainFrame: true };

  it('answers every permission request with false, the app page included', () => {
    expect(requestHandlers).toHaveLength(1);
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'deprecated-sync-clipboard-read',
      'openExternal',
      'unknown',
    ]) {
      expect(request(permission, {}), permission).toBe(false);
      expect(request(permission, appFrame), permission).toBe(false);
    }
  });

  it('answers every permission check and device request with false', () => {
    for (const permission of ['media', 'clipboard-read', 'notifications']) {
      expect(
        checkHandler(null, permission, 'app://balance-desk', { requestingUrl: APP_URL, isMainFrame: true }),
        permission,
      ).toBe(false);
    }
    expect(deviceHandler({ deviceType: 'usb' })).toBe(false);
  });

  it("lets the app's own page write to the clipboard (Copy of a setup link), and no other page", () => {
    expect(request('clipboard-sanitized-write', appFrame)).toBe(true);
    expect(
      checkHandler(null, 'clipboard-sanitized-write', 'app://balance-desk', {
        requestingUrl: APP_URL,
        isMainFrame: true,
      }),
    ).toBe(true);
    // A check made for no document gives only the origin.
    expect(checkHandler(null, 'clipboard-sanitized-write', 'app://balance-desk', { isMainFrame: true })).toBe(true);
    for (const url of [
      'https://evil.example/',
      'app://other-host/index.html',
      'file:///etc/passwd',
      'http://127.0.0.1:47110/',
    ]) {
      expect(request('clipboard-sanitized-write', { requestingUrl: url, isMainFrame: true }), url).toBe(false);
      expect(
        checkHandler(null, 'clipboard-sanitized-write', new URL(url).origin, { requestingUrl: url, isMainFrame: true }),
        url,
      ).toBe(false);
    }
    // A frame inside the page (an iframe slipped in) does not share the grant.
    expect(request('clipboard-sanitized-write', { ...appFrame, isMainFrame: false })).toBe(false);
    expect(request('clipboard-sanitized-write', {})).toBe(false);
  });

  it('injects the CSP header into responses, keeping the others', () => {
    const callback = vi.fn();
    headersListener({ responseHeaders: { 'Content-Type': ['text/html'] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CSP] },
    });
  });
});
describe('IPC sender check', () => {
  it('trusts only frames showing the app itself', () => {
    expect(isTrustedSender(APP_URL, APP_URL)).toBe(true);
    expect(isTrustedSender('app://balance-desk/index.html#/ledger', APP_URL)).toBe(true);
    for (const url of [
      null,
      undefined,
      '',
      'about:blank',
      'https://evil.example/',
      'app://balance-desk.evil/index.html',
      'app://evil/index.html',
      'file:///index.html',
      'app://user:pw@balance-desk/',
    ]) {
      expect(isTrustedSender(url, APP_URL), String(url)).toBe(false);
    }
    // Development: the dev server's origin, not its neighbour on another port.
    expect(isAppUrl('http://localhost:5173/src/main.tsx', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    // A file: app trusts its own page only, not every local file.
    expect(isAppUrl('file:///app/out/renderer/index.html', 'file:///app/out/renderer/index.html')).toBe(true);
    expect(isAppUrl('file:///home/me/evil.html', 'file:///app/out/renderer/index.html')).toBe(false);
  });
});
