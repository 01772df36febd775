/**
 * A large CSV export spread over worker threads (worker.ts), one a core. The exporter's thread cuts the
 * export into chunks of `chunkRows` rows by key (an OFFSET over the filter's index, a few ms a chunk) and
 * hands them out in order to whichever worker is free. A worker formats its chunk into a buffer of its own
 * and says how many bytes it is; the exporter's thread gives each chunk, in order, the offset where the
 * previous one ends, and the worker writes it there (pwrite on the export's file). No byte crosses between
 * threads, and each worker holds one chunk at a time (16,384 rows: about 6 MB), so memory stays flat.
 *
 * Consistency: every worker reads on its own connection, but all of them read the same rows: those with an
 * id up to the highest id when the export started (ids only grow and a row's decided_at never changes), cut
 * at keys fixed before they are read. Each row is as it was when its batch was read, as with the single
 * connection before (whose batches were separate reads too): a queued row sent meanwhile may show as sent,
 * and under a status filter such a row may be left out or taken in.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { keyset, NEWEST_FIRST, type Key, type KeyRange } from './csv-rows';
import type { FromWorker, ToWorker, WorkerSetup } from './worker';

const YOUNG_MB = 16;

export interface ParallelExport {
  /** The exporter's connection: it cuts the chunks. */
  sqlite: Database.Database;
  setup: Omit<WorkerSetup, 'exportWorker'>;
  /** Where the rows start in the file (after the header). */
  offset: number;
  workers: number;
  chunkRows: number;
  /** A chunk is written (chunks end in any order; their places in the file are in order). */
  progress(rows: number, bytes: number): void;
  cancelled(): boolean;
}

/**
 * How a worker starts here: the built entry beside this bundle (out/main/export-worker.js, an input of
 * electron.vite.config.ts), or the TypeScript source through tsx's require hook (tsx and vitest). Null
 * when there is neither: the exporter then writes the export in its own thread.
 */
function workerScript(): { file: string } | { code: string } | null {
  if (__filename.endsWith('.ts')) {
    let tsx: string;
    try {
      tsx = createRequire(__filename).resolve('tsx/cjs/api');
    } catch {
      return null;
    }
    return {
      code: `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(path.join(__dirname, 'worker.ts'))});`,
    };
  }
  const file = [path.join(__dirname, 'export-worker.js'), path.join(__dirname, '..', 'export-worker.js')].find((f) =>
    fs.existsSync(f),
  );
  return file ? { file } : null;
}

/** Writes every row of the export through workers; false when they could not start (nothing was written). */
export async function writeParallel(o: ParallelExport): Promise<boolean> {
  const script = workerScript();
  if (!script) return false;
  const workerData: WorkerSetup = { exportWorker: true, ...o.setup };
  // A smaller young generation than V8's default: the rows' strings die young anyway.
  const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_MB };
  const pool: Worker[] = [];
  try {
    let ready = true;
    try {
      for (let i = 0; i < o.workers; i++) {
        pool.push(
          'code' in script
            ? new Worker(script.code, { eval: true, execArgv: [], workerData, resourceLimits })
            : new Worker(script.file, { workerData, resourceLimits }),
        );
      }
      ready = (await Promise.all(pool.map(started))).every(Boolean);
    } catch {
      ready = false;
    }
    if (!ready) return false;
    await drive(o, pool);
    return true;
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/** True once the worker says it is ready; false when it fails or stops first (a missing native build, say). */
function started(w: Worker): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      w.off('message', onMessage).off('error', onFailure).off('exit', onFailure);
      resolve(ok);
    };
    const onMessage = (m: FromWorker) => done(m.type === 'ready');
    const onFailure = () => done(false);
    w.on('message', onMessage).on('error', onFailure).on('exit', onFailure);
  });
}

function drive(o: ParallelExport, pool: Worker[]): Promise<void> {
  const cut = new Map<string, Database.Statement>();
  const statement = (r: KeyRange, what: 'key' | 'count') => {
    let st = cut.get(`${what} ${r.shape}`);
    if (!st) {
      st =
        what === 'key'
          ? o.sqlite
              .prepare(`SELECT n.decided_at, n.id FROM notifications n ${r.sql} ${NEWEST_FIRST} LIMIT 1 OFFSET ?`)
              .raw(true)
          : o.sqlite.prepare(`SELECT count(*) FROM notifications n ${r.sql}`).pluck();
      cut.set(`${what} ${r.shape}`, st);
    }
    return st;
  };
  /** The key of the last row of the chunk that starts after `after`; null when the rest is shorter. */
  const floorAfter = (after: Key | null): Key | null => {
    let skip = o.chunkRows - 1;
    const ranges = keyset(o.setup.query, after, null);
    for (const [i, r] of ranges.entries()) {
      const key = statement(r, 'key').get(...r.args, skip) as Key | undefined;
      if (key) return key;
      // This range (the rest of after's time) is shorter than the skip: the next goes on from there.
      if (i < ranges.length - 1) skip -= statement(r, 'count').get(...r.args) as number;
    }
    return null;
  };
  return new Promise<void>((resolve, reject) => {
    const chunks = new Map<number, { worker: Worker; bytes: number; rows: number }>();
    const idle = [...pool];
    let next: Key | null = null;
    let exhausted = false;
    let assigned = 0;
    let placed = 0;
    let written = 0;
    let offset = o.offset;
    let settled = false;
    const finish = (e?: unknown) => {
      if (settled) return;
      settled = true;
      if (e) reject(e instanceof Error ? e : new Error(String(e)));
      else resolve();
    };
    const assign = () => {
      try {
        while (idle.length && !exhausted && !settled) {
          const floor = floorAfter(next);
          const worker = idle.pop()!;
          const seq = assigned++;
          chunks.set(seq, { worker, bytes: -1, rows: 0 });
          worker.postMessage({ type: 'chunk', seq, after: next, floor } satisfies ToWorker);
          if (floor) next = floor;
          else exhausted = true;
        }
        if (exhausted && written === assigned) finish();
      } catch (e) {
        finish(e);
      }
    };
    /** Gives each formatted chunk, in order, the offset where the one before it ends. */
    const place = () => {
      for (let c = chunks.get(placed); c && c.bytes >= 0; c = chunks.get(++placed)) {
        c.worker.postMessage({ type: 'write', seq: placed, offset } satisfies ToWorker);
        offset += c.bytes;
      }
    };
    for (const w of pool) {
      w.on('message', (m: FromWorker) => {
        if (o.cancelled()) return finish();
        if (m.type === 'formatted') {
          Object.assign(chunks.get(m.seq)!, { bytes: m.bytes, rows: m.rows });
          place();
        } else if (m.type === 'written') {
          const c = chunks.get(m.seq)!;
          chunks.delete(m.seq);
          written++;
          o.progress(c.rows, c.bytes);
          idle.push(w);
          assign();
        } else if (m.type === 'error') finish(new Error(m.message));
      });
      w.on('error', finish);
      w.on('exit', (code) => finish(new Error(`an export worker stopped (exit code ${code})`)));
    }
    assign();
  });
}
