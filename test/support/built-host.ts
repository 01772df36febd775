/**
 * The built headless host (out/main/headless.js, the product itself) as a child process, for the tests
 * that kill it: started on a data folder, ready once it prints its URL, with host.json's url and token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const BUILT_HOST = path.resolve(__dirname, '../../out/main/headless.js');

export interface BuiltHost {
  proc: ChildProcess;
  url: string;
  token: string;
}

export async function startBuiltHost(
  dataDir: string,
  opts: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<BuiltHost> {
  if (!fs.existsSync(BUILT_HOST))
    throw new Error('out/main/headless.js is missing: run `npm run build` first (npm test does)');
  const proc = spawn(process.execPath, [BUILT_HOST, '--data-dir', dataDir, '--port', '0', ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let out = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (out += c));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the host did not start: ${out}`)), 20_000);
    proc.stdout!.on('data', () => {
      if (/Open http:\/\/127\.0\.0\.1:\d+\//.test(out)) {
        clearTimeout(t);
        resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`the host stopped (${code}): ${out}`)));
  });
  const info = JSON.parse(fs.readFileSync(path.join(dataDir, 'host.json'), 'utf8')) as { url: string; token: string };
  return { proc, ...info };
}

/** POST /rpc/<channel> with the host's token: the value, or a thrown error in words. */
export async function callBuiltHost(
  h: Pick<BuiltHost, 'url' | 'token'>,
  channel: string,
  input: unknown,
): Promise<unknown> {
  const res = await fetch(`${h.url}rpc/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${channel}: ${body.error?.message}`);
  return body.value;
}
