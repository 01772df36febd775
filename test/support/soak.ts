/**
 * The soak (issue 7): the built headless host (out/main/headless.js, the product) as a child process on
 * a test clock, pointed at the Stripe-compatible test server and a real SMTP server, both in this process.
 * Usage is posted so that auto top-ups, failovers, cooldowns and notifications happen all the time, the
 * clock moves on (running the due work: charges, polls, mail), and the host is killed with SIGKILL at
 * random instants — in the middle of a charge, a send, a post — and started again. With `faults`, Stripe
 * answers 500s and loses answers now and then, and the SMTP server goes away for a while.
 *
 * At the end the host is started once more and left to drain (bank debits settled at Stripe, the clock
 * moved on by hours), stopped, and the books are checked:
 * - every PaymentIntent that succeeded at Stripe has exactly one `top_up` entry, and no `top_up` entry
 *   names a PaymentIntent that did not succeed;
 * - every client's balance equals the sum of its entries;
 * - every notification marked sent arrived at the SMTP server (by Message-ID), none arrived that the
 *   log does not know; duplicates are counted apart: a kill between the server's OK and the commit that
 *   marks the row sent makes the retry deliver it again (at-least-once; the Message-ID lets a mail
 *   client fold the two);
 * - no job is left queued or running, no charge attempt is left open.
 *
 * `npm run soak` runs 100 kills with faults (test/support/soak-main.ts); `npm test` runs 5 without
 * (test/integration/soak/soak.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { messageIdOf } from '../../src/main/core/notifications/query';
import { seeded } from '../../bench/lib/data';
import { callBuiltHost, startBuiltHost, type BuiltHost } from './built-host';
import { startSmtpServer } from './smtp';
import { SANDBOX_API_KEY, startStripeServer } from './stripe/server';

export interface SoakOptions {
  kills: number;
  clients?: number;
  /** Stripe 500s and lost answers, SMTP down for a while. */
  faults?: boolean;
  seed?: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  kills: number;
  rounds: number;
  posts: number;
  charges: { succeeded: number; failed: number; attempts: number };
  credits: number;
  emails: { sent: number; received: number; duplicates: number; queued: number };
  /** Each must be 0. */
  discrepancies: {
    paymentsWithoutOneCredit: number;
    creditsWithoutPayment: number;
    balancesOff: number;
    sentNotReceived: number;
    receivedUnknown: number;
    jobsStuck: number;
    attemptsOpen: number;
    integrity: number;
  };
  seconds: number;
}

