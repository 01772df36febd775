/**
 * The audit log's export (audit.export), on real SQLite through core.call: actions made by different
 * actors land in the file exactly (id, time, actor, action, subject, the detail as JSON text), newest
 * first, as UTF-8 with a byte order mark, CRLF and RFC 4180 quoting, with no cell a spreadsheet would run
 * as a formula; the filters of audit.list narrow it alike (and the JSON export is audit.list's entries);
 * exports.status and exports.cancel follow it, and a cancelled one leaves no file; bad input is refused
 * naming the field and writes nothing; a viewer may read and export; the desktop save dialog is asked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/shared/csv';
import { T0, tempDir, testCore, type TestCore } from '../../support/core';

const cores: TestCore[] = [];
afterEach(() => {
  for (const c of cores.splice(0)) c.close();
});

const MIN = 60_000;
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();

/** Calls a channel as `actor` (and role), failing the test when the call fails. */
async function as<T>(
  core: TestCore,
  actor: string,
  channel: string,
  input: unknown,
  role?: 'viewer' | 'operator' | 'admin',
): Promise<T> {
  const r = await core.call(channel, input, { actor, role });
  if (!r.ok) throw new Error(`${channel} as ${actor} failed: ${r.error.kind}: ${r.error.message}`);
  return r.value as T;
}

/** Six audited actions by four actors, one a minute from T0, two of whose texts look like formulas. */
async function actions(core: TestCore) {
  const reseller = await as<{ id: number }>(core, 'desk', 'resellers.create', {
    name: 'Acme Telecom',
    email: 'billing@acme.test',
  });
  const client = await as<{ id: number }>(core, 'desk', 'clients.create', {
    resellerId: reseller.id,
    externalRef: 'C-100',
    name: 'Blue Fox Ltd',
    billingEmail: 'ap@bluefox.test',
    currency: 'USD',
  });
  core.testClock.advance(MIN);
  const topUp = await as<{ entry: { id: number } }>(
    core,
    'ann',
    'ledger.post',
    { clientId: client.id, kind: 'top_up', amount: 5000 },
    'operator',
  );
  core.testClock.advance(MIN);
  const adjustment = await as<{ entry: { id: number } }>(
    core,
    '@evil',
    'ledger.post',
    { clientId: client.id, kind: 'adjustment', amount: -250, description: '=SUM(A1), "quoted"\nsecond line' },
    'operator',
  );
  core.testClock.advance(MIN);
  const other = await as<{ id: number }>(core, '=HYPERLINK("http://evil.test")', 'clients.create', {
    resellerId: reseller.id,
    externalRef: '+1-555',
    name: 'Zoë -Minus',
    billingEmail: 'z@x.test',
    currency: 'EUR',
  });
  core.testClock.advance(MIN);
  const reversal = await as<{ entry: { id: number } }>(
    core,
    'ann',
    'ledger.reverse',
    { entryId: adjustment.entry.id, reason: 'typed the wrong amount' },
    'operator',
  );
  return { reseller, client, other, topUp, adjustment, reversal };
}

async function exported(core: TestCore, input: Record<string, unknown>) {
  const started = await core.ok('audit.export', input as never);
  expect(started).not.toBeNull();
  expect(started).toMatchObject({ log: 'audit', state: 'running' });
  const done = await core.exporter.settled(started!.id);
  expect(done).toMatchObject({ state: 'done', error: null });
  expect(fs.existsSync(`${done!.path}.part`)).toBe(false);
  return { state: done!, bytes: fs.readFileSync(done!.path) };
}

