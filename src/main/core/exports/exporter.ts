/**
 * Local exports of the notification log, CSV or JSON, streamed: rows are read in keyset batches and
 * written through a file stream that is awaited when full, so memory stays flat whatever the size, and
 * the event loop is free between batches. The file is written as NAME.part and renamed when complete;
 * a cancelled or failed export leaves nothing behind. Progress goes out as `exports` change events.
 *
 * CSV: UTF-8 with a byte order mark (so spreadsheets read it as UTF-8), a header row, CRLF, RFC 4180
 * quoting, no cell a spreadsheet would run as a formula (src/shared/csv.ts). Amounts are decimals with
 * the currency's exponent beside a currency column. JSON: an array of objects, amounts in minor units.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { ChangeEvent, ExportState, NotificationFilter } from '../../../shared/contracts';
import { csvRecord } from '../../../shared/csv';
import { toDecimalString } from '../../../shared/money';
import { iso, type Clock } from '../clock';
import { filterWhere, messageIdOf } from '../notify/query';

export type ExportFormat = 'csv' | 'json';

/** The desktop app's native save dialog: the chosen path, or null when cancelled. */
export type SaveDialog = (o: { defaultName: string; format: ExportFormat }) => Promise<string | null>;

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
}

export const CSV_HEADER = [
  'id',
  'decided_at',
  'kind',
  'status',
  'suppressed',
  'client_ref',
  'client_name',
  'rule',
  'profile',
  'currency',
  'available',
  'threshold',
  'seq',
  'max_qty',
  'recipients',
  'subject',
  'attempts',
  'error',
  'sent_at',
  'via',
  'resend_of',
  'message_id',
  'reason',
] as const;

/** The columns in the order of CSV_HEADER (message_id is derived from the id). */
const SELECT = `SELECT n.id, n.decided_at, n.kind, n.status, n.suppressed, c.external_ref, c.name, n.rule, n.profile_name, n.currency, n.available, n.threshold,
  n.seq, n.max_qty, n.recipients, n.subject, n.attempts, n.error, n.sent_at, n.via, n.resend_of, n.reason
  FROM notifications n JOIN clients c ON c.id = n.client_id`;

type Raw = [number, number, string, string, string | null, string, string, string | null, string | null, string, number | null, number | null, number | null, number | null, string, string, number, string | null, number | null, string | null, number | null, string];

/** Finished exports in the host's folder are removed after a day. */
const KEEP_MS = 24 * 3600_000;

interface Running {
  state: ExportState;
  cancelled: boolean;
  done: Promise<void>;
}

export class Exporter {
  private readonly runs = new Map<string, Running>();

  constructor(private readonly o: ExporterOptions) {}

  /** Starts an export; null when the save dialog was cancelled. Resolves once the file is open, not when it is written. */
  async start(format: ExportFormat, filter: NotificationFilter): Promise<ExportState | null> {
    const now = this.o.clock.now();
    const where = filterWhere(filter);
    const stamp = iso(now).slice(0, 16).replace(/:/g, '');
    const fileName = `notifications-${stamp}.${format}`;
    const id = `${stamp.replace(/\D/g, '')}-${crypto.randomBytes(4).toString('hex')}`;
    let target: string;
    let downloadPath: string | null = null;
    if (this.o.saveDialog) {
      const chosen = await this.o.saveDialog({ defaultName: fileName, format });
      if (!chosen) return null;
      target = chosen;
    } else {
      fs.mkdirSync(this.o.dir, { recursive: true });
      this.sweepOld(now);
      target = path.join(this.o.dir, `${id}-${fileName}`);
      downloadPath = `/exports/${id}/${encodeURIComponent(fileName)}`;
    }
    const total = (this.o.sqlite.prepare(`SELECT count(*) FROM notifications n ${where.sql}`).pluck().get(...where.args) as number) ?? 0;
    const state: ExportState = {
      id,
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
    const run: Running = { state, cancelled: false, done: Promise.resolve() };
    this.runs.set(id, run);
    run.done = this.write(run, filter).catch((e: unknown) => {
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
    if (r.state.state === 'running') r.cancelled = true;
    return { ...r.state };
  }

  /** Waits for an export to finish (tests, close). */
  async settled(id: string): Promise<ExportState | null> {
    const r = this.runs.get(id);
    if (!r) return null;
    await r.done;
    return { ...r.state };
  }

  /** The finished file of an export in the host's folder, for download. */
  downloadFile(id: string): { path: string; fileName: string; format: ExportFormat } | null {
    const r = this.runs.get(id);
    if (!r || r.state.state !== 'done' || !r.state.downloadPath) return null;
    return { path: r.state.path, fileName: path.basename(r.state.path).slice(id.length + 1), format: r.state.format };
  }

  private async write(run: Running, filter: NotificationFilter): Promise<void> {
    const s = run.state;
    const part = `${s.path}.part`;
    const out = fs.createWriteStream(part);
    const opened = new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', reject);
    });
    await opened;
    let failure: unknown = null;
    let wake: (() => void) | null = null;
    out.on('error', (e) => {
      failure = e;
      wake?.();
    });
    out.on('drain', () => wake?.());
    const put = async (text: string) => {
      s.bytes += Buffer.byteLength(text);
      if (!out.write(text)) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (failure) throw failure;
    };
    const install = this.o.installId();
    const csv = s.format === 'csv';
    // About 10-15 ms of work per batch on a slow machine: the app stays responsive while it runs.
    const batch = this.o.batch ?? 1000;
    let lastEmit = 0;
    try {
      await put(csv ? '\ufeff' + csvRecord(CSV_HEADER) : '[');
      let after: [number, number] | undefined;
      let first = true;
      for (;;) {
        if (run.cancelled) break;
        if (failure) throw failure;
        const w = filterWhere(filter, after);
        const rows = this.o.sqlite.prepare(`${SELECT} ${w.sql} ORDER BY n.decided_at DESC, n.id DESC LIMIT ?`).raw(true).all(...w.args, batch) as Raw[];
        if (!rows.length) break;
        let chunk = '';
        for (const r of rows) {
          if (csv) chunk += csvRow(r, install);
          else {
            chunk += (first ? '\n' : ',\n') + JSON.stringify(jsonRow(r, install));
            first = false;
          }
        }
        s.rows += rows.length;
        await put(chunk);
        const last = rows[rows.length - 1];
        after = [last[1], last[0]];
        const t = Date.now();
        if (t - lastEmit > 250) {
          lastEmit = t;
          this.o.emit({ topic: 'exports' });
        }
        // Let the app breathe between batches.
        await new Promise((resolve) => setImmediate(resolve));
        if (rows.length < batch) break;
      }
      if (!run.cancelled && !csv) await put('\n]\n');
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

const recipientsText = (json: string) => (json === '[]' ? '' : (JSON.parse(json) as string[]).join('; '));

function csvRow(r: Raw, install: string): string {
  const cur = r[9];
  return csvRecord([
    r[0],
    iso(r[1]),
    r[2],
    r[3],
    r[4],
    r[5],
    r[6],
    r[7],
    r[8],
    cur,
    r[10] === null ? null : toDecimalString(r[10], cur),
    r[11] === null ? null : toDecimalString(r[11], cur),
    r[12],
    r[13],
    recipientsText(r[14]),
    r[15],
    r[16],
    r[17],
    r[18] === null ? null : iso(r[18]),
    r[19],
    r[20],
    messageIdOf(r[0], install),
    r[21],
  ]);
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
