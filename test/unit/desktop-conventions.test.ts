/**
 * The desktop conventions of the Electron shell, proven without Electron (no binary runs here): the native
 * menu's roles, shortcuts and destinations, navigation by hash and the palette keystroke on fake windows,
 * the window's size and place saved and restored (validated, only onto a display that exists), and the OS
 * notification and tray count for failed charges driven by fake change events.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { appMenuTemplate, EXPORT_AUDIT_HREF, EXPORT_NOTIFICATIONS_HREF, FAILED_CHARGES_HREF, navigateWindow, openPalette, shortcutLines, type MenuActions } from '../../src/main/shell/menu';
import { parseWindowState, readWindowState, restoreBounds, trackWindowState, WINDOW_STATE_FILE, writeWindowState, type WindowState } from '../../src/main/shell/window-state';
import { failureNotice, waitingLabel, watchChargeFailures } from '../../src/main/shell/charge-alerts';
import { trayMenuTemplate, trayTooltip } from '../../src/main/shell/tray-menu';
import { useTempDirs } from '../support/temp-dirs';
import { SECTIONS } from '../../src/shared/sections';
import type { Charge, ChangeEvent } from '../../src/shared/contracts';
import type { Result } from '../../src/shared/result';

// The renderer's own route parser, to prove each destination is a screen it knows. Its store reads
// window.location at load, so it is loaded with a stand-in window.
let parseHash: typeof import('../../src/renderer/src/stores/route').parseHash;
let parseQuery: typeof import('../../src/renderer/src/stores/route').parseQuery;
beforeAll(async () => {
  vi.stubGlobal('window', { location: { hash: '' }, addEventListener: () => {} });
  ({ parseHash, parseQuery } = await import('../../src/renderer/src/stores/route'));
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
const click = (item: MenuItemConstructorOptions) => (item.click as unknown as () => void)();

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
    expect(sections.map((i) => [i.label, i.accelerator])).toEqual(SECTIONS.map((s, i) => [s.label, `CmdOrCtrl+${i + 1}`]));
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
    expect(a.calls).toEqual(['navigate #/import', 'navigate #/notifications?export=1', 'navigate #/audit?export=1', 'data folder']);
    for (const href of [EXPORT_NOTIFICATIONS_HREF, EXPORT_AUDIT_HREF]) {
      expect(parseQuery(href)).toEqual({ export: '1' });
      expect(navigateWindow(fakeWindow(), 'app://balance-desk/index.html', href), href).toBe(true);
    }
    expect(parseHash(EXPORT_NOTIFICATIONS_HREF)).toEqual({ screen: 'notifications' });
    expect(parseHash(EXPORT_AUDIT_HREF)).toEqual({ screen: 'audit' });

    // No two items share a shortcut.
    const accels = [file, view].flatMap(sub).map((i) => i.accelerator).filter(Boolean);
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
    expect(sub(byLabel(sub(appMenuTemplate({ isMac: false, appName: 'x' }, a)[2]), 'Theme')).map((t) => t.checked)).toEqual([false, false, true]);
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
    expect(win.calls).toEqual(['restore', 'show', 'focus', 'load app://balance-desk/index.html#/charges?status=failed']);
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

describe('window size and position', () => {
  const tmp = useTempDirs('bd-winstate-');
  const good: WindowState = { x: 100, y: 80, width: 1400, height: 900, maximized: false };
  const primary = { x: 0, y: 0, width: 1920, height: 1040 };
  const right = { x: 1920, y: 0, width: 1280, height: 1024 };

  it('writes and reads the state back; a missing, broken or hostile file reads as none', () => {
    const dir = tmp();
    expect(readWindowState(dir)).toBeNull();
    writeWindowState(dir, good);
    expect(readWindowState(dir)).toEqual(good);
    expect(fs.readdirSync(dir)).toEqual([WINDOW_STATE_FILE]);
    for (const text of [
      '',
      'null',
      '[]',
      '{"x":1',
      JSON.stringify({ ...good, width: '1400' }),
      JSON.stringify({ ...good, height: 10 }),
      JSON.stringify({ ...good, x: 1e12 }),
      JSON.stringify({ ...good, y: 1.5 }),
      JSON.stringify({ ...good, maximized: 'yes' }),
      JSON.stringify({ x: 1, y: 2, width: 800, height: 600 }),
    ]) {
      expect(parseWindowState(text), text).toBeNull();
    }
    fs.writeFileSync(path.join(dir, WINDOW_STATE_FILE), '{"x":');
    expect(readWindowState(dir)).toBeNull();
  });

  it('restores the place only on a display that exists, fitted to it', () => {
    const min = { width: 960, height: 600 };
    expect(restoreBounds(null, [primary], min)).toEqual({});
    expect(restoreBounds(good, [primary], min)).toEqual({ x: 100, y: 80, width: 1400, height: 900 });
    // On the second screen, while it is plugged in.
    const there = { ...good, x: 2000, y: 50, width: 1000 };
    expect(restoreBounds(there, [primary, right], min)).toEqual({ x: 2000, y: 50, width: 1000, height: 900 });
    // Unplugged: the size comes back, the place is left to the OS (centred on the primary display).
    expect(restoreBounds(there, [primary], min)).toEqual({ width: 1000, height: 900 });
    // Its title bar above the top of the screen (cannot be grabbed): not restored there.
    expect(restoreBounds({ ...good, y: -500 }, [primary], min)).toEqual({ width: 1400, height: 900 });
    // Bigger than the display it is on: shrunk to fit and kept on it.
    expect(restoreBounds({ ...good, x: 1950, width: 1500, height: 1200 }, [primary, right], min)).toEqual({ x: 1920, y: 0, width: 1280, height: 1024 });
    // Hanging off the right edge: moved back so all of it is on the display.
    expect(restoreBounds({ ...good, x: 1000 }, [primary], min)).toEqual({ x: 520, y: 80, width: 1400, height: 900 });
    expect(restoreBounds(good, [], min)).toEqual({});
  });

  it('saves after moving or resizing stops, at once on maximize and close; normal bounds while maximized', async () => {
    vi.useFakeTimers();
    try {
      const events = new EventEmitter();
      let bounds = { x: 10, y: 20, width: 1300, height: 850 };
      let maximized = false;
      const win = {
        on: (e: string, l: () => void) => events.on(e, l),
        getNormalBounds: () => bounds,
        isMaximized: () => maximized,
        isMinimized: () => false,
        isDestroyed: () => false,
      };
      const saved: WindowState[] = [];
      trackWindowState(win, (s) => saved.push(s), 500);
      events.emit('move');
      bounds = { ...bounds, x: 40 };
      events.emit('move');
      events.emit('resize');
      await vi.advanceTimersByTimeAsync(499);
      expect(saved).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(saved).toEqual([{ x: 40, y: 20, width: 1300, height: 850, maximized: false }]);
      maximized = true;
      events.emit('maximize');
      expect(saved.at(-1)).toEqual({ x: 40, y: 20, width: 1300, height: 850, maximized: true });
      events.emit('close');
      expect(saved).toHaveLength(3);
      // A failing save is logged, not thrown into Electron's event loop.
      const err = vi.spyOn(console, 'error').mockImplementation(() => {});
      trackWindowState(win, () => {
        throw new Error('read-only');
      });
      expect(() => events.emit('close')).not.toThrow();
      expect(err).toHaveBeenCalled();
      err.mockRestore();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('failed charges: the OS notification and the tray', () => {
  const charge = (id: number, over: Partial<Charge> = {}): Charge => ({
    id,
    clientId: id,
    clientName: `Client ${id}`,
    clientRef: `C-${id}`,
    amount: 5000,
    currency: 'USD',
    origin: 'auto',
    status: 'failed',
    method: 'Visa •••• 0002',
    methodId: 1,
    reason: 'Your card was declined.',
    paymentIntent: null,
    entryId: null,
    actor: 'scheduler',
    createdAt: '2026-11-21T09:00:00.000Z',
    updatedAt: '2026-11-21T09:00:00.000Z',
    tries: [],
    waitingSince: null,
    retryable: true,
    ...over,
  });

  /** A core whose waiting attempts the test sets, and whose change events it sends. */
  function fakeCore() {
    const listeners = new Set<(e: ChangeEvent) => void>();
    const state = { waiting: [] as Charge[], more: false, fail: false };
    const inputs: unknown[] = [];
    return {
      state,
      inputs,
      emit: (e: ChangeEvent) => listeners.forEach((l) => l(e)),
      listeners,
      core: {
        call: async (channel: string, input: unknown, opts?: unknown): Promise<Result<unknown>> => {
          inputs.push({ channel, input, opts });
          if (state.fail) return { ok: false, error: { kind: 'internal', message: 'database is locked' } };
          return { ok: true, value: { items: [...state.waiting], nextCursor: state.more ? 'next' : null } };
        },
        onChange: (l: (e: ChangeEvent) => void) => {
          listeners.add(l);
          return () => listeners.delete(l);
        },
      },
    };
  }
  const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

  it('counts what waits at the start without announcing it, then announces each new automatic failure once', async () => {
    const f = fakeCore();
    f.state.waiting = [charge(2), charge(1)];
    const notes: { title: string; body: string; onClick(): void }[] = [];
    const counts: [number, boolean][] = [];
    let opened = 0;
    const stop = watchChargeFailures({ core: f.core, notify: (n) => notes.push(n), openFailed: () => opened++, onWaiting: (c, m) => counts.push([c, m]), settleMs: 5 });
    await tick();
    expect(counts).toEqual([[2, false]]);
    expect(notes).toEqual([]);
    // Read as a viewer, in the process: the failed and needing-the-client attempts, latest per client.
    expect(f.inputs[0]).toEqual({ channel: 'charges.list', input: { awaitingRetry: true, limit: 100 }, opts: { actor: 'desk', role: 'viewer' } });

    // Two fail (one needs the client), a staff Retry fails too; other topics are ignored.
    f.state.waiting = [charge(5, { origin: 'retry' }), charge(4, { status: 'requires_action', reason: 'The bank asks the client to authenticate.' }), charge(3), charge(2), charge(1)];
    f.emit({ topic: 'ledger' });
    await tick();
    expect(counts).toHaveLength(1);
    f.emit({ topic: 'charges' });
    f.emit({ topic: 'charges' });
    await tick();
    expect(counts.at(-1)).toEqual([5, false]);
    expect(notes.map((n) => n.title)).toEqual(['Automatic top-up failed: Client 3 (C-3)', 'Top-up needs the client: Client 4 (C-4)']);
    expect(notes[0].body).toBe('$50.00 on Visa •••• 0002: Your card was declined. Open Charges to Retry.');
    notes[0].onClick();
    expect(opened).toBe(1);

    // Nothing new: nothing announced again. One retried away: the count drops.
    f.state.waiting = f.state.waiting.slice(1);
    f.emit({ topic: 'charges' });
    await tick();
    expect(notes).toHaveLength(2);
    expect(counts.at(-1)).toEqual([4, false]);

    // A read that fails is logged and the next change reads again.
    f.state.fail = true;
    f.emit({ topic: 'charges' });
    await tick();
    f.state.fail = false;
    f.state.more = true;
    f.emit({ topic: 'charges' });
    await tick();
    expect(counts.at(-1)).toEqual([4, true]);

    stop();
    expect(f.listeners.size).toBe(0);
  });

  it('words the tray line and the notification', () => {
    expect(waitingLabel(0, false)).toBe('No failed charge is waiting');
    expect(waitingLabel(1, false)).toBe('1 failed charge waiting for Retry');
    expect(waitingLabel(3, false)).toBe('3 failed charges waiting for Retry');
    expect(waitingLabel(100, true)).toBe('100+ failed charges waiting for Retry');
    expect(failureNotice(charge(1, { method: null, amount: 150000, currency: 'EUR', reason: 'No payment method is set up' }))).toEqual({
      title: 'Automatic top-up failed: Client 1 (C-1)',
      body: '€1,500.00: No payment method is set up. Open Charges to Retry.',
    });
  });

  it('the tray menu shows the count and opens the failed charges', () => {
    const calls: string[] = [];
    const o = { onOpen: () => calls.push('open'), onOpenFailed: () => calls.push('failed'), onQuit: () => calls.push('quit') };
    expect(trayMenuTemplate({ ...o, waiting: null }).map((i) => i.label ?? i.type)).toEqual(['Open Balance Desk', 'separator', 'Quit Balance Desk']);
    const menu = trayMenuTemplate({ ...o, waiting: { count: 3, more: false } });
    expect(menu.map((i) => i.label ?? i.type)).toEqual(['Open Balance Desk', 'separator', '3 failed charges waiting for Retry', 'separator', 'Quit Balance Desk']);
    expect(menu[2].enabled).toBe(true);
    for (const i of menu) if (i.click) click(i);
    expect(calls).toEqual(['open', 'failed', 'quit']);
    expect(trayMenuTemplate({ ...o, waiting: { count: 0, more: false } })[2]).toMatchObject({ label: 'No failed charge is waiting', enabled: false });
    expect(trayTooltip(null)).toBe('Balance Desk');
    expect(trayTooltip({ count: 2, more: false })).toBe('Balance Desk — 2 failed charges waiting for Retry');
  });
});
