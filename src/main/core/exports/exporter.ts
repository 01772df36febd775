/**
 * Local exports of the notification log and of the audit log, CSV or JSON, streamed: rows are read in keyset batches and
 * written through a file stream that is awaited when full, so memory stays flat whatever the size, and
 * the event loop is free between batches. The file is written as NAME.part and renamed when complete;
 * a cancelled or failed export leaves nothing behind. Progress goes out as `exports` change events.
 *
 * CSV: UTF-8 with a byte order mark (so spreadsheets read it as UTF-8), a header row, CRLF, RFC 4180
 * quoting, no cell a spreadsheet would run as a formula (src/shared/csv.ts). Amounts are decimals with
 * the currency's exponent beside a currency column. JSON: an array of objects, amounts in minor units.
 * The audit log (audit.export) goes through the same file, progress and cancel: its CSV has the detail as
 * JSON text, its JSON the entries as audit.list answers them.
 *
 * A CSV row is made by csv-rows.ts: one value a row from SQLite instead of 22, the client's cells from a
 * shared cache instead of a join, byte for byte what the reference `csvRow` writes. A large CSV export of
 * a database file is spread over worker threads, one a core (parallel.ts, worker.ts); a small one, an
 * in-memory database, or workers that cannot start: batch by batch in this thread.
 *
 * What bounds it now (2-core EPYC VM, Node 20, SQLite 3.53; the benchmark's log: 1,283,591 rows, 475 MB,
 * 1,000,000 clients, a 1.4 GB database): about 290,000 rows/s warm (260,000-323,000; before: 173,000-196,000)
 * and 248,000 cold (before: 80,000-92,000), at a peak RSS of 280 MB, both workers busy. Cold is close to warm
 * since the workers read the log through a memory map (worker.ts). One thread alone spends about 4.0-4.2 us
 * of CPU a row: SQLite 2.0 to walk the index, seek the row, read its columns and format() them into one
 * string; our checks and splicing 0.55, the client's cells out of the shared cache 0.4, UTF-8 encoding 0.25,
 * the garbage collector 0.2; and filling the client cache 0.7 µs a client. With the other worker beside it a
 * thread spends about 6 µs a row (the VM's two vCPUs slow each other by half), plus 0.6 s of kernel time each
 * to write its share (the VM hands out fresh page-cache pages) and 0.4-0.7 s waiting for the chunk before its
 * own to be formatted. On top: the workers' start (0.2-0.3 s under tsx, 50 ms built) and the count (0.1 s).
 * 500,000 rows/s would leave 4 µs of CPU a row on the two cores for everything: what one thread alone takes.
 * The sqlite3 shell's `.mode csv` of the same rows with the names joined does 111,000 rows/s warm on one core.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { AuditFilter, ChangeEvent, ExportState, NotificationFilter } from '../../../shared/contracts';
import { csvRecord } from '../../../shared/csv';
import { iso, type Clock } from '../clock/clock';
import { AUDIT_CSV_HEADER, auditCsvRow, auditWhere, countAudit, readAudit, toAuditRow } from '../audit/log';
import { filterWhere, messageIdOf } from '../notifications/query';
import {
  CSV_HEADER,
  CsvRows,
  keyset,
  NEWEST_FIRST,
  readRanges,
  SELECT,
  sharedClients,
  type Key,
  type Raw,
  type RowsQuery,
} from './csv-rows';
import { writeParallel } from './parallel';

export { CSV_HEADER } from './csv-rows';

export type ExportFormat = 'csv' | 'json';
export type ExportLog = ExportState['log'];

/** The desktop app's native save dialog: the chosen path, or null when cancelled. `log` names what is exported. */
export type SaveDialog = (o: { defaultName: string; format: ExportFormat; log: ExportLog }) => Promise<string | null>;

export interface ExporterOptions {
  sqlite: Database.Database;
  clock: Clock;
  /** Where exports are written when there is no save dialog (the headless host): DATA/exports. */
  dir: string;
  installId: () => string;
  emit(e: ChangeEvent): void;
  saveDialog?: SaveDialog;
  /** Rows per read (tests make it small). */
  batch?: number;
  /** The better-sqlite3 binding of `sqlite` (the Electron build), for the export workers' connections. */
  nativeBinding?: string;
  /** Worker threads for a large CSV export: one a core unless told (0: none). */
  workers?: number;
  /** A CSV export of at least this many rows uses the workers (tests make it small). */
  parallelFrom?: number;
  /** Rows per chunk handed to a worker. */
  chunkRows?: number;
}

