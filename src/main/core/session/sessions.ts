/**
 * Who is calling. Once any active staff member has a password, every call from a window or the host
 * needs a session: `session.signIn` with email and password answers a random token, which the renderer
 * sends with each call (IPC argument or HTTP header). Sessions are kept in the staff_sessions table (the
 * token's SHA-256, never the token), so a restart of the office server signs no one out; they end after
 * 12 hours without a call, at sign-out, or when an admin signs that desk out. The staff row is read again
 * on every call, so a role changed or a user deactivated takes effect at once. Before the first password
 * is set, the desk is open to its one user as an admin (on this machine only: never over the network).
 */
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type { StaffRole } from '../../../shared/contract';
import type { Clock } from '../clock/clock';
import type { staffSessions } from '../db/schema';
import { staffAuthReader } from '../staff/store';
import { hashPassword, SCRYPT_LOG_N, verifyPassword } from './passwords';

/** A session ends after this long without a call. */
export const SESSION_IDLE_MS = 12 * 3600_000;
/** Wrong passwords for one email before it is locked for LOCK_MS. */
const MAX_FAILURES = 5;
/** Wrong passwords from one network address (any emails) before the address is locked for LOCK_MS. */
const MAX_ADDRESS_FAILURES = 10;
const LOCK_MS = 5 * 60_000;
/** last_seen is written at most this often per session: a read call does not write on every call. */
const SEEN_EVERY_MS = 60_000;

export interface Caller {
  staffId: number | null;
  actor: string;
  role: StaffRole;
  /** The desk of the session ("Front desk (192.168.1.20)"), or null. */
  desk: string | null;
}

/** Where a call comes from: the name the desk gives and its network address (null on this machine). */
export interface DeskOrigin {
  name: string | null;
  address: string | null;
}

export type SessionRow = typeof staffSessions.$inferSelect;

/** How the audit log names a staff member. */
export const actorOf = (s: { name: string; email: string }) => `${s.name} <${s.email}>`;

/** How the audit log names a desk: "Front desk (192.168.1.20)", "192.168.1.20", or null on this machine. */
export function deskLabel(d: { name?: string | null; desk?: string | null; address: string | null }): string | null {
  const name = d.name ?? d.desk ?? null;
  if (name && d.address) return `${name} (${d.address})`;
  return name ?? d.address ?? null;
}

const digest = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
const COLUMNS =
  'id, token_hash AS tokenHash, staff_id AS staffId, desk, address, created_at AS createdAt, last_seen AS lastSeen';

export class Sessions {
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();
  /** The staff row of a session and whether anyone signs in (staff/store.ts). */
  private readonly staff: ReturnType<typeof staffAuthReader>;
  private readonly stmt: {
    byHash: Database.Statement;
    seen: Database.Statement;
    insert: Database.Statement;
    remove: Database.Statement;
    removeById: Database.Statement;
    removeOf: Database.Statement;
    all: Database.Statement;
    expire: Database.Statement;
  };

  constructor(
    sqlite: Database.Database,
    private readonly clock: Clock,
    /** scrypt's cost (log2 N) for new passwords; tests lower it to keep hashing fast. */
    private readonly scryptLogN = SCRYPT_LOG_N,
    private readonly idleMs = SESSION_IDLE_MS,
  ) {
    this.staff = staffAuthReader(sqlite);
    this.stmt = {
      byHash: sqlite.prepare(`SELECT ${COLUMNS} FROM staff_sessions WHERE token_hash = ?`),
      seen: sqlite.prepare('UPDATE staff_sessions SET last_seen = ? WHERE id = ?'),
      insert: sqlite.prepare(
        'INSERT INTO staff_sessions (id, token_hash, staff_id, desk, address, created_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      remove: sqlite.prepare('DELETE FROM staff_sessions WHERE token_hash = ?'),
      removeById: sqlite.prepare('DELETE FROM staff_sessions WHERE id = ?'),
      removeOf: sqlite.prepare('DELETE FROM staff_sessions WHERE staff_id = ? AND token_hash != ?'),
      all: sqlite.prepare(`SELECT ${COLUMNS} FROM staff_sessions ORDER BY last_seen DESC, id`),
      expire: sqlite.prepare('DELETE FROM staff_sessions WHERE last_seen < ?'),
    };
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
    const hash = digest(token);
    const s = this.stmt.byHash.get(hash) as SessionRow | undefined;
    const now = this.clock.now();
    if (!s) return null;
    const row = this.staff.byId(s.staffId);
    if (now - s.lastSeen > this.idleMs || !row || row.active !== 1 || row.passwordHash === null) {
      this.stmt.remove.run(hash);
      return null;
    }
    if (now - s.lastSeen >= SEEN_EVERY_MS) this.stmt.seen.run(now, s.id);
    return { staffId: row.id, actor: actorOf(row), role: row.role, desk: deskLabel(s) };
  }

  /** The session row behind a token (its public id), or undefined. */
  rowOf(token: string): SessionRow | undefined {
    return this.stmt.byHash.get(digest(token)) as SessionRow | undefined;
  }

  /** When `email` (or the address it comes from) may try again (ms), or null when neither is locked. */
  lockedUntil(email: string, address: string | null = null): number | null {
    const now = this.clock.now();
    const until = [this.failures.get(email.toLowerCase()), address ? this.failures.get(`@${address}`) : undefined]
      .filter((f) => f && f.lockedUntil > now)
      .map((f) => f!.lockedUntil);
    return until.length ? Math.max(...until) : null;
  }

  failed(email: string, address: string | null = null): void {
    this.count(email.toLowerCase(), MAX_FAILURES);
    if (address) this.count(`@${address}`, MAX_ADDRESS_FAILURES);
  }

  private count(key: string, max: number) {
    const f = this.failures.get(key) ?? { count: 0, lockedUntil: 0 };
    f.count += 1;
    if (f.count >= max) {
      f.count = 0;
      f.lockedUntil = this.clock.now() + LOCK_MS;
    }
    this.failures.set(key, f);
  }

  open(staffId: number, email: string, from: DeskOrigin = { name: null, address: null }) {
    this.failures.delete(email.toLowerCase());
    const token = crypto.randomBytes(32).toString('hex');
    const id = crypto.randomBytes(8).toString('hex');
    const now = this.clock.now();
    // Sessions idle too long go when a new one starts, so the table holds only live ones.
    this.stmt.expire.run(now - this.idleMs);
    this.stmt.insert.run(id, digest(token), staffId, from.name, from.address, now, now);
    return { token, id, expiresAt: now + this.idleMs };
  }

  close(token: string): void {
    this.stmt.remove.run(digest(token));
  }

  /** Ends the session with this public id; false when there is none. */
  closeById(id: string): boolean {
    return this.stmt.removeById.run(id).changes > 0;
  }

  /** Ends every session of a staff member (a password changed or removed), except `keep`. */
  closeAllOf(staffId: number, keep?: string): void {
    this.stmt.removeOf.run(staffId, keep ? digest(keep) : '');
  }

  /** The live sessions, most recently seen first. */
  list(): SessionRow[] {
    const cutoff = this.clock.now() - this.idleMs;
    return (this.stmt.all.all() as SessionRow[]).filter((s) => s.lastSeen >= cutoff);
  }
}
