/** Channels of the Charges screen: the attempts with their tries, and the staff Retry. */
import type { Charge } from '../../../shared/contracts';
import { conflict, invalid, notFound } from '../../../shared/result';
import { decodeCursor, encodeCursor } from '../api/cursor';
import type { Ctx, HandlerMap } from '../api/registry';
import { iso } from '../clock/clock';
import { methodLabel } from '../methods/handlers';

interface AttemptRow {
  id: number;
  client_id: number;
  client_name: string;
  client_ref: string;
  amount: number;
  currency: string;
  origin: Charge['origin'];
  status: Charge['status'];
  method_id: number | null;
  reason: string;
  payment_intent: string | null;
  entry_id: number | null;
  waiting_since: number | null;
  actor: string;
  created_at: number;
  updated_at: number;
}

interface TryRow {
  attempt_id: number;
  method_id: number;
  status: Charge['tries'][number]['status'];
  payment_intent: string | null;
  message: string | null;
  code: string | null;
  decline_code: string | null;
  updated_at: number;
  type: 'card' | 'us_bank_account';
  brand: string;
  last4: string;
}

const SELECT = `SELECT a.*, c.name AS client_name, c.external_ref AS client_ref FROM charge_attempts a JOIN clients c ON c.id = a.client_id`;
const OPEN = `SELECT id, waiting_since FROM charge_attempts WHERE client_id = ? AND status IN ('queued', 'charging', 'processing')`;
/**
 * An attempt (alias a) that waits for a staff Retry: it failed or needs the client, and it is its client's
 * latest attempt (nothing was tried after it). The dashboard counts these; charges.list filters by it.
 */
export const AWAITING_RETRY = `a.status IN ('failed', 'requires_action') AND a.id = (SELECT max(b.id) FROM charge_attempts b WHERE b.client_id = a.client_id)`;

function toCharges(ctx: Ctx, rows: AttemptRow[]): Charge[] {
  if (!rows.length) return [];
  const sqlite = ctx.db.$client;
  const tries = sqlite
    .prepare(
      `SELECT t.attempt_id, t.method_id, t.status, t.payment_intent, t.message, t.code, t.decline_code, t.updated_at, m.type, m.brand, m.last4
       FROM charge_tries t JOIN payment_methods m ON m.id = t.method_id WHERE t.attempt_id IN (${rows.map(() => '?').join(',')}) ORDER BY t.id`,
    )
    .all(...rows.map((r) => r.id)) as TryRow[];
  const methodIds = [...new Set(rows.map((r) => r.method_id).filter((x): x is number => x !== null))];
  const labels = new Map(
    (methodIds.length ? (sqlite.prepare(`SELECT id, type, brand, last4 FROM payment_methods WHERE id IN (${methodIds.map(() => '?').join(',')})`).all(...methodIds) as (TryRow & { id: number })[]) : []).map((m) => [
      m.id,
      methodLabel(m),
    ]),
  );
  const openClients = new Set(
    sqlite
      .prepare(`SELECT client_id FROM charge_attempts WHERE status IN ('queued', 'charging', 'processing') AND client_id IN (${rows.map(() => '?').join(',')})`)
      .pluck()
      .all(...rows.map((r) => r.client_id)) as number[],
  );
  return rows.map((r) => ({
    id: r.id,
    clientId: r.client_id,
    clientName: r.client_name,
    clientRef: r.client_ref,
    amount: r.amount,
    currency: r.currency,
    origin: r.origin,
    status: r.status,
    method: r.method_id !== null ? (labels.get(r.method_id) ?? null) : null,
    methodId: r.method_id,
    reason: r.reason,
    paymentIntent: r.payment_intent,
    entryId: r.entry_id,
    actor: r.actor,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    tries: tries
      .filter((t) => t.attempt_id === r.id)
      .map((t) => ({ methodId: t.method_id, method: methodLabel(t), status: t.status, paymentIntent: t.payment_intent, message: t.message, code: t.code, declineCode: t.decline_code, at: iso(t.updated_at) })),
    waitingSince: r.waiting_since === null ? null : iso(r.waiting_since),
    retryable: ((r.status === 'failed' || r.status === 'requires_action') && !openClients.has(r.client_id)) || r.waiting_since !== null,
  }));
}

