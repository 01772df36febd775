/**
 * Exports of the notification log: 100,000 rows to CSV parsed back field by field; a filtered view; a
 * cell a spreadsheet would run as a formula written safely; JSON; cancel leaving no file; and the
 * headless host's download route (token required, unknown ids refused). The fast paths (worker threads,
 * the exporter's own thread, client cells cached or joined) write byte for byte what the single-threaded
 * writer wrote, for a log that mixes plain rows with every kind of cell that needs care.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CSV_HEADER, Exporter, type ExporterOptions } from '../../../src/main/core/exports/exporter';
import { csvRow, SELECT, type Raw } from '../../../src/main/core/exports/csv-rows';
import { filterWhere } from '../../../src/main/core/notifications/query';
import { startHost, type Host } from '../../../src/main/headless';
import type { NotificationFilter } from '../../../src/shared/contracts';
import { csvRecord, parseCsv } from '../../../src/shared/csv';
import { T0, tempDir, testCore, withClient, type TestCore } from '../../support/core';

const cores: TestCore[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) c.close();
  for (const h of hosts.splice(0)) await h.close();
});

const SUBJECTS = [
  'Plain subject',
  'Comma, inside',
  'Quote "inside"',
  'Line\nbreak',
  'Zoë — ünïcödé ✓',
  '=HYPERLINK("http://evil.test","click")',
  '+1 555',
  '-2+3',
  '@SUM(A1)',
  '-12.50',
];

/** n log rows spread over two clients, statuses and kinds, one per minute from T0; returns the clients. */
async function fill(core: TestCore, n: number) {
  const { reseller, client } = await withClient(core);
  const other = await core.ok('clients.create', {
    resellerId: reseller.id,
    externalRef: '=CMD()',
    name: 'Évian, "Ltd"',
    billingEmail: 'e@x.test',
    currency: 'KWD',
  });
  const insert = core.db.$client.prepare(
    `INSERT INTO notifications (kind, client_id, profile_id, profile_name, rule, decided_at, status, suppressed, reason, available, threshold, currency, seq, max_qty, recipients, subject, attempts, error, sent_at, via)
     VALUES (?, ?, 1, 'Standard', ?, ?, ?, ?, ?, ?, 1000, ?, 1, 3, ?, ?, ?, ?, ?, ?)`,
  );
  const kinds = [
    ['low_balance_staff', 'staff'],
    ['low_balance_client', 'client'],
    ['inactivity', 'inactivity'],
  ] as const;
  const statuses = ['sent', 'sent', 'sent', 'failed', 'suppressed', 'queued'] as const;
  core.db.$client.transaction(() => {
    for (let i = 0; i < n; i++) {
      const [kind, rule] = kinds[i % 3];
      const status = statuses[i % statuses.length];
      const c = i % 2 ? other : client;
      insert.run(
        kind,
        c.id,
        rule,
        T0 + i * 60_000,
        status,
        status === 'suppressed' ? 'quota' : null,
        `Reason ${i}: available below threshold, "quoted"`,
        -i,
        c.currency,
        JSON.stringify(i % 5 ? ['a@x.test', 'b@x.test'] : []),
        SUBJECTS[i % SUBJECTS.length],
        status === 'failed' ? 3 : 1,
        status === 'failed' ? 'The server refused the message (550)' : null,
        status === 'sent' ? T0 + i * 60_000 + 1000 : null,
        status === 'sent' ? 'smtp' : null,
      );
    }
  })();
  return { client, other };
}

