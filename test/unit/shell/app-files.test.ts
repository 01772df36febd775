/** Where the app finds its migrations and icon (src/main/shell/app-files.ts): where electron-builder.yml ships them. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appIconPath, migrationsFolder } from '../../../src/main/shell/app-files';
import { builderConfig, root } from './helpers';

describe('electron-builder.yml', () => {
  const config = builderConfig();

  it('the app names the migrations and the icon by its own layout, never by the working directory', () => {
    const installed = {
      isPackaged: true,
      appPath: '/opt/Balance Desk/resources/app.asar',
      resourcesPath: '/opt/Balance Desk/resources',
    };
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