/** Below this many rows the workers' start (50 ms, 0.3 s under tsx) is not worth it. */
const PARALLEL_FROM = 50_000;
const CHUNK_ROWS = 16_384;
/** Rows per read in a worker: its text stays under 128 kB, so V8 keeps it out of the large-object space. */
const WORKER_BATCH = 256;
/** Client cells from a cache of the clients table (instead of a join per row) when there are not many more clients than rows. */
const CLIENT_CACHE_FROM = 20_000;
const CLIENT_CACHE_MAX_ID = 2 ** 21;

/** Finished exports in the host's folder are removed after a day. */
const KEEP_MS = 24 * 3600_000;

/** The file being written: put() appends (waiting while the stream is full), progress() counts rows written. */
interface Writer {
  fd: number;
  put(data: string): Promise<void>;
  progress(rows: number): void;
}

/** Writes an export's rows (the CSV's byte order mark and header included) until they end or it is cancelled. */
type WriteRows = (run: Running, w: Writer) => Promise<void>;

/** The text of up to `limit` rows after `after`: rows written, rows read (fewer than asked: the end), the last read. */
type ReadBatch<K> = (after: K | null, limit: number) => { text: string; rows: number; read: number; last: K | null };

interface Running {
  state: ExportState;
  cancelled: boolean;
  done: Promise<void>;
  write: WriteRows;
  /** How many threads formatted the rows: 1 (this one) or the workers'. */
  threads: number;
}

const csvHead = (header: readonly string[]) => '\ufeff' + csvRecord(header);

export class Exporter {
  private readonly runs = new Map<string, Running>();

  constructor(private readonly o: ExporterOptions) {}

  /** Starts an export of the notification log; null when the save dialog was cancelled. Resolves once the file is open, not when it is written. */
  async start(format: ExportFormat, filter: NotificationFilter): Promise<ExportState | null> {
    const where = filterWhere(filter);
    return this.begin('notifications', 'notifications', format, () => {
      // The export's rows: those up to the highest id now (see parallel.ts on consistency).
      const maxId = (this.o.sqlite.prepare('SELECT max(id) FROM notifications').pluck().get() as number | null) ?? 0;
      const query: RowsQuery = { where: where.sql, args: where.args, maxId };
      const [all] = keyset(query, null, null);
      const total =
        (this.o.sqlite
          .prepare(`SELECT count(*) FROM notifications n ${all.sql}`)
          .pluck()
          .get(...all.args) as number) ?? 0;
      const clients = (this.o.sqlite.prepare('SELECT max(id) FROM clients').pluck().get() as number | null) ?? 0;
      const clientsUpTo =
        filter.clientId == null && total >= CLIENT_CACHE_FROM && clients <= 2 * total && clients <= CLIENT_CACHE_MAX_ID
          ? clients
          : null;
      const write: WriteRows =
        format === 'csv'
          ? (run, w) => this.writeCsv(run, w, query, clientsUpTo)
          : (run, w) => this.writeJson(run, w, query);
      return { total, write };
    });
  }

  /** Starts an export of the audit log, newest first, as start() does the notification log's. */
  async startAudit(format: ExportFormat, filter: AuditFilter): Promise<ExportState | null> {
    auditWhere(filter); // a bad range is refused before the save dialog opens
    return this.begin('audit', 'audit-log', format, () => {
      // The entries up to the highest id now: those written while it runs are not part of it.
      const upTo = (this.o.sqlite.prepare('SELECT max(id) FROM audit_log').pluck().get() as number | null) ?? 0;
      const read = (after: number | null, limit: number) => readAudit(this.o.sqlite, filter, { upTo, after }, limit);
      const write: WriteRows =
        format === 'csv'
          ? async (run, w) => {
              await w.put(csvHead(AUDIT_CSV_HEADER));
              await this.batches(run, w, (after: number | null, limit) => {
                const rows = read(after, limit);
                return {
                  text: rows.map(auditCsvRow).join(''),
                  rows: rows.length,
                  read: rows.length,
                  last: rows.at(-1)?.id ?? null,
                };
              });
            }
          : (run, w) =>
              this.json(run, w, (after: number | null, limit) => {
                const rows = read(after, limit);
                return { items: rows.map(toAuditRow), last: rows.at(-1)?.id ?? null };
              });
      return { total: countAudit(this.o.sqlite, filter, { upTo }), write };
    });
  }

