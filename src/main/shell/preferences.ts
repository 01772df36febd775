/**
 * The desktop app's own preferences, apart from the ledger (which keeps its settings in the database): the
 * theme chosen in View → Theme, in preferences.json of the user data folder, so the window opens in it
 * next time. What is read is checked; anything else is the default ('system'). Pure, tested without Electron.
 */
import { parseJson, readFileText, writeJsonFile } from './json-file';
import type { ThemeSource } from './menu';

export const PREFERENCES_FILE = 'preferences.json';
const THEMES: readonly ThemeSource[] = ['system', 'light', 'dark'];

export interface Preferences {
  theme: ThemeSource;
}

/** The preferences in `text`; a missing or unknown value is its default. */
export function parsePreferences(text: string): Preferences {
  const v = parseJson(text) as { theme?: unknown } | null | undefined;
  const theme =
    typeof v === 'object' && v !== null && THEMES.includes(v.theme as ThemeSource)
      ? (v.theme as ThemeSource)
      : 'system';
  return { theme };
}

export const readPreferences = (dir: string): Preferences => parsePreferences(readFileText(dir, PREFERENCES_FILE));

/** Changes some preferences and writes the file; a folder that cannot be written keeps the choice for this run only. */
export function savePreferences(dir: string, change: Partial<Preferences>): Preferences {
  const next = { ...readPreferences(dir), ...change };
  try {
    writeJsonFile(dir, PREFERENCES_FILE, next);
  } catch (e) {
    console.error('balance-desk: could not save the preferences', e);
  }
  return next;
}
