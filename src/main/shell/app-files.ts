/**
 * Where the desktop app finds the files it ships beside its code. A checkout (`npm start`) has them in the
 * project; an installed app in its resources folder (electron-builder.yml extraResources), outside app.asar.
 * Pure, so tests check both layouts without Electron.
 */
import path from 'node:path';

export interface AppLayout {
  isPackaged: boolean;
  /** app.getAppPath(): the project folder in a checkout, app.asar when installed. */
  appPath: string;
  /** process.resourcesPath (installed only). */
  resourcesPath: string;
}

/** The app icon (window and tray). */
export function appIconPath(l: AppLayout): string {
  return l.isPackaged ? path.join(l.resourcesPath, 'icon.png') : path.join(l.appPath, 'resources', 'icon.png');
}

/**
 * The database migrations, named for the core rather than left to its search: that search also tries the
 * working directory, and a desk started from another project's folder would migrate the ledger with that
 * folder's drizzle/ (or fail to start for a reason that names the wrong place).
 */
export function migrationsFolder(l: AppLayout): string {
  return l.isPackaged ? path.join(l.resourcesPath, 'drizzle') : path.join(l.appPath, 'drizzle');
}
