/**
 * One desk per data folder, not one per user. Electron's single-instance lock is scoped to the user-data
 * folder (app.getPath('userData'); Electron 45's docs: processes that share it share the lock). With one
 * user-data folder for every start, `npm start -- --demo` beside the real desk found the lock taken and
 * silently brought forward the real ledger's window, and someone who believed they were in the demo posted
 * into real data. So:
 * - each data folder gets a user-data folder of its own (the default folder keeps Electron's, so window
 *   place and theme carry over), set before the lock is asked for: the demo desk and the real one run side
 *   by side, each with its own lock, window, tray icon and Chromium profile (a session token saved by one
 *   ledger's page is never offered to another's);
 * - a start hands the running desk its data folder (requestSingleInstanceLock's additionalData). The same
 *   folder brings its window forward; any other (two folders sharing a user-data folder, e.g. through
 *   Chromium's --user-data-dir switch, or an older desk), or a start that names none, gets a dialog that
 *   says which ledger is running instead of showing it.
 * Pure (no electron): tests call it directly.
 */
import crypto from 'node:crypto';
import path from 'node:path';

/** What a start tells the running desk. */
export interface DeskClaim {
  dataDir: string;
}

const caseless = (platform: NodeJS.Platform) => platform === 'win32' || platform === 'darwin';
const pathOf = (platform: NodeJS.Platform) => (platform === 'win32' ? path.win32 : path.posix);

/** A data folder as compared: resolved, no trailing separator, and folded case where the file system usually ignores it. */
export function dataDirKey(dir: string, platform: NodeJS.Platform = process.platform): string {
  const p = pathOf(platform);
  const resolved = p.resolve(dir);
  const trimmed = resolved.length > p.parse(resolved).root.length ? resolved.replace(/[\\/]+$/, '') : resolved;
  return caseless(platform) ? trimmed.toLowerCase() : trimmed;
}

export function sameDataDir(a: string, b: string, platform: NodeJS.Platform = process.platform): boolean {
  return dataDirKey(a, platform) === dataDirKey(b, platform);
}

/** The Electron user-data folder for a desk on `dataDir`: Electron's own for the default data folder, else one beneath it. */
export function deskUserData(o: {
  userData: string;
  dataDir: string;
  defaultDataDir: string;
  platform?: NodeJS.Platform;
}): string {
  const platform = o.platform ?? process.platform;
  if (sameDataDir(o.dataDir, o.defaultDataDir, platform)) return o.userData;
  const id = crypto.createHash('sha256').update(dataDirKey(o.dataDir, platform)).digest('hex').slice(0, 16);
  return pathOf(platform).join(o.userData, 'desks', id);
}

/** What the running desk does about a second start. */
export type SecondStart =
  { action: 'show' } | { action: 'tell'; title: string; message: string; detail: string; buttons: [string, string] };

/** The claim a second start sent, if it is one: anything may arrive here from another process. */
function claimOf(data: unknown): DeskClaim | null {
  const dir = (data as { dataDir?: unknown } | null)?.dataDir;
  return typeof dir === 'string' && dir.length > 0 && dir.length < 4096 && !dir.includes('\0') && path.isAbsolute(dir)
    ? { dataDir: dir }
    : null;
}

export function secondStart(
  running: string,
  additionalData: unknown,
  platform: NodeJS.Platform = process.platform,
): SecondStart {
  const claim = claimOf(additionalData);
  if (claim && sameDataDir(claim.dataDir, running, platform)) return { action: 'show' };
  const asked = claim
    ? `This start asked for the data folder ${claim.dataDir}.`
    : 'This start did not say which data folder it wanted.';
  return {
    action: 'tell',
    title: 'Balance Desk is already running',
    message: `Balance Desk is already running on ${running}.`,
    detail:
      `${asked} Its window was not brought forward, so that nobody posts into one ledger believing it is another. ` +
      'To open another data folder, quit Balance Desk from its tray menu and start it again with that folder.',
    buttons: [`Show the desk on ${running}`, 'Close'],
  };
}
