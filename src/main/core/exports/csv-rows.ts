/**
 * The rows of a CSV export of the notification log, byte for byte what `csvRow` (the reference: 22 values
 * a row from better-sqlite3, every cell through csvField) writes, at a fraction of its cost. The exporter
 * uses it in its own thread for small exports, and each export worker (worker.ts) for its chunks of a
 * large one.
 *
 * - One value a row, not 22: SQLite writes the row as `id␟recipients␟line` (`format()`, one allocation),
 *   the line already in CSV order and comma separated, with the message id whole and the fields that need
 *   JavaScript raw: the two times, the client, the two amounts. better-sqlite3 turns every value into a
 *   JavaScript value through a generic `Set` on the row array (about 0.15 µs a value on Node 20), so this
 *   alone saves some 3 µs a row.
 * - A line is used as it is only when csvField would leave every cell of it unchanged: no quote, CR, LF or
 *   ␟ in it, no cell that starts like a formula, and exactly as many commas as there are separators (so no
 *   cell holds a comma). Every other row is read again on its own and written by `csvRow` itself.
 * - The client's two cells come from a cache of the clients table when the export is large: joining
 *   `clients` for each row costs a random page read of that table, about 4 µs a row when the log spans a
 *   million clients. The cache is read in chunks of 2,048 ids (one `group_concat` a chunk, about 0.5 µs a
 *   client) as rows need them, into shared memory (SharedClients): each chunk is read once, by whichever
 *   thread of the export needs it first, and all of them use it.
 * - Times and recipient lists are formatted once per minute and list (caches); amounts are spliced from
 *   SQLite's digits.
 *
 * Integer columns are assumed to hold integers (SQLite's INTEGER affinity stores whole numbers so): their
 * text is then the same from SQLite as from JavaScript.
 */
import type Database from 'better-sqlite3';
import { csvField, csvRecord } from '../../../shared/csv';
import { exponentOf, toDecimalString } from '../../../shared/money';
import { iso } from '../clock/clock';
import { messageIdOf } from '../notifications/query';

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
export const SELECT = `SELECT n.id, n.decided_at, n.kind, n.status, n.suppressed, c.external_ref, c.name, n.rule, n.profile_name, n.currency, n.available, n.threshold,
  n.seq, n.max_qty, n.recipients, n.subject, n.attempts, n.error, n.sent_at, n.via, n.resend_of, n.reason
  FROM notifications n JOIN clients c ON c.id = n.client_id`;

export type Raw = [
  number,
  number,
  string,
  string,
  string | null,
  string,
  string,
  string | null,
  string | null,
  string,
  number | null,
  number | null,
  number | null,
  number | null,
  string,
  string,
  number,
  string | null,
  number | null,
  string | null,
  number | null,
  string,
];

export const recipientsText = (json: string) => (json === '[]' ? '' : (JSON.parse(json) as string[]).join('; '));

