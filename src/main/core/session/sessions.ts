/**
 * Who is calling. Once any active staff member has a password, every call from a window or the host
 * needs a session: `session.signIn` with email and password answers a random token, which the renderer
 * sends with each call (IPC argument or HTTP header). Sessions live in memory only: a restart signs
 * everyone out. The staff row is read again on every call, so a role changed or a user deactivated takes
 * effect at once. Before the first password is set, the desk is open to its one user as an admin.
 */
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type { StaffRole } from '../../../shared/contract';
import type { Clock } from '../clock/clock';
import { staffAuthReader } from '../staff/store';
import { hashPassword, SCRYPT_LOG_N, verifyPassword } from './passwords';

/** A session ends after this long without a call. */
export const SESSION_IDLE_MS = 12 * 3600_000;
/** Wrong passwords for one email before it is locked for LOCK_MS. */
const MAX_FAILURES = 5;
const LOCK_MS = 5 * 60_000;

export interface Caller {
  staffId: number | null;
  actor: string;
  role: StaffRole;
}

interface Session {
  staffId: number;
  lastSeen: number;
}

/** How the audit log names a staff member. */
export const actorOf = (s: { name: string; email: string }) => `${s.name} <${s.email}>`;

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();
  /** The staff row of a session and whether anyone signs in (staff/store.ts). */
  private readonly staff: ReturnType<typeof staffAuthReader>;

  constructor(
    sqlite: Database.Database,
    private readonly clock: Clock,
    /** scrypt's cost (log2 N) for new passwords; tests lower it to keep hashing fast. */
    private readonly scryptLogN = SCRYPT_LOG_N,
    private readonly idleMs = SESSION_IDLE_MS,
  ) {
    this.staff = staffAuthReader(sqlite);
  }

  hash(password: string): Promise<string> {
    return hashPassword(password, this.scryptLogN);
  }

  verify(password: string, stored: string | null): Promise<boolean> {
    return verifyPassword(password, stored, this.scryptLogN);
  }

  /** True once an active staff member has a password: from then on windows and the host must sign in. */
  required(): boolean {
    return this.staff.anyPassword();
  }

  /** The caller behind a token, or null when the token is unknown, idle too long, or its user can no longer sign in. */
  resolve(token: string): Caller | null {
    const s = this.sessions.get(token);
    const now = this.clock.now();
    if (!s) return null;
    const row = this.staff.byId(s.staffId);
    if (now - s.lastSeen > this.idleMs || !row || row.active !== 1 || row.passwordHash === null) {
      this.sessions.delete(token);
      return null;
    }
    s.lastSeen = now;
    return { staffId: row.id, actor: actorOf(row), role: row.role };
  }

  /** When `email` may try again (ms), or null when it is not locked. */
  lockedUntil(email: string): number | null {
    const f = this.failures.get(email.toLowerCase());
    return f && f.lockedUntil > this.clock.now() ? f.lockedUntil : null;
  }

  failed(email: string): void {
    const key = email.toLowerCase();
    const f = this.failures.get(key) ?? { count: 0, lockedUntil: 0 };
    f.count += 1;
    if (f.count >= MAX_FAILURES) {
      f.count = 0;
      f.lockedUntil = this.clock.now() + LOCK_MS;
    }
    this.failures.set(key, f);
  }

  open(staffId: number, email: string): { token: string; expiresAt: number } {
    this.failures.delete(email.toLowerCase());
    const token = crypto.randomBytes(32).toString('hex');
    const now = this.clock.now();
    this.sessions.set(token, { staffId, lastSeen: now });
    return { token, expiresAt: now + this.idleMs };
  }

  close(token: string): void {
    this.sessions.delete(token);
  }

  /** Ends every session of a staff member (a password changed or removed), except `keep`. */
  closeAllOf(staffId: number, keep?: string): void {
    for (const [t, s] of this.sessions) if (s.staffId === staffId && t !== keep) this.sessions.delete(t);
  }
}