export const chargeHandlers: HandlerMap = {
  'charges.list': (input, ctx) => {
    const after = decodeCursor(input.cursor);
    if (after && (after.length !== 2 || typeof after[0] !== 'number' || typeof after[1] !== 'number')) throw invalid('cursor', 'cursor is not one this list handed out');
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (input.clientId != null) {
      where.push('a.client_id = ?');
      args.push(input.clientId);
    }
    if (input.status) {
      where.push('a.status = ?');
      args.push(input.status);
    }
    if (input.awaitingRetry) where.push(AWAITING_RETRY);
    if (input.from) {
      where.push('a.created_at >= ?');
      args.push(Date.parse(input.from));
    }
    if (input.to) {
      where.push('a.created_at < ?');
      args.push(Date.parse(input.to));
    }
    if (after) {
      where.push('(a.created_at, a.id) < (?, ?)');
      args.push(after[0] as number, after[1] as number);
    }
    const rows = ctx.db.$client
      .prepare(`${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.created_at DESC, a.id DESC LIMIT ?`)
      .all(...args, input.limit + 1) as AttemptRow[];
    const more = rows.length > input.limit;
    const items = rows.slice(0, input.limit);
    const last = items[items.length - 1];
    return { items: toCharges(ctx, items), nextCursor: more ? encodeCursor([last.created_at, last.id]) : null };
  },

  'charges.retry': (input, ctx) => {
    const sqlite = ctx.db.$client;
    const now = ctx.clock.now();
    let clientId: number;
    let methodId: number;
    let amount: number;
    let currency: string;
    if (input.attemptId !== undefined) {
      const a = sqlite.prepare(`SELECT * FROM charge_attempts WHERE id = ?`).get(input.attemptId) as AttemptRow | undefined;
      if (!a) throw notFound(`charge attempt ${input.attemptId} does not exist`);
      if (a.waiting_since !== null) {
        // Waiting for Stripe: the same attempt, tried at once with the same keys — a new one could pay twice.
        if (!ctx.charges.tryNow(a.id, now)) throw conflict(`attempt ${a.id} is being tried right now: wait for its answer`, 'attemptId');
        ctx.audit('charges.retry', 'client', a.client_id, { attempt: a.id, retryOf: a.id, tryNow: true, amount: a.amount });
        ctx.emit({ topic: 'charges', clientIds: [a.client_id] });
        return toCharges(ctx, [sqlite.prepare(`${SELECT} WHERE a.id = ?`).get(a.id) as AttemptRow])[0];
      }
      if (a.status !== 'failed' && a.status !== 'requires_action') throw conflict(`attempt ${a.id} is ${a.status}: only a failed attempt can be retried`, 'attemptId');
      const first = sqlite.prepare(`SELECT method_id FROM charge_tries WHERE attempt_id = ? ORDER BY id LIMIT 1`).pluck().get(a.id) as number | undefined;
      if (first === undefined && a.method_id === null) throw conflict(`attempt ${a.id} tried no payment method: retry a payment method instead`, 'attemptId');
      ({ client_id: clientId, amount, currency } = a);
      // Its first method: the one the client put first (a retry of a retry keeps its one method).
      methodId = first ?? a.method_id!;
    } else {
      const m = sqlite.prepare(`SELECT client_id FROM payment_methods WHERE id = ? AND removed_at IS NULL`).get(input.methodId) as { client_id: number } | undefined;
      if (!m) throw notFound(`payment method ${input.methodId} does not exist`);
      const s = sqlite.prepare(`SELECT r.recharge_amount, c.currency FROM recharge_settings r JOIN clients c ON c.id = r.client_id WHERE r.client_id = ?`).get(m.client_id) as
        | { recharge_amount: number; currency: string }
        | undefined;
      if (!s) throw conflict('this client has no recharge amount yet: save its automatic top-up settings first', 'methodId');
      clientId = m.client_id;
      methodId = input.methodId!;
      amount = s.recharge_amount;
      currency = s.currency;
    }
    const open = sqlite.prepare(OPEN).get(clientId) as { id: number; waiting_since: number | null } | undefined;
    if (open) {
      throw conflict(
        open.waiting_since !== null
          ? `a top-up for this client (attempt ${open.id}) is waiting for Stripe to answer: press Retry on that attempt to try it now`
          : 'a top-up for this client is already under way: wait for it to finish',
        input.attemptId !== undefined ? 'attemptId' : 'methodId',
      );
    }
    const m = sqlite.prepare(`SELECT type, brand, last4 FROM payment_methods WHERE id = ?`).get(methodId) as { type: 'card' | 'us_bank_account'; brand: string; last4: string };
    const id = ctx.charges.start(clientId, amount, currency, 'retry', methodId, `Retry by ${ctx.actor} on ${methodLabel(m)}.`, ctx.actor, now);
    ctx.audit('charges.retry', 'client', clientId, { attempt: id, retryOf: input.attemptId ?? null, method: methodLabel(m), amount });
    return toCharges(ctx, [sqlite.prepare(`${SELECT} WHERE a.id = ?`).get(id) as AttemptRow])[0];
  },
};
