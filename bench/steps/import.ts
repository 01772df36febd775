/**
 * 2. Usage import through the real path: `ledger.import.commit` with CSV parts of `partRows` rows (each
 * part keeps the header row), the same rows as the raw limit. Only the calls are timed, not the making
 * of the CSV text. Stops early, saying so, when the time budget runs out.
 */
import type { Core } from '../../src/main/core';
import { clientRef, seeded, usageCsv, usageRows } from '../lib/data';
import { must, now } from '../lib/measure';

export interface ImportResult {
  rowsPerSec: number;
  rows: number;
  parts: number;
  seconds: number;
  /** True when the budget ran out before all the rows were imported. */
  capped: boolean;
}

export async function usageImport(
  core: Core,
  opts: {
    resellerId: number;
    rows: number;
    clients: number;
    partRows: number;
    end: number;
    seed: number;
    budgetSeconds: number;
  },
): Promise<ImportResult> {
  const rnd = seeded(opts.seed + 1);
  const ref = (index: number) => clientRef(index + 1);
  let ms = 0;
  let rows = 0;
  let parts = 0;
  for (let first = 0; first < opts.rows; first += opts.partRows) {
    if (ms / 1000 > opts.budgetSeconds) break;
    const part = usageRows(rnd, first, Math.min(opts.partRows, opts.rows - first), opts.clients, opts.end);
    const csv = usageCsv(part, ref);
    const t = now();
    const r = must<{ imported: number; errorCount: number }>(
      'ledger.import.commit',
      await core.call('ledger.import.commit', { resellerId: opts.resellerId, csv, firstLine: 2 + first }),
    );
    ms += now() - t;
    if (r.imported !== part.length)
      throw new Error(`part ${parts + 1} imported ${r.imported} of ${part.length} rows (${r.errorCount} errors)`);
    rows += part.length;
    parts++;
  }
  return { rowsPerSec: rows / (ms / 1000), rows, parts, seconds: ms / 1000, capped: rows < opts.rows };
}
