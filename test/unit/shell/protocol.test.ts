/** The app:// scheme that serves the built renderer (src/main/shell/protocol.ts): inside its folder only, with the CSP. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../../../src/main/shell/security';
import { APP_URL, appScheme, rendererFile, rendererHandler, serveRenderer } from '../../../src/main/shell/protocol';

describe('the app:// scheme that serves the built renderer', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-renderer-'));
    fs.mkdirSync(path.join(root, 'assets'));
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Balance Desk</title>');
    fs.writeFileSync(path.join(root, 'assets', 'index.js'), 'console.log(1)');
    fs.writeFileSync(path.join(os.tmpdir(), 'bd-secret.txt'), 'secret');
  });
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(path.join(os.tmpdir(), 'bd-secret.txt'), { force: true });
  });

  it('is a standard, secure scheme (real origins, so CSP self means this app only)', () => {
    expect(appScheme.privileges).toMatchObject({ standard: true, secure: true });
    expect(appScheme.privileges).not.toHaveProperty('bypassCSP');
  });

  it('maps app URLs into the renderer folder and nothing outside it', () => {
    expect(rendererFile(root, 'app://balance-desk/')).toBe(path.join(root, 'index.html'));
    expect(rendererFile(root, 'app://balance-desk/assets/index.js')).toBe(path.join(root, 'assets', 'index.js'));
    for (const url of [
      'app://balance-desk/../bd-secret.txt',
      'app://balance-desk/%2e%2e/bd-secret.txt',
      'app://balance-desk/..%2fbd-secret.txt',
      'app://balance-desk/assets/..%2f..%2fbd-secret.txt',
      'app://balance-desk/..%5cbd-secret.txt',
      'app://balance-desk/index.html%00.js',
      'app://elsewhere/index.html',
      'file:///etc/passwd',
      'app://balance-desk/%E0%A4%A',
    ]) {
      const file = rendererFile(root, url);
      expect(file === null || file.startsWith(root + path.sep), `${url} -> ${file}`).toBe(true);
      if (file) expect(fs.existsSync(file), `${url} must not reach a file`).toBe(false);
    }
  });

  it('answers with the CSP header and the right content type, and 404 outside', async () => {
    let registered: ((r: { url: string }) => Promise<Response>) | undefined;
    serveRenderer(
      {
        handle: (scheme: string, h: (r: { url: string }) => Promise<Response>) =>
          scheme === 'app' ? (registered = h) : undefined,
      } as never,
      root,
    );
    expect(registered).toBeDefined();
    const page = await registered!({ url: APP_URL });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Balance Desk');
    const script = await rendererHandler(root)({ url: 'app://balance-desk/assets/index.js' });
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    for (const url of [
      'app://balance-desk/..%2fbd-secret.txt',
      'app://balance-desk/missing.js',
      'app://balance-desk/assets',
    ]) {
      expect((await rendererHandler(root)({ url })).status, url).toBe(404);
    }
  });
});
