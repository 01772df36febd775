/**
 * Durable jobs in SQLite. A job is enqueued in the same transaction as the decision that wants it (its
 * key makes a second enqueue a no-op), leased by a worker for a while, run, then finished or put back
 * with backoff. A worker that dies leaves a lease that runs out: the next worker takes the job again.
 * So a job runs at least once and its runner must be idempotent by `job.key` (an email's Message-ID, a
 * payment's idempotency key); the job's own bookkeeping happens exactly once.
 */
import type Database from 'better-sqlite3';
import type { jobs } from '../db/schema';

/** A job row as the schema has it. */
type JobCols = typeof jobs.$inferSelect;

export interface Job {
  id: number;
  kind: string;
  key: string;
  payload: Record<string, unknown>;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

/** What a runner hands back: work to commit in the same transaction that marks the job done. */
export type JobResult = void | { commit?: (sqlite: Database.Database) => void };

export type JobRunner = (job: Job) => Promise<JobResult>;

/** A failure the runner knows retrying will not fix (a bad address, a card that needs the client). */
export class PermanentJobError extends Error {}

/**
 * A failure that only time mends (the other side unreachable, a 5xx, a rate limit): the job runs again
 * after `retryInMs` (its backoff unless told) and the try does not count against its budget, so a long
 * outage cannot use up the tries of a job whose work must still happen (a charge, a bank debit's poll).
 */
export class TransientJobError extends Error {
  constructor(
    message: string,
    readonly retryInMs?: number,
  ) {
    super(message);
  }
}

export interface JobCounts {
  queued: number;
  running: number;
  failed: number;
  done: number;
}

/** A job's state by its key (the notification detail shows when a failed send is tried next). */
export const jobByKey = (sqlite: Database.Database, key: string) =>
  sqlite.prepare('SELECT status, ready_at AS readyAt FROM jobs WHERE key = ?').get(key) as
    Pick<JobCols, 'status' | 'readyAt'> | undefined;

export const LEASE_MS = 5 * 60_000;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 60 * 60_000;

/** 30 s, 1 min, 2 min … capped at an hour. */
export function backoff(attempt: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1), BACKOFF_MAX_MS);
}

/** What leasing reads of a due job. */
type JobRow = Pick<JobCols, 'id' | 'kind' | 'key' | 'payload' | 'attempts' | 'maxAttempts'>;

export class JobQueue {
  private readonly s;
  private readonly runners = new Map<string, JobRunner>();

