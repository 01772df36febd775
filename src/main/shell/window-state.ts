/**
 * The window comes back where it was: its size, position and maximized state in a small JSON file in the
 * user data folder (window-state.json). What is read is checked field by field (a hand-edited or half
 * written file is ignored, never trusted), and a position is used only when the window would still be
 * visible on a display that exists now (a laptop undocked from its second screen must not open the window
 * off screen). Pure (types only from electron), so tests drive it with fakes.
 */
import type { Rectangle } from 'electron';
import { parseJson, readFileText, writeJsonFile } from './json-file';

export const WINDOW_STATE_FILE = 'window-state.json';
const SAVE_AFTER_MS = 500;
/** The part of the window that must be on a display: enough of its top to grab it and move it. */
const GRAB_WIDTH = 120;
const GRAB_HEIGHT = 40;
const LIMIT = 100_000;

export interface WindowState {
  x: number;
  y: number;
  width: number;
  height: number;
  maximized: boolean;
}

const int = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** The state in `text` (window-state.json), or null when it is not one (any field missing, of the wrong type or absurd). */
export function parseWindowState(text: string): WindowState | null {
  const v = parseJson(text);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (!int(o.x, -LIMIT, LIMIT) || !int(o.y, -LIMIT, LIMIT) || !int(o.width, 200, LIMIT) || !int(o.height, 150, LIMIT))
    return null;
  if (typeof o.maximized !== 'boolean') return null;
  return { x: o.x, y: o.y, width: o.width, height: o.height, maximized: o.maximized };
}

export const readWindowState = (dir: string): WindowState | null =>
  parseWindowState(readFileText(dir, WINDOW_STATE_FILE));
export const writeWindowState = (dir: string, state: WindowState): void => writeJsonFile(dir, WINDOW_STATE_FILE, state);

const overlap = (a: Rectangle, b: Rectangle) =>
  Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
  Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

/**
 * The bounds to open the window with: the saved ones when the top of the window (where it is grabbed)
 * is on one of `workAreas`, shrunk to fit that display; otherwise only the saved size, fitted to the
 * primary display (the first work area) and centred by the OS; nothing when there is no saved state.
 */
export function restoreBounds(
  state: WindowState | null,
  workAreas: readonly Rectangle[],
  minimum: { width: number; height: number },
): Partial<Rectangle> {
  if (!state || workAreas.length === 0) return {};
  const grab = {
    x: state.x + Math.max(0, Math.floor((state.width - GRAB_WIDTH) / 2)),
    y: state.y,
    width: Math.min(GRAB_WIDTH, state.width),
    height: GRAB_HEIGHT,
  };
  const display = workAreas.find((a) => overlap(a, grab) >= grab.width * grab.height * 0.5);
  const fit = (a: Rectangle) => ({
    width: Math.max(Math.min(state.width, a.width), Math.min(minimum.width, a.width)),
    height: Math.max(Math.min(state.height, a.height), Math.min(minimum.height, a.height)),
  });
  if (!display) return fit(workAreas[0]);
  const size = fit(display);
  // Kept inside the display it is on: a window wider than the display that moved left would hang off it.
  const x = Math.min(Math.max(state.x, display.x), display.x + display.width - size.width);
  const y = Math.min(Math.max(state.y, display.y), display.y + display.height - size.height);
  return { x, y, ...size };
}

/** What trackWindowState needs of a BrowserWindow. */
export interface TrackedWindow {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
  getNormalBounds(): Rectangle;
  isMaximized(): boolean;
  isMinimized(): boolean;
  isDestroyed(): boolean;
}

/**
 * Saves the window's state half a second after it stops moving or resizing, and at once when it closes
 * (or hides, which is what closing does here). The normal bounds are saved while maximized, so
 * un-maximizing after a restart goes back to the size it had. Returns a function that saves now.
 */
export function trackWindowState(
  win: TrackedWindow,
  save: (state: WindowState) => void,
  waitMs = SAVE_AFTER_MS,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const saveNow = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (win.isDestroyed() || win.isMinimized()) return;
    const b = win.getNormalBounds();
    try {
      save({
        x: Math.round(b.x),
        y: Math.round(b.y),
        width: Math.round(b.width),
        height: Math.round(b.height),
        maximized: win.isMaximized(),
      });
    } catch (e) {
      // A read-only folder must not break the window; it just opens at the default size next time.
      console.error('balance-desk: could not save the window state', e);
    }
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(saveNow, waitMs);
  };
  for (const e of ['resize', 'move'] as const) win.on(e, later);
  for (const e of ['maximize', 'unmaximize', 'close'] as const) win.on(e, saveNow);
  return saveNow;
}
