/**
 * Where the ledger lives. One rule for the desktop app and the headless host, so both open the same file:
 *   --data-dir DIR  >  BALANCE_DESK_DATA_DIR  >  the per-user data folder of the platform.
 */
import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'Balance Desk';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = os.homedir(),
): string {
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'balance-desk');
}

/** The demo ledger sits apart from the real one, so trying the app never touches real data. */
export function demoDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultDataDir(env), 'demo');
}

export interface DataDirArgs {
  dataDir?: string;
  demo?: boolean;
}

export function resolveDataDir(args: DataDirArgs, env: NodeJS.ProcessEnv = process.env): string {
  if (args.dataDir) return path.resolve(args.dataDir);
  if (args.demo) return demoDataDir(env);
  if (env.BALANCE_DESK_DATA_DIR) return path.resolve(env.BALANCE_DESK_DATA_DIR);
  return defaultDataDir(env);
}

export const dbFile = (dataDir: string) => path.join(dataDir, 'ledger.sqlite');
