/**
 * vitest's globalSetup: runs once in the main process before any test file. It finds the Chromium the
 * end-to-end suites drive (test/support/chromium-path.ts) and hands it to every worker through vitest's
 * provide/inject. Found once, so parallel suites never race to unpack the packaged browser. A machine with
 * no Chromium at all still runs the unit and integration tests: the error is handed over instead, and only
 * a suite that opens the browser fails with it.
 */
import type { TestProject } from 'vitest/node';
import { findChromium } from './chromium-path';

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: { path: string; source: string } | { error: string };
  }
}

export default async function setup(project: TestProject): Promise<void> {
  try {
    project.provide('chromium', await findChromium());
  } catch (e) {
    project.provide('chromium', { error: e instanceof Error ? e.message : String(e) });
  }
}
