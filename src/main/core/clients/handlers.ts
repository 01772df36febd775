/** Resellers, staff users and clients: the directory the ledger hangs on. */
import type { Client, Reseller, StaffUser } from '../../../shared/contracts';
import { DRY_WITHIN_MS } from '../dashboard/dry';
import { conflict, invalid, notFound } from '../../../shared/result';
import { iso, isoOrNull } from '../clock/clock';
import type { Ctx, HandlerMap } from '../api/registry';
import { decodeCursor, encodeCursor } from '../api/cursor';
import { preparedOnce } from '../db/statements';
import { clientInserter } from './insert';
import { checkSignInRules } from '../staff/password-rules';
import { RUN_DRY_NEVER } from '../../../shared/forecast';

interface ResellerRow {
  id: number;
  name: string;
  email: string | null;
  parent_id: number | null;
  created_at: number;
  client_count: number;
}
const toReseller = (r: ResellerRow): Reseller => ({
  id: r.id,
  name: r.name,
  email: r.email,
  parentId: r.parent_id,
  createdAt: iso(r.created_at),
  clientCount: r.client_count,
});
const RESELLER_SQL = `SELECT r.*, (SELECT count(*) FROM clients c WHERE c.reseller_id = r.id) AS client_count FROM resellers r`;

function getReseller(ctx: Ctx, id: number, field = 'id'): Reseller {
  const r = ctx.db.$client.prepare(`${RESELLER_SQL} WHERE r.id = ?`).get(id) as ResellerRow | undefined;
  if (!r) throw field === 'id' ? notFound(`reseller ${id} does not exist`) : invalid(field, `${field} ${id} is not a reseller`);
  return toReseller(r);
}

interface StaffRow {
  id: number;
  reseller_id: number;
  name: string;
  email: string;
  role: StaffUser['role'];
  active: number;
  created_at: number;
  password_hash: string | null;
}
const toStaff = (r: StaffRow): StaffUser => ({
  id: r.id,
  resellerId: r.reseller_id,
  name: r.name,
  email: r.email,
  role: r.role,
  active: r.active === 1,
  createdAt: iso(r.created_at),
  signsIn: r.password_hash !== null,
});
export function getStaff(ctx: Ctx, id: number): StaffUser {
  const r = ctx.db.$client.prepare('SELECT * FROM staff_users WHERE id = ?').get(id) as StaffRow | undefined;
  if (!r) throw notFound(`staff user ${id} does not exist`);
  return toStaff(r);
}
function assertStaffEmailFree(ctx: Ctx, resellerId: number, email: string, exceptId = 0) {
  const clash = ctx.db.$client
    .prepare('SELECT id FROM staff_users WHERE reseller_id = ? AND lower(email) = lower(?) AND id != ?')
    .get(resellerId, email, exceptId);
  if (clash) throw conflict(`email ${email} already belongs to a staff user of this reseller`, 'email');
}

interface ClientRow {
  id: number;
  reseller_id: number;
  reseller_name: string;
  external_ref: string;
  name: string;
  billing_email: string;
  currency: string;
  status: Client['status'];
  created_at: number;
  balance: number;
  held: number;
  available: number;
  last_debit_at: number | null;
  entry_count: number;
  profile_id: number | null;
  below: number;
  burn_rate: number;
  run_dry_at: number;
  name_key: string;
  ref_key: string;
}
export const CLIENT_SQL = `SELECT c.id, c.reseller_id, r.name AS reseller_name, c.external_ref, c.name, c.billing_email, c.currency, c.status,
  c.created_at, c.profile_id, c.name_key, c.ref_key, b.balance, b.held, b.available, b.last_debit_at, b.entry_count,
  b.burn_rate, b.run_dry_at, EXISTS (SELECT 1 FROM rule_states s WHERE s.id BETWEEN c.id * 4 AND c.id * 4 + 3) AS below
  FROM clients c JOIN balances b ON b.client_id = c.id JOIN resellers r ON r.id = c.reseller_id`;
