/**
 * Headless Chromium for end-to-end tests, driven by playwright-core (never a browser download): the one
 * test/support/chromium-path.ts found for this run (CHROMIUM_PATH, an installed Chromium or Chrome, else the
 * one @sparticuz/chromium ships). `useChromium()` launches it before the suite's tests, closes it after
 * them, and collects what the page complained about (script errors, CSP refusals, failed requests).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, inject } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

export interface Chromium {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Script errors, console errors and CSP refusals seen so far. */
  readonly problems: string[];
  /** Saves a full-window screenshot as test/artifacts/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
}

export function useChromium(opts: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}): Chromium {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const problems: string[] = [];
  const need = <T>(v: T | undefined, what: string): T => {
    if (!v) throw new Error(`${what} is not ready: use it inside a test, after beforeAll`);
    return v;
  };

  beforeAll(async () => {
    const found = inject('chromium');
    if ('error' in found) throw new Error(`the end-to-end tests need Chromium: ${found.error}`);
    browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
    // A fixed locale and zone: the test reads money and times as a US desk in UTC shows them.
    context = await browser.newContext({
      viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
      locale: 'en-US',
      timezoneId: 'UTC',
      colorScheme: opts.colorScheme ?? 'light',
    });
    page = await context.newPage();
    // Fail an action that cannot happen in seconds with Playwright's own reason, not the test's timeout.
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const url = m.location().url ?? '';
      // A channel answers a refused input with a 4xx envelope, which Chromium logs; the screen shows it.
      if (/\/rpc\//.test(url) && /status of 4\d\d/.test(m.text())) return;
      problems.push(`console error: ${m.text()} ${url}`.trim());
    });
    // Reads the page's own reload cut short (the app reloads itself when sign-in turns on, or on sign out)
    // are not faults: a request aborted just before a new document loads is taken back off the list.
    let cutShort: string[] = [];
    page.on('requestfailed', (r) => {
      // An EventSource is aborted when the page goes away: not a fault.
      if (r.resourceType() === 'eventsource') return;
      const line = `request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`;
      problems.push(line);
      if (/ERR_ABORTED/.test(line)) cutShort.push(line);
    });
    page.on('domcontentloaded', () => {
      for (const line of cutShort) {
        const i = problems.lastIndexOf(line);
        if (i >= 0) problems.splice(i, 1);
      }
      cutShort = [];
    });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  return {
    get browser() {
      return need(browser, 'the browser');
    },
    get context() {
      return need(context, 'the browser context');
    },
    get page() {
      return need(page, 'the page');
    },
    problems,
    async screenshot(name) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await need(page, 'the page').screenshot({ path: file });
      return file;
    },
  };
}

/**
 * Closes what a suite started (the host, its folder) after the browser: a connection the browser still has
 * open (a keep-alive one, the event stream coming back) can hold host.close() open for good (see
 * notifications.test.ts).
 */
export function afterBrowser(chrome: Chromium, close: () => Promise<void>): void {
  afterAll(async () => {
    await Promise.resolve()
      .then(() => chrome.browser.close())
      .catch(() => undefined); // the browser never started
    await close();
  });
}

/**
 * Waits until the locator's text is `expected` (or matches it) and fails with the text it last saw:
 * playwright-core has no retrying expect, and a screen fills in after its call returns.
 */
export async function waitForText(
  locator: ReturnType<Page['locator']>,
  expected: string | RegExp,
  timeoutMs = 5000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '(not on the page)';
  for (;;) {
    if ((await locator.count()) > 0) {
      last = ((await locator.first().textContent()) ?? '').trim();
      if (typeof expected === 'string' ? last === expected : expected.test(last)) return last;
    }
    if (Date.now() > deadline) {
      throw new Error(`expected ${locator} to read ${String(expected)} within ${timeoutMs} ms, but it read "${last}"`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
