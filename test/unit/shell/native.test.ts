/** Where the Electron build of better-sqlite3 is looked up (src/main/shell/native.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeBindingPath } from '../../../src/main/shell/native';

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
    expect(nativeBindingPath({ isPackaged: false, appPath: dir, electron })).toBe(
      path.join(dir, '.electron-native', 'better_sqlite3.node'),
    );
    expect(nativeBindingPath({ isPackaged: false, appPath: dir, electron: undefined })).toBeUndefined();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
