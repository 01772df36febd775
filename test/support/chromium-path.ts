/**
 * Which Chromium the end-to-end tests drive, found once per test run (vitest's globalSetup,
 * test/support/global-setup.ts) so that `npm install && npm test` needs nothing installed by hand:
 *  1. CHROMIUM_PATH, when set (it must name a file that exists);
 *  2. a Chromium or Chrome installed where the platform puts it (Debian's /usr/bin/chromium, Google Chrome,
 *     Microsoft Edge on Windows — all Chromium);
 *  3. on Linux x64 only, the headless Chromium that the devDependency @sparticuz/chromium ships inside its
 *     npm tarball, unpacked into the temporary folder on first use (about 1.5 s, then reused).
 * Playwright's own browser download is never used: it needs the internet.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ChromiumFound {
  readonly path: string;
  /** In words, for the test log: where it came from. */
  readonly source: string;
}

/** The usual install places, per platform, in the order they are tried. */
export function installedCandidates(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (platform === 'linux') {
    return [
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/snap/bin/chromium',
      '/usr/bin/google-chrome',
      '/usr/bin/google-chrome-stable',
      '/opt/google/chrome/chrome',
    ];
  }
  if (platform === 'darwin') {
    const apps = ['/Applications', path.join(os.homedir(), 'Applications')];
    return apps.flatMap((dir) => [
      path.join(dir, 'Google Chrome.app/Contents/MacOS/Google Chrome'),
      path.join(dir, 'Chromium.app/Contents/MacOS/Chromium'),
    ]);
  }
  if (platform === 'win32') {
    const roots = [env['PROGRAMFILES'], env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    return roots.flatMap((root) => [
      path.win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'),
      path.win32.join(root, 'Chromium', 'Application', 'chrome.exe'),
      path.win32.join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe'),
    ]);
  }
  return [];
}

/** Finds a Chromium to drive, or throws saying what was looked for and what to do. */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumFound> {
  const given = env.CHROMIUM_PATH;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`CHROMIUM_PATH names ${given}, which does not exist`);
    return { path: given, source: 'CHROMIUM_PATH' };
  }
  const installed = installedCandidates().find((p) => fs.existsSync(p));
  if (installed) return { path: installed, source: 'installed' };
  if (process.platform === 'linux' && process.arch === 'x64') {
    // Imported only here: the package unpacks its browser as a side effect of executablePath().
    const { default: packaged } = await import('@sparticuz/chromium');
    return { path: await packaged.executablePath(), source: '@sparticuz/chromium' };
  }
  throw new Error(
    `no Chromium or Chrome found (looked in ${installedCandidates().join(', ') || 'no known place for this platform'}): ` +
      'install Google Chrome or Chromium, or set CHROMIUM_PATH to its executable',
  );
}
