/**
 * An export worker (node:worker_threads): formats a chunk of the notification log as CSV (csv-rows.ts) on a
 * read-only connection of its own to the same WAL database, into a buffer of its own, says how many bytes
 * that is, and writes them into the export's file at the offset the exporter's thread then gives it. So no
 * byte crosses between threads and nothing is left for a garbage collector. Started by parallel.ts: from the
 * TypeScript source under tsx and vitest, from out/main/export-worker.js in the built app.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { CsvRows, type Key, type RowsQuery, type SharedClients } from './csv-rows';

export interface WorkerSetup {
  /** Marks the workerData of an export worker. */
  exportWorker: true;
  file: string;
  nativeBinding?: string;
  query: RowsQuery;
  install: string;
  clients: SharedClients | null;
  /** Rows per read. */
  batch: number;
  /** The export's open file (descriptors are shared by the threads of a process). */
  fd: number;
}

/** Format the rows after `after` down to `floor` (null: to the end); then write them at `offset`. */
export type ToWorker =
  { type: 'chunk'; seq: number; after: Key | null; floor: Key | null } | { type: 'write'; seq: number; offset: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'formatted'; seq: number; bytes: number; rows: number }
  | { type: 'written'; seq: number }
  | { type: 'error'; message: string };

/**
 * The rows' connection reads the database file through a memory map rather than a read() of each 4 kB
 * page. A cold export reads the log newest first, backwards through the file, and the kernel reads nothing
 * ahead of backward read()s, so every page was a disk read of its own; a fault in a map is read around
 * (128 kB at once). 1,280,000 rows cold in one thread: 9.8 s with read(), 4.8 s mapped, about as warm.
 * SQLite maps at most the first 2 GB of the file (SQLITE_MAX_MMAP_SIZE); pages beyond are read as before.
 *
 * What a map has touched counts in the process's RSS, and a fault maps its neighbours too (64 kB). So every
 * REMAP_READS reads start on a fresh map (SQLite unmaps and maps the file again whenever its limit changes:
 * the two limits take turns), and the client cache, whose reads jump about the clients table, is filled on a
 * second connection without a map (on the mapped one, RSS grew by 330 MB in the first 1,500 rows). Without
 * that cache each row joins its client at random, 64 kB of map a row: such an export reads without a map.
 */
const MMAP_LIMITS = [0x7fff0000, 0x7ffe0000] as const;
/**
 * Reads (of WorkerSetup.batch rows) on one map. A remap costs about 0.4 ms, 2% of a worker at 8 reads; at 32
 * the bench's log kept 76-81 MB of file pages mapped at the peak against 62 at 8 (54 without a map), which
 * took the export's RSS to the 300 MB line.
 */
const REMAP_READS = 8;

/** A read-only connection to the export's database. */
function open(setup: WorkerSetup): Database.Database {
  const db = new Database(setup.file, {
    readonly: true,
    fileMustExist: true,
    ...(setup.nativeBinding ? { nativeBinding: setup.nativeBinding } : {}),
  });
  db.pragma('busy_timeout = 5000');
  return db;
}

function serve(port: NonNullable<typeof parentPort>, setup: WorkerSetup): void {
  const db = open(setup);
  // With the clients cached, the log's pages are read in order: a small page cache does.
  if (setup.clients) db.pragma('cache_size = -4096');
  const clientsDb = setup.clients ? open(setup) : undefined;
  // Each chunk of the cache is read once, in id order: its pages are not read again.
  clientsDb?.pragma('cache_size = -1024');
  const rows = new CsvRows(db, setup.query, setup.install, { clients: setup.clients, clientsDb });
  const encoder = new TextEncoder();
  let buf = new Uint8Array(4 << 20);
  let length = 0;
  const send = (m: FromWorker) => port.postMessage(m);
  let reads = 0;
  const format = (after: Key | null, floor: Key | null) => {
    let count = 0;
    length = 0;
    for (;;) {
      if (clientsDb && reads % REMAP_READS === 0) db.pragma(`mmap_size = ${MMAP_LIMITS[(reads / REMAP_READS) % 2]}`);
      reads++;
      const b = rows.read(after, setup.batch, floor);
      // UTF-8 takes at most 3 bytes for a UTF-16 unit.
      if (length + 3 * b.text.length > buf.length) {
        const bigger = new Uint8Array(Math.max(2 * buf.length, length + 3 * b.text.length));
        bigger.set(buf.subarray(0, length));
        buf = bigger;
      }
      length += encoder.encodeInto(b.text, buf.subarray(length)).written;
      count += b.rows;
      if (b.read < setup.batch) return count;
      after = b.last;
    }
  };
  port.on('message', (m: ToWorker) => {
    try {
      if (m.type === 'chunk') {
        const count = format(m.after, m.floor);
        send({ type: 'formatted', seq: m.seq, bytes: length, rows: count });
      } else {
        for (let at = 0; at < length;) at += fs.writeSync(setup.fd, buf, at, length - at, m.offset + at);
        send({ type: 'written', seq: m.seq });
      }
    } catch (e) {
      send({ type: 'error', message: (e as Error).message });
    }
  });
  send({ type: 'ready' });
}

if (parentPort && (workerData as WorkerSetup | undefined)?.exportWorker === true)
  serve(parentPort, workerData as WorkerSetup);
