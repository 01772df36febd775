/**
 * The built renderer is served to the window from `app://balance-desk/`, not loaded with file://.
 * Why: a file:// page cannot receive a CSP header (Electron's own security guide), and for a file:// page
 * the CSP source 'self' matches every local file, so an injected <script src="file:///…"> would pass.
 * With this scheme the policy arrives as a header on every response, 'self' means only this app, and the
 * handler reads nothing but the renderer's own folder. Pure (types only from electron), tested in Node.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CustomScheme, Protocol } from 'electron';
import { CSP } from '../../shared/csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'balance-desk';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Registered before 'ready' (protocol.registerSchemesAsPrivileged). */
export const appScheme: CustomScheme = {
  scheme: APP_SCHEME,
  // standard: real origins, so 'self', relative URLs and storage work; secure: treated like https.
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file under `root` that an app:// URL names, or null for anything outside it or not ours. */
export function rendererFile(root: string, requestUrl: string): string | null {
  let url: URL;
  let rel: string;
  try {
    url = new URL(requestUrl);
    rel = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  // A NUL byte can cut a path short in native code.
  if (rel.includes('\0')) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, '.' + (rel === '/' ? '/index.html' : rel));
  // Encoded ../ or backslashes must not climb out of the renderer folder to the user's files.
  if (!file.startsWith(base + path.sep)) return null;
  return file;
}

export function rendererHeaders(file: string, csp: string = CSP): Record<string, string> {
  return {
    'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Security-Policy': csp,
    // Without it a file of one type could be run as another (a .json sniffed as script).
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

export type RendererHandler = (request: { url: string }) => Promise<Response>;

export function rendererHandler(root: string, csp: string = CSP): RendererHandler {
  return async (request) => {
    const file = rendererFile(root, request.url);
    if (!file) return new Response('not found', { status: 404 });
    try {
      const body = await fs.promises.readFile(file);
      return new Response(new Uint8Array(body), { status: 200, headers: rendererHeaders(file, csp) });
    } catch {
      return new Response('not found', { status: 404 });
    }
  };
}

/** Serves `root` (out/renderer) on app://balance-desk/. */
export function serveRenderer(protocol: Pick<Protocol, 'handle'>, root: string, csp: string = CSP): void {
  protocol.handle(APP_SCHEME, rendererHandler(root, csp));
}