  constructor(private readonly sqlite: Database.Database) {
    this.s = {
      enqueue: sqlite.prepare(
        `INSERT INTO jobs (kind, key, payload, status, ready_at, attempts, max_attempts, created_at, updated_at)
         VALUES (?, ?, ?, 'queued', ?, 0, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
      ),
      ready: sqlite.prepare(
        `SELECT id, kind, key, payload, attempts, max_attempts AS maxAttempts FROM jobs
         WHERE status IN ('queued', 'running') AND ready_at <= ? ORDER BY ready_at, id LIMIT ?`,
      ),
      lease: sqlite.prepare(
        `UPDATE jobs SET status = 'running', attempts = attempts + 1, ready_at = ?, updated_at = ? WHERE id = ?`,
      ),
      done: sqlite.prepare(
        `UPDATE jobs SET status = 'done', last_error = NULL, updated_at = ? WHERE id = ? AND status = 'running' AND attempts = ?`,
      ),
      retry: sqlite.prepare(
        `UPDATE jobs SET status = 'queued', ready_at = ?, last_error = ?, updated_at = ? WHERE id = ? AND status = 'running' AND attempts = ?`,
      ),
      failed: sqlite.prepare(
        `UPDATE jobs SET status = 'failed', last_error = ?, updated_at = ? WHERE id = ? AND status = 'running' AND attempts = ?`,
      ),
      // The budget grows by the try just made: it did not count.
      transient: sqlite.prepare(
        `UPDATE jobs SET status = 'queued', ready_at = ?, last_error = ?, max_attempts = max_attempts + 1, updated_at = ? WHERE id = ? AND status = 'running' AND attempts = ?`,
      ),
      interrupted: sqlite.prepare(
        `UPDATE jobs SET status = 'queued', ready_at = ?, max_attempts = max_attempts + 1, last_error = 'interrupted: Balance Desk stopped while it ran', updated_at = ? WHERE status = 'running'`,
      ),
      expedite: sqlite.prepare(`UPDATE jobs SET ready_at = ?, updated_at = ? WHERE key = ? AND status = 'queued'`),
      counts: sqlite.prepare(`SELECT status, count(*) AS n FROM jobs GROUP BY status`),
      byKey: sqlite.prepare(`SELECT id FROM jobs WHERE key = ?`).pluck(),
    };
  }

  /** Registers the code that runs jobs of a kind; only kinds with a runner are ever leased. */
  register(kind: string, runner: JobRunner): void {
    if (this.runners.has(kind)) throw new Error(`job kind ${kind} already has a runner`);
    this.runners.set(kind, runner);
  }

  /** Inside the caller's transaction. Returns the job's id, the first one's when the key was taken. */
  enqueue(
    job: { kind: string; key: string; payload?: Record<string, unknown>; readyAt: number; maxAttempts?: number },
    now: number,
  ): number {
    const info = this.s.enqueue.run(
      job.kind,
      job.key,
      JSON.stringify(job.payload ?? {}),
      job.readyAt,
      job.maxAttempts ?? 10,
      now,
      now,
    );
    return info.changes ? Number(info.lastInsertRowid) : (this.s.byKey.get(job.key) as number);
  }

  /**
   * At start, before anything runs: a job still marked running was leased by a process that is gone (one
   * process writes a ledger), so it is put back to run now, and the try the stop cut short is given back:
   * a restart must not use up a job's tries. Its runner is idempotent by the job's key, as always.
   */
  recoverInterrupted(now: number): number {
    return this.s.interrupted.run(now, now).changes;
  }

  /** A queued job (by key) runs at the next pass instead of waiting out its backoff: a staff "try now". False when it is not queued. */
  expedite(key: string, now: number): boolean {
    return this.s.expedite.run(now, now, key).changes > 0;
  }

  /** Takes up to `limit` due jobs (and jobs whose lease ran out) in one transaction. */
  lease(now: number, limit = 20): Job[] {
    return this.sqlite
      .transaction(() => {
        const rows = (this.s.ready.all(now, limit * 4) as JobRow[])
          .filter((r) => this.runners.has(r.kind))
          .slice(0, limit);
        for (const r of rows) this.s.lease.run(now + LEASE_MS, now, r.id);
        return rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          key: r.key,
          payload: JSON.parse(r.payload) as Record<string, unknown>,
          attempt: r.attempts + 1,
          maxAttempts: r.maxAttempts,
        }));
      })
      .immediate();
  }

  /**
   * Runs what is due, one job at a time, until nothing is. A job finishes only while its lease is still
   * ours (same attempt): a worker that was presumed dead cannot finish a job someone else took over.
   */
  async runDue(now: () => number): Promise<number> {
    let ran = 0;
    for (;;) {
      const batch = this.lease(now());
      if (!batch.length) return ran;
      for (const job of batch) {
        const runner = this.runners.get(job.kind)!;
        try {
          const result = await runner(job);
          this.sqlite
            .transaction(() => {
              if (this.s.done.run(now(), job.id, job.attempt).changes && result?.commit) result.commit(this.sqlite);
            })
            .immediate();
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (!this.sqlite.open) throw err;
          if (err instanceof TransientJobError)
            this.s.transient.run(now() + (err.retryInMs ?? backoff(job.attempt)), message, now(), job.id, job.attempt);
          else if (err instanceof PermanentJobError || job.attempt >= job.maxAttempts)
            this.s.failed.run(message, now(), job.id, job.attempt);
          else this.s.retry.run(now() + backoff(job.attempt), message, now(), job.id, job.attempt);
        }
        ran++;
      }
    }
  }

  counts(): JobCounts {
    const out: JobCounts = { queued: 0, running: 0, failed: 0, done: 0 };
    for (const r of this.s.counts.all() as { status: JobCols['status']; n: number }[]) out[r.status] = r.n;
    return out;
  }
}
