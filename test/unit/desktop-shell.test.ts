/**
 * The rest of the desktop shell that can be proven without Electron: the preload bridge and its
 * allowlist, the built preload bundle, the command line, the native binding lookup and the packaging config.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { makeBridge } from '../../src/preload/bridge';
import { channelNames, type ChangeEvent } from '../../src/shared/contracts';
import { parseDesktopArgs } from '../../src/main/shell/args';
import { nativeBindingPath } from '../../src/main/shell/native';
import { appIconPath, migrationsFolder } from '../../src/main/shell/app-files';
import { saveDialogFor } from '../../src/main/shell/save-dialog';
import { quitAfterRunningWork, type QuitSteps } from '../../src/main/shell/quit';
import { loadAppPage, loadErrorPage } from '../../src/main/shell/page-load';
import { APP_URL } from '../../src/main/shell/protocol';
import { dataDirKey, deskUserData, secondStart } from '../../src/main/shell/single-instance';
import { defaultDataDir, demoDataDir } from '../../src/main/core/db/paths';
import { LEGACY_PREFIX, OS_KEY_FILE, openDesktopSecretBox } from '../../src/main/shell/secrets';
import { keyfileBox, SecretError } from '../../src/main/core/settings/secrets';
import { createCore } from '../../src/main/core';
import { useTempDirs } from '../support/temp-dirs';

const root = path.resolve(__dirname, '../..');

describe('preload bridge', () => {
  const ok = { ok: true as const, value: 1 };

  it('lets through exactly the contract channels', async () => {
    const invoke = vi.fn(async () => ok);
    const bridge = makeBridge(invoke, () => () => {});
    expect(channelNames.length).toBeGreaterThan(5);
    for (const channel of channelNames) expect(await bridge.invoke(channel, {}, null)).toEqual(ok);
    expect(invoke.mock.calls.map((c) => (c as unknown[])[0])).toEqual([...channelNames]);

    // The session token goes along as the third argument, and only as text.
    invoke.mockClear();
    await bridge.invoke('session.get', {}, 'abc');
    await bridge.invoke('session.get', {}, { token: 'abc' } as never);
    expect(invoke.mock.calls.map((c) => (c as unknown[])[2])).toEqual(['abc', null]);

    invoke.mockClear();
    for (const channel of ['bd:invoke', 'bd:change', 'constructor', '__proto__', 'clients', 'app.info ', 'shell.openExternal', 42, null]) {
      expect(await bridge.invoke(channel as string, {}, null), String(channel)).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('exposes two functions and nothing else', () => {
    const bridge = makeBridge(async () => ok, () => () => {});
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onChange']);
  });

  it('turns a failed IPC call into an envelope', async () => {
    const bridge = makeBridge(() => Promise.reject(new Error('gone')), () => () => {});
    expect(await bridge.invoke(channelNames[0], {}, null)).toMatchObject({ ok: false, error: { kind: 'internal' } });
  });

  it('passes change payloads to listeners and unsubscribes', () => {
    const listeners = new Set<(e: ChangeEvent) => void>();
    const bridge = makeBridge(async () => ok, (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    });
    const seen: ChangeEvent[] = [];
    const off = bridge.onChange((e) => seen.push(e));
    for (const l of listeners) l({ topic: 'ledger' });
    expect(seen).toEqual([{ topic: 'ledger' }]);
    off();
    expect(listeners.size).toBe(0);
    expect(() => bridge.onChange('nope' as never)()).not.toThrow();
  });

  it('src/preload/index.ts uses the default allowlist and never exposes ipcRenderer', () => {
    const text = fs.readFileSync(path.join(root, 'src/preload/index.ts'), 'utf8');
    expect(text).toMatch(/exposeInMainWorld\('balanceDesk', bridge\)/);
    expect(text).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    // Two arguments only: a third would replace channelNames as the allowlist.
    expect(text).toMatch(/makeBridge\(\s*\(channel, input, session\)/);
    expect(text).not.toMatch(/channelNames/);
  });

  const built = path.join(root, 'out/preload/index.js');
  it.skipIf(!fs.existsSync(built))('the built preload is CommonJS requiring only electron (a sandboxed preload can load nothing else)', () => {
    const text = fs.readFileSync(built, 'utf8');
    const requires = [...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(text).not.toMatch(/^\s*(import|export)\s/m);
    expect(text).toContain('exposeInMainWorld');
  });
});

describe('desktop command line', () => {
  it('reads --demo and --data-dir and ignores switches of Electron and Chromium', () => {
    expect(parseDesktopArgs([])).toEqual({ demo: false });
    expect(parseDesktopArgs(['--demo'])).toEqual({ demo: true });
    expect(parseDesktopArgs(['--data-dir', '/tmp/x', '--no-sandbox'])).toEqual({ demo: false, dataDir: '/tmp/x' });
    expect(parseDesktopArgs(['--enable-logging', '--data-dir=/d', '--demo'])).toEqual({ demo: true, dataDir: '/d' });
    expect(parseDesktopArgs(['--data-dir', '--demo'])).toEqual({ demo: true });
  });
});

describe('Electron build of better-sqlite3', () => {
  it('packaged: the module rebuilt by electron-builder; development: .electron-native, or a clear error', () => {
    const electron = '45.4.1';
    expect(nativeBindingPath({ isPackaged: true, appPath: '/nowhere', electron })).toBeUndefined();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-native-'));
    expect(() => nativeBindingPath({ isPackaged: false, appPath: dir, electron })).toThrow(/npm start/);
    // Plain Node (the built main bundle on the electron stand-in): node_modules' build is this runtime's.
    expect(nativeBindingPath({ isPackaged: false, appPath: dir, electron: undefined })).toBeUndefined();
    expect(nativeBindingPath({ isPackaged: false, appPath: dir })).toBeUndefined();
    fs.mkdirSync(path.join(dir, '.electron-native'));
    fs.writeFileSync(path.join(dir, '.electron-native', 'better_sqlite3.node'), '');
    expect(nativeBindingPath({ isPackaged: false, appPath: dir, electron })).toBe(path.join(dir, '.electron-native', 'better_sqlite3.node'));
    expect(nativeBindingPath({ isPackaged: false, appPath: dir, electron: undefined })).toBeUndefined();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('electron-builder.yml', () => {
  // Parsed as YAML, as electron-builder reads it: a line-by-line reading would pass a key nested in the
  // wrong block or commented out in an unexpected way.
  const config = parseYaml(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
    linux: { target: string[] };
    win: { target: string[] };
    mac: { target: string[] };
    extraResources: { from: string; to: string }[];
    electronFuses: Record<string, boolean>;
  };

  it('names the app', () => {
    expect(config.appId).toBe('com.balancedesk.app');
    expect(config.productName).toBe('Balance Desk');
  });

  it('builds deb, rpm and tar.gz for Linux, nsis for Windows, dmg for macOS', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['deb', 'rpm', 'tar.gz']));
    expect(config.win.target).toContain('nsis');
    expect(config.mac.target).toContain('dmg');
  });

  it('ships no AppImage: Chromium\'s sandbox aborts it at launch on Ubuntu 23.10+ (electron/electron#42510)', () => {
    expect(config.linux.target.map((t) => t.toLowerCase())).not.toContain('appimage');
  });

  it('flips the fuses that would give whoever starts the installed app Node inside it', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    // The integrity fuse checks the hash of app.asar: without an archive there is nothing to check.
    expect(config.asar).toBe(true);
  });

  it('unpacks better-sqlite3 from the asar and rebuilds it for Electron', () => {
    expect((config.asarUnpack as string[]).join('\n')).toMatch(/better-sqlite3.*\.node/);
    expect(config.npmRebuild).toBe(true);
  });

  it('ships the built app, the migrations and the icon where the app looks for them', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**/*', 'package.json']));
    expect(config.extraResources).toEqual(expect.arrayContaining([{ from: 'drizzle', to: 'drizzle' }, { from: 'resources/icon.png', to: 'icon.png' }]));
    expect(fs.existsSync(path.join(root, 'drizzle/meta/_journal.json'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'resources/icon.png'))).toBe(true);
  });

  it('the app names the migrations and the icon by its own layout, never by the working directory', () => {
    const installed = { isPackaged: true, appPath: '/opt/Balance Desk/resources/app.asar', resourcesPath: '/opt/Balance Desk/resources' };
    // Installed: where extraResources put them.
    for (const r of config.extraResources) {
      const shipped = path.join(installed.resourcesPath, r.to);
      expect([migrationsFolder(installed), appIconPath(installed)]).toContain(shipped);
    }
    // A checkout: the project's own folders (electron . runs with the project as the app path).
    const checkout = { isPackaged: false, appPath: root, resourcesPath: '/unused' };
    expect(migrationsFolder(checkout)).toBe(path.join(root, 'drizzle'));
    expect(appIconPath(checkout)).toBe(path.join(root, 'resources/icon.png'));
    expect(fs.existsSync(path.join(migrationsFolder(checkout), 'meta/_journal.json'))).toBe(true);
    expect(fs.existsSync(appIconPath(checkout))).toBe(true);
  });
});

