// The demo's Stripe sandbox, for `npm run serve -- --demo` (scripts/serve.mjs) and `npm start -- --demo`
// (scripts/start-desktop.mjs) alike: with --demo, and no STRIPE_API_BASE of the caller's own, it starts the
// Stripe-compatible test server of test/support/stripe — a sandbox, no real money — and gives back the
// environment that points the app's Stripe SDK at it. The sandbox keeps its state in stripe-sandbox.json in
// the same data folder as the demo ledger, so the Stripe customers and payment methods the ledger holds are
// still there at the next start.
import { spawn } from 'node:child_process';
import path from 'node:path';

/** The value of --data-dir (`--data-dir DIR` or `--data-dir=DIR`), as the app reads it. */
export function dataDirArg(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--data-dir') return args[i + 1];
    if (args[i].startsWith('--data-dir=')) return args[i].slice('--data-dir='.length);
  }
  return undefined;
}

/**
 * Starts the sandbox on a free port; resolves with its process, URL and key once it is listening. It is
 * told the app's --data-dir and --demo, so its state file sits in the app's data folder (both run in `root`,
 * so a relative --data-dir means the same folder to both).
 */
function startSandbox(root, args) {
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

/**
 * The environment for the app: `env` itself unless `args` has --demo and `env` names no STRIPE_API_BASE;
 * then the sandbox's base URL and key (a STRIPE_SECRET_KEY of the caller's own is kept). `stop()` ends the
 * sandbox (a no-op when none was started); call it when the app exits.
 */
export async function demoStripe(root, args, env, log = (line) => console.log(line)) {
  if (!args.includes('--demo') || env.STRIPE_API_BASE) return { env, stop: () => {} };
  const s = await startSandbox(root, args);
  log(`Stripe sandbox (no real money) at ${s.base}: auto-recharge charges it with Stripe's test cards.`);
  return {
    env: { ...env, STRIPE_API_BASE: s.base, STRIPE_SECRET_KEY: env.STRIPE_SECRET_KEY || s.key },
    stop: () => {
      if (s.sandbox.exitCode === null && s.sandbox.signalCode === null) s.sandbox.kill();
    },
  };
}
