// npm run serve [-- --data-dir DIR --port N --demo --test-clock]
// Builds the app when the build is missing or older than the sources, then runs the headless host.
// With --demo (and no STRIPE_API_BASE of your own) it also starts the Stripe-compatible test server of
// test/support/stripe — a sandbox, no real money — and points the host's Stripe SDK at it. The sandbox
// keeps its state in stripe-sandbox.json in the same data folder as the demo ledger, so the Stripe
// customers and payment methods the ledger holds are still there at the next start.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

const stale = built.some((f) => !fs.existsSync(f)) || newest(path.join(root, 'src')) > Math.min(...built.map((f) => fs.statSync(f).mtimeMs));
if (stale) {
  console.log('Building Balance Desk…');
  const bin = path.join(root, 'node_modules/.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const r = spawnSync(bin, ['build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error('The build failed (see above).');
    process.exit(r.status ?? 1);
  }
}
/** The value of --data-dir (`--data-dir DIR` or `--data-dir=DIR`), as the host reads it. */
function dataDirArg(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--data-dir') return args[i + 1];
    if (args[i].startsWith('--data-dir=')) return args[i].slice('--data-dir='.length);
  }
  return undefined;
}

/**
 * Starts the Stripe sandbox on a free port; resolves with its URL and key once it is listening. It is
 * told the host's --data-dir and --demo, so its state file sits in the host's data folder (both run in
 * `root`, so a relative --data-dir means the same folder to both).
 */
function startSandbox(args) {
  const tsx = path.join(root, 'node_modules/.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
  const dataDir = dataDirArg(args);
  const where = [...(dataDir ? ['--data-dir', dataDir] : []), ...(args.includes('--demo') ? ['--demo'] : [])];
  const sandbox = spawn(tsx, [path.join(root, 'test/support/stripe/main.ts'), '--port', '0', '--quiet', ...where], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    shell: process.platform === 'win32',
  });
  return new Promise((resolve, reject) => {
    let out = '';
    sandbox.stdout.on('data', (chunk) => {
      out += chunk;
      const base = /STRIPE_API_BASE=(\S+)/.exec(out);
      const key = /STRIPE_SECRET_KEY=(\S+)/.exec(out);
      if (base && key) resolve({ sandbox, base: base[1], key: key[1] });
    });
    sandbox.on('exit', (code) => reject(new Error(`the Stripe sandbox stopped (${code})`)));
  });
}

const args = process.argv.slice(2);
const env = { ...process.env };
let sandbox = null;
if (args.includes('--demo') && !env.STRIPE_API_BASE) {
  const s = await startSandbox(args);
  sandbox = s.sandbox;
  env.STRIPE_API_BASE = s.base;
  env.STRIPE_SECRET_KEY = env.STRIPE_SECRET_KEY || s.key;
  console.log(`Stripe sandbox (no real money) at ${s.base}: auto-recharge charges it with Stripe's test cards.`);
}
const child = spawn(process.execPath, [path.join(root, 'out/main/headless.js'), ...args], { cwd: root, stdio: 'inherit', env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => {
  sandbox?.kill();
  process.exit(code ?? (signal ? 0 : 1));
});
