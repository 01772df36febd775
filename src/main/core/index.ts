/**
 * The core: the ledger database, the registry of channels and the clock, with no Electron in sight.
 * The Electron main process, the headless host and the tests all host this same object.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contracts, testClockChannels, type ChangeEvent } from '../../shared/contracts';
import { iso, systemClock, type Clock } from './clock/clock';
import { checkpointIdle, openDb } from './db/open';
import { Ledger } from './ledger/post';
import { createRegistry, runsDueWorkAfter, type Ctx } from './api/registry';
import { deskLabel, Sessions } from './session/sessions';
import { OfficeHost } from './office/host';
import { officeHandlers } from './office/handlers';
import { sessionHandlers } from './session/handlers';
import { appHandlers } from './app/handlers';
import { testClockHandlers } from './clock/handlers';
import { clientHandlers } from './clients/handlers';
import { resellerHandlers } from './resellers/handlers';
import { staffHandlers } from './staff/handlers';
import { RuleEngine } from './profiles/engine';
import { profileHandlers } from './profiles/handlers';
import { thresholdHandlers } from './thresholds/handlers';
import { schedulerHandlers } from './scheduler/handlers';
import { JobQueue } from './scheduler/jobs';
import { Scheduler } from './scheduler/scheduler';
import { ledgerHandlers } from './ledger/handlers';
import { holdHandlers } from './holds/handlers';
import { auditHandlers } from './audit/handlers';
import { notificationHandlers } from './notifications/handlers';
import { mailHandlers } from './mail/handlers';
import { outboxHandlers } from './outbox/handlers';
import { NotificationLog } from './notifications/log';
import { Notifier } from './mail/notifier';
import { exportHandlers } from './exports/handlers';
import { rechargeHandlers } from './recharge/handlers';
import { Charges } from './charges/flow';
import { chargeHandlers } from './charges/handlers';
import { dashboardHandlers } from './dashboard/handlers';
import { stripeHandlers } from './stripe/handlers';
import { methodHandlers } from './methods/handlers';
import { Payments } from './stripe/service';
import { Exporter } from './exports/exporter';
import { keyfileBox } from './settings/secrets';
import { SettingsStore } from './settings/store';
import { dbFile } from './db/paths';
import { isEmpty, seedDemo } from './demo/ledger';
import { DemoClock } from './demo/clock';

export const VERSION = '0.1.0';

export type { CallOptions, Core, CoreOptions } from './types';

import type { CallOptions, Core, CoreOptions } from './types';

export function createCore(opts: CoreOptions): Core {
  const file = opts.file ?? (opts.dataDir ? dbFile(opts.dataDir) : undefined);
  if (!file) throw new Error('createCore needs a dataDir or a file');
  const db = openDb({ file, nativeBinding: opts.nativeBinding, migrationsFolder: opts.migrationsFolder });
  const hostClock: Clock = opts.testClock ?? opts.clock ?? systemClock;
  // A demo ledger's auto-recharge history is made weeks in the past by the core's own charge flow: a demo
  // core reads the host's clock through one that the demo can hold at those moments (demo-clock.ts).
  const clock: Clock = opts.demo ? new DemoClock(hostClock) : hostClock;
  const ledger = new Ledger(db);
  const events = new EventEmitter();
  events.setMaxListeners(100);
  const emit = (e: ChangeEvent) => events.emit('change', e);
  const jobs = new JobQueue(db.$client);
  // Jobs the last process was running when it stopped run again now, without losing a try.
  jobs.recoverInterrupted(clock.now());
  const notifyLog = new NotificationLog(db.$client, jobs);
  const rules = new RuleEngine(db.$client, notifyLog);
  const settings = new SettingsStore(db.$client);
  // Made now, so that no reading channel ever writes it.
  settings.installId(clock.now());
  // A core without a data folder (tests) keeps its files in a temporary folder of its own.
  const filesDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'balance-desk-'));
  // Its own temporary folder goes when the core closes (a test run made hundreds and left them).
  const ownFilesDir = opts.dataDir ? null : filesDir;
  const secrets = opts.secrets ?? keyfileBox(opts.dataDir ?? null);
  const payments = new Payments({
    settings,
    secrets,
    envKey: opts.stripeKey,
    apiBase: opts.stripeApiBase,
    apiBaseTestKeysOnly: opts.stripeApiBaseTestOnly,
    timeoutMs: opts.stripeTimeoutMs,
  });
  const notifier = new Notifier({
    sqlite: db.$client,
    clock,
    settings,
    secrets,
    jobs,
    log: notifyLog,
    outboxDir: opts.outboxDir ?? path.join(filesDir, 'outbox'),
    smtpUrl: opts.smtpUrl,
    emit,
  });
  const charges = new Charges({ sqlite: db.$client, clock, jobs, ledger, notifyLog, payments, settings, emit });
  // Auto-recharge is considered in the transaction of every entry and hold that lowers a balance.
  ledger.balanceListeners.push((clientId, state, now, lowered) => charges.onBalance(clientId, state, now, lowered));
  const exporter = new Exporter({
    sqlite: db.$client,
    clock,
    dir: path.join(filesDir, 'exports'),
    installId: () => settings.installId(clock.now()),
    emit,
    saveDialog: opts.saveDialog,
    // Its worker threads open the database with the same native module as the core (Electron's, in the app).
    nativeBinding: opts.nativeBinding,
  });
  // Rules are evaluated inside the transaction of every entry and hold that moves a balance.
  ledger.balanceListeners.push((clientId, state, now, lowered) => rules.onBalance(clientId, state, now, lowered));
  const scheduler = new Scheduler(db.$client, rules, jobs, clock, emit);
  // The recharge check first, so that the charges it starts run in the same pass.
  const dueWork: (() => Promise<unknown> | void)[] = [() => charges.checkDue(), () => scheduler.runDue()];
  // The run-dry forecasts, refreshed hourly: time alone moves a rate (src/main/core/ledger/forecast.ts).
  dueWork.push(async () => {
    if (
      ledger.forecast.refreshDue(clock.now()) &&
      (
        await ledger.forecast.refresh(
          () => clock.now(),
          () => db.$client.open,
        )
      ).changed
    )
      emit({ topic: 'clients' });
  });
  // The WAL is folded into the file four times a second, between calls, so no commit pays for it. This goes
  // on between the slices of a sweep too: skipped there, the WAL grows until a commit pays for an automatic
  // checkpoint of all of it (a 180 ms slice instead of 30 ms in the benchmark). Once a second was too
  // seldom under heavy writing: a checkpoint of a second's work (about 40 ms) right after a 30 ms slice held
  // the event loop 70 ms in the benchmark's checkDue; at 250 ms each is under 10 ms, and an idle one costs
  // next to nothing.
  const checkpoints = setInterval(() => checkpointIdle(db), 250);
  checkpoints.unref();

  const runDue = async () => {
    for (const w of dueWork) await w();
  };

  const appInfo = appHandlers(() => ({
    version: VERSION,
    dataDir: opts.dataDir ?? file,
    demo: !!opts.demo,
    testClock: !!opts.testClock,
    now: iso(clock.now()),
    host: opts.host ?? 'headless',
  }));
  const testClock = opts.testClock;
  const clockChannels = testClock ? testClockHandlers(testClock, runDue, () => emit({ topic: 'clock' })) : {};

  const sessions = new Sessions(db.$client, clock, opts.scryptLogN);
  const office = new OfficeHost();
  office.onChange(() => emit({ topic: 'office' }));
  const handlerMaps = [
    appInfo,
    clockChannels,
    sessionHandlers,
    resellerHandlers,
    staffHandlers,
    clientHandlers,
    ledgerHandlers,
    holdHandlers,
    auditHandlers,
    profileHandlers,
    thresholdHandlers,
    schedulerHandlers,
    notificationHandlers,
    mailHandlers,
    outboxHandlers,
    exportHandlers,
    rechargeHandlers,
    stripeHandlers,
    methodHandlers,
    chargeHandlers,
    dashboardHandlers,
    officeHandlers,
  ];
  const registry = createRegistry(contracts, handlerMaps, { optional: testClock ? [] : testClockChannels });
  // The channels whose handler is marked to set the due work going once it has committed (api/registry.ts runsDueWork; the staff Retry).
  const runDueAfter = new Set(
    handlerMaps.flatMap((m) => Object.entries(m).flatMap(([name, h]) => (runsDueWorkAfter(h) ? [name] : []))),
  );

  /** The caller's name, role and staff id; null for a session token that is unknown or has ended. */
  const caller = (o: CallOptions): Pick<Ctx, 'actor' | 'role' | 'staffId' | 'desk'> | null => {
    const desk = o.from ? deskLabel(o.from) : null;
    const fallback = { actor: o.actor ?? 'desk', role: o.role ?? 'admin', staffId: null, desk };
    const signedOut = { actor: o.actor ?? 'desk', role: null, staffId: null, desk };
    if (!('session' in o) && !o.remote) return fallback;
    if (o.session) {
      const c = sessions.resolve(o.session);
      return c && { ...c, desk: desk ?? c.desk };
    }
    // From the network, only a session says who calls: the before-sign-in admin never leaves this machine.
    return o.remote || sessions.required() ? signedOut : fallback;
  };

  let demoSeeded = false;
  const core: Core = {
    db,
    clock,
    ledger,
    rules,
    scheduler,
    jobs,
    settings,
    notifyLog,
    notifier,
    exporter,
    payments,
    charges,
    registry,
    office,
    sessions,
    channels: registry.channels,
    get demoSeeded() {
      return demoSeeded;
    },
    async call(channel, input, callOpts = {}) {
      const who = caller(callOpts);
      if (!who)
        return {
          ok: false,
          error: {
            kind: 'unauthorized',
            message: 'your session has ended (signed out, 12 hours idle, or Balance Desk restarted): sign in again',
          },
        };
      const result = await registry.dispatch(channel, input, {
        db,
        ledger,
        rules,
        scheduler,
        settings,
        notifyLog,
        notifier,
        exporter,
        payments,
        charges,
        clock,
        sessions,
        session: callOpts.session ?? null,
        from: callOpts.from ?? { name: null, address: null },
        office,
        ...who,
        emit,
      });
      // A rolled-back change may have filled the profile cache with what never committed.
      const c = registry.contract(channel);
      if (!result.ok && (c?.mutates || c?.work)) rules.invalidate();
      const touched = rules.drainTouched();
      if (touched.length) emit({ topic: 'notifications', clientIds: touched });
      // A marked handler's work (a staff Retry's charge) runs at once, not at the next tick (a test clock runs work when moved).
      if (result.ok && runDueAfter.has(channel) && !testClock)
        void runDue().catch((e: unknown) => opts.log?.(`due work failed: ${(e as Error).message}`));
      return result;
    },
    runDue,
    onChange(listener) {
      events.on('change', listener);
      return () => events.off('change', listener);
    },
    close() {
      scheduler.stop();
      charges.stop();
      void exporter.close().finally(() => {
        if (ownFilesDir) fs.rmSync(ownFilesDir, { recursive: true, force: true });
      });
      notifier.close();
      clearInterval(checkpoints);
      events.removeAllListeners();
      if (db.$client.open) db.$client.close();
    },
  };
  if (opts.demo && isEmpty(core)) {
    opts.log?.('Filling the demo ledger (first start only)…');
    const seeded = seedDemo(core);
    opts.log?.(`Demo ledger ready: ${seeded.clients} clients, ${seeded.entries} entries.`);
    demoSeeded = true;
  }
  return core;
}
