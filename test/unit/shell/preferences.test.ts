/** The desktop preferences file (the theme chosen in View → Theme): read back, checked, written atomically. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { useTempDirs } from '../../support/temp-dirs';
import {
  parsePreferences,
  PREFERENCES_FILE,
  readPreferences,
  savePreferences,
} from '../../../src/main/shell/preferences';

const tmp = useTempDirs('bd-prefs-');

describe('desktop preferences', () => {
  it('remembers the theme across starts; a missing, broken or unknown value is the system theme', () => {
    const dir = tmp();
    expect(readPreferences(dir)).toEqual({ theme: 'system' });
    expect(savePreferences(dir, { theme: 'dark' })).toEqual({ theme: 'dark' });
    expect(readPreferences(dir)).toEqual({ theme: 'dark' });
    expect(fs.readdirSync(dir)).toEqual([PREFERENCES_FILE]);
    savePreferences(dir, { theme: 'light' });
    expect(readPreferences(dir).theme).toBe('light');
    for (const text of ['', 'null', '[]', '{"theme":', '{"theme":"purple"}', '{"theme":1}', '{}'])
      expect(parsePreferences(text), text).toEqual({ theme: 'system' });
    fs.writeFileSync(path.join(dir, PREFERENCES_FILE), '{"theme":"da');
    expect(readPreferences(dir)).toEqual({ theme: 'system' });
  });

  it('a folder that cannot be written keeps the choice for this run and does not throw', () => {
    const file = path.join(tmp(), 'not-a-folder');
    fs.writeFileSync(file, '');
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(savePreferences(file, { theme: 'dark' })).toEqual({ theme: 'dark' });
      expect(logged).toHaveBeenCalledWith('balance-desk: could not save the preferences', expect.any(Error));
    } finally {
      logged.mockRestore();
    }
  });
});