export const toClient = (r: ClientRow): Client => ({
  id: r.id,
  resellerId: r.reseller_id,
  resellerName: r.reseller_name,
  externalRef: r.external_ref,
  name: r.name,
  billingEmail: r.billing_email,
  currency: r.currency,
  status: r.status,
  createdAt: iso(r.created_at),
  balance: r.balance,
  held: r.held,
  available: r.available,
  lastDebitAt: isoOrNull(r.last_debit_at),
  entryCount: r.entry_count,
  profileId: r.profile_id,
  belowThreshold: r.below === 1,
  burnPerDay: Math.round(r.burn_rate * 24),
  runDryAt: r.run_dry_at >= RUN_DRY_NEVER ? null : iso(r.run_dry_at),
});
export function getClient(ctx: Pick<Ctx, 'db'>, id: number, field = 'id'): Client {
  const r = preparedOnce(ctx.db.$client, `${CLIENT_SQL} WHERE c.id = ?`).get(id) as ClientRow | undefined;
  if (!r) throw field === 'id' ? notFound(`client ${id} does not exist`) : invalid(field, `${field} ${id} is not a client`);
  return toClient(r);
}
function assertRefFree(ctx: Ctx, resellerId: number, ref: string, exceptId = 0) {
  const clash = ctx.db.$client.prepare('SELECT id FROM clients WHERE reseller_id = ? AND external_ref = ? AND id != ?').get(resellerId, ref, exceptId);
  if (clash) throw conflict(`reference ${ref} is already used by another client of this reseller`, 'externalRef');
}

/**
 * Sort keys: the indexed column, its tie-breaker (the id column of the same index, so equal values
 * — 900,000 clients at zero — never need a sort) and how a cursor stores its value.
 */
const SORTS = {
  name: { column: 'c.name_key', id: 'c.id', of: (r: ClientRow) => r.name_key },
  externalRef: { column: 'c.ref_key', id: 'c.id', of: (r: ClientRow) => r.ref_key },
  available: { column: 'b.available', id: 'b.client_id', of: (r: ClientRow) => r.available },
  createdAt: { column: 'c.created_at', id: 'c.id', of: (r: ClientRow) => r.created_at },
  // The stored forecast (balances_run_dry index); clients without usage hold RUN_DRY_NEVER, so sort last ascending.
  runDry: { column: 'b.run_dry_at', id: 'b.client_id', of: (r: ClientRow) => r.run_dry_at },
} as const;

