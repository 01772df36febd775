/**
 * The usage CSV import, fuzzed (fast-check): files made of real rows spoiled at random — quotes left
 * open, stray quotes, separators and line ends of other kinds, a BOM in the middle, text in other
 * encodings (Latin-1 and UTF-16 bytes read as text), NUL bytes, huge and negative amounts, dates that do
 * not exist — and files that are not CSV at all. Every answer is a preview or commit with per-row
 * errors naming line and field, or a whole-file refusal naming `csv`; never an internal error. A commit
 * lands exactly the rows its preview called valid, and every balance still equals the sum of its entries.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../../../src/shared/contracts';
import { testCore, withClient, type TestCore } from '../../support/core';

let core: TestCore | undefined;
afterEach(() => core?.close());

const HEADER = 'client_ref,time,amount,external_id,description';
const goodRow = fc
  .record({
    ref: fc.constantFrom('C-100', 'C-200', 'C-404'),
    day: fc.integer({ min: 1, max: 28 }),
    cents: fc.integer({ min: 1, max: 99_999 }),
    id: fc.uuid(),
    note: fc.string({ maxLength: 20 }),
  })
  .map(
    (r) =>
      `${r.ref},2026-11-${String(r.day).padStart(2, '0')},${(r.cents / 100).toFixed(2)},${r.id},"${r.note.replace(/"/g, '""')}"`,
  );

/** One way of spoiling a line. */
const spoil = fc.constantFrom<(line: string) => string>(
  (l) => l.replace(/"/, ''), // a quote left open
  (l) => `${l}"`,
  (l) => l.replace(/,/g, ';'),
  (l) => l.replace(/,/, ',,'),
  (l) => `${l}\r`,
  (l) => `\ufeff${l}`,
  (l) => l.replace(/\d/, '\u0000'),
  (l) => l.replace(/[\d.]+,[0-9a-f-]{36}/, '99999999999999999999.99,x'),
  (l) => l.replace(/2026-11-\d\d/, '2026-02-30'),
  (l) => l.replace(/,(\d)/, ',-$1'),
  (l) => Buffer.from(`${l},café`, 'latin1').toString('utf8'),
  (l) => Buffer.from(l, 'utf16le').toString('latin1'),
  (l) => l.slice(0, Math.floor(l.length / 2)),
  () => '',
);

const file = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.array(fc.tuple(goodRow, fc.option(spoil, { freq: 2 })), { minLength: 1, maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
      )
      .map(([rows, eol]) => [HEADER, ...rows.map(([r, f]) => (f ? f(r) : r))].join(eol)),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 2000 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"not": "csv"}',
      '<html><body>hello</body></html>',
      '%PDF-1.7\n\u0000\u0001',
      '\ufeff',
      HEADER,
      `${HEADER}\n`,
      'a,b,c\n1,2,3',
    ),
  },
);

describe('usage import, fuzzed', () => {
  it('answers every file with per-row errors or a refusal naming csv, never an internal error; a commit lands what its preview said', async () => {
    core = testCore();
    const c = core;
    const { reseller } = await withClient(c);
    await c.ok('clients.create', {
      resellerId: reseller.id,
      externalRef: 'C-200',
      name: 'Two',
      billingEmail: 't@x.test',
      currency: 'USD',
    });
    const entries = () => c.db.$client.prepare('SELECT count(*) FROM ledger_entries').pluck().get() as number;
    await fc.assert(
      fc.asyncProperty(file, async (csv) => {
        const preview = await c.call('ledger.import.preview', { resellerId: reseller.id, csv });
        if (!preview.ok) {
          expect(preview.error).toMatchObject({ kind: 'validation', field: 'csv' });
          expect(preview.error.message.length).toBeGreaterThan(10);
          expect(await c.call('ledger.import.commit', { resellerId: reseller.id, csv })).toMatchObject({
            ok: false,
            error: { kind: 'validation', field: 'csv' },
          });
          return;
        }
        const p = preview.value as ChannelOutput<'ledger.import.preview'>;
        for (const e of p.errors) {
          expect(e.line).toBeGreaterThan(1);
          expect(e.field).toBeTruthy();
          expect(e.message.length).toBeGreaterThan(3);
        }
        const before = entries();
        const commit = await c.call('ledger.import.commit', { resellerId: reseller.id, csv });
        expect(commit.ok, JSON.stringify(commit)).toBe(true);
        if (!commit.ok) return;
        const imported = (commit.value as ChannelOutput<'ledger.import.commit'>).imported;
        expect(imported).toBe(p.valid - p.duplicates);
        expect(entries() - before).toBe(imported);
      }),
      { numRuns: 150, seed: 20261121 },
    );
    const off = c.db.$client
      .prepare(
        'SELECT count(*) FROM balances b WHERE b.balance <> (SELECT coalesce(sum(amount), 0) FROM ledger_entries e WHERE e.client_id = b.client_id)',
      )
      .pluck()
      .get();
    expect(off).toBe(0);
  });
});
