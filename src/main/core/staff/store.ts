/**
 * The staff_users table: a staff user as the contracts show it, one by id, the e-mail uniqueness rule, and
 * what signing in reads (the session's staff row, the stored hash).
 */
import type Database from 'better-sqlite3';
import type { StaffUser } from '../../../shared/contracts';
import { conflict, notFound } from '../../../shared/result';
import { iso } from '../clock/clock';
import type { Db } from '../db/open';
import type { staffUsers } from '../db/schema';

/** A staff row as SQLite answers it: the schema's, with `active` as 0 or 1 (a boolean column). */
type FromSql<T> = Omit<T, 'active'> & { active: 0 | 1 };
export type StaffRow = FromSql<typeof staffUsers.$inferSelect>;
/** Every column of staff_users under the schema's names. */
export const STAFF_COLUMNS =
  'id, reseller_id AS resellerId, name, email, role, active, created_at AS createdAt, password_hash AS passwordHash';
export const toStaff = (r: StaffRow): StaffUser => ({
  id: r.id,
  resellerId: r.resellerId,
  name: r.name,
  email: r.email,
  role: r.role,
  active: r.active === 1,
  createdAt: iso(r.createdAt),
  signsIn: r.passwordHash !== null,
});
export function getStaff(ctx: { db: Db }, id: number): StaffUser {
  const r = ctx.db.$client.prepare(`SELECT ${STAFF_COLUMNS} FROM staff_users WHERE id = ?`).get(id) as
    StaffRow | undefined;
  if (!r) throw notFound(`staff user ${id} does not exist`);
  return toStaff(r);
}
export function assertStaffEmailFree(ctx: { db: Db }, resellerId: number, email: string, exceptId = 0) {
  const clash = ctx.db.$client
    .prepare('SELECT id FROM staff_users WHERE reseller_id = ? AND lower(email) = lower(?) AND id != ?')
    .get(resellerId, email, exceptId);
  if (clash) throw conflict(`email ${email} already belongs to a staff user of this reseller`, 'email');
}

/** The stored password hash of a staff user (null: does not sign in). */
export const passwordOf = (db: Db, id: number) =>
  (db.$client.prepare('SELECT password_hash FROM staff_users WHERE id = ?').pluck().get(id) as
    StaffRow['passwordHash'] | undefined) ?? null;

/** The active staff user who may sign in with this email, with the hash to check. */
export const signInCandidate = (db: Db, email: string) =>
  db.$client
    .prepare(
      'SELECT id, password_hash AS passwordHash FROM staff_users WHERE active = 1 AND password_hash IS NOT NULL AND lower(email) = lower(?)',
    )
    .get(email) as (Pick<StaffRow, 'id'> & { passwordHash: string }) | undefined;

export function setPasswordHash(db: Db, id: number, hash: string | null): void {
  db.$client.prepare('UPDATE staff_users SET password_hash = ? WHERE id = ?').run(hash, id);
}

/** What a session reads of its staff member on every call. */
export type StaffAuthRow = Pick<StaffRow, 'id' | 'name' | 'email' | 'role' | 'active' | 'passwordHash'>;

/**
 * The reads of signing in, with their statements prepared once for the sessions to keep: a staff member
 * by id (read again on every call), and whether any active staff member has a password.
 */
export function staffAuthReader(sqlite: Database.Database): {
  byId(id: number): StaffAuthRow | undefined;
  anyPassword(): boolean;
} {
  const byId = sqlite.prepare(
    'SELECT id, name, email, role, active, password_hash AS passwordHash FROM staff_users WHERE id = ?',
  );
  const anyPassword = sqlite.prepare(
    'SELECT 1 FROM staff_users WHERE active = 1 AND password_hash IS NOT NULL LIMIT 1',
  );
  return { byId: (id) => byId.get(id) as StaffAuthRow | undefined, anyPassword: () => anyPassword.get() !== undefined };
}

/** Whose staff a user is: their reseller's id, or undefined when there is no such user (prepared once per call site). */
export function staffResellerReader(db: Db): (id: number) => number | undefined {
  const stmt = db.$client.prepare('SELECT reseller_id FROM staff_users WHERE id = ?').pluck();
  return (id) => stmt.get(id) as number | undefined;
}

/** True when an active admin has a password: the office server shares a ledger only then. */
export const adminSignsIn = (db: Db) =>
  db.$client
    .prepare("SELECT 1 FROM staff_users WHERE active = 1 AND role = 'admin' AND password_hash IS NOT NULL LIMIT 1")
    .get() !== undefined;

/** The staff members of these ids by id, as the audit log names them (the desks list). */
export function staffNames(db: Db, ids: readonly number[]): Map<number, Pick<StaffRow, 'name' | 'email'>> {
  const stmt = db.$client.prepare('SELECT name, email FROM staff_users WHERE id = ?');
  const out = new Map<number, Pick<StaffRow, 'name' | 'email'>>();
  for (const id of new Set(ids)) {
    const r = stmt.get(id) as Pick<StaffRow, 'name' | 'email'> | undefined;
    if (r) out.set(id, r);
  }
  return out;
}
