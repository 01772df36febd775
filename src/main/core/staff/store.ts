/** The staff_users table: a staff user as the contracts show it, one by id, and the e-mail uniqueness rule. */
import type { StaffUser } from '../../../shared/contracts';
import { conflict, notFound } from '../../../shared/result';
import { iso } from '../clock/clock';
import type { Ctx } from '../api/registry';
import type { Db } from '../db/open';

export interface StaffRow {
  id: number;
  reseller_id: number;
  name: string;
  email: string;
  role: StaffUser['role'];
  active: number;
  created_at: number;
  password_hash: string | null;
}
export const toStaff = (r: StaffRow): StaffUser => ({
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
export function assertStaffEmailFree(ctx: Ctx, resellerId: number, email: string, exceptId = 0) {
  const clash = ctx.db.$client
    .prepare('SELECT id FROM staff_users WHERE reseller_id = ? AND lower(email) = lower(?) AND id != ?')
    .get(resellerId, email, exceptId);
  if (clash) throw conflict(`email ${email} already belongs to a staff user of this reseller`, 'email');
}


/** The stored password hash of a staff user (null: does not sign in). */
export const passwordOf = (db: Db, id: number) =>
  (db.$client.prepare('SELECT password_hash FROM staff_users WHERE id = ?').get(id) as { password_hash: string | null } | undefined)?.password_hash ?? null;

/** The active staff user who may sign in with this email, with the hash to check. */
export const signInCandidate = (db: Db, email: string) =>
  db.$client.prepare('SELECT id, password_hash FROM staff_users WHERE active = 1 AND password_hash IS NOT NULL AND lower(email) = lower(?)').get(email) as
    | { id: number; password_hash: string }
    | undefined;

export function setPasswordHash(db: Db, id: number, hash: string | null): void {
  db.$client.prepare('UPDATE staff_users SET password_hash = ? WHERE id = ?').run(hash, id);
}
