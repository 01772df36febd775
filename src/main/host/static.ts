import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Serves a file of the built renderer. A path that would leave the folder (../, encoded or not, a
 * symlink pointing out) is a 404, so nothing but the renderer's own files is ever readable.
 */
export function serveStatic(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  pathname: string,
  root: string,
  opts: { csp: string; transformIndex: (html: string) => string },
) {
  const notFound = (why: string) => {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(why);
  };
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return notFound('not found');
  }
  if (rel.includes('\0') || rel.split(/[\\/]/).includes('..')) return notFound('not found');
  const realRoot = fs.existsSync(root) ? fs.realpathSync(root) : root;
  let file = path.join(realRoot, rel === '/' ? 'index.html' : rel);
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    // Client-side routes (#/clients uses the hash, but a typed /clients should not 404).
    if (path.extname(rel) !== '') return notFound('not found');
    file = path.join(realRoot, 'index.html');
  }
  if (!fs.existsSync(file)) {
    return notFound('The renderer is not built: run `npm run build` (npm run serve does it for you).');
  }
  const real = fs.realpathSync(file);
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return notFound('not found');
  const ext = path.extname(real);
  const headers: http.OutgoingHttpHeaders = {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
  if (ext === '.html') {
    const html = opts.transformIndex(fs.readFileSync(real, 'utf8'));
    res.writeHead(200, { ...headers, 'content-security-policy': opts.csp, 'cache-control': 'no-store' });
    return res.end(req.method === 'HEAD' ? undefined : html);
  }
  res.writeHead(200, {
    ...headers,
    'cache-control': rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') return res.end();
  fs.createReadStream(real).pipe(res);
}
