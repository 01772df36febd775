/**
 * The scheduler on real SQLite files with an injected clock: durable jobs (lease, retry with backoff,
 * resume after a restart exactly once), the sweep (same decisions as the posting path, in slices that
 * leave the event loop free), and its interval and status.
 */
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/main/core/clock/clock';
import { clientInserter } from '../../../src/main/core/clients/insert';
import { JobQueue, LEASE_MS, PermanentJobError, type JobResult } from '../../../src/main/core/scheduler/jobs';
import { sweepInterval } from '../../../src/main/core/scheduler/scheduler';
import { T0, tempDir, testCore, withClient, type TestCore } from '../../support/core';

const HOUR = 3_600_000;
const cores: TestCore[] = [];
afterEach(() => {
  for (const c of cores.splice(0)) c.close();
});
function open(opts: Parameters<typeof testCore>[0] = {}) {
  const c = testCore(opts);
  cores.push(c);
  return c;
}

/** A database-side effect a job commits with its completion: counted, so "exactly once" can be checked. */
const bump = (sqlite: Database.Database) =>
  sqlite
    .prepare(
      `INSERT INTO scheduler_state (key, value) VALUES ('test.effect', '1') ON CONFLICT (key) DO UPDATE SET value = value + 1`,
    )
    .run();
const effects = (sqlite: Database.Database) =>
  Number(sqlite.prepare(`SELECT value FROM scheduler_state WHERE key = 'test.effect'`).pluck().get() ?? 0);
const jobRow = (sqlite: Database.Database, key: string) =>
  sqlite
    .prepare('SELECT status, attempts, last_error AS lastError, ready_at AS readyAt FROM jobs WHERE key = ?')
    .get(key) as {
    status: string;
    attempts: number;
    lastError: string | null;
    readyAt: number;
  };
