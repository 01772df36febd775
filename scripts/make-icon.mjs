#!/usr/bin/env node
/**
 * Renders resources/icon.svg to resources/icon.png (512×512, transparent corners) with headless Chromium.
 * Run after editing the SVG: `node scripts/make-icon.mjs` (needs /usr/bin/chromium or CHROMIUM_PATH).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const SIZE = 512;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const svg = fs.readFileSync(path.join(root, 'resources', 'icon.svg'), 'utf8');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
  await page.setContent(
    `<!doctype html><html><body style="margin:0;background:transparent">` +
      `<img id="icon" width="${SIZE}" height="${SIZE}" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}">` +
      `</body></html>`,
  );
  await page.waitForFunction(() => globalThis.document.getElementById('icon')?.complete);
  const png = await page.locator('#icon').screenshot({ omitBackground: true, type: 'png' });
  fs.writeFileSync(path.join(root, 'resources', 'icon.png'), png);
  console.log(`resources/icon.png: ${SIZE}×${SIZE}, ${png.length} bytes`);
} finally {
  await browser.close();
}