export const directoryHandlers: HandlerMap = {
  'resellers.list': (_input, ctx) =>
    (ctx.db.$client.prepare(`${RESELLER_SQL} ORDER BY r.name COLLATE NOCASE, r.id`).all() as ResellerRow[]).map(toReseller),

  'resellers.create': (input, ctx) => {
    if (input.parentId != null) getReseller(ctx, input.parentId, 'parentId');
    const info = ctx.db.$client
      .prepare('INSERT INTO resellers (name, email, parent_id, created_at) VALUES (?, ?, ?, ?)')
      .run(input.name, input.email ?? null, input.parentId ?? null, ctx.clock.now());
    const id = Number(info.lastInsertRowid);
    ctx.audit('reseller.create', 'reseller', id, { name: input.name, parentId: input.parentId ?? null });
    ctx.emit({ topic: 'resellers' });
    return getReseller(ctx, id);
  },

  'resellers.update': (input, ctx) => {
    const before = getReseller(ctx, input.id);
    if (input.parentId != null) {
      getReseller(ctx, input.parentId, 'parentId');
      // Walk up from the new parent: meeting this reseller means the change would make a loop.
      for (let p: number | null = input.parentId; p != null; ) {
        if (p === input.id) throw invalid('parentId', 'parentId would make the reseller its own ancestor');
        p = (ctx.db.$client.prepare('SELECT parent_id FROM resellers WHERE id = ?').get(p) as { parent_id: number | null }).parent_id;
      }
    }
    const next = {
      name: input.name ?? before.name,
      email: input.email === undefined ? before.email : input.email,
      parentId: input.parentId === undefined ? before.parentId : input.parentId,
    };
    ctx.db.$client.prepare('UPDATE resellers SET name = ?, email = ?, parent_id = ? WHERE id = ?').run(next.name, next.email, next.parentId, input.id);
    ctx.audit('reseller.update', 'reseller', input.id, changes(before, next));
    ctx.emit({ topic: 'resellers' });
    return getReseller(ctx, input.id);
  },

  'staff.list': (input, ctx) => {
    const rows =
      input.resellerId == null
        ? ctx.db.$client.prepare('SELECT * FROM staff_users ORDER BY name COLLATE NOCASE, id').all()
        : ctx.db.$client.prepare('SELECT * FROM staff_users WHERE reseller_id = ? ORDER BY name COLLATE NOCASE, id').all(input.resellerId);
    return (rows as StaffRow[]).map(toStaff);
  },

  'staff.create': (input, ctx) => {
    getReseller(ctx, input.resellerId, 'resellerId');
    assertStaffEmailFree(ctx, input.resellerId, input.email);
    const info = ctx.db.$client
      .prepare('INSERT INTO staff_users (reseller_id, name, email, role, active, created_at) VALUES (?, ?, ?, ?, 1, ?)')
      .run(input.resellerId, input.name, input.email, input.role, ctx.clock.now());
    const id = Number(info.lastInsertRowid);
    ctx.audit('staff.create', 'staff', id, { name: input.name, email: input.email, role: input.role });
    ctx.emit({ topic: 'staff' });
    return getStaff(ctx, id);
  },

  'staff.update': (input, ctx) => {
    const before = getStaff(ctx, input.id);
    const next = {
      name: input.name ?? before.name,
      email: input.email ?? before.email,
      role: input.role ?? before.role,
      active: input.active ?? before.active,
    };
    if (input.email) assertStaffEmailFree(ctx, before.resellerId, input.email, input.id);
    ctx.db.$client
      .prepare('UPDATE staff_users SET name = ?, email = ?, role = ?, active = ? WHERE id = ?')
      .run(next.name, next.email, next.role, next.active ? 1 : 0, input.id);
    checkSignInRules(ctx.db.$client, input.active === false ? 'active' : input.role ? 'role' : 'email');
    ctx.audit('staff.update', 'staff', input.id, changes(before, next));
    ctx.emit({ topic: 'staff' });
    return getStaff(ctx, input.id);
  },

  'clients.list': (input, ctx) => {
    const sort = SORTS[input.sort];
    const sqlite = ctx.db.$client;
    const where: string[] = [];
    const args: unknown[] = [];
    if (input.resellerId != null) {
      where.push('c.reseller_id = ?');
      args.push(input.resellerId);
    }
    if (input.status) {
      where.push('c.status = ?');
      args.push(input.status);
    }
    // The dashboard's tiles: the same conditions its counts use.
    if (input.only === 'below') where.push('c.id IN (SELECT client_id FROM rule_states)');
    if (input.only === 'dry') {
      where.push('c.id IN (SELECT client_id FROM balances WHERE run_dry_at <= ?)');
      args.push(ctx.clock.now() + DRY_WITHIN_MS);
    }
    if (input.only === 'cooling') {
      where.push('c.id IN (SELECT client_id FROM payment_methods WHERE cooldown_until > ? AND removed_at IS NULL)');
      args.push(ctx.clock.now());
    }
    // A prefix range on the lower-cased keys uses an index, unlike LIKE '%…%'.
    const key = input.search?.toLowerCase();
    const byName = '(c.name_key >= ? AND c.name_key < ?)';
    const byRef = '(c.ref_key >= ? AND c.ref_key < ?)';
    const range = key ? [key, key + '\uffff'] : [];
    const sql = (extra: string[]) => {
      const all = [...where, ...extra];
      return all.length ? ` WHERE ${all.join(' AND ')}` : '';
    };

    // Counted on the first page only: a later page keeps the count the list already shows. Filtered by
    // reseller and status alone, the total comes from client_counts (kept by triggers), not from a count of
    // every client.
    let total: number | null = null;
    if (!input.cursor) {
      if (key) {
        total = sqlite.prepare(`SELECT count(*) FROM clients c${sql([`(${byName} OR ${byRef})`])}`).pluck().get(...args, ...range, ...range) as number;
      } else if (!input.only) {
        total = sqlite
          .prepare(`SELECT coalesce(sum(n), 0) FROM client_counts c${sql([])}`)
          .pluck()
          .get(...args) as number;
      } else {
        total = sqlite.prepare(`SELECT count(*) FROM clients c${sql([])}`).pluck().get(...args) as number;
      }
    }

    const dir = input.dir === 'asc' ? 'ASC' : 'DESC';
    const after = decodeCursor(input.cursor);
    // A row value walks the index from the cursor; "k > ? OR (k = ? AND id > ?)" would scan from the start.
    const keyset = after ? [`(${sort.column}, ${sort.id}) ${input.dir === 'asc' ? '>' : '<'} (?, ?)`] : [];
    const keysetArgs = after ? [after[0], after[1]] : [];
    const order = `ORDER BY ${sort.column} ${dir}, ${sort.id} ${dir} LIMIT ?`;
    const select = `${CLIENT_SQL.replace('SELECT ', `SELECT ${sort.column} AS sort_key, `)}`;
    let rows: ClientRow[];
    if (key) {
      // Two index walks (name prefix, reference prefix), each stopping after a page, merged: an OR would
      // make SQLite collect and sort every match first.
      const branch = (cond: string) => `SELECT * FROM (${select}${sql([cond, ...keyset])} ${order})`;
      rows = sqlite
        .prepare(`${branch(byName)} UNION ${branch(byRef)} ORDER BY sort_key ${dir}, id ${dir} LIMIT ?`)
        .all(...args, ...range, ...keysetArgs, input.limit + 1, ...args, ...range, ...keysetArgs, input.limit + 1, input.limit + 1) as ClientRow[];
    } else {
      rows = sqlite.prepare(`${select}${sql(keyset)} ${order}`).all(...args, ...keysetArgs, input.limit + 1) as ClientRow[];
    }
    const more = rows.length > input.limit;
    const items = rows.slice(0, input.limit);
    const last = items[items.length - 1];
    return { items: items.map(toClient), nextCursor: more && last ? encodeCursor([sort.of(last), last.id]) : null, total };
  },

  'clients.get': (input, ctx) => getClient(ctx, input.id),

  'clients.create': (input, ctx) => {
    getReseller(ctx, input.resellerId, 'resellerId');
    assertRefFree(ctx, input.resellerId, input.externalRef);
    const id = clientInserter(ctx.db.$client)(input, ctx.clock.now());
    ctx.audit('client.create', 'client', id, { externalRef: input.externalRef, name: input.name, currency: input.currency });
    ctx.emit({ topic: 'clients', clientIds: [id] });
    return getClient(ctx, id);
  },

  'clients.update': (input, ctx) => {
    const before = getClient(ctx, input.id);
    if (input.externalRef) assertRefFree(ctx, before.resellerId, input.externalRef, input.id);
    if (input.currency && input.currency !== before.currency && (before.entryCount > 0 || before.held > 0)) {
      throw invalid('currency', `currency cannot change: the client already has ledger entries in ${before.currency}`);
    }
    const next = {
      externalRef: input.externalRef ?? before.externalRef,
      name: input.name ?? before.name,
      billingEmail: input.billingEmail ?? before.billingEmail,
      currency: input.currency ?? before.currency,
      status: input.status ?? before.status,
      profileId: input.profileId === undefined ? before.profileId : input.profileId,
    };
    if (next.profileId !== null) assertProfileFits(ctx, next.profileId, before.resellerId, next.currency, input.profileId === undefined ? 'currency' : 'profileId');
    ctx.db.$client
      .prepare('UPDATE clients SET external_ref = ?, ref_key = ?, name = ?, name_key = ?, billing_email = ?, currency = ?, status = ?, profile_id = ? WHERE id = ?')
      .run(next.externalRef, next.externalRef.toLowerCase(), next.name, next.name.toLowerCase(), next.billingEmail, next.currency, next.status, next.profileId, input.id);
    ctx.audit('client.update', 'client', input.id, changes(before, next));
    // A new profile, status or currency may put the client below a rule (or lift it): look now.
    ctx.rules.evaluateClient(input.id, ctx.clock.now(), 'check');
    ctx.emit({ topic: 'clients', clientIds: [input.id] });
    ctx.emit({ topic: 'thresholds', clientIds: [input.id] });
    return getClient(ctx, input.id);
  },
};

/** A client may use a profile of its own reseller in its own currency. */
function assertProfileFits(ctx: Ctx, profileId: number, resellerId: number, currency: string, field: string) {
  const p = ctx.db.$client.prepare('SELECT name, reseller_id, currency FROM low_balance_profiles WHERE id = ?').get(profileId) as
    | { name: string; reseller_id: number; currency: string }
    | undefined;
  if (!p) throw invalid('profileId', `profileId ${profileId} is not a low balance profile`);
  if (p.reseller_id !== resellerId) throw invalid('profileId', `profileId ${profileId} ("${p.name}") belongs to another reseller`);
  if (p.currency !== currency) {
    throw invalid(field, `${field}: the profile "${p.name}" is in ${p.currency} and the client in ${currency}; a profile's currency must match its clients'`);
  }
}

/** { field: [before, after] } for the fields that changed: what the audit log keeps. */
function changes<T extends Record<string, unknown>>(before: Partial<T>, after: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(after)) if (before[k] !== after[k]) out[k] = [before[k], after[k]];
  return out;
}