describe('secrets in the desktop app', () => {
  const tmpDir = useTempDirs('bd-secrets-');
  /** A stand-in for the OS keychain with only the asynchronous calls (the synchronous ones are deprecated). */
  const fakeKeychain = (available = true, backend = 'gnome_libsecret', o: { reEncrypt?: boolean; refuse?: boolean } = {}) => {
    const calls: string[] = [];
    return {
      calls,
      isAsyncEncryptionAvailable: async () => available,
      getSelectedStorageBackend: () => backend,
      // Reversible, and visibly not the plain text.
      encryptStringAsync: async (s: string) => (calls.push('encrypt'), Buffer.from([...Buffer.from(s, 'utf8')].map((b) => b ^ 0x5a))),
      decryptStringAsync: async (b: Buffer) => {
        calls.push('decrypt');
        if (o.refuse) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString');
        return { result: Buffer.from([...b].map((x) => x ^ 0x5a)).toString('utf8'), shouldReEncrypt: !!o.reEncrypt };
      },
    };
  };

  it('seals under a key the keychain guards, synchronously, and never leaves the plain text in what is stored', async () => {
    const dir = tmpDir();
    const keychain = fakeKeychain();
    const box = await openDesktopSecretBox(keychain, dir, 'linux');
    expect(box.storage).toBe('os');
    // The keychain sealed one thing: the data key, written to os-secret.key readable by the owner only.
    expect(keychain.calls).toEqual(['encrypt']);
    const keyFile = path.join(dir, OS_KEY_FILE);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const sealed = box.seal('hunter2-pass');
    expect(sealed.startsWith('os:v2:')).toBe(true);
    expect(sealed).not.toContain('hunter2');
    expect(box.open(sealed)).toBe('hunter2-pass');
    expect(keychain.calls).toEqual(['encrypt']);
    // The next start opens the same key (one keychain call) and so the same secrets.
    const again = await openDesktopSecretBox(keychain, dir, 'linux');
    expect(again.open(sealed)).toBe('hunter2-pass');
    expect(keychain.calls).toEqual(['encrypt', 'decrypt']);
    // A secret the headless host sealed on the same folder still opens.
    expect(again.open(keyfileBox(dir).seal('from-host'))).toBe('from-host');
    // The key file alone (a copy of the folder, without this keychain) is no key.
    const raw = Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64');
    expect(raw.length).toBeGreaterThan(0);
    expect(() => keyfileBox(dir).open(sealed)).toThrow(/system keychain/);
  });

  it('seals the data key again when the keychain rotated its own', async () => {
    const dir = tmpDir();
    const first = await openDesktopSecretBox(fakeKeychain(), dir, 'linux');
    const sealed = first.seal('p');
    const rotating = fakeKeychain(true, 'gnome_libsecret', { reEncrypt: true });
    const box = await openDesktopSecretBox(rotating, dir, 'linux');
    expect(rotating.calls).toEqual(['decrypt', 'encrypt']);
    expect(box.open(sealed)).toBe('p');
    expect(fs.readdirSync(dir).sort()).toEqual([OS_KEY_FILE]);
  });

  it('opens the secrets an older version sealed directly with the keychain, once at start', async () => {
    const dir = tmpDir();
    const keychain = fakeKeychain();
    const old = LEGACY_PREFIX + (await keychain.encryptStringAsync('old-smtp-pass')).toString('base64');
    const box = await openDesktopSecretBox(keychain, dir, 'linux');
    expect(() => box.open(old)).toThrow(SecretError);
    await box.openLegacy([old, 'keyfile:v1:not-mine']);
    expect(box.open(old)).toBe('old-smtp-pass');
    // One that was not opened at start (another keychain's) is asked for again.
    expect(() => box.open(LEGACY_PREFIX + 'AAAA')).toThrow(/enter it again/);
  });

  it('finds the old secrets wherever a setting keeps them', () => {
    const core = createCore({ file: ':memory:' });
    try {
      core.settings.set('smtp', { host: 'mail', password: `${LEGACY_PREFIX}abc`, nested: { list: ['x', `${LEGACY_PREFIX}def`] } }, 1);
      core.settings.set('stripe', { key: 'os:v2:new' }, 1);
      expect(core.settings.stringsStartingWith(LEGACY_PREFIX).sort()).toEqual([`${LEGACY_PREFIX}abc`, `${LEGACY_PREFIX}def`]);
    } finally {
      core.close();
    }
  });

  it('says what to do when the keychain will not open the key', async () => {
    const dir = tmpDir();
    const sealed = (await openDesktopSecretBox(fakeKeychain(), dir, 'linux')).seal('x');
    const box = await openDesktopSecretBox(fakeKeychain(true, 'gnome_libsecret', { refuse: true }), dir, 'linux');
    expect(() => box.open(sealed)).toThrow(/unlock the keychain and start Balance Desk again; if this data folder came from another computer or user, delete os-secret\.key/);
    expect(() => box.seal('y')).toThrow(SecretError);
    // The key file is kept: a keychain that is only locked for now must not cost the secrets.
    expect(fs.existsSync(path.join(dir, OS_KEY_FILE))).toBe(true);
  });

  it('falls back to the key file where the OS has no real keychain', async () => {
    const dir = tmpDir();
    expect((await openDesktopSecretBox(fakeKeychain(false), dir, 'linux')).storage).toBe('keyfile');
    const box = await openDesktopSecretBox(fakeKeychain(true, 'basic_text'), dir, 'linux');
    expect(box.storage).toBe('keyfile');
    expect(box.open(box.seal('x'))).toBe('x');
    expect(() => keyfileBox(tmpDir()).open(box.seal('x'))).toThrow(/cannot be opened/);
    expect(fs.existsSync(path.join(dir, OS_KEY_FILE))).toBe(false);
  });

  it('uses none of the deprecated synchronous safeStorage calls', () => {
    const text = fs.readFileSync(path.join(root, 'src/main/shell/secrets.ts'), 'utf8');
    expect(text).not.toMatch(/\b(encryptString|decryptString|isEncryptionAvailable)\(/);
    expect(fs.readFileSync(path.join(root, 'src/main/index.ts'), 'utf8')).not.toMatch(/safeStorage\.(encryptString|decryptString|isEncryptionAvailable)\b/);
  });
});

describe('the export save dialog', () => {
  it('asks where to save in the downloads folder, adds the extension, and answers null when cancelled', async () => {
    const calls: unknown[][] = [];
    let answer = { canceled: false, filePath: '/home/ann/Downloads/log' };
    const dialog = { showSaveDialog: vi.fn(async (...args: unknown[]) => (calls.push(args), answer)) };
    const ask = saveDialogFor(dialog as never, () => null, '/home/ann/Downloads');
    expect(await ask({ defaultName: 'notifications-2026-11-21T0900.csv', format: 'csv', log: 'notifications' })).toBe('/home/ann/Downloads/log.csv');
    expect(calls[0][0]).toMatchObject({ title: 'Export the notification log', defaultPath: '/home/ann/Downloads/notifications-2026-11-21T0900.csv', filters: [{ extensions: ['csv'] }] });
    // The audit log's export says so: someone saving it must not think it is the notification log.
    expect(await ask({ defaultName: 'audit-log-2026-11-21T0900.csv', format: 'csv', log: 'audit' })).toBe('/home/ann/Downloads/log.csv');
    expect(calls[1][0]).toMatchObject({ title: 'Export the audit log', defaultPath: '/home/ann/Downloads/audit-log-2026-11-21T0900.csv' });
    answer = { canceled: true, filePath: '' };
    expect(await ask({ defaultName: 'x.json', format: 'json', log: 'audit' })).toBeNull();
  });
});

describe('quitting while due work runs', () => {
  function steps(run: Promise<unknown> | null, waitMs?: number) {
    const calls: string[] = [];
    const s: QuitSteps = {
      stopNewWork: () => calls.push('stop'),
      running: () => run,
      close: () => calls.push('close'),
      quitAgain: () => calls.push('quit again'),
      log: (line) => calls.push(line),
      waitMs,
    };
    const event = () => {
      const e = { prevented: false, preventDefault: () => (e.prevented = true) };
      return e;
    };
    return { calls, onWillQuit: quitAfterRunningWork(s), event };
  }
  const turn = () => new Promise((r) => setTimeout(r, 5));

  it('closes at once when nothing runs', () => {
    const t = steps(null);
    const e = t.event();
    t.onWillQuit(e);
    expect(e.prevented).toBe(false);
    expect(t.calls).toEqual(['stop', 'close']);
  });

  it('holds the quit until the run ends (failed or not), then closes and quits again, once', async () => {
    let finish!: () => void;
    const t = steps(new Promise<void>((_r, reject) => (finish = () => reject(new Error('a charge failed')))));
    const first = t.event();
    t.onWillQuit(first);
    expect(first.prevented).toBe(true);
    expect(t.calls).toEqual(['stop']);
    // Quit clicked again while waiting: still held, no second close.
    const again = t.event();
    t.onWillQuit(again);
    expect(again.prevented).toBe(true);
    await turn();
    expect(t.calls).toEqual(['stop', 'stop']);
    finish();
    await turn();
    expect(t.calls).toEqual(['stop', 'stop', 'close', 'quit again']);
    // The quit asked for again goes through.
    const last = t.event();
    t.onWillQuit(last);
    expect(last.prevented).toBe(false);
    expect(t.calls).toHaveLength(4);
  });

  it('does not wait for ever on a stuck run: it says so and quits', async () => {
    const t = steps(new Promise(() => {}), 20);
    t.onWillQuit(t.event());
    await new Promise((r) => setTimeout(r, 60));
    expect(t.calls).toEqual(['stop', 'balance-desk: due work still running after 0 s; quitting anyway (it resumes at the next start)', 'close', 'quit again']);
  });
});

describe('the first page load', () => {
  function fakeWindow(failures: number) {
    const loads: string[] = [];
    let shown = 0;
    let destroyed = false;
    return {
      loads,
      shown: () => shown,
      destroy: () => (destroyed = true),
      win: {
        loadURL: async (url: string) => {
          loads.push(url);
          if (url.startsWith('app:') && failures-- > 0) throw new Error("ERR_FILE_NOT_FOUND (-6) loading 'app://balance-desk/index.html'");
        },
        isDestroyed: () => destroyed,
        show: () => shown++,
      },
    };
  }

  it('tries again after a failed load, saying so in the log', async () => {
    const f = fakeWindow(1);
    const log: string[] = [];
    expect(await loadAppPage(f.win, APP_URL, { log: (l) => log.push(l), delaysMs: [1, 1] })).toBe('loaded');
    expect(f.loads).toEqual([APP_URL, APP_URL]);
    expect(log).toEqual([`balance-desk: the window could not load ${APP_URL} (ERR_FILE_NOT_FOUND (-6) loading 'app://balance-desk/index.html'); trying again in 0.001 s`]);
  });

  it('shows the error in the window when every try fails, and never throws', async () => {
    const f = fakeWindow(99);
    const log: string[] = [];
    expect(await loadAppPage(f.win, APP_URL, { log: (l) => log.push(l), delaysMs: [1, 1] })).toBe('failed');
    expect(f.loads.slice(0, 3)).toEqual([APP_URL, APP_URL, APP_URL]);
    expect(f.loads[3]).toBe(loadErrorPage(APP_URL, "ERR_FILE_NOT_FOUND (-6) loading 'app://balance-desk/index.html'"));
    expect(f.shown()).toBe(1);
    expect(log.at(-1)).toBe(`balance-desk: gave up loading ${APP_URL} after 3 tries; the window shows the error`);
    const page = decodeURIComponent(f.loads[3].slice(f.loads[3].indexOf(',') + 1));
    expect(page).toContain('Balance Desk could not show its window');
    expect(page).toContain('ERR_FILE_NOT_FOUND (-6) loading &#39;app://balance-desk/index.html&#39;');
    // Plain HTML only: nothing the CSP would refuse, no markup from the error text.
    expect(page).not.toMatch(/<script|<style|style=/);
    expect(loadErrorPage('x', '<img src=x onerror=alert(1)>')).not.toContain(encodeURIComponent('<img'));
  });

  it('stops when the window is closed meanwhile', async () => {
    const f = fakeWindow(99);
    const run = loadAppPage(f.win, APP_URL, { log: () => {}, delaysMs: [20] });
    f.destroy();
    expect(await run).toBe('gone');
    expect(f.shown()).toBe(0);
  });
});

describe('one desk per data folder', () => {
  const home = '/home/ann';
  const env = { HOME: home } as NodeJS.ProcessEnv;
  const real = defaultDataDir(env, 'linux', home);
  const userData = '/home/ann/.config/Balance Desk';

  it('keeps Electron\'s user-data folder for the default ledger and gives every other folder its own', () => {
    expect(deskUserData({ userData, dataDir: real, defaultDataDir: real, platform: 'linux' })).toBe(userData);
    expect(deskUserData({ userData, dataDir: `${real}/`, defaultDataDir: real, platform: 'linux' })).toBe(userData);
    const demo = deskUserData({ userData, dataDir: path.join(real, 'demo'), defaultDataDir: real, platform: 'linux' });
    const other = deskUserData({ userData, dataDir: '/srv/ledgers/north', defaultDataDir: real, platform: 'linux' });
    expect(demo).toMatch(/^\/home\/ann\/\.config\/Balance Desk\/desks\/[0-9a-f]{16}$/);
    expect(other).toMatch(/^\/home\/ann\/\.config\/Balance Desk\/desks\/[0-9a-f]{16}$/);
    expect(new Set([userData, demo, other]).size).toBe(3);
    // Stable from start to start, so a desk keeps its window place and its lock.
    expect(deskUserData({ userData, dataDir: '/srv/ledgers/north/', defaultDataDir: real, platform: 'linux' })).toBe(other);
    // Windows and macOS: the same folder spelled in another case is the same desk; Linux tells them apart.
    const win = { userData: 'C:\\Users\\ann\\AppData\\Roaming\\Balance Desk', defaultDataDir: 'C:\\Users\\ann\\AppData\\Roaming\\Balance Desk', platform: 'win32' as const };
    expect(deskUserData({ ...win, dataDir: 'D:\\Ledgers\\North' })).toBe(deskUserData({ ...win, dataDir: 'd:\\ledgers\\north\\' }));
    expect(deskUserData({ ...win, dataDir: 'c:\\users\\ann\\appdata\\roaming\\balance desk' })).toBe(win.userData);
    expect(dataDirKey('/srv/A', 'linux')).not.toBe(dataDirKey('/srv/a', 'linux'));
    expect(dataDirKey('/', 'linux')).toBe('/');
  });

  it('brings the window forward for the same folder, and says which ledger runs for any other', () => {
    const running = demoDataDir(env);
    expect(secondStart(running, { dataDir: running }, 'linux')).toEqual({ action: 'show' });
    expect(secondStart(running, { dataDir: `${running}/` }, 'linux')).toEqual({ action: 'show' });
    const told = secondStart(running, { dataDir: real }, 'linux');
    expect(told).toMatchObject({ action: 'tell', title: 'Balance Desk is already running', message: `Balance Desk is already running on ${running}.` });
    if (told.action !== 'tell') throw new Error('told');
    expect(told.detail).toContain(`This start asked for the data folder ${real}.`);
    expect(told.detail).toContain('quit Balance Desk from its tray menu');
    expect(told.buttons).toEqual([`Show the desk on ${running}`, 'Close']);
    // Whatever else arrives from another process is no claim: the window is not shown for it.
    for (const data of [undefined, null, 'x', 42, {}, { dataDir: 7 }, { dataDir: 'relative/dir' }, { dataDir: '' }, { dataDir: '/a\0b' }, [running]]) {
      const r = secondStart(running, data, 'linux');
      expect(r.action, JSON.stringify(data)).toBe('tell');
    }
    expect((secondStart(running, undefined, 'linux') as { detail: string }).detail).toContain('did not say which data folder');
  });
});

describe('the demo\'s Stripe sandbox for npm start and npm run serve', () => {
  const tmpDir = useTempDirs('bd-sandbox-');
  type Sandbox = { env: NodeJS.ProcessEnv; stop(): void };
  type SandboxModule = { demoStripe(root: string, args: string[], env: NodeJS.ProcessEnv, log?: (l: string) => void): Promise<Sandbox> };
  const load = async () => (await import(pathToFileURL(path.join(root, 'scripts/sandbox.mjs')).href)) as SandboxModule;

  it('is one piece of code that both scripts use', () => {
    for (const script of ['scripts/serve.mjs', 'scripts/start-desktop.mjs']) {
      const text = fs.readFileSync(path.join(root, script), 'utf8');
      expect(text, script).toMatch(/import \{ demoStripe \} from '\.\/sandbox\.mjs'/);
      expect(text, script).toMatch(/await demoStripe\(root, args, /);
      // Stopped with the app.
      expect(text, script).toMatch(/stop\(\);\n\s+process\.exit/);
      expect(text, script).not.toContain('test/support/stripe/main.ts');
    }
  });

  it('with --demo starts the sandbox and points the app at it; otherwise leaves the environment alone', async () => {
    const { demoStripe } = await load();
    const env = { PATH: process.env.PATH };
    expect((await demoStripe(root, ['--data-dir', tmpDir()], env)).env).toBe(env);
    const own = { ...env, STRIPE_API_BASE: 'http://127.0.0.1:1' };
    expect((await demoStripe(root, ['--demo'], own)).env).toBe(own);

    const dataDir = tmpDir();
    const lines: string[] = [];
    const s = await demoStripe(root, ['--demo', '--data-dir', dataDir], env, (l) => lines.push(l));
    try {
      expect(s.env.STRIPE_API_BASE).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(s.env.STRIPE_SECRET_KEY).toMatch(/^sk_test_/);
      expect(lines).toEqual([expect.stringContaining(`Stripe sandbox (no real money) at ${s.env.STRIPE_API_BASE}`)]);
      const r = await fetch(`${s.env.STRIPE_API_BASE}/v1/customers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${s.env.STRIPE_SECRET_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'name=Blue+Fox',
      });
      expect(r.status).toBe(200);
      // Its state lives beside the demo ledger it serves (written before it answers).
      expect(fs.existsSync(path.join(dataDir, 'stripe-sandbox.json'))).toBe(true);
    } finally {
      s.stop();
    }
  }, 30_000);
});
