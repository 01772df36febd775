/**
 * Usage import from CSV. Columns (a header row names them, in any order):
 *   client_ref, time, amount, external_id, description (optional)
 * amount is the cost in the client's currency as positive decimal text ("1.25"); each row becomes a usage
 * debit. (client, external_id) is unique, so importing the same file twice adds nothing.
 */
import type { ImportRow, ImportRowError } from '../../../shared/contracts';
import { CsvError, parseCsv } from '../../../shared/csv';
import { MoneyError, parseAmount } from '../../../shared/money';
import { invalid } from '../../../shared/result';
import { iso } from '../clock/clock';
import { performance } from 'node:perf_hooks';
import type { Ctx } from '../api/registry';

export const IMPORT_COLUMNS = ['client_ref', 'time', 'amount', 'external_id', 'description'] as const;
const REQUIRED = ['client_ref', 'time', 'amount', 'external_id'] as const;
const MAX_ERRORS = 1000;

interface ImportInput {
  resellerId: number;
  csv: string;
  firstLine: number;
}

interface ClientRef {
  id: number;
  name: string;
  currency: string;
  status: string;
}

/** Not a table's row: a CSV line as parsed, before it is an entry. */
interface ParsedRow {
  line: number;
  client: ClientRef;
  clientRef: string;
  at: number;
  amount: number;
  externalId: string;
  description: string;
}