/** The reference: one row as the export writes it. */
export function csvRow(r: Raw, install: string): string {
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

/** A position in the export's order (newest first): a row's decided_at and id. */
export type Key = readonly [decidedAt: number, id: number];

/** What an export reads: a filter (filterWhere's WHERE over `n`, or ''), and the snapshot's highest id. */
export interface RowsQuery {
  where: string;
  args: readonly (string | number)[];
  /** Rows added after the export started (a higher id) are not part of it. */
  maxId: number;
}

export const NEWEST_FIRST = 'ORDER BY n.decided_at DESC, n.id DESC';

/** One stretch of an export's order: a WHERE over `n` and its arguments; `shape` names its SQL (one prepared statement each). */
export interface KeyRange {
  shape: string;
  sql: string;
  args: (string | number)[];
}

/**
 * A query's rows after `after` (exclusive) down to `floor` (inclusive), as ranges to read one after the other,
 * newest first. `(n.decided_at, n.id) < (?, ?)` says it in one, but SQLite seeks on its first column only
 * and then walks every row of that decided_at down to the id: a batch after a row of a large group of equal
 * times first stepped over all of the group it had read before. The bench's scheduler, under a manual clock,
 * writes 136,094 decisions with one time: their rows took about 20 µs each instead of 3.5-5.5 (SQLite 3.53).
 * So the rest of `after`'s time and the start of `floor`'s are ranges of their own, each a seek on both
 * columns.
 */
export function keyset(q: RowsQuery, after: Key | null, floor: Key | null): KeyRange[] {
  // `+n.id`: the bound must not make SQLite walk the table by rowid (a count took 3× longer) instead of the index.
  const base = [q.where.replace(/^WHERE /, ''), '+n.id <= ?'].filter(Boolean);
  const range = (shape: string, terms: string[], args: number[]): KeyRange => ({
    shape,
    sql: `WHERE ${[...base, ...terms].join(' AND ')}`,
    args: [...q.args, q.maxId, ...args],
  });
  if (after && floor && after[0] <= floor[0])
    return after[0] < floor[0]
      ? []
      : [range('one', ['n.decided_at = ?', 'n.id < ?', 'n.id >= ?'], [after[0], after[1], floor[1]])];
  const between = range(
    `between${after ? 'A' : ''}${floor ? 'F' : ''}`,
    [after ? 'n.decided_at < ?' : '', floor ? 'n.decided_at > ?' : ''].filter(Boolean),
    [...(after ? [after[0]] : []), ...(floor ? [floor[0]] : [])],
  );
  return [
    ...(after ? [range('rest', ['n.decided_at = ?', 'n.id < ?'], [after[0], after[1]])] : []),
    between,
    ...(floor ? [range('start', ['n.decided_at = ?', 'n.id >= ?'], [floor[0], floor[1]])] : []),
  ];
}

/** Up to `limit` rows of the ranges, in their order: `read(range, n)` reads at most n rows of one. */
export function readRanges<T>(ranges: readonly KeyRange[], limit: number, read: (r: KeyRange, n: number) => T[]): T[] {
  let out: T[] = [];
  for (const r of ranges) {
    if (out.length >= limit) break;
    const got = read(r, limit - out.length);
    out = out.length ? out.concat(got) : got;
  }
  return out;
}

/** A cell from `at` that is a plain number (csvField leaves a leading minus of one alone). */
const PLAIN_NUMBER_CELL = /-?\d+(?:\.\d+)?(?:,|$)/y;
const plainNumberAt = (s: string, at: number) => ((PLAIN_NUMBER_CELL.lastIndex = at), PLAIN_NUMBER_CELL.test(s));
/** The same for a chunk of client records (id␟ref␟name␞…). */
// eslint-disable-next-line no-control-regex -- the unit separator (\x1f) is the record format's own
const CLIENTS_NOT_PLAIN = /["\r\n,]|\x1f[=+@\t-]/;
const LAST_ISO_MS = 253_402_300_799_999;
const CLIENT_SHIFT = 11;
const CLIENT_CHUNK = 1 << CLIENT_SHIFT;
/** Room for a client's cells in SharedClients (only what is written takes memory). */
const CLIENT_BYTES = 128;
// eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
const NOT_ASCII = /[^\x00-\x7f]/;
/** A cache is emptied beyond this many entries (recipient lists). */
const CACHE_MAX = 50_000;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const SECONDS = Array.from({ length: 60 }, (_, s) => `${pad(s, 2)}.`);
const MILLIS = Array.from({ length: 1000 }, (_, ms) => `${pad(ms, 3)}Z`);

/**
 * csvField(toDecimalString(Number(minor), currency)) for SQLite's text of a whole number of up to 15 digits
 * (a Number holds those exactly), spliced from the digits; null for any other text. Cheaper than the cache
 * of amounts it replaces, which missed for most of the bench's newest rows (an amount for every balance its
 * clients had). csvField leaves a decimal as it is (a plain number).
 */
function decimalOf(minor: string, exponent: number): string | null {
  const sign = minor.charCodeAt(0) === 45 ? 1 : 0;
  const n = minor.length - sign;
  if (n === 0 || n > 15 || (minor.charCodeAt(sign) === 48 && (n > 1 || sign === 1))) return null;
  for (let i = sign; i < minor.length; i++) {
    const d = minor.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
  }
  if (exponent === 0) return minor;
  const digits = n > exponent ? minor.slice(sign) : '0'.repeat(exponent + 1 - n) + minor.slice(sign);
  return `${sign ? '-' : ''}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * The client cells of an export, in memory its threads share (SharedArrayBuffers: only the pages written
 * take memory). `state` holds the bytes used, then per chunk of ids: 0 not read, 1 being read, 2 read,
 * 3 not cached (no room left: its clients are looked up one by one). `index` holds per id the start and end
 * of its cells in `bytes` (end 0: no such client).
 */
export interface SharedClients {
  state: SharedArrayBuffer;
  index: SharedArrayBuffer;
  bytes: SharedArrayBuffer;
}

/** Room for the clients up to `maxId`; later clients are looked up one by one. */
export function sharedClients(maxId: number): SharedClients {
  const chunks = (maxId >> CLIENT_SHIFT) + 1;
  return {
    state: new SharedArrayBuffer(4 * (chunks + 1)),
    index: new SharedArrayBuffer(8 * chunks * CLIENT_CHUNK),
    bytes: new SharedArrayBuffer(Math.max(1 << 20, chunks * CLIENT_CHUNK * CLIENT_BYTES)),
  };
}

/** One thread's view of SharedClients. */
class ClientCells {
  private readonly state: Int32Array;
  private readonly index: Int32Array;
  private readonly bytes: Buffer;
  private readonly chunks: number;
  private readonly chunkOf: Database.Statement;
  private readonly chunkRows: Database.Statement;
  private readonly one: Database.Statement;

  constructor(db: Database.Database, shared: SharedClients) {
    this.state = new Int32Array(shared.state);
    this.index = new Int32Array(shared.index);
    this.bytes = Buffer.from(shared.bytes);
    this.chunks = this.state.length - 1;
    this.chunkOf = db
      .prepare(
        `SELECT group_concat(id || char(31) || external_ref || char(31) || name, char(30)) FROM clients WHERE id >= ? AND id < ?`,
      )
      .pluck();
    this.chunkRows = db
      .prepare('SELECT id, external_ref, name FROM clients WHERE id >= ? AND id < ? ORDER BY id')
      .raw(true);
    this.one = db.prepare('SELECT external_ref, name FROM clients WHERE id = ?').raw(true);
  }

  /** csvField(ref),csvField(name) of a client, or undefined when there is no such client. */
  get(id: number): string | undefined {
    const k = id >> CLIENT_SHIFT;
    if (k >= this.chunks) return this.lookup(id);
    let state = Atomics.load(this.state, 1 + k);
    if (state < 2) state = this.load(k);
    if (state === 3) return this.lookup(id);
    const end = this.index[2 * id + 1];
    return end === 0 ? undefined : this.bytes.toString('utf8', this.index[2 * id], end);
  }

  private lookup(id: number): string | undefined {
    const r = this.one.get(id) as [string, string] | undefined;
    return r && `${csvField(r[0])},${csvField(r[1])}`;
  }

  /** Reads chunk k, or waits while another thread reads it; its state then. */
  private load(k: number): number {
    const slot = 1 + k;
    if (Atomics.compareExchange(this.state, slot, 0, 1) !== 0) {
      while (Atomics.load(this.state, slot) === 1) Atomics.wait(this.state, slot, 1, 100);
      return Atomics.load(this.state, slot);
    }
    let state = 3;
    try {
      state = this.read(k) ? 2 : 3;
    } finally {
      Atomics.store(this.state, slot, state);
      Atomics.notify(this.state, slot);
    }
    return state;
  }

  /** Writes the cells of chunk k's clients into the shared bytes; false when there is no room left. */
  private read(k: number): boolean {
    const lo = k << CLIENT_SHIFT;
    const hi = lo + CLIENT_CHUNK;
    const index = this.index;
    const all = this.chunkOf.get(lo, hi) as string | null;
    if (all === null) return true;
    // Plain ASCII cells: the chunk's text is their bytes. Each record: digits, ␟, ref, ␟, name without ␟, ␞.
    let fast = !CLIENTS_NOT_PLAIN.test(all) && !NOT_ASCII.test(all);
    const base = fast ? this.reserve(all.length) : -1;
    if (fast && base < 0) return false;
    for (let at = 0; fast && at < all.length;) {
      const idEnd = all.indexOf('\x1f', at);
      const refEnd = all.indexOf('\x1f', idEnd + 1);
      let stop = all.indexOf('\x1e', refEnd + 1);
      if (stop === -1) stop = all.length;
      const next = all.indexOf('\x1f', refEnd + 1);
      let id = 0;
      for (let i = at; i < idEnd && fast; i++) {
        const d = all.charCodeAt(i) - 48;
        fast = d >= 0 && d <= 9;
        id = id * 10 + d;
      }
      fast &&=
        idEnd > at && refEnd > idEnd && (next === -1 || next > stop) && id >= lo && id < hi && index[2 * id + 1] === 0;
      if (!fast) break;
      index[2 * id] = base + idEnd + 1;
      index[2 * id + 1] = base + stop;
      at = stop + 1;
    }
    if (fast) {
      this.bytes.write(all.replaceAll('\x1f', ','), base, 'latin1');
      return true;
    }
    index.fill(0, 2 * lo, 2 * hi);
    const cells: [number, string, number][] = [];
    let length = 0;
    for (const [id, ref, name] of this.chunkRows.iterate(lo, hi) as IterableIterator<[number, string, string]>) {
      const cell = `${csvField(ref)},${csvField(name)}`;
      const bytes = Buffer.byteLength(cell);
      cells.push([id, cell, bytes]);
      length += bytes;
    }
    let at = this.reserve(length);
    if (at < 0) return false;
    for (const [id, cell, bytes] of cells) {
      this.bytes.write(cell, at, 'utf8');
      index[2 * id] = at;
      index[2 * id + 1] = at += bytes;
    }
    return true;
  }

  /** The offset of `length` bytes of room, or -1. */
  private reserve(length: number): number {
    const at = Atomics.add(this.state, 0, length);
    return at + length <= this.bytes.length ? at : -1;
  }
}

export interface CsvRowsOptions {
  /** Client cells from a cache of the clients table (large exports) instead of a join per row. */
  clients: SharedClients | null;
  /** The connection that fills that cache, when it is not the rows' own (an export worker maps the rows' file). */
  clientsDb?: Database.Database;
}

export interface CsvBatch {
  text: string;
  /** Rows written (a row whose client is missing is left out, as the join leaves it out). */
  rows: number;
  /** Rows read: fewer than asked means the end. */
  read: number;
  /** The last row read, to continue after. */
  last: Key | null;
}

export class CsvRows {
  private readonly pattern: string;
  private readonly from: string;
  private readonly commas: number;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly one: Database.Statement;
  private readonly decidedOf: Database.Statement;
  private readonly clients: ClientCells | null;
  private readonly commaAt = new Int32Array(24);
  private readonly recipients = new Map<string, string>();
  private recent: [string | null, string, string | null, string] = [null, '', null, ''];
  private currency = '';
  private exponent = 2;
  private minute = NaN;
  private minuteText = '';
  private lastDecided = 0;
  private lastId = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly q: RowsQuery,
    private readonly install: string,
    opts: CsvRowsOptions,
  ) {
    const client = opts.clients ? ['n.client_id'] : ['c.external_ref', 'c.name'];
    const line = [
      'n.id',
      'n.decided_at',
      'n.kind',
      'n.status',
      'n.suppressed',
      ...client,
      'n.rule',
      'n.profile_name',
      'n.currency',
      'n.available',
      'n.threshold',
      'n.seq',
      'n.max_qty',
      'n.subject',
      'n.attempts',
      'n.error',
      'n.sent_at',
      'n.via',
      'n.resend_of',
      'n.id',
      'n.reason',
    ];
    // The message id with %s for its id; a % of the install id is doubled for format().
    const messageId = messageIdOf('%s' as unknown as number, install.replace(/%/g, '%%'));
    this.pattern = `%s\x1f%s\x1f${line.map((c, i) => (i === line.length - 2 ? messageId : '%s')).join(',')}`;
    this.commas = line.length - 1;
    this.from = `SELECT format(?, n.id, n.recipients, ${line.join(', ')}) FROM notifications n${opts.clients ? '' : ' JOIN clients c ON c.id = n.client_id'}`;
    this.one = db.prepare(`${SELECT} WHERE n.id = ?`).raw(true);
    this.decidedOf = db.prepare('SELECT decided_at FROM notifications WHERE id = ?').pluck();
    this.clients = opts.clients && new ClientCells(opts.clientsDb ?? db, opts.clients);
  }

  /** Up to `limit` rows after `after` and not below `floor`, newest first, as CSV lines. */
  read(after: Key | null, limit: number, floor: Key | null): CsvBatch {
    const lines = readRanges(keyset(this.q, after, floor), limit, (r, n) => {
      let st = this.statements.get(r.shape);
      if (!st)
        this.statements.set(r.shape, (st = this.db.prepare(`${this.from} ${r.sql} ${NEWEST_FIRST} LIMIT ?`).pluck()));
      return st.all(this.pattern, ...r.args, n) as string[];
    });
    let text = '';
    let rows = 0;
    for (const s of lines) {
      const row = this.row(s);
      if (row !== null) {
        text += row;
        rows++;
      }
    }
    return { text, rows, read: lines.length, last: lines.length ? [this.lastDecided, this.lastId] : null };
  }

  /** One line as the export writes it, or null when its client is missing; records the row's key. */
  private row(s: string): string | null {
    const i1 = s.indexOf('\x1f');
    const i2 = s.indexOf('\x1f', i1 + 1);
    // Plain: no quote, line break or ␟ in the line, no cell that starts like a formula, one comma a separator.
    if (
      s.indexOf('"', i2) !== -1 ||
      s.indexOf('\n', i2) !== -1 ||
      s.indexOf('\r', i2) !== -1 ||
      s.indexOf('\x1f', i2 + 1) !== -1
    )
      return this.reference(Number(s.slice(0, i1)));
    const c = this.commaAt;
    const n = this.commas;
    let k = 0;
    for (let at = s.indexOf(',', i2 + 1); at !== -1; at = s.indexOf(',', at + 1)) {
      const f = s.charCodeAt(at + 1);
      if (k === n || f === 61 || f === 43 || f === 64 || f === 9 || (f === 45 && !plainNumberAt(s, at + 1)))
        return this.reference(Number(s.slice(0, i1)));
      c[k++] = at;
    }
    if (k !== n) return this.reference(Number(s.slice(0, i1)));
    const decided = Number(s.slice(c[0] + 1, c[1]));
    this.lastDecided = decided;
    this.lastId = Number(s.slice(0, i1));
    // Fields before the client: id(0) decided_at(1) kind status suppressed(4); after it, with o = 1 when
    // the client came as two cells: rule profile currency(7+o) available threshold(10+o) seq max_qty(12+o)
    // subject attempts error(15+o) sent_at(16+o) via resend_of message_id reason.
    let head: string;
    let o = 0;
    if (this.clients) {
      const client = this.clients.get(Number(s.slice(c[4] + 1, c[5])));
      if (client === undefined) return null;
      head = s.slice(c[1], c[4] + 1) + client + s.slice(c[5], c[8] + 1);
    } else {
      o = 1;
      head = s.slice(c[1], c[9] + 1);
    }
    const cur = s.slice(c[7 + o] + 1, c[8 + o]);
    const sent = s.slice(c[15 + o] + 1, c[16 + o]);
    return (
      s.slice(i2 + 1, c[0] + 1) +
      this.time(decided) +
      head +
      this.amount(s.slice(c[8 + o] + 1, c[9 + o]), cur) +
      ',' +
      this.amount(s.slice(c[9 + o] + 1, c[10 + o]), cur) +
      s.slice(c[10 + o], c[12 + o] + 1) +
      this.recipientsCell(s.slice(i1 + 1, i2)) +
      s.slice(c[12 + o], c[15 + o] + 1) +
      (sent === '' ? '' : this.time(Number(sent))) +
      s.slice(c[16 + o]) +
      '\r\n'
    );
  }

  /** A row the fast path cannot vouch for, read again and written by the reference. */
  private reference(id: number): string | null {
    const r = this.one.get(id) as Raw | undefined;
    if (!r) {
      // Its client is missing (the join leaves the row out): the keyset still moves past it.
      this.lastDecided = this.decidedOf.get(id) as number;
      this.lastId = id;
      return null;
    }
    this.lastDecided = r[1];
    this.lastId = r[0];
    return csvRow(r, this.install);
  }

  /** csvField(iso(ms)): the date part of the minute from iso(), the rest from tables. */
  private time(ms: number): string {
    if (!Number.isInteger(ms) || ms < 0 || ms > LAST_ISO_MS) return csvField(iso(ms));
    const minute = Math.floor(ms / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.minuteText = iso(minute * 60_000).slice(0, 17);
    }
    const rest = ms - minute * 60_000;
    const milli = rest % 1000;
    return this.minuteText + SECONDS[(rest - milli) / 1000] + MILLIS[milli];
  }

  private amount(minor: string, currency: string): string {
    if (minor === '') return '';
    if (currency !== this.currency) {
      this.currency = currency;
      this.exponent = exponentOf(currency);
    }
    return decimalOf(minor, this.exponent) ?? csvField(toDecimalString(Number(minor), currency));
  }

  private recipientsCell(json: string): string {
    // Most logs alternate between a few lists: comparing with the last two is cheaper than hashing.
    if (json === this.recent[0]) return this.recent[1];
    if (json === this.recent[2]) return this.recent[3];
    let text = this.recipients.get(json);
    if (text === undefined) {
      if (this.recipients.size >= CACHE_MAX) this.recipients.clear();
      text = csvField(recipientsText(json));
      this.recipients.set(json, text);
    }
    this.recent = [json, text, this.recent[0], this.recent[1]];
    return text;
  }
}
