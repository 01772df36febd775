/** The resellers table: a reseller as the contracts show it (with its client count), and one by id. */
import type { Reseller } from '../../../shared/contracts';
import { invalid, notFound } from '../../../shared/result';
import { iso } from '../clock/clock';
import type { Ctx } from '../api/registry';
import type { resellers } from '../db/schema';

/** A reseller row as the schema has it, with how many clients it has. */
export type ResellerRow = typeof resellers.$inferSelect & { clientCount: number };
export const toReseller = (r: ResellerRow): Reseller => ({
  id: r.id,
  name: r.name,
  email: r.email,
  parentId: r.parentId,
  createdAt: iso(r.createdAt),
  clientCount: r.clientCount,
});
export const RESELLER_SQL = `SELECT r.id AS id, r.name AS name, r.email AS email, r.parent_id AS parentId, r.created_at AS createdAt,
  (SELECT count(*) FROM clients c WHERE c.reseller_id = r.id) AS clientCount FROM resellers r`;

export function getReseller(ctx: Ctx, id: number, field = 'id'): Reseller {
  const r = ctx.db.$client.prepare(`${RESELLER_SQL} WHERE r.id = ?`).get(id) as ResellerRow | undefined;
  if (!r)
    throw field === 'id'
      ? notFound(`reseller ${id} does not exist`)
      : invalid(field, `${field} ${id} is not a reseller`);
  return toReseller(r);
}
