/**
 * Starts the built desktop main process (out/main/index.js, what `npm start` runs in Electron) in plain
 * Node on the recording stand-in for `electron` (electron.ts, hooked in by register.ts), and drives it:
 * its records arrive as it works, commands stand for a person or the OS, and `exited` is how it ended.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Rec } from './electron';

export type { Rec } from './electron';

const root = path.resolve(__dirname, '../../..');
export const BUILT_MAIN = path.join(root, 'out/main/index.js');
const REGISTER = path.join(__dirname, 'register.ts');
const TSX_CJS = createRequire(__filename).resolve('tsx/cjs');

export interface DeskOptions {
  /** The app's own arguments (--data-dir, --demo). */
  args?: string[];
  /** STANDIN_* settings and anything else for the process's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface Desk {
  proc: ChildProcess;
  records: Rec[];
  stdout(): string;
  stderr(): string;
  /** Sends a command to register.ts; resolves with its answer. */
  command<T = unknown>(command: Record<string, unknown>): Promise<T>;
  /** The first record (already seen or still to come) that matches. */
  waitFor(match: (r: Rec) => boolean, what: string, ms?: number): Promise<Rec>;
  /** How the process ended, by itself. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

export function startDesk(opts: DeskOptions = {}): Desk {
  if (!fs.existsSync(BUILT_MAIN))
    throw new Error('out/main/index.js is missing: run `npx electron-vite build` first (npm test does)');
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  // The developer's own settings must not reach the app under test.
  for (const k of ['ELECTRON_RENDERER_URL', 'BALANCE_DESK_DATA_DIR', 'BALANCE_DESK_MIGRATIONS', 'NODE_OPTIONS'])
    if (!(opts.env && k in opts.env)) delete env[k];
  for (const k of ['STRIPE_API_BASE', 'STRIPE_SECRET_KEY']) if (!(opts.env && k in opts.env)) delete env[k];
  const proc = fork(BUILT_MAIN, opts.args ?? [], {
    cwd: opts.cwd ?? root,
    env,
    execArgv: ['--require', TSX_CJS, '--require', REGISTER],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const records: Rec[] = [];
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (err += c));
  const waiting = new Set<{ match: (r: Rec) => boolean; resolve: (r: Rec) => void }>();
  const answers = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  proc.on('message', (m: { record?: Rec; id?: number; result?: unknown; error?: string }) => {
    if (m.record) {
      records.push(m.record);
      for (const w of waiting) {
        if (w.match(m.record)) {
          waiting.delete(w);
          w.resolve(m.record);
        }
      }
    } else if (typeof m.id === 'number') {
      const a = answers.get(m.id);
      answers.delete(m.id);
      if (m.error !== undefined) a?.reject(new Error(m.error));
      else a?.resolve(m.result);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ended = () => `\n--- stdout\n${out}\n--- stderr\n${err}`;
  return {
    proc,
    records,
    stdout: () => out,
    stderr: () => err,
    command<T>(command: Record<string, unknown>) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        answers.set(id, { resolve: resolve as (v: unknown) => void, reject });
        if (!proc.connected) return reject(new Error(`the desk is gone; cannot ${JSON.stringify(command)}${ended()}`));
        proc.send({ id, command });
      });
    },
    waitFor(match, what, ms = 10_000) {
      const seen = records.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<Rec>((resolve, reject) => {
        const w = { match, resolve };
        waiting.add(w);
        const t = setTimeout(() => {
          waiting.delete(w);
          reject(new Error(`no ${what} within ${ms} ms; records: ${records.map((r) => r.type).join(', ')}${ended()}`));
        }, ms);
        void exited.then(() => {
          // The records sent before the end arrive before 'exit'.
          setTimeout(() => {
            if (!waiting.has(w)) return;
            clearTimeout(t);
            waiting.delete(w);
            reject(
              new Error(`the desk ended without ${what}; records: ${records.map((r) => r.type).join(', ')}${ended()}`),
            );
          }, 50);
        });
        const done = resolve;
        w.resolve = (r) => {
          clearTimeout(t);
          done(r);
        };
      });
    },
    exited,
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}