  /**
   * Opens an export's file (asking the save dialog where, when there is one) and starts writing it: `rows`
   * counts what it will write and says how, once the file is chosen.
   */
  private async begin(
    log: ExportLog,
    name: string,
    format: ExportFormat,
    rows: () => { total: number; write: WriteRows },
  ): Promise<ExportState | null> {
    const now = this.o.clock.now();
    const stamp = iso(now).slice(0, 16).replace(/:/g, '');
    const fileName = `${name}-${stamp}.${format}`;
    const id = `${stamp.replace(/\D/g, '')}-${crypto.randomBytes(4).toString('hex')}`;
    let target: string;
    let downloadPath: string | null = null;
    if (this.o.saveDialog) {
      const chosen = await this.o.saveDialog({ defaultName: fileName, format, log });
      if (!chosen) return null;
      target = chosen;
    } else {
      fs.mkdirSync(this.o.dir, { recursive: true });
      this.sweepOld(now);
      target = path.join(this.o.dir, `${id}-${fileName}`);
      downloadPath = `/exports/${id}/${encodeURIComponent(fileName)}`;
    }
    const { total, write } = rows();
    const state: ExportState = {
      id,
      log,
      format,
      state: 'running',
      rows: 0,
      total,
      bytes: 0,
      fileName: downloadPath ? fileName : path.basename(target),
      path: target,
      downloadPath,
      error: null,
      startedAt: iso(now),
      finishedAt: null,
    };
    const run: Running = { state, cancelled: false, done: Promise.resolve(), write, threads: 1 };
    this.runs.set(id, run);
    run.done = this.write(run).catch((e: unknown) => {
      // A write that fails after a cancel leaves nothing behind all the same: it stays cancelled.
      if (run.cancelled) return;
      state.state = 'failed';
      state.error = `The export could not be written: ${(e as Error).message}`;
      state.finishedAt = iso(this.o.clock.now());
      this.o.emit({ topic: 'exports' });
    });
    return { ...state };
  }

  status(id: string): ExportState | null {
    const r = this.runs.get(id);
    return r ? { ...r.state } : null;
  }

  cancel(id: string): ExportState | null {
    const r = this.runs.get(id);
    if (!r) return null;
    if (r.state.state === 'running') {
      r.cancelled = true;
      // What it now is, for the caller and every screen: the writing stops at its next batch and the part
      // file is removed; nothing will be downloadable.
      r.state.state = 'cancelled';
      r.state.downloadPath = null;
      this.o.emit({ topic: 'exports' });
    }
    return { ...r.state };
  }

  /** Waits for an export to finish (tests, close). */
  async settled(id: string): Promise<ExportState | null> {
    const r = this.runs.get(id);
    if (!r) return null;
    await r.done;
    return { ...r.state };
  }

  /** How many threads formatted an export's rows: 1 in the exporter's own, more through workers (tests, the benchmark). */
  threads(id: string): number | null {
    return this.runs.get(id)?.threads ?? null;
  }

  /** The finished file of an export in the host's folder, for download. */
  downloadFile(id: string): { path: string; fileName: string; format: ExportFormat } | null {
    const r = this.runs.get(id);
    if (!r || r.state.state !== 'done' || !r.state.downloadPath) return null;
    return { path: r.state.path, fileName: path.basename(r.state.path).slice(id.length + 1), format: r.state.format };
  }

  /**
   * A finished export was downloaded whole by a desk on the office network: it is saved there, so the file
   * is removed here (an office server keeps no copy of a desk's export) and it is no longer downloadable.
   */
  delivered(id: string): void {
    const r = this.runs.get(id);
    if (!r || r.state.state !== 'done' || !r.state.downloadPath) return;
    fs.rmSync(r.state.path, { force: true });
    r.state.downloadPath = null;
    this.o.emit({ topic: 'exports' });
  }

  private async write(run: Running): Promise<void> {
    const s = run.state;
    const part = `${s.path}.part`;
    const out = fs.createWriteStream(part);
    const fd = await new Promise<number>((resolve, reject) => {
      out.once('open', resolve);
      out.once('error', reject);
    });
    let failure: unknown = null;
    let wake: (() => void) | null = null;
    out.on('error', (e) => {
      failure = e;
      wake?.();
    });
    out.on('drain', () => wake?.());
    const put = async (data: string) => {
      s.bytes += Buffer.byteLength(data);
      if (!out.write(data)) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (failure) throw failure;
    };
    let lastEmit = 0;
    const progress = (rows: number) => {
      s.rows += rows;
      const t = Date.now();
      if (t - lastEmit > 250) {
        lastEmit = t;
        this.o.emit({ topic: 'exports' });
      }
    };
    try {
      await run.write(run, { fd, put, progress });
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      if (failure) throw failure;
      if (run.cancelled) {
        fs.rmSync(part, { force: true });
        s.state = 'cancelled';
      } else {
        fs.renameSync(part, s.path);
        s.state = 'done';
      }
    } catch (e) {
      out.destroy();
      fs.rmSync(part, { force: true });
      throw e;
    } finally {
      s.finishedAt = s.state === 'running' ? null : iso(this.o.clock.now());
      this.o.emit({ topic: 'exports' });
    }
  }

