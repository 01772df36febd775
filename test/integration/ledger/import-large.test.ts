/**
 * A usage file of a million rows (issue 7), through the path the app uses: the Import screen's store
 * (src/renderer/src/stores/importer.ts) cuts the file into parts of 5,000 rows on record boundaries and
 * sends each part, preview then commit, over HTTP to the built headless host (out/main/headless.js, the
 * product itself; the desktop app sends the same parts over IPC). No part comes near the host's 80 MB body
 * limit or the contract's 64 MB: a file of any length goes through in parts.
 *
 * - A good file (a BOM and CRLF line ends as spreadsheets write them, a quoted description with commas,
 *   quotes and a line break every 997th row): every row lands exactly once with its client, amount, time
 *   and description, and every balance equals the sum of its entries.
 * - Broken quoting near the end (a quote left open, a stray quote): refused with the line, before a single
 *   part is sent, so nothing of the file lands (a checksum of every table).
 * - A bad amount or an unknown client near the end: the preview names the line and the field and changes
 *   nothing; the commit keeps the other rows and skips that one (the product's rule, README "Usage CSV"),
 *   and importing the corrected file adds just that row.
 *
 * `npm test` runs it with 100,000 rows; `npm run soak:import` builds and runs it with 1,000,000
 * (vitest --mode million).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROWS_PER_PART, useImport } from '../../../src/renderer/src/stores/importer';
import { callBuiltHost, startBuiltHost, type BuiltHost } from '../../support/built-host';
import { balancesOff, checksum } from '../../support/checksum';
import { tempDir } from '../../support/core';

/** `vitest --mode million` (npm run soak:import) sets MODE. */
const ROWS = process.env.MODE === 'million' ? 1_000_000 : 100_000;
const CLIENTS = 200;
/** The data row (0-based) spoiled in the bad files: in the last part. */
const BAD_ROW = ROWS - 3;
const TIMEOUT = Math.max(60_000, ROWS * 0.4);
const DAY0 = Date.UTC(2026, 10, 1);
const MULTILINE = 'calls, to "UK"\nand to "IE"';

const refOf = (i: number) => `L-${1 + (i % CLIENTS)}`;
const centsOf = (i: number) => 1 + ((i * 7919) % 99_999);
const amountOf = (i: number) => `${Math.floor(centsOf(i) / 100)}.${String(centsOf(i) % 100).padStart(2, '0')}`;
const timeOf = (i: number) =>
  `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00Z`;

/** The fields of row i, as they stand in the file (the description quoted as RFC 4180 says). */
type Fields = [ref: string, time: string, amount: string, externalId: string, description: string];

/**
 * A usage file of `rows` rows whose external ids are `${tag}-${i}`; `spoil` rewrites row BAD_ROW.
 * Returns the text and the file line on which that row stands.
 */
function usageFile(tag: string, opts: { spoil?: (f: Fields) => string; bom?: boolean; eol?: string } = {}) {
  const eol = opts.eol ?? '\n';
  const lines: string[] = [`${opts.bom ? '\ufeff' : ''}client_ref,time,amount,external_id,description`];
  let line = 2;
  let badLine = 0;
  for (let i = 0; i < ROWS; i++) {
    const description = i % 997 === 0 ? `"${MULTILINE.replace(/"/g, '""')}"` : 'calls';
    const f: Fields = [refOf(i), timeOf(i), amountOf(i), `${tag}-${i}`, description];
    if (i === BAD_ROW && opts.spoil) {
      badLine = line;
      lines.push(opts.spoil(f));
    } else lines.push(f.join(','));
    line += i % 997 === 0 ? 2 : 1;
  }
  return { text: lines.join(eol) + eol, badLine };
}

let host: BuiltHost | undefined;
let dir: string | undefined;
let db: Database.Database | undefined;
let resellerId = 0;
const books = () => ({ $client: db! });

