/**
 * The Electron entry, kept thin: it hosts the core (src/main/core, plain Node) in the main process, shows
 * the renderer in one guarded window, and stays in the tray when that window is closed so that due work
 * (alerts, auto-recharge) keeps running. Everything testable lives in src/main/shell/.
 *
 *   electron . [--data-dir DIR] [--demo]      (npm start -- --demo)
 */
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeTheme,
  Notification,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron';
import { createCore, type Core } from './core';
import { seedDemoStripeIfFresh } from './core/demo/stripe';
import { defaultDataDir, resolveDataDir } from './core/db/paths';
import { parseDesktopArgs } from './shell/args';
import { wireIpc } from './shell/ipc';
import { nativeBindingPath } from './shell/native';
import { APP_URL, appScheme, serveRenderer } from './shell/protocol';
import { CSP, devCsp, guardContents, guardSession, windowOptions } from './shell/security';
import { createTray, type DeskTray } from './shell/tray';
import { appIconPath, migrationsFolder, type AppLayout } from './shell/app-files';
import { appMenuTemplate, FAILED_CHARGES_HREF, navigateWindow, openPalette, shortcutLines } from './shell/menu';
import { readPreferences, savePreferences } from './shell/preferences';
import { readWindowState, restoreBounds, trackWindowState, writeWindowState } from './shell/window-state';
import { watchChargeFailures } from './shell/charge-alerts';
import { saveDialogFor } from './shell/save-dialog';
import { LEGACY_PREFIX, openDesktopSecretBox } from './shell/secrets';
import { quitAfterRunningWork } from './shell/quit';
import { loadAppPage } from './shell/page-load';
import { deskUserData, secondStart, type DeskClaim } from './shell/single-instance';

const DUE_WORK_EVERY_MS = 30_000;

// The dev server URL is honoured only in development: in an installed app an environment variable must
// not be able to point the window, and with it the bridge to the ledger, at another page.
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const appUrl = devUrl ?? APP_URL;

// Custom schemes must be declared before 'ready'.
protocol.registerSchemesAsPrivileged([appScheme]);

// Every webContents ever created (the window, anything a bug or an exploit opens) gets the same guards.
app.on('web-contents-created', (_event, contents) => {
  guardContents(contents, { appUrl, openExternal: (url) => shell.openExternal(url) });
});

const args = parseDesktopArgs(process.argv.slice(app.isPackaged ? 1 : 2));
const dataDir = resolveDataDir({ dataDir: args.dataDir, demo: args.demo });

// One Balance Desk per data folder: two processes scheduling the same ledger's charges would double them.
// The lock is scoped to the user-data folder, so each data folder gets its own before the lock is asked
// for, and the start says which folder it wants (src/main/shell/single-instance.ts says why).
const userData = deskUserData({ userData: app.getPath('userData'), dataDir, defaultDataDir: defaultDataDir() });
if (userData !== app.getPath('userData')) app.setPath('userData', userData);
const claim: DeskClaim = { dataDir };
if (!app.requestSingleInstanceLock(claim)) {
  console.log(
    `Another Balance Desk holds this desk's lock (user data ${userData}); it answers this start for ${dataDir}.`,
  );
  app.quit();
} else {
  void start().catch((e: unknown) => fail('Balance Desk could not start', e));
}

function fail(title: string, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  console.error(`${title}: ${message}`);
  dialog.showErrorBox(title, message);
  app.exit(1);
}