describe('exporting the audit log', () => {
  it('writes every audited action exactly, newest first: BOM, header, CRLF, RFC 4180 quoting, no formulas', async () => {
    const core = testCore();
    cores.push(core);
    const a = await actions(core);
    const { state, bytes } = await exported(core, { format: 'csv' });
    expect(state).toMatchObject({ log: 'audit', format: 'csv', rows: 6, total: 6, bytes: bytes.length });
    expect(state.fileName).toMatch(/^audit-log-2026-11-01T0904\.csv$/);
    expect(state.downloadPath).toBe(`/exports/${state.id}/${state.fileName}`);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.startsWith('\ufeffid,at,actor,action,subject_type,subject_id,detail,desk\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    // The formula-looking actor gets a leading apostrophe inside its quotes; the detail is quoted JSON text.
    expect(text).toContain(
      `\r\n5,${at(3)},"'=HYPERLINK(""http://evil.test"")",client.create,client,${a.other.id},"{""externalRef"":""+1-555"",""name"":""Zoë -Minus"",""currency"":""EUR""}",\r\n`,
    );
    expect(text).toContain(
      `\r\n4,${at(2)},'@evil,ledger.adjustment,client,${a.client.id},"{""entryId"":${a.adjustment.entry.id},""amount"":-250,""description"":""=SUM(A1), \\""quoted\\""\\nsecond line""}",\r\n`,
    );

    const records = [...parseCsv(text)].map((r) => r.fields);
    expect(records).toEqual([
      ['id', 'at', 'actor', 'action', 'subject_type', 'subject_id', 'detail', 'desk'],
      [
        '6',
        at(4),
        'ann',
        'ledger.reverse',
        'client',
        String(a.client.id),
        JSON.stringify({
          entryId: a.reversal.entry.id,
          reverses: a.adjustment.entry.id,
          amount: 250,
          reason: 'typed the wrong amount',
        }),
        '',
      ],
      [
        '5',
        at(3),
        `'=HYPERLINK("http://evil.test")`,
        'client.create',
        'client',
        String(a.other.id),
        JSON.stringify({ externalRef: '+1-555', name: 'Zoë -Minus', currency: 'EUR' }),
        '',
      ],
      [
        '4',
        at(2),
        `'@evil`,
        'ledger.adjustment',
        'client',
        String(a.client.id),
        JSON.stringify({
          entryId: a.adjustment.entry.id,
          amount: -250,
          description: '=SUM(A1), "quoted"\nsecond line',
        }),
        '',
      ],
      [
        '3',
        at(1),
        'ann',
        'ledger.top_up',
        'client',
        String(a.client.id),
        JSON.stringify({ entryId: a.topUp.entry.id, amount: 5000, description: '' }),
        '',
      ],
      [
        '2',
        at(0),
        'desk',
        'client.create',
        'client',
        String(a.client.id),
        JSON.stringify({ externalRef: 'C-100', name: 'Blue Fox Ltd', currency: 'USD' }),
        '',
      ],
      [
        '1',
        at(0),
        'desk',
        'reseller.create',
        'reseller',
        String(a.reseller.id),
        JSON.stringify({ name: 'Acme Telecom', parentId: null }),
        '',
      ],
    ]);
    // No cell anywhere starts a formula.
    for (const f of records.flat())
      expect(/^[=+@\t\r]/.test(f) || (/^-/.test(f) && !/^-?\d+(\.\d+)?$/.test(f)), f).toBe(false);
    // The same entries as the list screen shows, in the same order.
    const list = await core.ok('audit.list', { limit: 100 });
    expect(records.slice(1).map((r) => Number(r[0]))).toEqual(list.items.map((i) => i.id));
  });

  it('narrows the export as audit.list narrows the list (subject, actor, time); JSON holds the entries as audit.list answers them', async () => {
    const core = testCore();
    cores.push(core);
    const a = await actions(core);
    const ids = async (filter: Record<string, unknown>) => {
      const csv = [...parseCsv((await exported(core, { ...filter, format: 'csv' })).bytes.toString('utf8'))]
        .slice(1)
        .map((r) => Number(r.fields[0]));
      const list = (await core.ok('audit.list', { ...filter, limit: 100 } as never)).items.map((i) => i.id);
      expect(csv, JSON.stringify(filter)).toEqual(list);
      return csv;
    };
    expect(await ids({ subjectType: 'client' })).toEqual([6, 5, 4, 3, 2]);
    expect(await ids({ subjectType: 'client', subjectId: a.client.id })).toEqual([6, 4, 3, 2]);
    expect(await ids({ subjectType: 'reseller' })).toEqual([1]);
    expect(await ids({ actor: 'ann' })).toEqual([6, 3]);
    expect(await ids({ from: at(1), to: at(3) })).toEqual([4, 3]);
    expect(await ids({ actor: 'ann', from: at(2) })).toEqual([6]);
    expect(await ids({ actor: 'nobody' })).toEqual([]);

    const filter = { subjectType: 'client', subjectId: a.client.id };
    const { state, bytes } = await exported(core, { ...filter, format: 'json' });
    expect(state).toMatchObject({ format: 'json', rows: 4, total: 4 });
    expect(state.fileName).toMatch(/^audit-log-.*\.json$/);
    const rows = JSON.parse(bytes.toString('utf8')) as unknown[];
    expect(rows).toEqual((await core.ok('audit.list', { ...filter, limit: 100 })).items);
    expect(rows[1]).toEqual({
      id: 4,
      at: at(2),
      actor: '@evil',
      action: 'ledger.adjustment',
      subjectType: 'client',
      subjectId: a.client.id,
      detail: { entryId: a.adjustment.entry.id, amount: -250, description: '=SUM(A1), "quoted"\nsecond line' },
      desk: null,
    });
    // Nothing matches: the header alone, and an empty array.
    expect([
      ...parseCsv((await exported(core, { format: 'csv', subjectType: 'staff' })).bytes.toString('utf8')),
    ]).toHaveLength(1);
    expect(JSON.parse((await exported(core, { format: 'json', subjectType: 'staff' })).bytes.toString('utf8'))).toEqual(
      [],
    );
  });

  it('is followed by exports.status; exports.cancel stops it and leaves no file behind', async () => {
    const dataDir = tempDir();
    const core = testCore({ dataDir, inMemory: false });
    cores.push(core);
    await actions(core);
    // Many more entries, as years of use would leave (direct SQL: the export reads what is there).
    const insert = core.db.$client.prepare(
      "INSERT INTO audit_log (at, actor, action, subject_type, subject_id, detail) VALUES (?, 'desk', 'ledger.usage', 'client', 1, ?)",
    );
    core.db.$client.transaction(() => {
      for (let i = 0; i < 30_000; i++)
        insert.run(T0 + 10 * MIN + i, JSON.stringify({ entryId: i, amount: -i, description: `call ${i}` }));
    })();
    const dir = path.join(dataDir, 'exports');
    for (const format of ['csv', 'json'] as const) {
      const started = (await core.ok('audit.export', { format }))!;
      expect(started).toMatchObject({ log: 'audit', total: 30_006, state: 'running' });
      expect(await core.ok('exports.status', { id: started.id })).toMatchObject({ id: started.id, log: 'audit' });
      const cancelled = await core.ok('exports.cancel', { id: started.id });
      expect(cancelled.id).toBe(started.id);
      const end = (await core.exporter.settled(started.id))!;
      expect(end).toMatchObject({ state: 'cancelled', log: 'audit' });
      expect(end.rows).toBeLessThan(30_006);
      expect(fs.existsSync(end.path)).toBe(false);
      expect(fs.existsSync(`${end.path}.part`)).toBe(false);
      expect(await core.ok('exports.status', { id: started.id })).toMatchObject({ state: 'cancelled' });
    }
    expect(fs.readdirSync(dir)).toEqual([]);
    // Left to run, the same export writes every entry.
    const { state } = await exported(core, { format: 'csv' });
    expect(state).toMatchObject({ rows: 30_006, total: 30_006 });
    expect(fs.readdirSync(dir)).toEqual([path.basename(state.path)]);
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const dataDir = tempDir();
    const core = testCore({ dataDir, inMemory: false });
    cores.push(core);
    await actions(core);
    const cases: [unknown, string][] = [
      [{}, 'format'],
      [{ format: 'xml' }, 'format'],
      [{ format: 'csv', subjectId: -1 }, 'subjectId'],
      [{ format: 'csv', subjectId: 'client' }, 'subjectId'],
      [{ format: 'csv', subjectType: 'x'.repeat(41) }, 'subjectType'],
      [{ format: 'csv', actor: 42 }, 'actor'],
      [{ format: 'csv', from: 'yesterday' }, 'from'],
      [{ format: 'csv', to: '2026-13-45T25:61:00Z' }, 'to'],
      [{ format: 'csv', from: at(3), to: at(1) }, 'to'],
      [{ format: 'csv', clientId: 1 }, 'clientId'],
      [{ format: 'csv', limit: 10 }, 'limit'],
    ];
    for (const [input, field] of cases) {
      const e = await core.fails('audit.export', input);
      expect(e, JSON.stringify(input)).toMatchObject({ kind: 'validation', field });
      expect(e.message).toContain(field);
    }
    // audit.list refuses the same filter the same way.
    expect(await core.fails('audit.list', { from: at(3), to: at(1) })).toMatchObject({
      kind: 'validation',
      field: 'to',
    });
    expect(await core.fails('audit.list', { actor: { $gt: '' } })).toMatchObject({
      kind: 'validation',
      field: 'actor',
    });
    expect(fs.existsSync(path.join(dataDir, 'exports')) ? fs.readdirSync(path.join(dataDir, 'exports')) : []).toEqual(
      [],
    );
  });

  it('may be read and exported by a viewer, and asks the desktop save dialog where to write', async () => {
    const dir = tempDir();
    let answer: string | null = null;
    const asked: { defaultName: string; format: string; log: string }[] = [];
    const core = testCore({ saveDialog: async (o) => (asked.push(o), answer) });
    cores.push(core);
    await actions(core);
    const viewer = { actor: 'vic', role: 'viewer' as const };
    expect(await core.call('audit.list', { limit: 2 }, viewer)).toMatchObject({
      ok: true,
      value: { items: [{ id: 6 }, { id: 5 }] },
    });
    // The dialog closed without a file: nothing is exported.
    expect(await core.call('audit.export', { format: 'csv' }, viewer)).toEqual({ ok: true, value: null });
    answer = path.join(dir, 'audit.csv');
    const r = await core.call('audit.export', { format: 'csv', actor: 'ann' }, viewer);
    expect(r.ok).toBe(true);
    const started = (r as { value: { id: string } }).value;
    expect(started).toMatchObject({ log: 'audit', path: answer, fileName: 'audit.csv', downloadPath: null });
    expect(await core.exporter.settled(started.id)).toMatchObject({ state: 'done', rows: 2 });
    expect([...parseCsv(fs.readFileSync(answer, 'utf8'))].map((x) => x.fields[2])).toEqual(['actor', 'ann', 'ann']);
    expect(asked).toEqual([
      // The kind goes along, so the desktop dialog is titled for the audit log, not the notification log.
      { defaultName: 'audit-log-2026-11-01T0904.csv', format: 'csv', log: 'audit' },
      { defaultName: 'audit-log-2026-11-01T0904.csv', format: 'csv', log: 'audit' },
    ]);
    // Reading the log is not itself an audited action.
    expect((await core.ok('audit.list', { limit: 100 })).items).toHaveLength(6);
  });
});
