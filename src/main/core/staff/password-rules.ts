/** What must hold of staff passwords after every change to staff users, checked inside its transaction. */
import type Database from 'better-sqlite3';
import { conflict } from '../../../shared/result';

/**
 * Once anyone can sign in, an active admin can too (or no one could change settings or staff again), and
 * one email signs in as one staff user (staff emails are unique per reseller only). Throws a conflict
 * naming `field`, which rolls the change back.
 */
export function checkSignInRules(sqlite: Database.Database, field: string): void {
  const r = sqlite
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM staff_users WHERE active = 1 AND password_hash IS NOT NULL) AS signs_in,
              EXISTS (SELECT 1 FROM staff_users WHERE active = 1 AND password_hash IS NOT NULL AND role = 'admin') AS admin_signs_in,
              (SELECT lower(email) FROM staff_users WHERE password_hash IS NOT NULL GROUP BY lower(email) HAVING count(*) > 1 LIMIT 1) AS shared_email`,
    )
    .get() as { signs_in: number; admin_signs_in: number; shared_email: string | null };
  if (r.signs_in && !r.admin_signs_in) {
    throw conflict(
      'an active admin must be able to sign in: give an admin a password first (the first password must be an admin’s), or keep one admin with a password active',
      field,
    );
  }
  if (r.shared_email)
    throw conflict(
      `${r.shared_email} already signs in as another staff user: one email signs in as one staff user`,
      field,
    );
}
