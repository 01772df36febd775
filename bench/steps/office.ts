/**
 * 7. The office: the server imports usage rows while client desks (another process, desks-child.ts) read
 * the clients list and the log over TLS with a change stream each. Figures: the desks' p95 and the
 * import's rate against the same import with no desks.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createCore } from '../../src/main/core';
import type { Core } from '../../src/main/core';
import { startHost } from '../../src/main/headless';
import { clientRef, seeded, usageCsv, usageRows } from '../lib/data';
import { must, now, percentile } from '../lib/measure';

const EMAIL = 'bench-admin@acme.test';
const PASSWORD = 'bench office passphrase';

export interface OfficeResult {
  aloneRowsPerSec: number;
  withDesksRowsPerSec: number;
  rows: number;
  desks: number;
  reads: number;
  p50: number;
  p95: number;
  p99: number;
  events: number;
}

/** An admin who signs in: the office server shares a ledger only then (scrypt at 2^10, a bench's password). */
async function withAdmin(dataDir: string, resellerId: number) {
  const core = createCore({ dataDir, scryptLogN: 10 });
  try {
    const staff = must<{ id: number }>(
      'staff.create',
      await core.call('staff.create', { resellerId, name: 'Bench Admin', email: EMAIL, role: 'admin' }),
    );
    must('staff.setPassword', await core.call('staff.setPassword', { id: staff.id, password: PASSWORD }));
  } finally {
    core.close();
  }
}

/** Imports `rows` usage rows in parts through the server's core (the office server's own import); rows/s. */
async function importRows(
  core: Core,
  o: { resellerId: number; rows: number; clients: number; partRows: number; end: number; seed: number; offset: number },
) {
  const rnd = seeded(o.seed);
  let ms = 0;
  for (let first = 0; first < o.rows; first += o.partRows) {
    const part = usageRows(rnd, o.offset + first, Math.min(o.partRows, o.rows - first), o.clients, o.end);
    const csv = usageCsv(part, (i) => clientRef(i + 1));
    const t = now();
    must(
      'ledger.import.commit',
      await core.call('ledger.import.commit', { resellerId: o.resellerId, csv, firstLine: 2 + first }),
    );
    ms += now() - t;
    // One turn of the event loop between parts, as between two parts sent by a window.
    await new Promise<void>((r) => setImmediate(r));
  }
  return o.rows / (ms / 1000);
}

export async function officeDesks(
  dataDir: string,
  o: { resellerId: number; rows: number; clients: number; partRows: number; end: number; seed: number; desks: number },
): Promise<OfficeResult> {
  await withAdmin(dataDir, o.resellerId);
  const host = await startHost({ dataDir, port: 0, tickMs: 0, office: { listen: '127.0.0.1', port: 0 } });
  try {
    const base = host.office!.urls[0];
    const imp = (offset: number, seed: number) => importRows(host.core, { ...o, seed, offset });
    const aloneRowsPerSec = await imp(50_000_000, o.seed + 70);

    const tsx = path.join(__dirname, '../../node_modules/.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
    const child = spawn(tsx, [path.join(__dirname, 'desks-child.ts'), base, EMAIL, PASSWORD, String(o.desks), '250'], {
      stdio: ['pipe', 'pipe', 'inherit'],
      shell: process.platform === 'win32',
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? 1)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: string) => {
        out += d;
        if (out.includes('ready\n')) resolve();
      });
      void exited.then((code) => reject(new Error(`the desks stopped (exit ${code}) before they were ready`)));
    });
    // A second of reading before the import, so the desks' connections are warm.
    await new Promise((r) => setTimeout(r, 1000));
    const withDesksRowsPerSec = await imp(60_000_000, o.seed + 71);
    child.stdin.write('stop\n');
    const code = await exited;
    if (code !== 0) throw new Error(`the desks failed (exit ${code})`);
    const { samples, events } = JSON.parse(out.slice(out.indexOf('ready\n') + 6).trim()) as {
      samples: number[];
      events: number;
    };
    return {
      aloneRowsPerSec,
      withDesksRowsPerSec,
      rows: o.rows,
      desks: o.desks,
      reads: samples.length,
      p50: percentile(samples, 50),
      p95: percentile(samples, 95),
      p99: percentile(samples, 99),
      events,
    };
  } finally {
    await host.close();
  }
}
