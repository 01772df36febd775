/** The clients table (with its balance row): a client as the contracts show it, one by id, the reference rule. */
import type { Client } from '../../../shared/contracts';
import { conflict, invalid, notFound } from '../../../shared/result';
import { iso, isoOrNull } from '../clock/clock';
import type { Ctx } from '../api/registry';
import { preparedOnce } from '../db/statements';
import { RUN_DRY_NEVER } from '../../../shared/forecast';

export interface ClientRow {
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
export function assertRefFree(ctx: Ctx, resellerId: number, ref: string, exceptId = 0) {
  const clash = ctx.db.$client.prepare('SELECT id FROM clients WHERE reseller_id = ? AND external_ref = ? AND id != ?').get(resellerId, ref, exceptId);
  if (clash) throw conflict(`reference ${ref} is already used by another client of this reseller`, 'externalRef');
}

