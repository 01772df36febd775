/**
 * The native menu (src/main/shell/menu.ts), proven without Electron: its roles, shortcuts and destinations,
 * and navigation by hash and the palette keystroke on fake windows.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  appMenuTemplate,
  EXPORT_AUDIT_HREF,
  EXPORT_NOTIFICATIONS_HREF,
  FAILED_CHARGES_HREF,
  navigateWindow,
  openPalette,
  shortcutLines,
  type MenuActions,
} from '../../../src/main/shell/menu';
import { SECTIONS } from '../../../src/shared/sections';
import { click } from './helpers';
// The renderer's own route parser, to prove each destination is a screen it knows. Its store reads
// window.location at load, so it is loaded with a stand-in window.
let parseHash: typeof import('../../../src/renderer/src/stores/route').parseHash;
let parseQuery: typeof import('../../../src/renderer/src/stores/route').parseQuery;
beforeAll(async () => {
  vi.stubGlobal('window', { location: { hash: '' }, addEventListener: () => {} });
  ({ parseHash, parseQuery } = await import('../../../src/renderer/src/stores/route'));
  vi.unstubAllGlobals();
});

function actions(): MenuActions & { calls: string[] } {
  const calls: string[] = [];
  let theme: 'system' | 'light' | 'dark' = 'system';
  return {
    calls,
    navigate: (href) => calls.push(`navigate ${href}`),
    openPalette: () => calls.push('palette'),
    setTheme: (t) => {
      theme = t;
      calls.push(`theme ${t}`);
    },
    theme: () => theme,
    openDataFolder: () => calls.push('data folder'),
    showShortcuts: () => calls.push('shortcuts'),
  };
}

const sub = (item: MenuItemConstructorOptions) => (Array.isArray(item.submenu) ? item.submenu : []);
const byLabel = (items: MenuItemConstructorOptions[], label: string) => {
  const found = items.find((i) => i.label === label);
  if (!found) throw new Error(`no menu item ${label} in ${items.map((i) => i.label ?? i.role).join(', ')}`);
  return found;
};

describe('the application menu', () => {
  it('has File, Edit, View, Window and Help with the standard roles; macOS adds the app menu first', () => {
    const win = appMenuTemplate({ isMac: false, appName: 'Balance Desk' }, actions());
    expect(win.map((m) => m.label ?? m.role)).toEqual(['&File', '&Edit', '&View', '&Window', 'help']);
    expect(win[1].role).toBe('editMenu');
    expect(win[3].role).toBe('windowMenu');
    const roles = (items: MenuItemConstructorOptions[]) => items.map((i) => i.role).filter(Boolean);
    expect(roles(sub(win[0]))).toEqual(['quit']);
    expect(sub(win[0]).find((i) => i.role === 'quit')!.accelerator).toBe('Ctrl+Q');
    expect(roles(sub(win[2]))).toEqual(['reload', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    expect(roles(sub(win[4]))).toEqual(['about']);

    const mac = appMenuTemplate({ isMac: true, appName: 'Balance Desk' }, { ...actions(), dev: true });
    expect(mac.map((m) => m.role ?? m.label)).toEqual(['appMenu', '&File', 'editMenu', '&View', 'windowMenu', 'help']);
    expect(roles(sub(mac[1]))).toEqual(['close']);
    expect(roles(sub(mac[3]))).toContain('toggleDevTools');
    expect(roles(sub(win[2]))).not.toContain('toggleDevTools');
  });

  it('goes to each section with Ctrl/⌘+1…8 in nav order, to Import with Ctrl/⌘+I, and to the exports', () => {
    const a = actions();
    const [file, , view] = appMenuTemplate({ isMac: false, appName: 'Balance Desk' }, a);
    const sections = sub(view).filter((i) => /^CmdOrCtrl\+\d$/.test(String(i.accelerator)));
    expect(sections.map((i) => [i.label, i.accelerator])).toEqual(
      SECTIONS.map((s, i) => [s.label, `CmdOrCtrl+${i + 1}`]),
    );
    for (const item of sections) click(item);
    expect(a.calls).toEqual(SECTIONS.map((s) => `navigate #/${s.section}`));
    // Every destination is a route the renderer knows (not its "missing" page).
    for (const c of a.calls) expect(parseHash(c.replace('navigate ', '')).screen).not.toBe('missing');

    a.calls.length = 0;
    const imp = byLabel(sub(file), 'Import Usage CSV…');
    expect(imp.accelerator).toBe('CmdOrCtrl+I');
    click(imp);
    click(byLabel(sub(file), 'Export the Notification Log…'));
    click(byLabel(sub(file), 'Export the Audit Log…'));
    click(byLabel(sub(file), 'Open the Data Folder'));
    // The two exports open their list with the Export dialog on arrival ("?export=1"), a route the window accepts.
    expect(a.calls).toEqual([
      'navigate #/import',
      'navigate #/notifications?export=1',
      'navigate #/audit?export=1',
      'data folder',
    ]);
    for (const href of [EXPORT_NOTIFICATIONS_HREF, EXPORT_AUDIT_HREF]) {
      expect(parseQuery(href)).toEqual({ export: '1' });
      expect(navigateWindow(fakeWindow(), 'app://balance-desk/index.html', href), href).toBe(true);
    }
    expect(parseHash(EXPORT_NOTIFICATIONS_HREF)).toEqual({ screen: 'notifications' });
    expect(parseHash(EXPORT_AUDIT_HREF)).toEqual({ screen: 'audit' });

    // No two items share a shortcut.
    const accels = [file, view]
      .flatMap(sub)
      .map((i) => i.accelerator)
      .filter(Boolean);
    expect(new Set(accels).size).toBe(accels.length);
  });

  it('shows Ctrl/⌘+K without taking the keystroke from the page, switches the theme, lists the shortcuts', () => {
    const a = actions();
    const [, , view, , help] = appMenuTemplate({ isMac: false, appName: 'Balance Desk' }, a);
    const goTo = byLabel(sub(view), 'Go to…');
    expect(goTo).toMatchObject({ accelerator: 'CmdOrCtrl+K', registerAccelerator: false });
    click(goTo);
    const theme = sub(byLabel(sub(view), 'Theme'));
    expect(theme.map((t) => [t.label, t.type, t.checked])).toEqual([
      ['As the System', 'radio', true],
      ['Light', 'radio', false],
      ['Dark', 'radio', false],
    ]);
    click(theme[2]);
    expect(
      sub(byLabel(sub(appMenuTemplate({ isMac: false, appName: 'x' }, a)[2]), 'Theme')).map((t) => t.checked),
    ).toEqual([false, false, true]);
    click(byLabel(sub(help), 'Keyboard Shortcuts'));
    click(byLabel(sub(help), 'Failed Charges Waiting for Retry'));
    expect(a.calls).toEqual(['palette', 'theme dark', 'shortcuts', `navigate ${FAILED_CHARGES_HREF}`]);

    expect(shortcutLines(false)[0]).toBe('Ctrl+K  Go to a client (name or reference) or a section');
    expect(shortcutLines(true)).toContain('⌘4  Charges');
    expect(shortcutLines(false)).toContain('Ctrl+8  Settings');
  });
});

function fakeWindow(url = 'app://balance-desk/index.html#/clients') {
  const calls: string[] = [];
  let destroyed = false;
  let minimized = true;
  return {
    calls,
    destroy: () => (destroyed = true),
    isDestroyed: () => destroyed,
    isMinimized: () => minimized,
    restore: () => {
      minimized = false;
      calls.push('restore');
    },
    show: () => calls.push('show'),
    focus: () => calls.push('focus'),
    loadURL: async (u: string) => {
      calls.push(`load ${u}`);
    },
    webContents: {
      getURL: () => url,
      sendInputEvent: (e: unknown) => calls.push(`input ${JSON.stringify(e)}`),
    },
  };
}

describe('navigation from the menu, the tray and a notification', () => {
  it('shows the window and loads the app page with the new hash only', () => {
    const win = fakeWindow();
    expect(navigateWindow(win, 'app://balance-desk/index.html', FAILED_CHARGES_HREF)).toBe(true);
    expect(win.calls).toEqual([
      'restore',
      'show',
      'focus',
      'load app://balance-desk/index.html#/charges?status=failed',
    ]);
    // The Charges screen reads that as the failed attempts.
    expect(parseHash(FAILED_CHARGES_HREF)).toEqual({ screen: 'charges' });
    expect(parseQuery(FAILED_CHARGES_HREF)).toEqual({ status: 'failed' });
    // An app URL that already has a hash (development) is not doubled.
    navigateWindow(win, 'http://localhost:5173/#/old', '#/import');
    expect(win.calls.at(-1)).toBe('load http://localhost:5173/#/import');
  });

  it('refuses anything but a hash route, and a window that is gone', () => {
    const win = fakeWindow();
    for (const href of ['https://evil.example/', '#/x"><script>', 'javascript:alert(1)', '/charges', '#charges']) {
      expect(navigateWindow(win, 'app://balance-desk/index.html', href), href).toBe(false);
    }
    expect(win.calls).toEqual([]);
    win.destroy();
    expect(navigateWindow(win, 'app://balance-desk/index.html', '#/charges')).toBe(false);
    expect(navigateWindow(null, 'app://balance-desk/index.html', '#/charges')).toBe(false);
  });

  it('opens the palette by sending the page its own shortcut', () => {
    const win = fakeWindow();
    expect(openPalette(win, false)).toBe(true);
    expect(openPalette(win, true)).toBe(true);
    expect(win.calls.filter((c) => c.startsWith('input'))).toEqual([
      'input {"type":"keyDown","keyCode":"K","modifiers":["control"]}',
      'input {"type":"keyDown","keyCode":"K","modifiers":["meta"]}',
    ]);
    win.destroy();
    expect(openPalette(win, false)).toBe(false);
  });
});