  /** The notification log's CSV: through the workers when the export is large and the database a file, else batch by batch here. */
  private async writeCsv(run: Running, w: Writer, query: RowsQuery, clientsUpTo: number | null): Promise<void> {
    await w.put(csvHead(CSV_HEADER));
    const install = this.o.installId();
    const clients = clientsUpTo === null ? null : sharedClients(clientsUpTo);
    const workers = this.o.workers ?? os.availableParallelism();
    if (workers > 0 && !this.o.sqlite.memory && run.state.total >= (this.o.parallelFrom ?? PARALLEL_FROM)) {
      const written = await writeParallel({
        sqlite: this.o.sqlite,
        setup: {
          file: this.o.sqlite.name,
          nativeBinding: this.o.nativeBinding,
          query,
          install,
          clients,
          batch: WORKER_BATCH,
          fd: w.fd,
        },
        offset: run.state.bytes,
        workers,
        chunkRows: this.o.chunkRows ?? CHUNK_ROWS,
        progress: (rows, bytes) => {
          run.state.bytes += bytes;
          w.progress(rows);
        },
        cancelled: () => run.cancelled,
      });
      if (written) {
        run.threads = workers;
        return;
      }
    }
    const rows = new CsvRows(this.o.sqlite, query, install, { clients });
    await this.batches(run, w, (after: Key | null, limit) => rows.read(after, limit, null));
  }

  /** The notification log's JSON. */
  private writeJson(run: Running, w: Writer, query: RowsQuery): Promise<void> {
    const install = this.o.installId();
    return this.json(run, w, (after: Key | null, limit) => {
      const rows = readRanges(
        keyset(query, after, null),
        limit,
        (r, n) =>
          this.o.sqlite
            .prepare(`${SELECT} ${r.sql} ${NEWEST_FIRST} LIMIT ?`)
            .raw(true)
            .all(...r.args, n) as Raw[],
      );
      const last = rows.at(-1);
      return { items: rows.map((r) => jsonRow(r, install)), last: last ? ([last[1], last[0]] as const) : null };
    });
  }

  /** Batch by batch until the rows end or the export is cancelled, the event loop free between batches. */
  private async batches<K>(run: Running, w: Writer, read: ReadBatch<K>): Promise<void> {
    // About 10-15 ms of work per batch on a slow machine: the app stays responsive while it runs.
    const batch = this.o.batch ?? 1000;
    let after: K | null = null;
    while (!run.cancelled) {
      const b = read(after, batch);
      await w.put(b.text);
      w.progress(b.rows);
      if (b.read < batch) break;
      after = b.last;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** JSON: an array of objects, batch by batch. */
  private async json<K>(
    run: Running,
    w: Writer,
    read: (after: K | null, limit: number) => { items: unknown[]; last: K | null },
  ): Promise<void> {
    await w.put('[');
    let first = true;
    await this.batches(run, w, (after: K | null, limit) => {
      const b = read(after, limit);
      let text = '';
      for (const item of b.items) {
        text += (first ? '\n' : ',\n') + JSON.stringify(item);
        first = false;
      }
      return { text, rows: b.items.length, read: b.items.length, last: b.last };
    });
    if (!run.cancelled) await w.put('\n]\n');
  }

  /** Removes the host's export files older than a day. */
  private sweepOld(now: number): void {
    for (const name of fs.readdirSync(this.o.dir)) {
      const file = path.join(this.o.dir, name);
      try {
        if (now - fs.statSync(file).mtimeMs > KEEP_MS) fs.rmSync(file, { force: true });
      } catch {
        /* gone */
      }
    }
  }

  /** Stops every running export (the app is closing): their unfinished files are removed. */
  async close(): Promise<void> {
    for (const r of this.runs.values()) if (r.state.state === 'running') r.cancelled = true;
    await Promise.all([...this.runs.values()].map((r) => r.done));
  }
}

function jsonRow(r: Raw, install: string) {
  return {
    id: r[0],
    decidedAt: iso(r[1]),
    kind: r[2],
    status: r[3],
    suppressed: r[4],
    clientRef: r[5],
    clientName: r[6],
    rule: r[7],
    profile: r[8],
    currency: r[9],
    /** Minor units, like everywhere in Balance Desk. */
    available: r[10],
    threshold: r[11],
    seq: r[12],
    maxQty: r[13],
    recipients: JSON.parse(r[14]) as string[],
    subject: r[15],
    attempts: r[16],
    error: r[17],
    sentAt: r[18] === null ? null : iso(r[18]),
    via: r[19],
    resendOf: r[20],
    messageId: messageIdOf(r[0], install),
    reason: r[21],
  };
}
