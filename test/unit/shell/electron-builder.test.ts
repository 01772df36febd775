/** The packaging config, electron-builder.yml: targets, fuses, asar, and what it ships. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builderConfig, root } from './helpers';

describe('electron-builder.yml', () => {
  const config = builderConfig();

  it('names the app', () => {
    expect(config.appId).toBe('com.balancedesk.app');
    expect(config.productName).toBe('Balance Desk');
  });

  it('builds deb, rpm and tar.gz for Linux, nsis for Windows, dmg for macOS', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['deb', 'rpm', 'tar.gz']));
    expect(config.win.target).toContain('nsis');
    expect(config.mac.target).toContain('dmg');
  });

  it("ships no AppImage: Chromium's sandbox aborts it at launch on Ubuntu 23.10+ (electron/electron#42510)", () => {
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
    expect(config.extraResources).toEqual(
      expect.arrayContaining([
        { from: 'drizzle', to: 'drizzle' },
        { from: 'resources/icon.png', to: 'icon.png' },
      ]),
    );
    expect(fs.existsSync(path.join(root, 'drizzle/meta/_journal.json'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'resources/icon.png'))).toBe(true);
  });
});
