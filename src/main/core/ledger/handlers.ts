/** ledger.*: posting, reversals, paging, the balance series and the usage import. */
import { conflict, invalid } from '../../../shared/result';
import { iso } from '../clock/clock';
import type { HandlerMap } from '../api/registry';
import { decodeCursor, encodeCursor } from '../api/cursor';
import { getClient } from '../clients/store';
import { ENTRY_COLUMNS, toBalance, toEntry, type EntryRow } from './post';
import { commitImport, previewImport } from './import';
import { markerWidth, seriesMarkers, seriesThresholds } from './markers';
import { seriesBuckets } from './series';

export const ledgerHandlers: HandlerMap = {
  'ledger.post': (input, ctx) => {
    const client = getClient(ctx, input.clientId, 'clientId');
    if (client.status === 'closed')
      throw conflict(`client ${client.name} is closed: reopen it before posting`, 'clientId');
    const now = ctx.clock.now();
    const at = input.at ? Date.parse(input.at) : now;
    const r = ctx.ledger.post(
      {
        clientId: input.clientId,
        kind: input.kind,
        amount: input.amount,
        description: input.description,
        actor: ctx.actor,
        at,
        externalId: input.externalId,
      },
      now,
    );
    if (!r.duplicate) {
      ctx.audit(`ledger.${input.kind}`, 'client', input.clientId, {
        entryId: r.entryId,
        amount: input.amount,
        description: input.description,
      });
      ctx.emit({ topic: 'ledger', clientIds: [input.clientId] });
    }
    return { entry: toEntry(ctx.ledger.entry(r.entryId)), balance: toBalance(r.balance), duplicate: r.duplicate };
  },

  'ledger.reverse': (input, ctx) => {
    const original = ctx.db.$client
      .prepare(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries e WHERE e.id = ?`)
      .get(input.entryId) as EntryRow | undefined;
    if (!original) throw invalid('entryId', `entryId ${input.entryId} is not a ledger entry`);
    if (original.kind === 'reversal')
      throw conflict('a reversal cannot itself be reversed: post an adjustment instead', 'entryId');
    if (original.reversedBy != null)
      throw conflict(`entry ${input.entryId} has already been reversed by entry ${original.reversedBy}`, 'entryId');
    const now = ctx.clock.now();
    const r = ctx.ledger.post(
      {
        clientId: original.clientId,
        kind: 'reversal',
        amount: -original.amount,
        description: input.reason,
        actor: ctx.actor,
        at: now,
        reversesEntryId: original.id,
      },
      now,
    );
    ctx.audit('ledger.reverse', 'client', original.clientId, {
      entryId: r.entryId,
      reverses: original.id,
      amount: -original.amount,
      reason: input.reason,
    });
    ctx.emit({ topic: 'ledger', clientIds: [original.clientId] });
    return { entry: toEntry(ctx.ledger.entry(r.entryId)), balance: toBalance(r.balance) };
  },

  'ledger.list': (input, ctx) => {
    getClient(ctx, input.clientId, 'clientId');
    const after = decodeCursor(input.cursor);
    const where = ['e.client_id = ?'];
    const args: unknown[] = [input.clientId];
    if (after) {
      where.push('e.id < ?');
      args.push(Number(after[0]));
    }
    if (input.kinds?.length) {
      where.push(`e.kind IN (${input.kinds.map(() => '?').join(',')})`);
      args.push(...input.kinds);
    }
    const rows = ctx.db.$client
      .prepare(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries e WHERE ${where.join(' AND ')} ORDER BY e.id DESC LIMIT ?`)
      .all(...args, input.limit + 1) as EntryRow[];
    const more = rows.length > input.limit;
    const items = rows.slice(0, input.limit);
    return { items: items.map(toEntry), nextCursor: more ? encodeCursor([items[items.length - 1].id]) : null };
  },

  'ledger.series': async (input, ctx) => {
    const client = getClient(ctx, input.clientId, 'clientId');
    const sqlite = ctx.db.$client;
    // Apart: min(at) and max(at) in one query walk every entry of the client; each alone is one index probe.
    const bounds = {
      lo: sqlite.prepare('SELECT min(at) FROM ledger_entries WHERE client_id = ?').pluck().get(input.clientId) as
        number | null,
      hi: sqlite.prepare('SELECT max(at) FROM ledger_entries WHERE client_id = ?').pluck().get(input.clientId) as
        number | null,
    };
    const from = input.from ? Date.parse(input.from) : (bounds.lo ?? ctx.clock.now());
    // Up to now unless told: the balance holds until now, and a charge or an email may have come after the last entry.
    const to = input.to ? Date.parse(input.to) : Math.max(bounds.hi ?? from, from, ctx.clock.now());
    if (to < from) throw invalid('to', 'to must not be before from');
    // The balance at `from`: the running balance of the last entry recorded before it.
    const start = sqlite
      .prepare(
        'SELECT balance_after FROM ledger_entries WHERE client_id = ? AND at < ? ORDER BY at DESC, id DESC LIMIT 1',
      )
      .get(input.clientId, from) as { balance_after: number } | undefined;
    const { origin, width, buckets: rows } = await seriesBuckets(sqlite, input.clientId, from, to, input.points);
    const points: { at: string; balance: number }[] = [];
    if (start) points.push({ at: iso(from), balance: start.balance_after });
    for (const r of rows) {
      points.push({ at: iso(r.t0), balance: r.first });
      const mid = r.t0 + Math.floor((r.t1 - r.t0) / 2);
      if (r.t1 > r.t0) {
        // lowest and highest in the middle of the bucket, in the order that keeps the line's shape
        const pair = r.first >= r.last ? [r.hi, r.lo] : [r.lo, r.hi];
        if (pair[0] !== r.first) points.push({ at: iso(mid), balance: pair[0] });
        if (pair[1] !== r.last) points.push({ at: iso(mid), balance: pair[1] });
        points.push({ at: iso(r.t1), balance: r.last });
      }
    }
    // The last balance holds until the end of the range.
    const lastPoint = points[points.length - 1];
    if (lastPoint && Date.parse(lastPoint.at) < to && !input.to)
      points.push({ at: iso(to), balance: lastPoint.balance });
    // Top-ups came with the buckets; markers group whole buckets, at most SERIES_MARKERS of each kind.
    const mw = markerWidth(origin, to, width);
    const topUps = rows
      .filter((r) => r.top_n > 0)
      .map((r) => ({
        group: Math.floor((r.bucket * width) / mw),
        t0: r.top_t0!,
        t1: r.top_t1!,
        n: r.top_n,
        amount: r.top_sum,
        id: r.top_id!,
      }));
    return {
      currency: client.currency,
      points,
      thresholds: seriesThresholds(ctx, input.clientId),
      ...seriesMarkers(ctx, input.clientId, { from, to, origin, mw }, topUps),
    };
  },

  'ledger.import.preview': (input, ctx) => previewImport(input, ctx),
  'ledger.import.commit': (input, ctx) => commitImport(input, ctx),
};
