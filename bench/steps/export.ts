/**
 * The notification-log export against what a user would otherwise run: the `sqlite3` shell's `.mode csv` of
 * the same rows (the export's 23 columns, client names joined, newest first) into a file. Both are timed in
 * the same run, cold (the database's pages dropped from the OS page cache first) and warm (the files read
 * through first), taking turns in both orders, so that neither reads pages the other left behind.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CSV_HEADER } from '../../src/main/core/exports/csv-rows';
import { now } from '../lib/measure';
import { figure, type Figure } from '../lib/report';
import { cachedShare, databaseFiles, dropFromCache, warmCache } from '../lib/page-cache';

export interface ExportRun {
  rows: number;
  seconds: number;
  rowsPerSec: number;
  bytes: number;
  maxRssMb: number;
  /** Threads that formatted the rows: the export's workers, or 1 when it ran on its own. */
  threads: number;
}

/** Exports the whole log to CSV in a child process (bench/steps/export-child.ts) and reads its figures. */
export function exportLog(dataDir: string, end: number): ExportRun {
  const root = path.resolve(__dirname, '../..');
  const tsx = path.join(root, 'node_modules/.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
  const r = spawnSync(tsx, [path.join(__dirname, 'export-child.ts'), dataDir, String(end)], {
    cwd: root,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`the export child failed: ${r.stderr || r.stdout}`);
  return JSON.parse(line) as ExportRun;
}

const ms = (column: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch')`;
/** Minor units as the export writes them; every currency of the bench's log has 2 decimals. */
const amount = (column: string) => `CASE WHEN ${column} IS NOT NULL THEN printf('%.2f', ${column} / 100.0) END`;

/**
 * The shell's query: the export's columns in its order and with its text (times as ISO 8601, amounts as
 * decimals, recipients as a list, the message id), by SQL a user could write. Its CSV quoting is the shell's
 * own (it quotes cells with spaces, for one), so its file is a little larger, not the same bytes.
 */
export function shellQuery(install: string): string {
  const columns: Record<(typeof CSV_HEADER)[number], string> = {
    id: 'n.id',
    decided_at: ms('n.decided_at'),
    kind: 'n.kind',
    status: 'n.status',
    suppressed: 'n.suppressed',
    client_ref: 'c.external_ref',
    client_name: 'c.name',
    rule: 'n.rule',
    profile: 'n.profile_name',
    currency: 'n.currency',
    available: amount('n.available'),
    threshold: amount('n.threshold'),
    seq: 'n.seq',
    max_qty: 'n.max_qty',
    recipients: `CASE n.recipients WHEN '[]' THEN '' ELSE replace(replace(replace(n.recipients, '","', '; '), '["', ''), '"]', '') END`,
    subject: 'n.subject',
    attempts: 'n.attempts',
    error: 'n.error',
    sent_at: ms('n.sent_at'),
    via: 'n.via',
    resend_of: 'n.resend_of',
    message_id: `'<notification-' || n.id || '.${install.replace(/'/g, "''")}@balance-desk>'`,
    reason: 'n.reason',
  };
  return `SELECT ${CSV_HEADER.map((h) => `${columns[h]} AS ${h}`).join(', ')} FROM notifications n JOIN clients c ON c.id = n.client_id ORDER BY n.decided_at DESC, n.id DESC;`;
}

/** The `sqlite3` shell's version, or null when there is none on the PATH. */
export function sqlite3Shell(): string | null {
  const r = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
  return r.status === 0 && !r.error ? r.stdout.split(' ')[0].trim() : null;
}

/** Line ends in a file: the shell's rows (its data has no line break inside a cell) plus its header. */
function countLines(file: string): number {
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = fs.openSync(file, 'r');
  let lines = 0;
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;)
      for (let at = buf.indexOf(10); at !== -1 && at < n; at = buf.indexOf(10, at + 1)) lines++;
  } finally {
    fs.closeSync(fd);
  }
  return lines;
}

export interface ShellRun {
  rows: number;
  seconds: number;
  rowsPerSec: number;
  bytes: number;
}

/** `sqlite3 DB '.mode csv' '.headers on' QUERY > OUT`, timed from the shell's start to its exit. */
export function shellExport(dbFile: string, install: string, out: string): ShellRun {
  const fd = fs.openSync(out, 'w');
  let seconds: number;
  try {
    const t = now();
    const r = spawnSync('sqlite3', ['-readonly', dbFile, '.mode csv', '.headers on', shellQuery(install)], {
      stdio: ['ignore', fd, 'pipe'],
      encoding: 'utf8',
    });
    seconds = (now() - t) / 1000;
    if (r.status !== 0 || r.error) throw new Error(`the sqlite3 shell failed: ${r.error?.message ?? r.stderr}`);
  } finally {
    fs.closeSync(fd);
  }
  const bytes = fs.statSync(out).size;
  const rows = countLines(out) - 1;
  fs.rmSync(out, { force: true });
  return { rows, seconds, rowsPerSec: rows / seconds, bytes };
}

export type CacheState = 'cold' | 'warm';

export interface ComparedRun {
  state: CacheState;
  who: 'export' | 'shell';
  /** Share of the database's files in the page cache just before the run (fincore); null: unknown. */
  cachedBefore: number | null;
  rowsPerSec: number;
  seconds: number;
  rows: number;
  bytes: number;
  maxRssMb?: number;
  threads?: number;
  /** The 1-minute load average just before the run: other work on the machine shows in the figure. */
  load: number;
}

export interface Comparison {
  /** The sqlite3 shell's version; null when there is none (only the export is measured). */
  shell: string | null;
  /** Why the shell's runs stopped, when it failed (the export's runs go on). */
  shellError: string | null;
  /** How the cold runs dropped the pages; null when nothing could, and there are no cold runs. */
  dropWith: string | null;
  runs: ComparedRun[];
}

/**
 * `rounds` rounds of: cold, then warm; in each, the export and the shell one after the other, in turns
 * (export first in even rounds, shell first in odd ones), each run after its own preparation of the cache.
 */
export function exportVsShell(
  dataDir: string,
  dbFile: string,
  o: { end: number; install: string; rounds: number; progress: (line: string) => void },
): Comparison {
  const shell = sqlite3Shell();
  // Asked each time: the -wal comes and goes with the connections.
  const files = () => databaseFiles(dbFile);
  const runs: ComparedRun[] = [];
  let dropWith: string | null = null;
  let canDrop = true;
  const prepare = (state: CacheState) => {
    if (state === 'warm') {
      warmCache(files());
      return true;
    }
    if (!canDrop) return false;
    dropWith = dropFromCache(files());
    canDrop = dropWith !== null;
    return canDrop;
  };
  let shellError: string | null = null;
  const who: ComparedRun['who'][] = shell ? ['export', 'shell'] : ['export'];
  for (let round = 0; round < o.rounds; round++) {
    for (const state of ['cold', 'warm'] as const) {
      for (const w of round % 2 === 0 ? who : [...who].reverse()) {
        if ((w === 'shell' && shellError) || !prepare(state)) continue;
        const cachedBefore = cachedShare(files());
        const load = os.loadavg()[0];
        const pct = cachedBefore === null ? 'unknown' : `${(cachedBefore * 100).toFixed(0)}%`;
        o.progress(
          `export vs shell, round ${round + 1} of ${o.rounds}: ${w}, ${state} (${pct} of the database in the page cache)…`,
        );
        if (w === 'export') {
          const r = exportLog(dataDir, o.end);
          runs.push({
            state,
            who: w,
            cachedBefore,
            load,
            rowsPerSec: r.rowsPerSec,
            seconds: r.seconds,
            rows: r.rows,
            bytes: r.bytes,
            maxRssMb: r.maxRssMb,
            threads: r.threads,
          });
        } else {
          try {
            runs.push({
              state,
              who: w,
              cachedBefore,
              load,
              ...shellExport(dbFile, o.install, path.join(dataDir, 'shell-export.csv')),
            });
          } catch (e) {
            shellError = (e as Error).message;
          }
        }
      }
    }
  }
  return { shell, shellError, dropWith, runs };
}

const n = (x: number) => x.toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const span = (xs: readonly number[], fmt: (x: number) => string) => {
  const lo = fmt(Math.min(...xs));
  const hi = fmt(Math.max(...xs));
  return lo === hi ? lo : `${lo}–${hi}`;
};

/**
 * The table's rows: per cache state the export (its mean rows/s, as a ratio to the shell's mean in the
 * same state; warm also against the absolute target) and the shell; then the export's worst peak RSS. A row
 * says how much of the database was cached before its runs and the load average then.
 */
export function comparisonFigures(c: Comparison): Figure[] {
  const out: Figure[] = [];
  // Each runs once first and once second of the pair in a state: the mean of the two evens that out.
  const mean = (rs: readonly ComparedRun[]) => rs.reduce((sum, r) => sum + r.rowsPerSec, 0) / rs.length;
  const conditions = (rs: readonly ComparedRun[]) => {
    const cached = rs.map((r) => r.cachedBefore);
    const share = cached.some((x) => x === null)
      ? 'cached share unknown (no fincore)'
      : `${span(cached as number[], (x) => `${(x * 100).toFixed(0)}%`)} cached`;
    return `${share}, load ${span(
      rs.map((r) => r.load),
      (x) => x.toFixed(1),
    )}`;
  };
  const detail = (rs: readonly ComparedRun[]) => ({
    runsRowsPerSec: rs.map((r) => Math.round(r.rowsPerSec)),
    runsSeconds: rs.map((r) => Math.round(r.seconds * 1000) / 1000),
    runsCachedBefore: rs.map((r) => (r.cachedBefore === null ? -1 : Math.round(r.cachedBefore * 1000) / 1000)),
    runsLoad: rs.map((r) => r.load),
    rows: rs[0].rows,
    bytes: rs[0].bytes,
  });
  for (const state of ['cold', 'warm'] as const) {
    const how =
      state === 'cold'
        ? `cold (pages dropped${c.dropWith ? ` by ${c.dropWith}` : ''})`
        : 'warm (the database read through first)';
    const exp = c.runs.filter((r) => r.who === 'export' && r.state === state);
    const sh = c.runs.filter((r) => r.who === 'shell' && r.state === state);
    const targets =
      state === 'warm'
        ? [
            { op: '>=' as const, limit: 500_000 },
            { op: '>=' as const, limit: 1, ofRatio: true },
          ]
        : [{ op: '>=' as const, limit: 1, ofRatio: true }];
    if (exp.length === 0) {
      out.push(
        figure({
          key: `export.${state}.rowsPerSec`,
          metric: `notification-log export to CSV, ${state}`,
          value: null,
          unit: 'rows/s',
          target: targets,
          note: 'no way to drop the database from the page cache here (dd, python3)',
        }),
      );
      continue;
    }
    const ratio = sh.length ? mean(exp) / mean(sh) : undefined;
    const noShell = !c.shell
      ? '; no sqlite3 shell on this machine: no ratio'
      : sh.length
        ? ''
        : '; the sqlite3 shell failed: no ratio';
    out.push(
      figure({
        key: `export.${state}.rowsPerSec`,
        metric: `notification-log export to CSV, ${how}, ${n(exp[0].rows)} rows (${mb(exp[0].bytes)}), mean of ${exp.length}`,
        value: mean(exp),
        unit: 'rows/s',
        target: targets,
        ratio,
        ratioOf: 'shell',
        note: conditions(exp) + noShell,
        detail: { ...detail(exp), threads: exp[0].threads ?? 1 },
      }),
    );
    if (c.shell === null) {
      out.push(
        figure({
          key: `shell.${state}.rowsPerSec`,
          metric: `sqlite3 shell, .mode csv of the same rows, ${state}`,
          value: null,
          unit: 'rows/s',
          note: 'no sqlite3 shell on this machine',
        }),
      );
    } else if (sh.length === 0) {
      out.push(
        figure({
          key: `shell.${state}.rowsPerSec`,
          metric: `sqlite3 ${c.shell} shell, .mode csv of the same rows, ${state}`,
          value: null,
          unit: 'rows/s',
          note: `it failed: ${c.shellError ?? 'not run'}`,
        }),
      );
    } else {
      out.push(
        figure({
          key: `shell.${state}.rowsPerSec`,
          metric: `sqlite3 ${c.shell} shell, .mode csv of the same rows, names joined, to a file, ${state} (${mb(sh[0].bytes)}), mean of ${sh.length}`,
          value: mean(sh),
          unit: 'rows/s',
          note:
            conditions(sh) +
            (sh[0].rows === exp[0].rows ? '' : `; ${n(sh[0].rows)} rows, the export ${n(exp[0].rows)}`),
          detail: detail(sh),
        }),
      );
    }
  }
  const all = c.runs.filter((r) => r.who === 'export');
  out.push(
    figure({
      key: 'export.maxRss',
      metric: `notification-log export: peak RSS of its process, worst of ${all.length}`,
      value: Math.max(...all.map((r) => r.maxRssMb ?? 0)),
      unit: 'MB',
      target: { op: '<', limit: 300 },
      detail: { runsMaxRssMb: all.map((r) => Math.round(r.maxRssMb ?? 0)) },
    }),
  );
  return out;
}
