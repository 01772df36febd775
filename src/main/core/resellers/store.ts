/** The resellers table: a reseller as the contracts show it (with its client count), and one by id. */
import type { Reseller } from '../../../shared/contracts';
import { invalid, notFound } from '../../../shared/result';
import { iso } from '../clock/clock';
import type { Ctx } from '../api/registry';

export interface ResellerRow {
  id: number;
  name: string;
  email: string | null;
  parent_id: number | null;
  created_at: number;
  client_count: number;
}
export const toReseller = (r: ResellerRow): Reseller => ({
  id: r.id,
  name: r.name,
  email: r.email,
  parentId: r.parent_id,
  createdAt: iso(r.created_at),
  clientCount: r.client_count,
});
export const RESELLER_SQL = `SELECT r.*, (SELECT count(*) FROM clients c WHERE c.reseller_id = r.id) AS client_count FROM resellers r`;

export function getReseller(ctx: Ctx, id: number, field = 'id'): Reseller {
  const r = ctx.db.$client.prepare(`${RESELLER_SQL} WHERE r.id = ?`).get(id) as ResellerRow | undefined;
  if (!r) throw field === 'id' ? notFound(`reseller ${id} does not exist`) : invalid(field, `${field} ${id} is not a reseller`);
  return toReseller(r);
}