const enqueue = (core: TestCore, key: string) =>
  core.db.$client.transaction(() =>
    core.jobs.enqueue({ kind: 'test.effect', key, readyAt: core.clock.now() }, core.clock.now()),
  )();
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('durable jobs', () => {
  it('one key, one job: a second enqueue adds nothing', async () => {
    const core = open();
    expect(enqueue(core, 'k1')).toBe(enqueue(core, 'k1'));
    expect(core.jobs.counts()).toEqual({ queued: 1, running: 0, failed: 0, done: 0 });
  });

  it('resumes a job after a restart in the middle of it, and finishes it exactly once', async () => {
    const dir = tempDir();
    const clock = new ManualClock(T0);
    const first = open({ dataDir: dir, inMemory: false, testClock: clock });
    const outside = new Map<string, number>(); // the world outside: dedupes by the job's key, as Stripe does
    let started = 0;
    first.jobs.register('test.effect', (job) => {
      started++;
      outside.set(job.key, (outside.get(job.key) ?? 0) + 1);
      return new Promise<JobResult>(() => {}); // the process dies before this finishes
    });
    enqueue(first, 'resume-1');
    void first.runDue();
    await until(() => started === 1);
    expect(jobRow(first.db.$client, 'resume-1')).toMatchObject({ status: 'running', attempts: 1 });
    first.close(); // the crash: the lease stays in the file

    const second = open({ dataDir: dir, inMemory: false, testClock: clock });
    const runs: number[] = [];
    second.jobs.register('test.effect', async (job) => {
      runs.push(job.attempt);
      outside.set(job.key, 1); // idempotent by key: the second call changes nothing outside
      return { commit: bump };
    });
    // Opening the ledger again puts the dead worker's job back at once (one process writes a ledger), and
    // gives back the try the stop cut short: 10 tries are still 10.
    const maxTries = () =>
      second.db.$client.prepare('SELECT max_attempts - attempts FROM jobs WHERE key = ?').pluck().get('resume-1');
    expect(jobRow(second.db.$client, 'resume-1')).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: 'interrupted: Balance Desk stopped while it ran',
    });
    expect(maxTries()).toBe(10);
    await second.runDue();
    await second.runDue();
    expect(runs).toEqual([2]);
    expect(jobRow(second.db.$client, 'resume-1')).toMatchObject({ status: 'done', attempts: 2 });
    expect(effects(second.db.$client)).toBe(1);
    expect(outside.get('resume-1')).toBe(1);
  });

  it('a worker whose lease ran out cannot finish the job another worker took over', async () => {
    const core = open();
    const other = new JobQueue(core.db.$client);
    let finishSlow: ((r: JobResult) => void) | undefined;
    core.jobs.register('test.effect', () => new Promise<JobResult>((resolve) => (finishSlow = resolve)));
    other.register('test.effect', async () => ({ commit: bump }));
    enqueue(core, 'slow-1');
    const slow = core.jobs.runDue(() => core.clock.now());
    await until(() => finishSlow !== undefined);
    core.testClock.advance(LEASE_MS);
    expect(await other.runDue(() => core.clock.now())).toBe(1);
    finishSlow!({ commit: bump });
    await slow;
    expect(jobRow(core.db.$client, 'slow-1')).toMatchObject({ status: 'done', attempts: 2 });
    expect(effects(core.db.$client)).toBe(1);
  });

  it('retries a failing job with backoff, and marks a permanent failure failed with its reason', async () => {
    const core = open();
    let calls = 0;
    core.jobs.register('test.effect', async (job) => {
      calls++;
      if (job.key === 'bad-address') throw new PermanentJobError('550 no such mailbox');
      if (job.attempt < 3) throw new Error(`server down (${job.attempt})`);
      return { commit: bump };
    });
    enqueue(core, 'flaky');
    enqueue(core, 'bad-address');
    await core.runDue();
    expect(jobRow(core.db.$client, 'flaky')).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: 'server down (1)',
      readyAt: T0 + 30_000,
    });
    expect(jobRow(core.db.$client, 'bad-address')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: '550 no such mailbox',
    });
    await core.ok('clock.advance', { ms: 29_999 });
    expect(calls).toBe(2);
    await core.ok('clock.advance', { ms: 1 });
    expect(jobRow(core.db.$client, 'flaky')).toMatchObject({
      status: 'queued',
      attempts: 2,
      readyAt: T0 + 30_000 + 60_000,
    });
    await core.ok('clock.advance', { ms: 60_000 });
    expect(jobRow(core.db.$client, 'flaky')).toMatchObject({ status: 'done', attempts: 3, lastError: null });
    expect(effects(core.db.$client)).toBe(1);
    expect((await core.ok('scheduler.status', {})).jobs).toEqual({ queued: 0, running: 0, failed: 1, done: 1 });
  });

  it('gives up after the job’s attempts and keeps the last error', async () => {
    const core = open();
    core.jobs.register('test.effect', async () => {
      throw new Error('still down');
    });
    core.db.$client.transaction(() =>
      core.jobs.enqueue({ kind: 'test.effect', key: 'twice', readyAt: T0, maxAttempts: 2 }, T0),
    )();
    await core.runDue();
    await core.ok('clock.advance', { ms: 30_000 });
    expect(jobRow(core.db.$client, 'twice')).toMatchObject({ status: 'failed', attempts: 2, lastError: 'still down' });
  });
});

/** Usage of three clients over three days, with a top-up in the middle: the same story for both runs. */
async function scenario(core: TestCore, afterEachPost: () => Promise<unknown>) {
  const { reseller, client } = await withClient(core);
  const ids = [client.id];
  for (const ref of ['C-2', 'C-3']) {
    ids.push(
      (
        await core.ok('clients.create', {
          resellerId: reseller.id,
          externalRef: ref,
          name: ref,
          billingEmail: `${ref}@x.test`,
          currency: 'USD',
        })
      ).id,
    );
  }
  for (const id of ids) await core.ok('ledger.post', { clientId: id, kind: 'top_up', amount: 4000 });
  // The profile comes once every client has money, so no client starts below a rule unseen by a post.
  await core.ok('profiles.create', {
    resellerId: reseller.id,
    name: 'Standard',
    currency: 'USD',
    maxQty: 2,
    periodHours: 6,
    staffRule: { enabled: true, threshold: 3000, notifyReseller: true, staffIds: [], emails: [] },
    clientRule: { enabled: true, threshold: 1000, notifyClient: true, emails: [] },
    inactivityRule: { enabled: true, threshold: 500, notifyClient: true, inactivityHours: 24, emails: [] },
  });
  const step = async (input: Parameters<TestCore['ok']>[1] & object) => {
    await core.ok('ledger.post', input as never);
    await afterEachPost();
  };
  for (let hour = 0; hour < 72; hour++) {
    const id = ids[hour % 3];
    if (hour < 40 || id !== ids[2]) await step({ clientId: id, kind: 'usage', amount: -150 - (hour % 5) * 20 });
    if (hour === 30) await step({ clientId: ids[1], kind: 'top_up', amount: 5000 });
    await core.ok('clock.advance', { ms: HOUR });
  }
  await core.ok('clock.advance', { ms: 24 * HOUR });
  const rows = core.db.$client
    .prepare(
      `SELECT client_id, rule, decided_at, suppressed, seq, available FROM notifications WHERE suppressed IS NOT 'period' ORDER BY client_id, rule, decided_at`,
    )
    .all();
  const states = core.db.$client.prepare('SELECT * FROM rule_states ORDER BY client_id, kind').all();
  return { rows, states };
}

