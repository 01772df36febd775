// npm run serve [-- --data-dir DIR --port N --demo --test-clock]
// Builds the app when the build is missing or older than the sources, then runs the headless host.
// With --demo (and no STRIPE_API_BASE of your own) it also starts the Stripe sandbox and points the host
// at it (scripts/sandbox.mjs, shared with `npm start -- --demo`).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoStripe } from './sandbox.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = [path.join(root, 'out/main/headless.js'), path.join(root, 'out/renderer/index.html')];

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const stale =
  built.some((f) => !fs.existsSync(f)) ||
  newest(path.join(root, 'src')) > Math.min(...built.map((f) => fs.statSync(f).mtimeMs));
if (stale) {
  console.log('Building Balance Desk…');
  const bin = path.join(
    root,
    'node_modules/.bin',
    process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite',
  );
  const r = spawnSync(bin, ['build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    shell: process.platform === 'win32',
  });
  if (r.status !== 0) {
    console.error('The build failed (see above).');
    process.exit(r.status ?? 1);
  }
}
const args = process.argv.slice(2);
const { env, stop } = await demoStripe(root, args, { ...process.env });
const child = spawn(process.execPath, [path.join(root, 'out/main/headless.js'), ...args], {
  cwd: root,
  stdio: 'inherit',
  env,
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => {
  stop();
  process.exit(code ?? (signal ? 0 : 1));
});
