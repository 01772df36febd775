/** holds.*: an amount set aside on a client's balance until the hold is closed (and perhaps charged). */
import type { Hold } from '../../../shared/contracts';
import { conflict, notFound } from '../../../shared/result';
import { iso, isoOrNull } from '../clock/clock';
import type { Ctx, HandlerMap } from '../api/registry';
import { getClient } from '../clients/store';
import type { holds } from '../db/schema';
import { toBalance, toEntry, type EntryRow } from '../ledger/post';

/** A hold as the schema has it. */
type HoldRow = typeof holds.$inferSelect;
/** Every column of holds under the schema's names. */
const HOLD_COLUMNS =
  'id, client_id AS clientId, amount, reference, description, status, opened_at AS openedAt, closed_at AS closedAt, entry_id AS entryId';
const toHold = (r: HoldRow): Hold => ({
  id: r.id,
  clientId: r.clientId,
  amount: r.amount,
  reference: r.reference,
  description: r.description,
  status: r.status,
  openedAt: iso(r.openedAt),
  closedAt: isoOrNull(r.closedAt),
  entryId: r.entryId,
});

function holdRow(ctx: Ctx, id: number): HoldRow | undefined {
  return ctx.db.$client.prepare(`SELECT ${HOLD_COLUMNS} FROM holds WHERE id = ?`).get(id) as HoldRow | undefined;
}

export const holdHandlers: HandlerMap = {
  'holds.open': (input, ctx) => {
    const client = getClient(ctx, input.clientId, 'clientId');
    if (client.status === 'closed') throw conflict(`client ${client.name} is closed`, 'clientId');
    const existing = ctx.db.$client
      .prepare(`SELECT ${HOLD_COLUMNS} FROM holds WHERE client_id = ? AND reference = ?`)
      .get(input.clientId, input.reference) as HoldRow | undefined;
    if (existing) {
      if (existing.amount !== input.amount)
        throw conflict(`hold ${input.reference} is already open with another amount`, 'reference');
      return { hold: toHold(existing), balance: toBalance(ctx.ledger.balanceOf(input.clientId)), duplicate: true };
    }
    const now = ctx.clock.now();
    const info = ctx.db.$client
      .prepare(
        "INSERT INTO holds (client_id, amount, reference, description, status, opened_at) VALUES (?, ?, ?, ?, 'open', ?)",
      )
      .run(input.clientId, input.amount, input.reference, input.description, now);
    const balance = ctx.ledger.hold(input.clientId, input.amount, now);
    const id = Number(info.lastInsertRowid);
    ctx.audit('hold.open', 'client', input.clientId, { holdId: id, amount: input.amount, reference: input.reference });
    ctx.emit({ topic: 'holds', clientIds: [input.clientId] });
    return { hold: toHold(holdRow(ctx, id)!), balance: toBalance(balance), duplicate: false };
  },

  'holds.close': (input, ctx) => {
    const h = holdRow(ctx, input.id);
    if (!h) throw notFound(`hold ${input.id} does not exist`);
    if (h.status === 'closed') throw conflict(`hold ${input.id} is already closed`, 'id');
    const now = ctx.clock.now();
    let balance = ctx.ledger.hold(h.clientId, -h.amount, now);
    let entry: EntryRow | null = null;
    if (input.charge) {
      const r = ctx.ledger.post(
        {
          clientId: h.clientId,
          kind: 'usage',
          amount: -input.charge,
          description: input.description ?? (h.description || `charge for ${h.reference}`),
          actor: ctx.actor,
          at: now,
          externalId: `hold:${h.reference}`,
        },
        now,
      );
      entry = ctx.ledger.entry(r.entryId);
      balance = r.balance;
    }
    ctx.db.$client
      .prepare("UPDATE holds SET status = 'closed', closed_at = ?, entry_id = ? WHERE id = ?")
      .run(now, entry?.id ?? null, h.id);
    ctx.audit('hold.close', 'client', h.clientId, {
      holdId: h.id,
      held: h.amount,
      charged: input.charge ?? 0,
      entryId: entry?.id ?? null,
    });
    ctx.emit({ topic: 'holds', clientIds: [h.clientId] });
    if (entry) ctx.emit({ topic: 'ledger', clientIds: [h.clientId] });
    return {
      hold: toHold(holdRow(ctx, h.id)!),
      entry: entry ? toEntry(entry) : null,
      balance: toBalance(balance),
    };
  },

  'holds.list': (input, ctx) => {
    getClient(ctx, input.clientId, 'clientId');
    const rows =
      input.status === 'all'
        ? ctx.db.$client
            .prepare(`SELECT ${HOLD_COLUMNS} FROM holds WHERE client_id = ? ORDER BY id DESC LIMIT 500`)
            .all(input.clientId)
        : ctx.db.$client
            .prepare(`SELECT ${HOLD_COLUMNS} FROM holds WHERE client_id = ? AND status = ? ORDER BY id DESC LIMIT 500`)
            .all(input.clientId, input.status);
    return (rows as HoldRow[]).map(toHold);
  },
};