beforeAll(async () => {
  dir = tempDir('bd-import-large-');
  // A test clock: the scheduler runs only when the clock moves, so no table changes unless an import does.
  host = await startBuiltHost(dir, { args: ['--test-clock'] });
  const reseller = (await callBuiltHost(host, 'resellers.create', {
    name: 'Large Files Ltd',
    email: 'ops@large.test',
  })) as { id: number };
  resellerId = reseller.id;
  for (let c = 1; c <= CLIENTS; c++) {
    await callBuiltHost(host, 'clients.create', {
      resellerId,
      externalRef: `L-${c}`,
      name: `Client ${c}`,
      billingEmail: `c${c}@large.test`,
      currency: 'USD',
    });
  }
  // The page the host serves: the store's transport finds the host at the page's origin, its token in a meta tag.
  const token = host.token;
  vi.stubGlobal('window', { location: { origin: host.url } });
  vi.stubGlobal('document', { querySelector: () => ({ getAttribute: () => token }) });
  db = new Database(path.join(dir, 'ledger.sqlite'), { readonly: true, fileMustExist: true });
});

afterAll(() => {
  vi.unstubAllGlobals();
  db?.close();
  host?.proc.kill('SIGKILL');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The Import screen's store: choose the file and the reseller, then preview or commit (all parts). */
async function run(mode: 'preview' | 'commit', text: string) {
  const s = useImport.getState();
  s.setFile('usage.csv', text);
  s.setReseller(resellerId);
  // Let the event loop see sockets the host closed while this process was busy (building a file, a
  // checksum): fetch would otherwise reuse a kept-alive connection that is gone ("fetch failed").
  await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  await (mode === 'preview' ? s.preview() : s.commit());
  const st = useImport.getState();
  return {
    phase: st.phase,
    totals: st.totals,
    errors: st.errors,
    partsDone: st.partsDone,
    partsTotal: st.partsTotal,
    seconds: Math.round(performance.now() - t0) / 1000,
  };
}

/**
 * Checks the entries of file `tag` one by one in SQL: `expected` of them, each external id once, each with
 * the client, amount, time and description of its row; `missing` (a row index) is not among them.
 */
function expectLanded(tag: string, expected: number, missing = -1) {
  // Numbers written into the SQL: bound from JavaScript they would be REAL, and 'L-' || 1.0 is not 'L-1'.
  const idx = `CAST(substr(e.external_id, ${tag.length + 2}) AS INTEGER)`;
  const r = db!
    .prepare(
      `SELECT count(*) AS n, count(DISTINCT e.external_id) AS ids,
              sum(e.kind <> 'usage' OR ${idx} < 0 OR ${idx} >= ${ROWS} OR ${idx} = ${missing}
                  OR c.external_ref <> 'L-' || (1 + ${idx} % ${CLIENTS})
                  OR e.amount <> -(1 + (${idx} * 7919) % 99999)
                  OR e.at <> ${DAY0} + (${idx} % 28) * 86400000 + (${idx} % 24) * 3600000
                  OR e.description <> CASE WHEN ${idx} % 997 = 0 THEN @multiline ELSE 'calls' END) AS wrong
         FROM ledger_entries e JOIN clients c ON c.id = e.client_id
        WHERE e.external_id LIKE @like`,
    )
    .get({ multiline: MULTILINE, like: `${tag}-%` }) as { n: number; ids: number; wrong: number };
  expect(r).toEqual({ n: expected, ids: expected, wrong: 0 });
  expect(balancesOff(books())).toBe(0);
}

/** The header row counts in the first part. */
const parts = Math.ceil((ROWS + 1) / ROWS_PER_PART);
const rows = ROWS.toLocaleString('en-US');

describe(`a ${rows}-row usage file, sent in parts as the Import screen sends it`, () => {
  // The refusals first, while the ledger is small: a checksum reads every row of every table.
  const brokenQuoting: [string, (f: Fields) => string, RegExp][] = [
    [
      'a quote left open',
      ([ref, time, amount, id, d]) => `${ref},${time},"${amount},${id},${d}`,
      /quoted field that starts on line (\d+) never ends/,
    ],
    [
      'a stray quote',
      ([ref, time, amount, id, d]) => `${ref},${time},${amount}",${id},${d}`,
      /line (\d+): a quote inside an unquoted field/,
    ],
  ];
  for (const [what, spoil, message] of brokenQuoting) {
    it(
      `${what} on a line near the end: refused naming that line before any part is sent; nothing of the file lands`,
      { timeout: TIMEOUT },
      async () => {
        const { text, badLine } = usageFile(what.replace(/ /g, '_'), { spoil });
        const before = checksum(books());
        // Commit first, as a user may without a preview: before the check, the parts before the fault landed.
        for (const mode of ['commit', 'preview'] as const) {
          const r = await run(mode, text);
          expect(r.phase).toBe('failed');
          expect(r.errors.file).toMatch(message);
          expect(Number(message.exec(r.errors.file!)![1])).toBe(badLine);
          expect(checksum(books()), `${mode}: nothing of the file is in the ledger`).toBe(before);
          expect(r.partsDone, 'no part was sent').toBe(0);
        }
      },
    );
  }

  it(
    'an unknown client on a line near the end: the preview names the line and client_ref and changes nothing',
    { timeout: TIMEOUT },
    async () => {
      const { text, badLine } = usageFile('unknown', {
        spoil: ([, time, amount, id, d]) => ['L-NOPE', time, amount, id, d].join(','),
      });
      const before = checksum(books());
      const preview = await run('preview', text);
      expect(preview).toMatchObject({ phase: 'previewed', partsDone: parts, partsTotal: parts });
      expect(preview.totals).toMatchObject({
        rows: ROWS,
        valid: ROWS - 1,
        errorCount: 1,
        errors: [{ line: badLine, field: 'client_ref' }],
      });
      expect(preview.totals.errors[0].message).toMatch(/L-NOPE/);
      expect(checksum(books()), 'a preview changes nothing').toBe(before);
    },
  );

  it(
    'a bad amount on a line near the end: the preview names the line and amount and changes nothing; the commit skips just that row',
    { timeout: TIMEOUT },
    async () => {
      const { text, badLine } = usageFile('amount', {
        spoil: ([ref, time, , id, d]) => [ref, time, '12.3.4', id, d].join(','),
      });
      const before = checksum(books());
      const preview = await run('preview', text);
      expect(preview).toMatchObject({ phase: 'previewed', partsDone: parts });
      expect(preview.totals).toMatchObject({
        rows: ROWS,
        valid: ROWS - 1,
        errorCount: 1,
        errors: [{ line: badLine, field: 'amount' }],
      });
      expect(checksum(books()), 'a preview changes nothing').toBe(before);

      // Commit keeps the good rows and lists the bad one (README, "Usage CSV").
      const commit = await run('commit', text);
      expect(commit).toMatchObject({ phase: 'committed', partsDone: parts });
      expect(commit.totals).toMatchObject({
        rows: ROWS,
        imported: ROWS - 1,
        duplicates: 0,
        errorCount: 1,
        errors: [{ line: badLine, field: 'amount' }],
      });
      expectLanded('amount', ROWS - 1, BAD_ROW);

      // The row corrected, the same file again: only that row is new.
      const fixed = await run('commit', usageFile('amount').text);
      expect(fixed.totals).toMatchObject({ rows: ROWS, imported: 1, duplicates: ROWS - 1, errorCount: 0 });
      expectLanded('amount', ROWS);
      console.log(
        `import-large: a bad amount: preview ${preview.seconds} s, commit ${commit.seconds} s, the corrected file again ${fixed.seconds} s`,
      );
    },
  );

  it(
    `previews, then commits all ${rows} rows: each lands exactly once, balances equal entries`,
    { timeout: TIMEOUT },
    async () => {
      const { text } = usageFile('good', { bom: true, eol: '\r\n' });
      const preview = await run('preview', text);
      expect(preview).toMatchObject({ phase: 'previewed', partsDone: parts, partsTotal: parts, errors: {} });
      expect(preview.totals).toMatchObject({ rows: ROWS, valid: ROWS, duplicates: 0, errorCount: 0 });

      const commit = await run('commit', text);
      expect(commit).toMatchObject({ phase: 'committed', partsDone: parts, errors: {} });
      expect(commit.totals).toMatchObject({ rows: ROWS, imported: ROWS, duplicates: 0, errorCount: 0 });
      expectLanded('good', ROWS);
      console.log(
        `import-large: ${rows} rows (${(text.length / 1024 / 1024).toFixed(1)} MB, ${parts} parts): preview ${preview.seconds} s, commit ${commit.seconds} s`,
      );
    },
  );
});
