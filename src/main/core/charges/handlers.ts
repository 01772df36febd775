/** Channels of the Charges screen: the attempts with their tries, and the staff Retry (retry.ts). */
import type { Charge } from '../../../shared/contracts';
import { invalid } from '../../../shared/result';
import { decodeCursor, encodeCursor } from '../api/cursor';
import { runsDueWork, type Ctx, type Handler, type HandlerMap } from '../api/registry';
import { iso } from '../clock/clock';
import { methodLabels } from '../methods/store';
import { ATTEMPT_COLUMNS, clientsWithOpenAttempt, type Attempt, type Try } from './facts';
import { AWAITING_RETRY, retry, retryable } from './retry';

/** An attempt as the list shows it: with its client's name and reference. */
type AttemptRow = Attempt & { clientName: string; clientRef: string };
type TryRow = Pick<
  Try,
  'attemptId' | 'methodId' | 'status' | 'paymentIntent' | 'message' | 'code' | 'declineCode' | 'updatedAt'
>;

const SELECT = `SELECT ${ATTEMPT_COLUMNS}, c.name AS clientName, c.external_ref AS clientRef FROM charge_attempts a JOIN clients c ON c.id = a.client_id`;

function toCharges(ctx: Ctx, rows: AttemptRow[]): Charge[] {
  if (!rows.length) return [];
  const sqlite = ctx.db.$client;
  const tries = sqlite
    .prepare(
      `SELECT attempt_id AS attemptId, method_id AS methodId, status, payment_intent AS paymentIntent, message, code, decline_code AS declineCode, updated_at AS updatedAt
       FROM charge_tries WHERE attempt_id IN (${rows.map(() => '?').join(',')}) ORDER BY id`,
    )
    .all(...rows.map((r) => r.id)) as TryRow[];
  const labels = methodLabels(sqlite, [
    ...rows.map((r) => r.methodId).filter((x): x is number => x !== null),
    ...tries.map((t) => t.methodId),
  ]);
  const openClients = clientsWithOpenAttempt(
    sqlite,
    rows.map((r) => r.clientId),
  );
  return rows.map((r) => ({
    id: r.id,
    clientId: r.clientId,
    clientName: r.clientName,
    clientRef: r.clientRef,
    amount: r.amount,
    currency: r.currency,
    origin: r.origin,
    status: r.status,
    method: r.methodId !== null ? (labels.get(r.methodId) ?? null) : null,
    methodId: r.methodId,
    reason: r.reason,
    paymentIntent: r.paymentIntent,
    entryId: r.entryId,
    actor: r.actor,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    tries: tries
      .filter((t) => t.attemptId === r.id)
      .map((t) => ({
        methodId: t.methodId,
        method: labels.get(t.methodId)!,
        status: t.status,
        paymentIntent: t.paymentIntent,
        message: t.message,
        code: t.code,
        declineCode: t.declineCode,
        at: iso(t.updatedAt),
      })),
    waitingSince: r.waitingSince === null ? null : iso(r.waitingSince),
    retryable: retryable(r, openClients.has(r.clientId)),
  }));
}

const chargeById = (ctx: Ctx, id: number): Charge =>
  toCharges(ctx, [ctx.db.$client.prepare(`${SELECT} WHERE a.id = ?`).get(id) as AttemptRow])[0];

export const chargeHandlers: HandlerMap = {
  'charges.list': (input, ctx) => {
    const after = decodeCursor(input.cursor);
    if (after && (after.length !== 2 || typeof after[0] !== 'number' || typeof after[1] !== 'number'))
      throw invalid('cursor', 'cursor is not one this list handed out');
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
      .prepare(
        `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.created_at DESC, a.id DESC LIMIT ?`,
      )
      .all(...args, input.limit + 1) as AttemptRow[];
    const more = rows.length > input.limit;
    const items = rows.slice(0, input.limit);
    const last = items[items.length - 1];
    return { items: toCharges(ctx, items), nextCursor: more ? encodeCursor([last.createdAt, last.id]) : null };
  },

  // A staff Retry charges now: marked, so the core runs the due work once the call has committed.
  'charges.retry': runsDueWork<Handler<'charges.retry'>>((input, ctx) => chargeById(ctx, retry(ctx, input))),
};
