/** The window's size and place (src/main/shell/window-state.ts), saved and restored: validated, only onto a display that exists. */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  parseWindowState,
  readWindowState,
  restoreBounds,
  trackWindowState,
  WINDOW_STATE_FILE,
  writeWindowState,
  type WindowState,
} from '../../../src/main/shell/window-state';
import { useTempDirs } from '../../support/temp-dirs';

describe('window size and position', () => {
  const tmp = useTempDirs('bd-winstate-');
  const good: WindowState = { x: 100, y: 80, width: 1400, height: 900, maximized: false };
  const primary = { x: 0, y: 0, width: 1920, height: 1040 };
  const right = { x: 1920, y: 0, width: 1280, height: 1024 };

  it('writes and reads the state back; a missing, broken or hostile file reads as none', () => {
    const dir = tmp();
    expect(readWindowState(dir)).toBeNull();
    writeWindowState(dir, good);
    expect(readWindowState(dir)).toEqual(good);
    expect(fs.readdirSync(dir)).toEqual([WINDOW_STATE_FILE]);
    for (const text of [
      '',
      'null',
      '[]',
      '{"x":1',
      JSON.stringify({ ...good, width: '1400' }),
      JSON.stringify({ ...good, height: 10 }),
      JSON.stringify({ ...good, x: 1e12 }),
      JSON.stringify({ ...good, y: 1.5 }),
      JSON.stringify({ ...good, maximized: 'yes' }),
      JSON.stringify({ x: 1, y: 2, width: 800, height: 600 }),
    ]) {
      expect(parseWindowState(text), text).toBeNull();
    }
    fs.writeFileSync(path.join(dir, WINDOW_STATE_FILE), '{"x":');
    expect(readWindowState(dir)).toBeNull();
  });

  it('restores the place only on a display that exists, fitted to it', () => {
    const min = { width: 960, height: 600 };
    expect(restoreBounds(null, [primary], min)).toEqual({});
    expect(restoreBounds(good, [primary], min)).toEqual({ x: 100, y: 80, width: 1400, height: 900 });
    // On the second screen, while it is plugged in.
    const there = { ...good, x: 2000, y: 50, width: 1000 };
    expect(restoreBounds(there, [primary, right], min)).toEqual({ x: 2000, y: 50, width: 1000, height: 900 });
    // Unplugged: the size comes back, the place is left to the OS (centred on the primary display).
    expect(restoreBounds(there, [primary], min)).toEqual({ width: 1000, height: 900 });
    // Its title bar above the top of the screen (cannot be grabbed): not restored there.
    expect(restoreBounds({ ...good, y: -500 }, [primary], min)).toEqual({ width: 1400, height: 900 });
    // Bigger than the display it is on: shrunk to fit and kept on it.
    expect(restoreBounds({ ...good, x: 1950, width: 1500, height: 1200 }, [primary, right], min)).toEqual({
      x: 1920,
      y: 0,
      width: 1280,
      height: 1024,
    });
    // Hanging off the right edge: moved back so all of it is on the display.
    expect(restoreBounds({ ...good, x: 1000 }, [primary], min)).toEqual({ x: 520, y: 80, width: 1400, height: 900 });
    expect(restoreBounds(good, [], min)).toEqual({});
  });

  it('saves after moving or resizing stops, at once on maximize and close; normal bounds while maximized', async () => {
    vi.useFakeTimers();
    try {
      const events = new EventEmitter();
      let bounds = { x: 10, y: 20, width: 1300, height: 850 };
      let maximized = false;
      const win = {
        on: (e: string, l: () => void) => events.on(e, l),
        getNormalBounds: () => bounds,
        isMaximized: () => maximized,
        isMinimized: () => false,
        isDestroyed: () => false,
      };
      const saved: WindowState[] = [];
      trackWindowState(win, (s) => saved.push(s), 500);
      events.emit('move');
      bounds = { ...bounds, x: 40 };
      events.emit('move');
      events.emit('resize');
      await vi.advanceTimersByTimeAsync(499);
      expect(saved).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(saved).toEqual([{ x: 40, y: 20, width: 1300, height: 850, maximized: false }]);
      maximized = true;
      events.emit('maximize');
      expect(saved.at(-1)).toEqual({ x: 40, y: 20, width: 1300, height: 850, maximized: true });
      events.emit('close');
      expect(saved).toHaveLength(3);
      // A failing save is logged, not thrown into Electron's event loop.
      const err = vi.spyOn(console, 'error').mockImplementation(() => {});
      trackWindowState(win, () => {
        throw new Error('read-only');
      });
      expect(() => events.emit('close')).not.toThrow();
      expect(err).toHaveBeenCalled();
      err.mockRestore();
    } finally {
      vi.useRealTimers();
    }
  });
});