/** "2026-11-21T14:00:00Z", "2026-11-21 14:00:00" (taken as UTC) or "2026-11-21". */
export function parseUsageTime(text: string): number | null {
  const t = text.trim();
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(t);
  if (!m) return null;
  const zone = m[8] ? (m[8].toUpperCase() === 'Z' ? 'Z' : m[8].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
  const isoText = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}.${(m[7] ?? '0').padEnd(3, '0')}${zone}`;
  const ms = Date.parse(isoText);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls 2026-02-30 over into March: refuse dates that do not exist.
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (day.getUTCDate() !== Number(m[3]) || day.getUTCMonth() + 1 !== Number(m[2])) return null;
  return ms;
}

/** Rows read, looked up and handed on together: a part of the file, in the order of the file. */
const WINDOW = 10_000;

/**
 * Reads and checks every row; `visit` sees the valid rows of each window of WINDOW rows, in the file's order;
 * errors are collected (the first MAX_ERRORS kept). Each window's clients are looked up by reference in the
 * order of the references, which is the order of the (reseller_id, external_ref) index: each of its pages is
 * read once per window, not once per row (a usage file's rows come in time order, its clients at random).
 */
function readRows(input: ImportInput, ctx: Ctx, visit: (rows: ParsedRow[]) => void) {
  const sqlite = ctx.db.$client;
  const reseller = sqlite.prepare('SELECT id FROM resellers WHERE id = ?').get(input.resellerId);
  if (!reseller) throw invalid('resellerId', `resellerId ${input.resellerId} is not a reseller`);
  const findClient = sqlite.prepare(
    'SELECT id, name, currency, status FROM clients WHERE reseller_id = ? AND external_ref = ?',
  );
  const clients = new Map<string, ClientRef | null>();
  const errors: ImportRowError[] = [];
  let errorCount = 0;
  let rows = 0;
  const fail = (line: number, field: string, message: string) => {
    errorCount++;
    if (errors.length < MAX_ERRORS) errors.push({ line, field, message });
  };

  let records: Generator<{ line: number; fields: string[] }>;
  try {
    records = parseCsv(input.csv, input.firstLine - 1);
  } catch (e) {
    throw invalid('csv', `csv ${(e as Error).message}`);
  }
  let columns: Record<string, number> | undefined;
  let width = 0;
  let window: { line: number; fields: string[] }[] = [];
  const field = (fields: string[], c: string) => (columns![c] === undefined ? '' : (fields[columns![c]] ?? '').trim());

  const flush = () => {
    const refs = new Set<string>();
    for (const rec of window) {
      const ref = field(rec.fields, 'client_ref');
      if (ref && !clients.has(ref)) refs.add(ref);
    }
    for (const ref of [...refs].sort())
      clients.set(ref, (findClient.get(input.resellerId, ref) as ClientRef | undefined) ?? null);
    const valid: ParsedRow[] = [];
    for (const rec of window) {
      const get = (c: string) => field(rec.fields, c);
      if (rec.fields.length < width) {
        fail(rec.line, 'row', `has ${rec.fields.length} fields, the header has ${width}`);
        continue;
      }
      const clientRef = get('client_ref');
      if (!clientRef) {
        fail(rec.line, 'client_ref', 'client_ref is empty');
        continue;
      }
      const client = clients.get(clientRef);
      if (!client) {
        fail(rec.line, 'client_ref', `no client of this reseller has the reference ${clientRef}`);
        continue;
      }
      if (client.status === 'closed') {
        fail(rec.line, 'client_ref', `client ${clientRef} is closed`);
        continue;
      }
      const at = parseUsageTime(get('time'));
      if (at === null) {
        fail(rec.line, 'time', `time "${get('time')}" is not a date and time such as 2026-11-21T14:00:00Z`);
        continue;
      }
      let amount: number;
      try {
        amount = parseAmount(get('amount'), client.currency);
      } catch (e) {
        fail(rec.line, 'amount', `amount ${e instanceof MoneyError ? e.message : 'is not an amount'}`);
        continue;
      }
      if (amount <= 0) {
        fail(
          rec.line,
          'amount',
          'amount must be more than zero (it is the cost of the usage; use an adjustment for credits)',
        );
        continue;
      }
      const externalId = get('external_id');
      if (!externalId) {
        fail(rec.line, 'external_id', 'external_id is empty: it lets a re-import skip rows already imported');
        continue;
      }
      if (externalId.length > 128) {
        fail(rec.line, 'external_id', 'external_id is longer than 128 characters');
        continue;
      }
      const description = get('description');
      if (description.length > 500) {
        fail(rec.line, 'description', 'description is longer than 500 characters');
        continue;
      }
      valid.push({ line: rec.line, client, clientRef, at, amount, externalId, description });
    }
    window = [];
    visit(valid);
  };

  try {
    for (const rec of records) {
      if (!columns) {
        columns = {};
        rec.fields.forEach((name, i) => (columns![name.trim().toLowerCase()] = i));
        width = Object.keys(columns).length;
        const missing = REQUIRED.filter((c) => columns![c] === undefined);
        if (missing.length) {
          throw invalid(
            'csv',
            `csv needs a header row with the columns ${IMPORT_COLUMNS.join(', ')} (description optional); missing: ${missing.join(', ')}`,
          );
        }
        continue;
      }
      rows++;
      window.push(rec);
      if (window.length === WINDOW) flush();
    }
    if (window.length) flush();
  } catch (e) {
    if (e instanceof CsvError) throw invalid('csv', `csv ${e.message}`);
    throw e;
  }
  if (!columns) throw invalid('csv', 'csv is empty: it needs a header row and at least one row of usage');
  return { rows, errors, errorCount };
}

export function previewImport(input: ImportInput, ctx: Ctx) {
  const seen = ctx.db.$client.prepare('SELECT 1 FROM ledger_entries WHERE client_id = ? AND external_id = ?').pluck();
  const inFile = new Set<string>();
  const sample: ImportRow[] = [];
  let valid = 0;
  let duplicates = 0;
  const r = readRows(input, ctx, (rows) => {
    for (const row of rows) {
      const key = `${row.client.id}\u0000${row.externalId}`;
      const duplicate = inFile.has(key) || seen.get(row.client.id, row.externalId) !== undefined;
      inFile.add(key);
      valid++;
      if (duplicate) duplicates++;
      if (sample.length < 20) {
        sample.push({
          line: row.line,
          clientId: row.client.id,
          clientRef: row.clientRef,
          clientName: row.client.name,
          currency: row.client.currency,
          at: iso(row.at),
          amount: row.amount,
          externalId: row.externalId,
          description: row.description,
          duplicate,
        });
      }
    }
  });
  return { rows: r.rows, valid, duplicates, errors: r.errors, errorCount: r.errorCount, sample };
}

/**
 * How long one slice of a commit may hold the write transaction, and with it the one event loop, before it
 * commits and lets other calls through (another desk reading a list, a top-up): about what a read waits at worst
 * during an import. Measured by the office row of `npm run bench`.
 */
export const SLICE_MS = 20;

/**
 * Posts the valid rows of a part. Every row is read and checked first, so a part whose CSV is broken writes
 * nothing; then the rows are written in slices, each one transaction of about SLICE_MS with a turn of the
 * event loop between, so that an office server stays answering its desks during a large import. A stop
 * between slices (a crash, a kill) leaves the slices before it in: every row has an external id, so sending
 * the part again adds only the rest, and nothing twice. The audit entry is written with the last slice; each
 * entry also carries its actor and the time it was recorded.
 */
export async function commitImport(input: ImportInput, ctx: Ctx) {
  const all: ParsedRow[] = [];
  // Client by client within each window (a stable sort keeps each client's rows in the file's order, so its
  // running balance is the file's): the entry indexes, the balances and the forecast's days are then written in
  // key order, each page once, instead of at random, row by row, as the file's time order has them.
  const r = readRows(input, ctx, (rows) => {
    rows.sort((a, b) => a.client.id - b.client.id);
    for (const row of rows) all.push(row);
  });
  const sqlite = ctx.db.$client;
  const touched = new Set<number>();
  let imported = 0;
  let duplicates = 0;
  let next = 0;
  do {
    const now = ctx.clock.now();
    sqlite
      .transaction(() =>
        ctx.ledger.atomic(now, () => {
          const batch = ctx.ledger.batch(now);
          const started = performance.now();
          while (next < all.length) {
            const row = all[next++];
            const res = batch.post({
              clientId: row.client.id,
              kind: 'usage',
              amount: -row.amount,
              description: row.description,
              actor: ctx.actor,
              at: row.at,
              externalId: row.externalId,
            });
            if (res.duplicate) duplicates++;
            else imported++;
            if ((next & 63) === 0 && performance.now() - started > SLICE_MS) break;
          }
          for (const id of batch.finish()) touched.add(id);
          if (next >= all.length && imported > 0) {
            ctx.audit('ledger.import', 'reseller', input.resellerId, {
              rows: r.rows,
              imported,
              duplicates,
              errors: r.errorCount,
              firstLine: input.firstLine,
            });
          }
        }),
      )
      .immediate();
    if (next < all.length) await new Promise<void>((resolve) => setImmediate(resolve));
  } while (next < all.length);
  if (imported > 0) ctx.emit({ topic: 'ledger', clientIds: touched.size <= 1000 ? [...touched] : undefined });
  return { rows: r.rows, imported, duplicates, errors: r.errors, errorCount: r.errorCount };
}