type Running = BuiltHost;

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const log = o.log ?? (() => {});
  const rnd = seeded(o.seed ?? 20261121);
  const clients = o.clients ?? 24;
  const t0 = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-soak-'));
  const stripe = await startStripeServer();
  const smtp = await startSmtpServer();
  let host: Running | null = null;
  // The host's test clock starts at the wall clock; the soak's time only moves on from there.
  let clock = Date.now();
  let kills = 0;
  let rounds = 0;
  let posts = 0;

  const start = async (): Promise<Running> => {
    const r = await startBuiltHost(dir, {
      args: ['--test-clock'],
      env: { STRIPE_API_BASE: stripe.url, STRIPE_SECRET_KEY: SANDBOX_API_KEY, SMTP_URL: smtp.url },
    });
    // The test clock starts at the wall clock: put it back where the soak's time had got to.
    clock = Math.max(clock, Date.now()) + 60_000;
    try {
      await call(r, 'clock.set', { iso: new Date(clock).toISOString() });
    } catch (e) {
      r.proc.kill('SIGKILL');
      throw e;
    }
    return r;
  };
  const call = callBuiltHost;
  const stop = async (h: Running, signal: NodeJS.Signals) => {
    const exited = new Promise((r) => h.proc.once('exit', r));
    h.proc.kill(signal);
    await exited;
  };

  try {
    host = await start();
    const h0 = host;
    const reseller = (await call(h0, 'resellers.create', { name: 'Soak Telecom', email: 'ops@soak.test' })) as {
      id: number;
    };
    const ids: number[] = [];
    // Cards chosen so that charges succeed, fail over, and fail: a third each, one client in six by bank debit.
    const CARDS = [
      ['pm_card_visa'],
      ['pm_card_chargeDeclined', 'pm_card_visa'],
      ['pm_card_chargeDeclinedInsufficientFunds', 'pm_card_mastercard'],
      ['pm_card_visa'],
      ['pm_card_chargeDeclinedExpiredCard'],
      ['pm_usBankAccount_success'],
    ];
    for (let i = 0; i < clients; i++) {
      const c = (await call(h0, 'clients.create', {
        resellerId: reseller.id,
        externalRef: `S-${i + 1}`,
        name: `Soak client ${i + 1}`,
        billingEmail: `c${i + 1}@soak.test`,
        currency: 'USD',
      })) as { id: number };
      ids.push(c.id);
      await call(h0, 'ledger.post', { clientId: c.id, kind: 'top_up', amount: 10_000, externalId: `open-${c.id}` });
      const linked = (await call(h0, 'methods.link', { clientId: c.id })) as { customerId: string };
      for (const token of [...CARDS[i % CARDS.length]].reverse())
        stripe.attachTestPaymentMethod(linked.customerId, token);
      await call(h0, 'methods.refresh', { clientId: c.id });
      await call(h0, 'recharge.set', {
        clientId: c.id,
        mode: 'auto',
        enabled: true,
        alertThreshold: 8000,
        triggerThreshold: 5000,
        rechargeAmount: 20_000,
        dailyCap: 200_000,
      });
    }
    log(`soak: ${clients} clients linked to Stripe, on automatic top-up`);

    let smtpDown = 0;
    while (kills < o.kills) {
      rounds++;
      const h = host!;
      if (o.faults) {
        const f = rnd();
        if (f < 0.15) stripe.fail({ times: 1, status: 500 }, { method: 'POST', path: '/v1/payment_intents' });
        else if (f < 0.3) stripe.fail({ times: 1, mode: 'lost' }, { method: 'POST', path: '/v1/payment_intents' });
        else if (f < 0.35 && !smtpDown) {
          await smtp.stop();
          smtpDown = 3;
        }
        if (smtpDown && --smtpDown === 0) await smtp.start();
      }
      // A round: some usage, then the clock moves on and the due work runs; a kill may fall anywhere in it.
      const killAt = rnd() < 0.6 ? 5 + Math.floor(rnd() * 120) : null;
      let killed = false;
      const timer =
        killAt === null
          ? null
          : setTimeout(() => {
              killed = true;
              h.proc.kill('SIGKILL');
            }, killAt);
      try {
        for (let p = 0; p < 4; p++) {
          const clientId = ids[Math.floor(rnd() * ids.length)];
          await call(h, 'ledger.post', {
            clientId,
            kind: 'usage',
            amount: -(500 + Math.floor(rnd() * 4000)),
            externalId: `u-${rounds}-${p}`,
          });
          posts++;
        }
        const step = (5 + Math.floor(rnd() * 30)) * 60_000;
        clock += step;
        await call(h, 'clock.advance', { ms: step });
      } catch (e) {
        if (!killed) throw e;
      }
      if (timer) clearTimeout(timer);
      if (killed) {
        await new Promise((r) =>
          h.proc.exitCode !== null || h.proc.signalCode !== null ? r(null) : h.proc.once('exit', r),
        );
        kills++;
        host = await start();
        if (kills % 10 === 0)
          log(`soak: ${kills} kills, ${rounds} rounds, ${stripe.paymentIntents().length} payment intents`);
      }
    }

    // Drain: everything up, bank debits settled, hours pass; until nothing is left to do.
    if (smtpDown) await smtp.start();
    const h = host!;
    for (let i = 0; i < 40; i++) {
      for (const pi of stripe.paymentIntents({ status: 'processing' }))
        stripe.settle(pi.id as string, rnd() < 0.8 ? 'succeeded' : 'failed');
      clock += 3_600_000;
      await call(h, 'clock.advance', { ms: 3_600_000 });
      const s = (await call(h, 'scheduler.status', {})) as { jobs: { queued: number; running: number } };
      const open = ((await call(h, 'charges.list', { limit: 500 })) as { items: { status: string }[] }).items.filter(
        (a) => ['queued', 'charging', 'processing'].includes(a.status),
      ).length;
      if (s.jobs.queued + s.jobs.running === 0 && open === 0) break;
    }
    await stop(h, 'SIGTERM');
    host = null;

    // The books.
    const db = new Database(path.join(dir, 'ledger.sqlite'), { readonly: true });
    try {
      const integrity = db.pragma('integrity_check', { simple: true }) === 'ok' ? 0 : 1;
      const credits = db
        .prepare(`SELECT external_id FROM ledger_entries WHERE kind = 'top_up' AND external_id LIKE 'pi_%'`)
        .pluck()
        .all() as string[];
      const succeeded = new Set(stripe.paymentIntents({ status: 'succeeded' }).map((p) => p.id as string));
      const perPi = new Map<string, number>();
      for (const c of credits) perPi.set(c, (perPi.get(c) ?? 0) + 1);
      const paymentsWithoutOneCredit = [...succeeded].filter((id) => perPi.get(id) !== 1).length;
      const creditsWithoutPayment = credits.filter((c) => !succeeded.has(c)).length;
      const balancesOff = db
        .prepare(
          'SELECT count(*) FROM balances b WHERE b.balance <> (SELECT coalesce(sum(amount), 0) FROM ledger_entries e WHERE e.client_id = b.client_id)',
        )
        .pluck()
        .get() as number;
      const install = JSON.parse(
        db.prepare(`SELECT value FROM settings WHERE key = 'install_id'`).pluck().get() as string,
      ) as string;
      const rows = db.prepare(`SELECT id, status FROM notifications WHERE status IN ('sent', 'queued')`).all() as {
        id: number;
        status: string;
      }[];
      const received = new Map<string, number>();
      for (const m of smtp.received) received.set(m.messageId, (received.get(m.messageId) ?? 0) + 1);
      const sentIds = new Set(rows.filter((r) => r.status === 'sent').map((r) => messageIdOf(r.id, install)));
      const known = new Set(rows.map((r) => messageIdOf(r.id, install)));
      const sentNotReceived = [...sentIds].filter((m) => !received.has(m)).length;
      const receivedUnknown = [...received.keys()].filter((m) => !known.has(m) && !m.includes('test-')).length;
      const duplicates = [...received.values()].filter((n) => n > 1).length;
      const jobsStuck = db
        .prepare(`SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')`)
        .pluck()
        .get() as number;
      const attemptsOpen = db
        .prepare(`SELECT count(*) FROM charge_attempts WHERE status IN ('queued', 'charging', 'processing')`)
        .pluck()
        .get() as number;
      const attempts = db.prepare(`SELECT status, count(*) AS n FROM charge_attempts GROUP BY status`).all() as {
        status: string;
        n: number;
      }[];
      const n = (s: string) => attempts.find((a) => a.status === s)?.n ?? 0;
      return {
        kills,
        rounds,
        posts,
        charges: { succeeded: succeeded.size, failed: n('failed'), attempts: attempts.reduce((t, a) => t + a.n, 0) },
        credits: credits.length,
        emails: { sent: sentIds.size, received: smtp.received.length, duplicates, queued: rows.length - sentIds.size },
        discrepancies: {
          paymentsWithoutOneCredit,
          creditsWithoutPayment,
          balancesOff,
          sentNotReceived,
          receivedUnknown,
          jobsStuck,
          attemptsOpen,
          integrity,
        },
        seconds: Math.round((performance.now() - t0) / 1000),
      };
    } finally {
      db.close();
    }
  } finally {
    if (host) await stop(host, 'SIGKILL').catch(() => {});
    await smtp.stop().catch(() => {});
    await stripe.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
