/** The demo's Stripe sandbox (scripts/sandbox.mjs) that npm start and npm run serve start with --demo. */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../support/temp-dirs';
import { root } from './helpers';

describe("the demo's Stripe sandbox for npm start and npm run serve", () => {
  const tmpDir = useTempDirs('bd-sandbox-');
  type Sandbox = { env: NodeJS.ProcessEnv; stop(): void };
  type SandboxModule = {
    demoStripe(root: string, args: string[], env: NodeJS.ProcessEnv, log?: (l: string) => void): Promise<Sandbox>;
  };
  const load = async () => (await import(pathToFileURL(path.join(root, 'scripts/sandbox.mjs')).href)) as SandboxModule;

  it('is one piece of code that both scripts use', () => {
    for (const script of ['scripts/serve.mjs', 'scripts/start-desktop.mjs']) {
      const text = fs.readFileSync(path.join(root, script), 'utf8');
      expect(text, script).toMatch(/import \{ demoStripe \} from '\.\/sandbox\.mjs'/);
      expect(text, script).toMatch(/await demoStripe\(root, args, /);
      // Stopped with the app.
      expect(text, script).toMatch(/stop\(\);\n\s+process\.exit/);
      expect(text, script).not.toContain('test/support/stripe/main.ts');
    }
  });

  it('with --demo starts the sandbox and points the app at it; otherwise leaves the environment alone', async () => {
    const { demoStripe } = await load();
    const env = { PATH: process.env.PATH };
    expect((await demoStripe(root, ['--data-dir', tmpDir()], env)).env).toBe(env);
    const own = { ...env, STRIPE_API_BASE: 'http://127.0.0.1:1' };
    expect((await demoStripe(root, ['--demo'], own)).env).toBe(own);

    const dataDir = tmpDir();
    const lines: string[] = [];
    const s = await demoStripe(root, ['--demo', '--data-dir', dataDir], env, (l) => lines.push(l));
    try {
      expect(s.env.STRIPE_API_BASE).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(s.env.STRIPE_SECRET_KEY).toMatch(/^sk_test_/);
      expect(lines).toEqual([expect.stringContaining(`Stripe sandbox (no real money) at ${s.env.STRIPE_API_BASE}`)]);
      const r = await fetch(`${s.env.STRIPE_API_BASE}/v1/customers`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${s.env.STRIPE_SECRET_KEY}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'name=Blue+Fox',
      });
      expect(r.status).toBe(200);
      // Its state lives beside the demo ledger it serves (written before it answers).
      expect(fs.existsSync(path.join(dataDir, 'stripe-sandbox.json'))).toBe(true);
    } finally {
      s.stop();
    }
  }, 30_000);
});
