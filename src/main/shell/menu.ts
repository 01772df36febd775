/**
 * The native application menu: File, Edit, View, Window and Help with the standard roles (so copy, paste,
 * undo, zoom and full screen work as everywhere on the OS) and shortcuts — Ctrl/⌘+1…8 for the sections in
 * nav order, Ctrl/⌘+I for Import. A menu item that goes somewhere calls `navigate` with the hash route; the
 * shell turns that into a load of the app's own URL with that hash (a same-document navigation, see
 * navigateWindow), so the preload stays two functions. Pure: electron's types only, and the template is data
 * tests can read.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { SECTIONS, sectionHref } from '../../shared/sections';

export type ThemeSource = 'system' | 'light' | 'dark';

export interface MenuActions {
  /** Shows the window on a hash route of the app ("#/charges"). */
  navigate(href: string): void;
  /** Opens the command palette in the window (Ctrl/⌘+K). */
  openPalette(): void;
  /** Light, dark or as the system says (Electron's nativeTheme.themeSource). */
  setTheme(theme: ThemeSource): void;
  theme(): ThemeSource;
  /** Opens the data folder in the file manager. */
  openDataFolder(): void;
  /** Shows the keyboard shortcuts. */
  showShortcuts(): void;
  /** Development builds only: the developer tools item. */
  dev?: boolean;
}

export interface MenuPlatform {
  isMac: boolean;
  appName: string;
}

/** The shortcuts as the Help menu lists them (⌘ on a Mac, Ctrl elsewhere). */
export function shortcutLines(isMac: boolean): string[] {
  const mod = isMac ? '⌘' : 'Ctrl+';
  return [
    `${mod}K  Go to a client (name or reference) or a section`,
    ...SECTIONS.map((s, i) => `${mod}${i + 1}  ${s.label}`),
    `${mod}I  Import a usage CSV`,
    `${mod}Enter  Save the form you are in`,
    'Esc  Close a dialog',
    'Tab / Shift+Tab  Move between fields and buttons; ↑/↓ move in lists and choices',
    `${mod}+ / ${mod}− / ${mod}0  Zoom in, out, actual size`,
  ];
}

export function appMenuTemplate(p: MenuPlatform, a: MenuActions): MenuItemConstructorOptions[] {
  const theme = a.theme();
  const themeItem = (value: ThemeSource, label: string): MenuItemConstructorOptions => ({
    label,
    type: 'radio',
    checked: theme === value,
    click: () => a.setTheme(value),
  });

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Import Usage CSV…', accelerator: 'CmdOrCtrl+I', click: () => a.navigate(sectionHref('import')) },
      // The exports live with their lists: "?export=1" opens the list's Export dialog on arrival.
      { label: 'Export the Notification Log…', click: () => a.navigate(EXPORT_NOTIFICATIONS_HREF) },
      { label: 'Export the Audit Log…', click: () => a.navigate(EXPORT_AUDIT_HREF) },
      { type: 'separator' },
      { label: 'Open the Data Folder', click: () => a.openDataFolder() },
      { type: 'separator' },
      // macOS keeps Quit in the app menu; closing the window there only hides it (the tray keeps running).
      p.isMac ? { role: 'close' } : { role: 'quit', label: `Quit ${p.appName}`, accelerator: 'Ctrl+Q' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      // Shown with its shortcut but not registered: the page handles Ctrl/⌘+K itself (in a browser too),
      // and a registered accelerator would take the keystroke first.
      { label: 'Go to…', accelerator: 'CmdOrCtrl+K', registerAccelerator: false, click: () => a.openPalette() },
      { type: 'separator' },
      ...SECTIONS.map((s, i): MenuItemConstructorOptions => ({
        label: s.label,
        accelerator: `CmdOrCtrl+${i + 1}`,
        click: () => a.navigate(sectionHref(s.section)),
      })),
      { type: 'separator' },
      {
        label: 'Theme',
        submenu: [themeItem('system', 'As the System'), themeItem('light', 'Light'), themeItem('dark', 'Dark')],
      },
      { type: 'separator' },
      { role: 'reload' },
      ...(a.dev ? ([{ role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      { label: 'Keyboard Shortcuts', accelerator: p.isMac ? 'Cmd+/' : 'Ctrl+/', click: () => a.showShortcuts() },
      { label: 'Failed Charges Waiting for Retry', click: () => a.navigate(FAILED_CHARGES_HREF) },
      ...(p.isMac
        ? []
        : ([{ type: 'separator' }, { role: 'about', label: `About ${p.appName}` }] as MenuItemConstructorOptions[])),
    ],
  };

  return [
    ...(p.isMac ? ([{ label: p.appName, role: 'appMenu' }] as MenuItemConstructorOptions[]) : []),
    file,
    { label: '&Edit', role: 'editMenu' },
    view,
    { label: '&Window', role: 'windowMenu' },
    help,
  ];
}

/** The Charges screen narrowed to the failed attempts (the notification's and the tray's destination). */
export const FAILED_CHARGES_HREF = sectionHref('charges', { status: 'failed' });

/** The notification log and the audit log with their Export dialog open (the screen drops "export" from the URL). */
export const EXPORT_NOTIFICATIONS_HREF = sectionHref('notifications', { export: '1' });
export const EXPORT_AUDIT_HREF = sectionHref('audit', { export: '1' });

/** What navigateWindow needs of a BrowserWindow. */
export interface NavigableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
  loadURL(url: string): Promise<void>;
  webContents: { getURL(): string };
}

/**
 * Shows the window on `href` (a hash route such as "#/charges?status=failed"). Loading the app's own URL
 * with only a new fragment is a same-document navigation in Chromium (the page is not reloaded, its
 * hashchange listener moves the screen), and it is the one URL the window's guards already allow. Anything
 * but a hash route is refused: the menu never needs to send the window elsewhere.
 */
export function navigateWindow(win: NavigableWindow | null | undefined, appUrl: string, href: string): boolean {
  if (!win || win.isDestroyed() || !/^#\/[\w/?=&%.-]*$/.test(href)) return false;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  const base = appUrl.split('#')[0];
  void win.loadURL(`${base}${href}`).catch((e: unknown) => console.error('balance-desk: could not open', href, e));
  return true;
}

/**
 * Opens the command palette from the menu: the same keystroke the page listens for (Ctrl+K, ⌘K on a Mac),
 * sent as input to the window, so no new IPC channel or preload function is needed.
 */
export function openPalette(
  win: {
    isDestroyed(): boolean;
    show(): void;
    focus(): void;
    webContents: { sendInputEvent(e: { type: 'keyDown'; keyCode: string; modifiers: ('control' | 'meta')[] }): void };
  } | null,
  isMac: boolean,
): boolean {
  if (!win || win.isDestroyed()) return false;
  win.show();
  win.focus();
  win.webContents.sendInputEvent({ type: 'keyDown', keyCode: 'K', modifiers: [isMac ? 'meta' : 'control'] });
  return true;
}