/** A log that mixes plain rows (most of them) with every kind of cell that needs care; deterministic. */
async function fillMixed(core: TestCore, n: number) {
  const { reseller, client } = await withClient(core);
  const make = (externalRef: string, name: string, currency: string) =>
    core.ok('clients.create', { resellerId: reseller.id, externalRef, name, billingEmail: 'x@x.test', currency });
  const clients = [
    client,
    await make('=CMD()', 'Évian, "Ltd"', 'KWD'),
    await make('J-7', 'Zoë 東京 ✓', 'JPY'),
    await make('-42', '+Plus Co', 'USD'),
    await make('P-1', 'Tab\there', 'POINTS'),
  ];
  for (let k = 0; k < 40; k++) clients.push(await make(`R-${k}`, `Plain Client ${k}`, k % 4 ? 'EUR' : 'BHD'));
  const odd = await make('ODD-1', 'Odd', 'USD');
  core.db.$client
    .prepare(`UPDATE clients SET external_ref = ?, name = ? WHERE id = ?`)
    .run('Sep\x1fRef', 'Sep\x1eName\x1f,', odd.id);
  clients.push(odd);
  const insert = core.db.$client.prepare(
    `INSERT INTO notifications (kind, client_id, profile_id, profile_name, rule, decided_at, status, suppressed, reason, available, threshold, currency, seq, max_qty, recipients, subject, attempts, error, sent_at, via, resend_of)
     VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const kinds = [
    ['low_balance_staff', 'staff'],
    ['low_balance_client', 'client'],
    ['inactivity', 'inactivity'],
    ['recharge_failed', null],
  ] as const;
  const statuses = ['sent', 'sent', 'sent', 'failed', 'suppressed', 'queued'] as const;
  const recipients = [
    '["ap@client.test"]',
    '["billing@reseller.test","ops@reseller.test"]',
    '[]',
    '["x,y@z.test"]',
    '["quo\\"te@x.test"]',
  ];
  const reasons = [
    '-5',
    '-5x',
    '\tTabbed',
    '@mention',
    'Reason with \x1f inside',
    'Comma, and "quotes"',
    'Line\r\nbreak',
  ];
  core.db.$client.transaction(() => {
    for (let i = 0; i < n; i++) {
      const [kind, rule] = kinds[i % 4];
      const status = statuses[i % statuses.length];
      const c = clients[(i * 7) % clients.length];
      // Three rows share a time (the keyset's id tie-break), every 97th row is older than its neighbours, two at the far ends of time.
      const at =
        i === 5 ? 0 : i === 6 ? 9_000_000_000_000 : i % 97 === 0 ? T0 - i * 1000 : T0 + Math.floor(i / 3) * 1000;
      const special = i % 23 === 0;
      insert.run(
        kind,
        c.id,
        i % 11 === 0 ? null : i % 13 === 0 ? 'Pro, "VIP"' : 'Standard',
        rule,
        at,
        status,
        status === 'suppressed' ? (i % 2 ? 'quota' : 'period') : null,
        special
          ? reasons[((i / 23) % reasons.length) | 0]
          : `Available ${-i} is below the threshold. Notification 1 of 3; another after 1 day if still below.`,
        i % 17 === 0 ? null : i % 2 ? -i : i * 37,
        i % 19 === 0 ? null : 2000,
        c.currency,
        i % 29 === 0 ? null : 1 + (i % 3),
        i % 29 === 0 ? null : 3,
        i % 31 === 0 ? recipients[((i / 31) % recipients.length) | 0] : recipients[i % 2],
        special ? SUBJECTS[((i / 23) % SUBJECTS.length) | 0] : `Your balance is low: ${i}`,
        status === 'failed' ? 3 : 1,
        status === 'failed' ? (i % 2 ? 'The server refused the message (550)' : 'Timeout, will retry') : null,
        status === 'sent' ? at + 1000 : null,
        status === 'sent' ? (i % 2 ? 'smtp' : 'outbox') : null,
        i > 10 && i % 41 === 0 ? i - 10 : null,
      );
    }
  })();
}

/** The export as the single-threaded writer wrote it before the worker threads: every row through csvRow. */
function referenceCsv(core: TestCore, filter: NotificationFilter = {}) {
  const install = core.settings.installId();
  const w = filterWhere(filter);
  const rows = core.db.$client
    .prepare(`${SELECT} ${w.sql} ORDER BY n.decided_at DESC, n.id DESC`)
    .raw(true)
    .all(...w.args) as Raw[];
  return '\ufeff' + csvRecord(CSV_HEADER) + rows.map((r) => csvRow(r, install)).join('');
}

/** An exporter of its own on a test core's database (to set its workers and chunks). */
function exporterOf(core: TestCore, opts: Partial<ExporterOptions>) {
  return new Exporter({
    sqlite: core.db.$client,
    clock: core.clock,
    dir: path.join(tempDir(), 'exports'),
    installId: () => core.settings.installId(),
    emit: () => {},
    ...opts,
  });
}

async function exportAll(core: TestCore, input: Record<string, unknown>) {
  const started = await core.ok('notifications.export', { format: 'csv', ...input } as never);
  expect(started).not.toBeNull();
  const done = await core.exporter.settled(started!.id);
  expect(done).toMatchObject({ state: 'done', error: null });
  return done!;
}

describe('exporting the notification log', () => {
  it('writes 100,000 rows to CSV that parse back exactly: UTF-8 with BOM, header row, CRLF, RFC 4180 quoting, no formulas', async () => {
    const core = testCore();
    cores.push(core);
    const n = 100_000;
    const { client, other } = await fill(core, n);
    const done = await exportAll(core, {});
    expect(done).toMatchObject({ rows: n, total: n, format: 'csv' });
    const bytes = fs.readFileSync(done.path);
    expect(done.bytes).toBe(bytes.length);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(fs.existsSync(`${done.path}.part`)).toBe(false);
    const text = bytes.toString('utf8');
    expect(text.split('\r\n').length).toBeGreaterThan(n);
    const records = [...parseCsv(text)];
    expect(records).toHaveLength(n + 1);
    expect(records[0].fields).toEqual([...CSV_HEADER]);
    const col = Object.fromEntries(CSV_HEADER.map((h, i) => [h, i])) as Record<(typeof CSV_HEADER)[number], number>;
    // Newest first: row k of the file is log row n - k + 1.
    const install = core.settings.installId();
    for (const k of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 5000, 99_999, n]) {
      const f = records[k].fields;
      const i = n - k; // the i of fill()
      expect(Number(f[col.id])).toBe(i + 1);
      expect(f[col.decided_at]).toBe(new Date(T0 + i * 60_000).toISOString());
      const subject = SUBJECTS[i % SUBJECTS.length];
      // A formula-looking text gets a leading apostrophe; a plain number stays a number.
      expect(f[col.subject]).toBe(
        /^[=+\-@]/.test(subject) && !/^-?\d+(\.\d+)?$/.test(subject) ? `'${subject}` : subject,
      );
      expect(f[col.client_ref]).toBe(i % 2 ? "'=CMD()" : 'C-100');
      expect(f[col.client_name]).toBe(i % 2 ? 'Évian, "Ltd"' : 'Blue Fox Ltd');
      expect(f[col.currency]).toBe(i % 2 ? other.currency : client.currency);
      // Amounts as decimals in the currency's exponent (KWD has three).
      const minor = -i;
      const exp = i % 2 ? 3 : 2;
      const digits = String(Math.abs(minor)).padStart(exp + 1, '0');
      expect(f[col.available]).toBe(`${minor < 0 ? '-' : ''}${digits.slice(0, -exp)}.${digits.slice(-exp)}`);
      expect(f[col.recipients]).toBe(i % 5 ? 'a@x.test; b@x.test' : '');
      expect(f[col.message_id]).toBe(`<notification-${i + 1}.${install}@balance-desk>`);
      expect(f[col.reason]).toBe(`Reason ${i}: available below threshold, "quoted"`);
    }
    // No cell anywhere starts a formula.
    for (const r of records.slice(1, 2000))
      for (const f of r.fields)
        expect(/^[=+@\t\r]/.test(f) || (/^-/.test(f) && !/^-?\d+(\.\d+)?$/.test(f))).toBe(false);
  });

  it('exports only the filtered view, and JSON with amounts in minor units', async () => {
    const core = testCore();
    cores.push(core);
    const { other } = await fill(core, 3000);
    const filter = {
      clientId: other.id,
      status: 'failed',
      from: new Date(T0 + 600 * 60_000).toISOString(),
      to: new Date(T0 + 2400 * 60_000).toISOString(),
    };
    const expected = core.db.$client
      .prepare(
        `SELECT id FROM notifications WHERE client_id = ? AND status = 'failed' AND decided_at >= ? AND decided_at < ? ORDER BY decided_at DESC, id DESC`,
      )
      .pluck()
      .all(other.id, T0 + 600 * 60_000, T0 + 2400 * 60_000) as number[];
    expect(expected.length).toBeGreaterThan(100);
    const csv = await exportAll(core, filter);
    expect(csv.total).toBe(expected.length);
    const records = [...parseCsv(fs.readFileSync(csv.path, 'utf8'))].slice(1);
    expect(records.map((r) => Number(r.fields[0]))).toEqual(expected);
    // The list screen shows the same rows.
    const screen = await core.ok('notifications.list', { ...(filter as object), limit: 500 } as never);
    expect((screen as { items: { id: number }[] }).items.map((r) => r.id)).toEqual(expected);

    const json = await exportAll(core, { ...filter, format: 'json' });
    const rows = JSON.parse(fs.readFileSync(json.path, 'utf8')) as {
      id: number;
      available: number;
      currency: string;
      status: string;
      recipients: string[];
    }[];
    expect(rows.map((r) => r.id)).toEqual(expected);
    expect(rows[0]).toMatchObject({ status: 'failed', currency: 'KWD', available: -(rows[0].id - 1) });
    expect(Array.isArray(rows[0].recipients)).toBe(true);

    const empty = await exportAll(core, { status: 'failed', clientId: 999 });
    expect(empty.rows).toBe(0);
    expect([...parseCsv(fs.readFileSync(empty.path, 'utf8'))]).toHaveLength(1);
  });

  it('cancels a running export and leaves no file behind; refuses an unknown export', async () => {
    const core = testCore({ dataDir: tempDir(), inMemory: false });
    cores.push(core);
    await fill(core, 20_000);
    const started = (await core.ok('notifications.export', { format: 'json' }))!;
    expect(started.downloadPath).not.toBeNull();
    // The answer says what the export now is: cancelled, with nothing to download.
    const cancelled = await core.ok('exports.cancel', { id: started.id });
    expect(cancelled).toMatchObject({ id: started.id, state: 'cancelled', downloadPath: null });
    expect(await core.ok('exports.status', { id: started.id })).toMatchObject({
      state: 'cancelled',
      downloadPath: null,
    });
    const end = await core.exporter.settled(started.id);
    expect(end).toMatchObject({ state: 'cancelled', downloadPath: null });
    expect(end!.rows).toBeLessThan(20_000);
    expect(fs.existsSync(end!.path)).toBe(false);
    expect(fs.existsSync(`${end!.path}.part`)).toBe(false);
    expect(await core.fails('exports.status', { id: 'nope' })).toMatchObject({ kind: 'not_found' });
    expect(await core.fails('exports.status', { id: '../../etc' })).toMatchObject({ kind: 'validation', field: 'id' });
    // The kind filter's refusal lists every kind it accepts, the forecast's too.
    const bad = await core.fails('notifications.export', { format: 'csv', kind: 'nope' });
    expect(bad).toMatchObject({ kind: 'validation', field: 'kind' });
    expect(bad.message).toContain('low_balance_forecast');
    expect(await core.ok('notifications.export', { format: 'csv', kind: 'low_balance_forecast' })).toMatchObject({
      state: 'running',
    });
  });

  it('asks the desktop save dialog where to write, and does nothing when it is cancelled', async () => {
    const dir = tempDir();
    let answer: string | null = null;
    const asked: string[] = [];
    const core = testCore({ saveDialog: async (o) => (asked.push(o.defaultName), answer) });
    cores.push(core);
    await fill(core, 10);
    expect(await core.ok('notifications.export', { format: 'csv' })).toBeNull();
    answer = path.join(dir, 'mine.csv');
    const started = (await core.ok('notifications.export', { format: 'csv', status: 'sent' }))!;
    expect(started).toMatchObject({ path: answer, fileName: 'mine.csv', downloadPath: null });
    expect(await core.exporter.settled(started.id)).toMatchObject({ state: 'done' });
    expect(fs.readFileSync(answer, 'utf8')).toContain('Plain subject');
    expect(asked[0]).toMatch(/^notifications-\d{4}-\d{2}-\d{2}T\d{4}\.csv$/);
  });

  it('is downloaded from the headless host with the token, and only a finished export of this host', async () => {
    const dataDir = tempDir();
    const host = await startHost({ dataDir, port: 0, tickMs: 0 });
    hosts.push(host);
    const rpc = async (channel: string, input: unknown) => {
      const res = await fetch(`${host.url}rpc/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      return (await res.json()) as { ok: boolean; value: Record<string, unknown> };
    };
    const reseller = await rpc('resellers.create', { name: 'R', email: 'r@x.test' });
    await rpc('clients.create', {
      resellerId: reseller.value.id,
      externalRef: 'C-1',
      name: 'One',
      billingEmail: 'o@x.test',
      currency: 'USD',
    });
    const started = await rpc('notifications.export', { format: 'csv' });
    expect(started).toMatchObject({ ok: true });
    const id = started.value.id as string;
    await host.core.exporter.settled(id);
    const link = `${host.url.replace(/\/$/, '')}${started.value.downloadPath as string}`;
    const ok = await fetch(`${link}?token=${host.token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(ok.headers.get('content-disposition')).toMatch(/^attachment; filename="notifications-.*\.csv"$/);
    expect(
      Buffer.from(await ok.arrayBuffer())
        .toString('utf8')
        .startsWith('\ufeffid,decided_at,kind'),
    ).toBe(true);
    expect((await fetch(link)).status).toBe(401);
    expect((await fetch(`${link}?token=wrong`)).status).toBe(401);
    expect((await fetch(`${host.url}exports/..%2F..%2Fledger.sqlite/x?token=${host.token}`)).status).toBe(404);
    expect((await fetch(`${host.url}exports/unknown-id/x.csv?token=${host.token}`)).status).toBe(404);
    expect(fs.readdirSync(path.join(dataDir, 'exports'))).toEqual([`${id}-${started.value.fileName as string}`]);
    expect(started.value.fileName).toMatch(/^notifications-.*\.csv$/);
  });
  it('writes byte for byte what the single-threaded writer wrote, through worker threads and on its own, client cells cached or joined', async () => {
    const core = testCore({ dataDir: tempDir(), inMemory: false });
    cores.push(core);
    await fillMixed(core, 30_000);
    const install = core.settings.installId();
    const reference = referenceCsv(core);
    // The sha256 of this log's export by the exporter before the worker threads (install id masked).
    expect(crypto.createHash('sha256').update(reference.split(install).join('<install>')).digest('hex')).toBe(
      'afc67bab011d3872928fcfb020ba7ff2e2c2c1528bd3c15d10cdaea91d9b60f8',
    );
    const runs: [Partial<ExporterOptions>, NotificationFilter, number][] = [
      [{ workers: 2, parallelFrom: 1, chunkRows: 1000 }, {}, 2],
      [{ workers: 3, parallelFrom: 1, chunkRows: 97 }, {}, 3],
      [{ workers: 0 }, {}, 1],
      // Fewer rows than the client cache is worth: each row joins its client.
      [{ workers: 2, parallelFrom: 1, chunkRows: 500 }, { status: 'failed' }, 2],
      [{ workers: 0 }, { clientId: 2, from: new Date(T0 + 600_000).toISOString() }, 1],
      // Workers that cannot start (here: no such native build): the exporter writes it on its own.
      [{ workers: 2, parallelFrom: 1, nativeBinding: path.join(tempDir(), 'missing.node') }, {}, 1],
    ];
    for (const [opts, filter, threads] of runs) {
      const exporter = exporterOf(core, opts);
      const started = (await exporter.start('csv', filter))!;
      const done = (await exporter.settled(started.id))!;
      expect(done).toMatchObject({ state: 'done', error: null, total: done.rows });
      expect(exporter.threads(started.id)).toBe(threads);
      const bytes = fs.readFileSync(done.path);
      expect(done.bytes).toBe(bytes.length);
      expect(bytes.equals(Buffer.from(Object.keys(filter).length ? referenceCsv(core, filter) : reference))).toBe(true);
    }
  });

  it('writes the same bytes when thousands of rows share one time (a sweep under a manual clock), chunks and batches cut inside them', async () => {
    const core = testCore({ dataDir: tempDir(), inMemory: false });
    cores.push(core);
    await fill(core, 2_000);
    // Groups of 2,500 and 700 rows with one decided_at each, newer and older than the rest, and one in between.
    const sqlite = core.db.$client;
    sqlite.prepare('UPDATE notifications SET decided_at = ? WHERE id <= 500').run(T0 + 10_000 * 60_000);
    sqlite.prepare('UPDATE notifications SET decided_at = ? WHERE id > 500 AND id <= 1200').run(T0 - 60_000);
    sqlite.prepare('UPDATE notifications SET decided_at = ? WHERE id > 1200 AND id <= 1600').run(T0 + 1000 * 60_000);
    const copy = sqlite.prepare(
      `INSERT INTO notifications (kind, client_id, profile_id, profile_name, rule, decided_at, status, suppressed, reason, available, threshold, currency, seq, max_qty, recipients, subject, attempts, error, sent_at, via)
       SELECT kind, client_id, profile_id, profile_name, rule, decided_at, status, suppressed, reason, available, threshold, currency, seq, max_qty, recipients, subject, attempts, error, sent_at, via FROM notifications WHERE id <= 500`,
    );
    for (let k = 0; k < 4; k++) copy.run();
    const reference = referenceCsv(core);
    for (const [opts, threads] of [
      [{ workers: 2, parallelFrom: 1, chunkRows: 333 }, 2],
      [{ workers: 0, batch: 97 }, 1],
    ] as const) {
      const exporter = exporterOf(core, opts);
      const done = (await exporter.settled((await exporter.start('csv', {}))!.id))!;
      expect(exporter.threads(done.id)).toBe(threads);
      expect(done.rows).toBe(4_000);
      expect(fs.readFileSync(done.path).equals(Buffer.from(reference))).toBe(true);
    }
    const expected = sqlite
      .prepare('SELECT id FROM notifications ORDER BY decided_at DESC, id DESC')
      .pluck()
      .all() as number[];
    const json = exporterOf(core, { batch: 97 });
    const done = (await json.settled((await json.start('json', {}))!.id))!;
    expect((JSON.parse(fs.readFileSync(done.path, 'utf8')) as { id: number }[]).map((r) => r.id)).toEqual(expected);
  });

  it('cancels an export running in worker threads and leaves no file behind', async () => {
    const core = testCore({ dataDir: tempDir(), inMemory: false });
    cores.push(core);
    await fill(core, 20_000);
    let cancel = () => {};
    const exporter = new Exporter({
      sqlite: core.db.$client,
      clock: core.clock,
      dir: path.join(tempDir(), 'exports'),
      installId: () => core.settings.installId(),
      emit: () => cancel(),
      workers: 2,
      parallelFrom: 1,
      chunkRows: 200,
    });
    const started = (await exporter.start('csv', {}))!;
    cancel = () => {
      if ((exporter.status(started.id)?.rows ?? 0) > 0) exporter.cancel(started.id);
    };
    const end = await exporter.settled(started.id);
    expect(end).toMatchObject({ state: 'cancelled' });
    expect(end!.rows).toBeGreaterThan(0);
    expect(end!.rows).toBeLessThan(20_000);
    expect(fs.existsSync(end!.path)).toBe(false);
    expect(fs.existsSync(`${end!.path}.part`)).toBe(false);
  });
});
