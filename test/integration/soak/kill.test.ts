/**
 * A kill at a random instant (issue 7, the fast version of the soak): the built headless host
 * (out/main/headless.js, the product itself) is started on a data folder and killed with SIGKILL while
 * it imports a large usage file over HTTP, five times, restarting each time. After every kill the
 * database must open, pass SQLite's integrity check, hold a prefix of each file's rows in the order the commit
 * writes them (it writes in slices of about 20 ms, each one transaction, so that an office server keeps
 * answering), and keep every balance equal to the sum of its entries; the next start must import exactly the
 * rest (every row is idempotent by its external id).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { seeded } from '../../../bench/lib/data';
import { BUILT_HOST, startBuiltHost } from '../../support/built-host';
import { balancesOff } from '../../support/checksum';
import { tempDir } from '../../support/core';

const CLIENTS = 200;
const ROWS = 50_000;
const KILLS = 5;

let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  child = dir = undefined;
});

const start = (dataDir: string) => startBuiltHost(dataDir);

function rpc(h: { url: string; token: string }, channel: string, body: unknown) {
  return fetch(`${h.url}rpc/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The client (K-n) of each row of a file. */
function fileClients(file: number): number[] {
  const rnd = seeded(1000 + file);
  return Array.from({ length: ROWS }, () => 1 + Math.floor(rnd() * CLIENTS));
}

function usageFile(file: number): string {
  const clients = fileClients(file);
  const lines = ['client_ref,time,amount,external_id'];
  for (let i = 0; i < ROWS; i++)
    lines.push(
      `K-${clients[i]},2026-11-${String(1 + (i % 20)).padStart(2, '0')}T10:00:00Z,0.${String(1 + (i % 98)).padStart(2, '0')},f${file}-${i}`,
    );
  return `${lines.join('\n')}\n`;
}

/** The external ids of a file in the order the commit writes them: each window of 10,000 rows by client, stably. */
function commitOrder(file: number): string[] {
  const clients = fileClients(file);
  const out: string[] = [];
  for (let w = 0; w < ROWS; w += 10_000) {
    const rows = Array.from({ length: Math.min(10_000, ROWS - w) }, (_, j) => w + j);
    rows.sort((a, b) => clients[a] - clients[b]);
    out.push(...rows.map((i) => `f${file}-${i}`));
  }
  return out;
}

describe('a kill at a random instant', () => {
  it(
    `SIGKILL during a ${ROWS.toLocaleString('en-US')}-row import, ${KILLS} times: the database opens intact, what landed is whole slices, balances equal entries`,
    { timeout: 120_000 },
    async () => {
      expect(
        fs.existsSync(BUILT_HOST),
        'out/main/headless.js is missing: run `npm run build` first (npm test does)',
      ).toBe(true);
      dir = tempDir('bd-kill-');
      let h = await start(dir);
      child = h.proc;
      const reseller = (await (
        await rpc(h, 'resellers.create', { name: 'Kill Test', email: 'ops@kill.test' })
      ).json()) as { value: { id: number } };
      for (let c = 1; c <= CLIENTS; c++) {
        const r = await rpc(h, 'clients.create', {
          resellerId: reseller.value.id,
          externalRef: `K-${c}`,
          name: `Client ${c}`,
          billingEmail: `c${c}@kill.test`,
          currency: 'USD',
        });
        expect(r.status).toBe(200);
      }
      // How long one import takes on this machine, so that the kills fall across it: at 10%, 30% … 90%.
      const t0 = performance.now();
      expect((await rpc(h, 'ledger.import.commit', { resellerId: reseller.value.id, csv: usageFile(99) })).status).toBe(
        200,
      );
      const took = performance.now() - t0;
      const outcomes: { landed: number; answer: string }[] = [];
      for (let k = 0; k < KILLS; k++) {
        const csv = usageFile(k);
        const sent = rpc(h, 'ledger.import.commit', { resellerId: reseller.value.id, csv }).then(
          (r) => `answered ${r.status}`,
          () => 'cut off',
        );
        await new Promise((r) => setTimeout(r, Math.round((took * (2 * k + 1)) / (2 * KILLS))));
        h.proc.kill('SIGKILL');
        await new Promise((r) => h.proc.once('exit', r));
        const answer = await sent;

        // Opened by SQLite itself, as after a power cut: intact, whole slices in order, balances equal entries.
        const db = new Database(path.join(dir, 'ledger.sqlite'));
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const ids = new Set(
          db
            .prepare('SELECT external_id FROM ledger_entries WHERE external_id LIKE ?')
            .pluck()
            .all(`f${k}-%`) as string[],
        );
        const landed = ids.size;
        expect(
          commitOrder(k)
            .slice(0, landed)
            .every((id) => ids.has(id)),
          `file ${k}: the ${landed} rows that landed are the first ones the commit writes`,
        ).toBe(true);
        if (answer === 'answered 200') expect(landed).toBe(ROWS);
        outcomes.push({ landed, answer });
        expect(balancesOff({ $client: db })).toBe(0);
        db.close();

        h = await start(dir);
        child = h.proc;
        // After the restart the same file imports (again, or for the first time): idempotent by external id.
        const again = (await (await rpc(h, 'ledger.import.commit', { resellerId: reseller.value.id, csv })).json()) as {
          ok: boolean;
          value: { imported: number; duplicates: number };
        };
        expect(again.ok).toBe(true);
        expect(again.value.imported + again.value.duplicates).toBe(ROWS);
        expect(again.value.imported).toBe(ROWS - landed);
      }
      // Kills spread over an import: some cut it off before it had all landed (not every one: the last may come after).
      expect(
        outcomes.filter((o) => o.answer === 'cut off' && o.landed < ROWS).length,
        JSON.stringify(outcomes),
      ).toBeGreaterThan(0);
    },
  );
});
