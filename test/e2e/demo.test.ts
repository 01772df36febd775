/**
 * The demo as a newcomer starts it: `npm run serve -- --demo` (scripts/serve.mjs, which starts the Stripe
 * sandbox in a process of its own and the built headless host) on a fresh data folder, then the dashboard and
 * the Charges screen in headless Chromium. The product's main job shows at once: automatic top-ups over the
 * weeks, a failover, a failure awaiting Retry, a method cooling down, a bank debit processing; and the 30-day
 * chart opens on the ledger's level, not at zero. Screenshots demo-dashboard.png, demo-charges.png and
 * demo-client.png (a client topped up automatically every few days) in test/artifacts/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { afterBrowser, useChromium, waitForText } from '../support/browser';

const ROOT = path.resolve(__dirname, '../..');

describe('npm run serve -- --demo', () => {
  const chrome = useChromium();
  let child: ChildProcess;
  let dataDir: string;
  let url = '';
  let token = '';
  const output: string[] = [];

  const call = async <T>(channel: string, input: unknown): Promise<T> => {
    const res = await fetch(`${url}rpc/${channel}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${channel}: ${body.error?.message}`);
    return body.value;
  };

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'out/main/headless.js')))
      throw new Error('the app is not built: run `npx electron-vite build` or `npm test`, which builds first');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-e2e-demo-'));
    const started = performance.now();
    child = spawn(
      process.execPath,
      [path.join(ROOT, 'scripts/serve.mjs'), '--demo', '--data-dir', dataDir, '--port', '0'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    url = await new Promise<string>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output.push(...chunk.toString().split('\n').filter(Boolean));
        const open = output.map((l) => /^Open (http\S+)/.exec(l)).find(Boolean);
        if (open) resolve(open[1]);
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.on('exit', (code) => reject(new Error(`serve stopped (${code}):\n${output.join('\n')}`)));
    });
    console.log(
      `npm run serve -- --demo: open after ${((performance.now() - started) / 1000).toFixed(1)} s\n${output.join('\n')}`,
    );
    token = (JSON.parse(fs.readFileSync(path.join(dataDir, 'host.json'), 'utf8')) as { token: string }).token;
  }, 180_000);

  afterBrowser(chrome, async () => {
    if (child && child.exitCode === null) {
      // serve.mjs passes the signal on to the host and stops the sandbox when the host has stopped.
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs the Stripe side with its history of automatic top-ups', () => {
    expect(output).toContainEqual(
      expect.stringMatching(/^Stripe sandbox \(no real money\) at http:\/\/127\.0\.0\.1:\d+/),
    );
    expect(output).toContainEqual(
      expect.stringMatching(
        /^Demo Stripe side ready: 7 clients linked .*their automatic top-ups: \d+ paid, 1 failed, 1 waiting for the client, 1 processing\.$/,
      ),
    );
  });

  it('opens on a dashboard with charges awaiting Retry, methods cooling down and a 30-day chart at the ledger’s level', async () => {
    const page = chrome.page;
    await page.goto(`${url}#/dashboard`);
    const dash = await call<{ awaitingRetry: number; methodsCooling: number; clientsCooling: number }>(
      'dashboard.get',
      {},
    );
    expect(dash.awaitingRetry).toBeGreaterThanOrEqual(1);
    expect(dash.methodsCooling).toBeGreaterThanOrEqual(1);
    await waitForText(page.getByTestId('tile-retry').locator('.tile-figure'), String(dash.awaitingRetry), 15_000);
    await waitForText(page.getByTestId('tile-cooling').locator('.tile-figure'), String(dash.methodsCooling));
    await waitForText(
      page.getByTestId('tile-cooling').locator('.tile-note'),
      new RegExp(`^${dash.clientsCooling} clients: a declined method rests 48 hours`),
    );
    const chart = await call<{ currencies: { currency: string; balance: number[] }[] }>('dashboard.chart', {});
    for (const c of chart.currencies) {
      expect(c.balance[0], c.currency).toBeGreaterThan(0);
      expect(Math.abs(c.balance[1] - c.balance[0]) / c.balance[0], c.currency).toBeLessThan(0.1);
    }
    await page.getByTestId('dashboard-chart').locator('canvas').first().waitFor();
    await waitForText(page.getByTestId('dashboard-total'), /^\$[\d,]+\.\d\d$/);
    await page.waitForTimeout(300); // the chart draws on the next frames
    await chrome.screenshot('demo-dashboard');
  });

  it('shows on Charges automatic top-ups over the weeks, a failover, a failure to Retry, one needing the client and a debit processing', async () => {
    const page = chrome.page;
    await page.goto(`${url}#/charges`);
    await waitForText(page.getByTestId('charges-summary'), /^\d+ attempts/, 10_000);
    const badges = page.getByTestId('charge-status');
    const statuses = await Promise.all((await badges.all()).map((b) => b.getAttribute('data-status')));
    expect(new Set(statuses)).toEqual(new Set(['processing', 'succeeded', 'failed', 'requires_action']));
    const charges = await call<{
      items: { status: string; createdAt: string; tries: unknown[]; retryable: boolean; clientId: number }[];
    }>('charges.list', { limit: 100 });
    const paid = charges.items.filter((c) => c.status === 'succeeded');
    expect(new Set(paid.map((c) => c.createdAt.slice(0, 10))).size).toBeGreaterThanOrEqual(8);
    expect(paid.some((c) => c.tries.length === 2)).toBe(true);
    expect(charges.items.filter((c) => c.retryable)).toHaveLength(2);
    expect(await page.getByTestId('charge-retry').count()).toBe(2);
    await chrome.screenshot('demo-charges');

    // The client topped up most often: its chart is a saw of automatic top-ups.
    const counts = new Map<number, number>();
    for (const c of paid) counts.set(c.clientId, (counts.get(c.clientId) ?? 0) + 1);
    const [busiest] = [...counts].sort((a, b) => b[1] - a[1])[0];
    await page.goto(`${url}#/clients/${busiest}`);
    await page.getByTestId('chart-key').waitFor({ timeout: 10_000 });
    await page.locator('canvas').first().waitFor();
    await page.waitForTimeout(500);
    await chrome.screenshot('demo-client');
  });
});