describe('the sweep', () => {
  it('decides exactly as the posting path does', async () => {
    const events = open();
    const byEvents = await scenario(events, async () => {});
    const sweeps = open();
    sweeps.ledger.balanceListeners.length = 0; // no evaluation in the posting transaction: sweeps only
    const bySweeps = await scenario(sweeps, () => sweeps.scheduler.sweep());
    expect(byEvents.rows.length).toBeGreaterThan(8);
    expect(new Set(byEvents.rows.map((r) => (r as { rule: string }).rule))).toEqual(
      new Set(['staff', 'client', 'inactivity']),
    );
    expect(byEvents.rows.some((r) => (r as { suppressed: string }).suppressed === 'quota')).toBe(true);
    expect(bySweeps.rows).toEqual(byEvents.rows);
    expect(bySweeps.states).toEqual(byEvents.states);
  });

  it('runs in slices with the event loop free between them, and reports what it did', async () => {
    const core = open();
    const { reseller, client } = await withClient(core);
    await core.ok('profiles.create', {
      resellerId: reseller.id,
      name: 'Standard',
      currency: 'USD',
      clientRule: { enabled: true, threshold: 0, notifyClient: true, emails: [] },
    });
    const add = clientInserter(core.db.$client);
    core.db.$client.transaction(() => {
      for (let i = 0; i < 40_000; i++)
        add(
          {
            resellerId: reseller.id,
            externalRef: `B-${i}`,
            name: `Bulk ${i}`,
            billingEmail: 'b@x.test',
            currency: 'USD',
            status: 'active',
          },
          T0,
        );
    })();
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -1 }); // one client below $0.00
    let answered = false;
    const sweep = core.scheduler.sweep();
    const call = core.call('clients.get', { id: client.id }).then(() => (answered = true));
    const report = await sweep;
    await call;
    expect(answered).toBe(true);
    expect(report).toMatchObject({ clients: 40_001, candidates: 1, decisions: 0 });
    expect(report.slices).toBeGreaterThan(1);
    const again = core.scheduler.sweep();
    expect(again).not.toBe(sweep); // a finished sweep is not handed out again
    expect(core.scheduler.sweep()).toBe(again); // one in progress is
    await again;
    expect((await core.ok('scheduler.status', {})).lastSweep).toMatchObject({ clients: 40_001, slices: report.slices });
  });

  it('cuts a slice short at its deadline and carries on from the client where it stopped', async () => {
    const core = open();
    const { reseller } = await withClient(core);
    await core.ok('profiles.create', {
      resellerId: reseller.id,
      name: 'Standard',
      currency: 'USD',
      clientRule: { enabled: true, threshold: 100, notifyClient: true, emails: [] },
    });
    const add = clientInserter(core.db.$client);
    core.db.$client.transaction(() => {
      for (let i = 0; i < 40; i++)
        add(
          {
            resellerId: reseller.id,
            externalRef: `Z-${i}`,
            name: `Zero ${i}`,
            billingEmail: 'z@x.test',
            currency: 'USD',
            status: 'active',
          },
          T0,
        );
    })();
    // A deadline already past: the slice stops after its first few clients and says which was last.
    const cut = core.db.$client.transaction(() => core.rules.sweepSlice(1, 41, core.rules.ceiling(), T0, 0))();
    expect(cut).toEqual({ candidates: 8, decisions: 8, last: 8 });
    const report = await core.scheduler.sweep();
    expect(report.decisions).toBe(41 - 8);
    const perClient = core.db.$client
      .prepare('SELECT client_id, count(*) AS n FROM notifications GROUP BY client_id HAVING n != 1')
      .all();
    expect(perClient).toEqual([]);
    expect(core.db.$client.prepare('SELECT count(*) FROM notifications').pluck().get()).toBe(41);
  });

  it('a routine sweep looks only at clients no rule state tracks; a full one runs when asked for and once a day', async () => {
    const core = open();
    const { reseller, client } = await withClient(core);
    const profile = await core.ok('profiles.create', {
      resellerId: reseller.id,
      name: 'Standard',
      currency: 'USD',
      periodHours: 1,
      clientRule: { enabled: true, threshold: 1000, notifyClient: true, emails: [] },
    });
    await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -1 }); // tracked from here
    await core.ok('clock.advance', { ms: 0 }); // the sweep the new profile asked for: full
    expect(core.scheduler.lastSweep()).toMatchObject({ full: true, candidates: 1 });
    // A client created at zero is below the threshold without any post saying so: a routine sweep finds it.
    const quiet = await core.ok('clients.create', {
      resellerId: reseller.id,
      externalRef: 'C-2',
      name: 'Quiet',
      billingEmail: 'q@x.test',
      currency: 'USD',
    });
    await core.ok('clock.advance', { ms: 15 * 60_000 });
    expect(core.scheduler.lastSweep()).toMatchObject({ full: false, candidates: 1, decisions: 1 });
    expect((await core.ok('notifications.list', { clientId: quiet.id })).items).toHaveLength(1);
    await core.ok('clock.advance', { ms: 15 * 60_000 });
    expect(core.scheduler.lastSweep()).toMatchObject({ full: false, candidates: 0, decisions: 0 });
    // A profile change asks for a full sweep: both clients are looked at again.
    await core.ok('profiles.update', { id: profile.id, maxQty: 5 });
    await core.ok('clock.advance', { ms: 0 });
    expect(core.scheduler.lastSweep()).toMatchObject({ full: true, candidates: 2 });
    // And a day after the last full sweep, the next one is full again.
    for (let i = 0; i < 4 * 24; i++) await core.ok('clock.advance', { ms: 15 * 60_000 });
    expect(core.scheduler.lastSweep()).toMatchObject({ full: true });
  });

  it('runs every quarter of the smallest Period, between 5 minutes and an hour', async () => {
    expect(sweepInterval(null)).toBe(HOUR);
    expect(sweepInterval(HOUR)).toBe(15 * 60_000);
    expect(sweepInterval(24 * HOUR)).toBe(HOUR);
    expect(sweepInterval(60_000)).toBe(5 * 60_000);
    const core = open();
    const { reseller } = await withClient(core);
    await core.ok('profiles.create', { resellerId: reseller.id, name: 'Hourly', currency: 'USD', periodHours: 1 });
    await core.ok('clock.advance', { ms: 0 }); // the sweep the new profile asked for
    const s = await core.ok('scheduler.status', {});
    expect(s).toMatchObject({ smallestPeriodHours: 1, sweepEveryMs: 15 * 60_000, sweeping: false });
    expect(s.nextSweepAt).toBe(new Date(T0 + 15 * 60_000).toISOString());
    await core.ok('clock.advance', { ms: 15 * 60_000 });
    expect((await core.ok('scheduler.status', {})).lastSweep?.startedAt).toBe(new Date(T0 + 15 * 60_000).toISOString());
  });

  it('keeps its place across a restart: a rule waiting for its Period fires after reopening', async () => {
    const dir = tempDir();
    const clock = new ManualClock(T0);
    const first = open({ dataDir: dir, inMemory: false, testClock: clock });
    const { reseller, client } = await withClient(first);
    await first.ok('profiles.create', {
      resellerId: reseller.id,
      name: 'Standard',
      currency: 'USD',
      periodHours: 2,
      clientRule: { enabled: true, threshold: 1000, notifyClient: true, emails: [] },
    });
    await first.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -1 });
    expect((await first.ok('scheduler.status', {})).watching).toBe(1);
    first.close();
    clock.advance(2 * HOUR);
    const second = open({ dataDir: dir, inMemory: false, testClock: clock });
    const before = await second.ok('scheduler.status', {});
    expect(before).toMatchObject({ watching: 1, nextCheckAt: new Date(T0 + 2 * HOUR).toISOString() });
    await second.runDue();
    const log = await second.ok('notifications.list', { clientId: client.id });
    expect(log.items.map((n) => n.seq)).toEqual([2, 1]);
    // With no SMTP server set up, both went to the outbox folder: the first one's job survived the restart.
    expect(log.items.map((n) => [n.status, n.via])).toEqual([
      ['sent', 'outbox'],
      ['sent', 'outbox'],
    ]);
    expect((await second.ok('scheduler.status', {})).jobs).toMatchObject({ queued: 0, done: 2 });
  });
});