async function start(): Promise<void> {
  let window: BrowserWindow | null = null;
  let tray: DeskTray | null = null;
  let quitting = false;

  const showWindow = () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  // A second start on this data folder (the desktop shortcut clicked again) brings back the running window;
  // one that names another folder is told which ledger runs here, not shown it.
  app.on('second-instance', (_event, _argv, _cwd, additionalData) => {
    const answer = secondStart(dataDir, additionalData);
    if (answer.action === 'show') return showWindow();
    void dialog
      .showMessageBox({
        type: 'info',
        title: answer.title,
        message: answer.message,
        detail: answer.detail,
        buttons: answer.buttons,
        defaultId: 1,
        cancelId: 1,
        noLink: true,
      })
      .then((r) => r.response === 0 && showWindow());
  });
  // macOS: a click on the Dock icon.
  app.on('activate', showWindow);
  // The window is hidden, not closed, so this rarely fires; when it does the app stays in the tray.
  app.on('window-all-closed', () => {});
  app.on('before-quit', () => {
    quitting = true;
  });

  await app.whenReady();
  if (process.platform === 'win32') app.setAppUserModelId('com.balancedesk.app');

  guardSession(session.defaultSession, appUrl, devUrl ? devCsp(devUrl) : CSP);
  if (!devUrl) serveRenderer(protocol, path.join(__dirname, '../renderer'));

  const layout: AppLayout = {
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
  };
  let core: Core;
  try {
    // The keychain is asked once, asynchronously, here: the core then seals and opens synchronously.
    const secrets = await openDesktopSecretBox(safeStorage, dataDir);
    core = createCore({
      dataDir,
      demo: args.demo,
      host: 'desktop',
      nativeBinding: nativeBindingPath({ isPackaged: app.isPackaged, appPath: app.getAppPath() }),
      migrationsFolder: migrationsFolder(layout),
      log: (line) => console.log(line),
      // The SMTP password and the Stripe key, under a key the OS keychain seals.
      secrets,
      // Exports ask where to save, as a desktop app does.
      saveDialog: saveDialogFor(
        dialog,
        () => (window && !window.isDestroyed() ? window : null),
        app.getPath('downloads'),
      ),
      // Both honoured by the desktop app too (the issue asks for it): a key for a machine, the sandbox for a demo.
      stripeKey: process.env.STRIPE_SECRET_KEY || undefined,
      stripeApiBase: process.env.STRIPE_API_BASE || undefined,
      // As with ELECTRON_RENDERER_URL: in an installed app an environment variable must not be able to send
      // the stored key, a live one included, to a host it names (over plain http, even). Test keys only there.
      stripeApiBaseTestOnly: app.isPackaged,
    });
    // Before any due work needs one (a receipt to mail, a charge to make).
    await secrets.openLegacy(core.settings.stringsStartingWith(LEGACY_PREFIX));
  } catch (e) {
    return fail(`Balance Desk cannot open its ledger in ${dataDir}`, e);
  }

  // A demo ledger just seeded, with Stripe pointed at a sandbox (STRIPE_API_BASE): a Stripe side too.
  await seedDemoStripeIfFresh(core, (line) => console.log(line));

  const iconPath = appIconPath(layout);
  // Where the window was: its size and place (only if still on a display that exists), maximized or not;
  // kept in this desk's own user-data folder (set above).
  // The theme chosen in View → Theme last time, before the window paints.
  nativeTheme.themeSource = readPreferences(userData).theme;
  const options = windowOptions(path.join(__dirname, '../preload/index.js'), iconPath);
  const saved = readWindowState(userData);
  const bounds = restoreBounds(
    saved,
    screen.getAllDisplays().map((d) => d.workArea),
    { width: options.minWidth ?? 960, height: options.minHeight ?? 600 },
  );
  window = new BrowserWindow({ ...options, ...bounds });
  const win = window;
  win.once('ready-to-show', () => {
    if (saved?.maximized) win.maximize();
    win.show();
  });
  trackWindowState(win, (state) => writeWindowState(userData, state));
  win.on('close', (event) => {
    if (quitting) return;
    // Closing the window must not stop the scheduler: hide it and keep running in the tray.
    event.preventDefault();
    win.hide();
  });

  const unwire = wireIpc({ ipcMain, core, appUrl, target: () => (win.isDestroyed() ? null : win.webContents) });

  const isMac = process.platform === 'darwin';
  const go = (href: string) => navigateWindow(win, appUrl, href);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate(
        { isMac, appName: 'Balance Desk' },
        {
          navigate: go,
          openPalette: () => openPalette(win, isMac),
          setTheme: (theme) => (nativeTheme.themeSource = savePreferences(userData, { theme }).theme),
          theme: () => nativeTheme.themeSource,
          openDataFolder: () => void shell.openPath(dataDir),
          showShortcuts: () =>
            void dialog.showMessageBox(win, {
              type: 'info',
              title: 'Keyboard shortcuts',
              message: 'Keyboard shortcuts',
              detail: shortcutLines(isMac).join('\n'),
            }),
          dev: !app.isPackaged,
        },
      ),
    ),
  );

  tray = createTray({
    iconPath,
    onOpen: showWindow,
    onOpenFailed: () => go(FAILED_CHARGES_HREF),
    onQuit: () => app.quit(),
  });

  // An automatic top-up that fails is told by the OS (the window may be closed), and the tray counts the
  // failures waiting for a Retry. Notifications are kept referenced until closed, or a click could be lost.
  const shown = new Set<Notification>();
  const stopAlerts = watchChargeFailures({
    core,
    notify: ({ title, body, onClick }) => {
      if (!Notification.isSupported()) return;
      const n = new Notification({ title, body, icon: iconPath });
      shown.add(n);
      n.on('click', () => {
        shown.delete(n);
        onClick();
      });
      n.on('close', () => shown.delete(n));
      n.show();
    },
    openFailed: () => go(FAILED_CHARGES_HREF),
    onWaiting: (count, more) => tray?.setWaiting(count, more),
    log: (line) => console.error(`balance-desk: ${line}`),
  });

  let running: Promise<void> | null = null;
  let stopping = false;
  const runDue = () => {
    // A slow run must not overlap the next one: two runs could both decide the same charge is due.
    if (running || stopping) return;
    running = core
      .runDue()
      .catch((e: unknown) => console.error('balance-desk: due work failed', e))
      .finally(() => (running = null));
  };
  const timer = setInterval(runDue, DUE_WORK_EVERY_MS);
  runDue();

  app.on(
    'will-quit',
    quitAfterRunningWork({
      stopNewWork: () => {
        stopping = true;
        clearInterval(timer);
        stopAlerts();
      },
      running: () => running,
      close: () => {
        unwire();
        tray?.destroy();
        core.close();
      },
      quitAgain: () => app.quit(),
      log: (line) => console.error(line),
    }),
  );

  // A page that fails to load must not end the app: the tray and the due work run without it.
  await loadAppPage(win, appUrl, { log: (line) => console.error(line) });
}
