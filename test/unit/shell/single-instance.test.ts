/** One desk per data folder (src/main/shell/single-instance.ts): its own user-data folder, a second start told apart. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirKey, deskUserData, secondStart } from '../../../src/main/shell/single-instance';
import { defaultDataDir, demoDataDir } from '../../../src/main/core/db/paths';

describe('one desk per data folder', () => {
  const home = '/home/ann';
  const env = { HOME: home } as NodeJS.ProcessEnv;
  const real = defaultDataDir(env, 'linux', home);
  const userData = '/home/ann/.config/Balance Desk';

  it("keeps Electron's user-data folder for the default ledger and gives every other folder its own", () => {
    expect(deskUserData({ userData, dataDir: real, defaultDataDir: real, platform: 'linux' })).toBe(userData);
    expect(deskUserData({ userData, dataDir: `${real}/`, defaultDataDir: real, platform: 'linux' })).toBe(userData);
    const demo = deskUserData({ userData, dataDir: path.join(real, 'demo'), defaultDataDir: real, platform: 'linux' });
    const other = deskUserData({ userData, dataDir: '/srv/ledgers/north', defaultDataDir: real, platform: 'linux' });
    expect(demo).toMatch(/^\/home\/ann\/\.config\/Balance Desk\/desks\/[0-9a-f]{16}$/);
    expect(other).toMatch(/^\/home\/ann\/\.config\/Balance Desk\/desks\/[0-9a-f]{16}$/);
    expect(new Set([userData, demo, other]).size).toBe(3);
    // Stable from start to start, so a desk keeps its window place and its lock.
    expect(deskUserData({ userData, dataDir: '/srv/ledgers/north/', defaultDataDir: real, platform: 'linux' })).toBe(
      other,
    );
    // Windows and macOS: the same folder spelled in another case is the same desk; Linux tells them apart.
    const win = {
      userData: 'C:\\Users\\ann\\AppData\\Roaming\\Balance Desk',
      defaultDataDir: 'C:\\Users\\ann\\AppData\\Roaming\\Balance Desk',
      platform: 'win32' as const,
    };
    expect(deskUserData({ ...win, dataDir: 'D:\\Ledgers\\North' })).toBe(
      deskUserData({ ...win, dataDir: 'd:\\ledgers\\north\\' }),
    );
    expect(deskUserData({ ...win, dataDir: 'c:\\users\\ann\\appdata\\roaming\\balance desk' })).toBe(win.userData);
    expect(dataDirKey('/srv/A', 'linux')).not.toBe(dataDirKey('/srv/a', 'linux'));
    expect(dataDirKey('/', 'linux')).toBe('/');
  });

  it('brings the window forward for the same folder, and says which ledger runs for any other', () => {
    const running = demoDataDir(env);
    expect(secondStart(running, { dataDir: running }, 'linux')).toEqual({ action: 'show' });
    expect(secondStart(running, { dataDir: `${running}/` }, 'linux')).toEqual({ action: 'show' });
    const told = secondStart(running, { dataDir: real }, 'linux');
    expect(told).toMatchObject({
      action: 'tell',
      title: 'Balance Desk is already running',
      message: `Balance Desk is already running on ${running}.`,
    });
    if (told.action !== 'tell') throw new Error('told');
    expect(told.detail).toContain(`This start asked for the data folder ${real}.`);
    expect(told.detail).toContain('quit Balance Desk from its tray menu');
    expect(told.buttons).toEqual([`Show the desk on ${running}`, 'Close']);
    // Whatever else arrives from another process is no claim: the window is not shown for it.
    for (const data of [
      undefined,
      null,
      'x',
      42,
      {},
      { dataDir: 7 },
      { dataDir: 'relative/dir' },
      { dataDir: '' },
      { dataDir: '/a\0b' },
      [running],
    ]) {
      const r = secondStart(running, data, 'linux');
      expect(r.action, JSON.stringify(data)).toBe('tell');
    }
    expect((secondStart(running, undefined, 'linux') as { detail: string }).detail).toContain(
      'did not say which data folder',
    );
  });
});
