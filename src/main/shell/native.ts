/**
 * Where the Electron-ABI build of better-sqlite3 lives. node_modules holds the build for plain Node (tests,
 * the headless host); Electron needs one compiled against its own ABI:
 * - in development, `npm start` builds it once into .electron-native/ (scripts/start-desktop.mjs);
 * - packaged, electron-builder rebuilds the module itself (npmRebuild), so the default binding is right;
 * - not in Electron at all (the built main bundle run in plain Node on the test's stand-in for electron),
 *   node_modules' build is the one for this runtime, and an Electron build would fail to load.
 */
import fs from 'node:fs';
import path from 'node:path';

export const ELECTRON_NATIVE_DIR = '.electron-native';
export const ELECTRON_NATIVE_FILE = 'better_sqlite3.node';

/** The nativeBinding for createCore: undefined means better-sqlite3's own. */
export function nativeBindingPath(opts: {
  isPackaged: boolean;
  appPath: string;
  electron?: string | undefined;
}): string | undefined {
  const electron = 'electron' in opts ? opts.electron : process.versions.electron;
  if (opts.isPackaged || !electron) return undefined;
  const file = path.join(opts.appPath, ELECTRON_NATIVE_DIR, ELECTRON_NATIVE_FILE);
  if (!fs.existsSync(file)) {
    // Loading the Node build would fail with a NODE_MODULE_VERSION mismatch that names no remedy.
    throw new Error(
      `the Electron build of better-sqlite3 is missing (${file}); start the app with \`npm start\`, which builds it`,
    );
  }
  return file;
}
