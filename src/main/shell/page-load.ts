/**
 * The window's first page load. `win.loadURL` rejects when the page cannot be loaded (a renderer file
 * missing from a broken install, the dev server not up yet); the app used to exit on that, stopping the
 * alerts and auto-recharge that run without a window. Now the failure is logged, the load tried again, and
 * if it still fails the window shows what went wrong while the desk keeps running in the tray.
 * Pure (no electron), so tests drive it with a fake window.
 */
export interface PageWindow {
  loadURL(url: string): Promise<unknown>;
  isDestroyed(): boolean;
  show(): void;
}

export interface PageLoadOptions {
  log(line: string): void;
  /** Waits before each try after the first (default 0.25 s, then 1 s). */
  delaysMs?: readonly number[];
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page of plain HTML (no script, no style: nothing a CSP could refuse) that says the load failed. */
export function loadErrorPage(url: string, reason: string): string {
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Balance Desk could not show its window</title></head><body>' +
    '<h1>Balance Desk could not show its window</h1>' +
    `<p>The page ${esc(url)} did not load: ${esc(reason)}</p>` +
    '<p>Alerts and automatic top-ups go on running in the tray. Quit Balance Desk from its tray menu and start it again; ' +
    'if this page comes back, reinstall Balance Desk (your ledger is kept: it lives in the data folder, not with the app).</p>' +
    '</body></html>';
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}

// Unref'd: a retry still waiting must not keep a quitting app alive.
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Loads `url` into `win`: 'loaded', 'failed' (the error page shown instead) or 'gone' (the window closed meanwhile). */
export async function loadAppPage(
  win: PageWindow,
  url: string,
  o: PageLoadOptions,
): Promise<'loaded' | 'failed' | 'gone'> {
  const delays = o.delaysMs ?? [250, 1000];
  let reason = '';
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    if (attempt > 0) await sleep(delays[attempt - 1]);
    if (win.isDestroyed()) return 'gone';
    try {
      await win.loadURL(url);
      return 'loaded';
    } catch (e) {
      if (win.isDestroyed()) return 'gone';
      reason = e instanceof Error ? e.message : String(e);
      const next = delays[attempt];
      o.log(
        `balance-desk: the window could not load ${url} (${reason})${next === undefined ? '' : `; trying again in ${next / 1000} s`}`,
      );
    }
  }
  o.log(`balance-desk: gave up loading ${url} after ${delays.length + 1} tries; the window shows the error`);
  try {
    await win.loadURL(loadErrorPage(url, reason));
  } catch (e) {
    o.log(`balance-desk: the error page did not load either (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!win.isDestroyed()) win.show();
  return 'failed';
}
