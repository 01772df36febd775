/** clients.*: the list (sorted, searched, narrowed by the dashboard's tiles), one client, create, update, its forecast. */
import { DRY_WITHIN_MS } from '../dashboard/dry';
import { invalid } from '../../../shared/result';
import type { HandlerMap } from '../api/registry';
import { decodeCursor, encodeCursor } from '../api/cursor';
import { changes } from '../audit/changes';
import { assertCurrent } from '../audit/log';
import { getReseller } from '../resellers/store';
import { assertProfileFits } from '../profiles/store';
import { crossingAt, RUN_DRY_NEVER } from '../../../shared/forecast';
import { iso, isoOrNull } from '../clock/clock';
import { clientThresholds } from '../thresholds/view';
import { averageDailySpend } from '../ledger/spend';
import { figuresOf, parseDays, usageOf } from '../ledger/forecast';
import { CLIENTS_COOLING } from '../methods/cooldown';
import { clientInserter } from './insert';
import { assertRefFree, CLIENT_SQL, clientEdited, getClient, toClient, type ClientRow } from './store';

/**
 * Sort keys: the indexed column, its tie-breaker (the id column of the same index, so equal values
 * — 900,000 clients at zero — never need a sort) and how a cursor stores its value.
 */
const SORTS = {
  name: { column: 'c.name_key', id: 'c.id', of: (r: ClientRow) => r.nameKey },
  externalRef: { column: 'c.ref_key', id: 'c.id', of: (r: ClientRow) => r.refKey },
  available: { column: 'b.available', id: 'b.client_id', of: (r: ClientRow) => r.available },
  createdAt: { column: 'c.created_at', id: 'c.id', of: (r: ClientRow) => r.createdAt },
  // The stored forecast (balances_run_dry index); clients without usage hold RUN_DRY_NEVER, so sort last ascending.
  runDry: { column: 'b.run_dry_at', id: 'b.client_id', of: (r: ClientRow) => r.runDryAt },
} as const;

export const clientHandlers: HandlerMap = {
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
      where.push(`c.id IN (${CLIENTS_COOLING})`);
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
        total = sqlite
          .prepare(`SELECT count(*) FROM clients c${sql([`(${byName} OR ${byRef})`])}`)
          .pluck()
          .get(...args, ...range, ...range) as number;
      } else if (!input.only) {
        total = sqlite
          .prepare(`SELECT coalesce(sum(n), 0) FROM client_counts c${sql([])}`)
          .pluck()
          .get(...args) as number;
      } else {
        total = sqlite
          .prepare(`SELECT count(*) FROM clients c${sql([])}`)
          .pluck()
          .get(...args) as number;
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
        .all(
          ...args,
          ...range,
          ...keysetArgs,
          input.limit + 1,
          ...args,
          ...range,
          ...keysetArgs,
          input.limit + 1,
          input.limit + 1,
        ) as ClientRow[];
    } else {
      rows = sqlite
        .prepare(`${select}${sql(keyset)} ${order}`)
        .all(...args, ...keysetArgs, input.limit + 1) as ClientRow[];
    }
    const more = rows.length > input.limit;
    const items = rows.slice(0, input.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toClient),
      nextCursor: more && last ? encodeCursor([sort.of(last), last.id]) : null,
      total,
    };
  },

  'clients.get': (input, ctx) => getClient(ctx, input.id),

  'clients.create': (input, ctx) => {
    getReseller(ctx, input.resellerId, 'resellerId');
    assertRefFree(ctx, input.resellerId, input.externalRef);
    const id = clientInserter(ctx.db.$client)(input, ctx.clock.now());
    ctx.audit('client.create', 'client', id, {
      externalRef: input.externalRef,
      name: input.name,
      currency: input.currency,
    });
    ctx.emit({ topic: 'clients', clientIds: [id] });
    return getClient(ctx, id);
  },

  'clients.update': (input, ctx) => {
    const before = getClient(ctx, input.id);
    assertCurrent(ctx.db.$client, input.version, before.version, clientEdited(input.id));
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
    if (next.profileId !== null)
      assertProfileFits(
        ctx,
        next.profileId,
        before.resellerId,
        next.currency,
        input.profileId === undefined ? 'currency' : 'profileId',
      );
    ctx.db.$client
      .prepare(
        'UPDATE clients SET external_ref = ?, ref_key = ?, name = ?, name_key = ?, billing_email = ?, currency = ?, status = ?, profile_id = ?, version = version + 1 WHERE id = ?',
      )
      .run(
        next.externalRef,
        next.externalRef.toLowerCase(),
        next.name,
        next.name.toLowerCase(),
        next.billingEmail,
        next.currency,
        next.status,
        next.profileId,
        input.id,
      );
    ctx.audit('client.update', 'client', input.id, changes(before, next));
    // A new profile, status or currency may put the client below a rule (or lift it): look now.
    ctx.rules.evaluateClient(input.id, ctx.clock.now(), 'check');
    ctx.emit({ topic: 'clients', clientIds: [input.id] });
    ctx.emit({ topic: 'thresholds', clientIds: [input.id] });
    return getClient(ctx, input.id);
  },

  // A client's run-dry forecast as of now, with the threshold suggestion.
  'clients.forecast': (input, ctx) => {
    const t = clientThresholds(ctx, input.clientId);
    const now = ctx.clock.now();
    const c = usageOf(ctx.db.$client, input.clientId);
    // Computed now, as posting computes the stored figures (the list's), so the two agree after any post.
    const f = figuresOf(parseDays(c.usage_days), t.available, c.created_at, now);
    const spend = averageDailySpend(ctx.db.$client, { id: input.clientId, created_at: c.created_at }, now);
    return {
      clientId: input.clientId,
      currency: t.currency,
      available: t.available,
      burnPerHour: f.burnRate,
      burnPerDay: Math.round(f.burnRate * 24),
      runDryAt: f.runDryAt >= RUN_DRY_NEVER ? null : iso(f.runDryAt),
      thresholds: t.rules
        .filter((r) => r.enabled)
        .map((r) => ({
          kind: r.kind,
          threshold: r.threshold,
          crossesAt: isoOrNull(crossingAt(t.available, r.threshold, f.burnRate, now)),
        })),
      averageDailySpend: spend.average,
      spendDays: spend.days,
      suggestedThreshold: 2 * spend.average,
    };
  },
};
