/** The first page load (src/main/shell/page-load.ts): tried again, explained in the window when it never loads. */
import { describe, expect, it } from 'vitest';
import { loadAppPage, loadErrorPage } from '../../../src/main/shell/page-load';
import { APP_URL } from '../../../src/main/shell/protocol';

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
          if (url.startsWith('app:') && failures-- > 0)
            throw new Error("ERR_FILE_NOT_FOUND (-6) loading 'app://balance-desk/index.html'");
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
    expect(log).toEqual([
      `balance-desk: the window could not load ${APP_URL} (ERR_FILE_NOT_FOUND (-6) loading 'app://balance-desk/index.html'); trying again in 0.001 s`,
    ]);
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
