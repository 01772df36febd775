/** Channels of a client's auto-recharge settings: read with advice, save (with a confirmation email), dry run. */
import type { RechargeValues } from '../../../shared/recharge';
import type { HandlerMap } from '../api/registry';
import { assertCurrent } from '../audit/log';
import { dryRun } from './dry-run';
import { clientWithBalance } from '../clients/store';
import { changes, readSettings, saveSettings, settingsView, valuesOf } from './settings';

export const rechargeHandlers: HandlerMap = {
  'recharge.get': (input, ctx) =>
    settingsView(ctx.db.$client, clientWithBalance(ctx.db.$client, input.clientId), ctx.clock.now()),

  'recharge.set': (input, ctx) => {
    const sqlite = ctx.db.$client;
    const c = clientWithBalance(sqlite, input.clientId);
    const now = ctx.clock.now();
    const old = readSettings(sqlite, c.id);
    assertCurrent(sqlite, input.version, old?.version ?? 0, {
      what: "this client's automatic top-up settings",
      subjectType: 'client',
      subjectId: c.id,
      actions: ['recharge.set'],
    });
    const before = old ? valuesOf(old) : null;
    const after: RechargeValues = valuesOf(input);
    const diff = changes(before, after, c.currency);
    if (diff.length === 0) return settingsView(sqlite, c, now);
    saveSettings(sqlite, c.id, after, now, ctx.actor);
    ctx.audit('recharge.set', 'client', c.id, Object.fromEntries(diff.map((d) => [d.label, [d.before, d.after]])));
    // The client confirms what their card may be charged: the confirmation goes out in the same transaction.
    ctx.notifyLog.message({
      kind: 'settings_changed',
      clientId: c.id,
      reason: `Auto-recharge settings saved by ${ctx.actor}.`,
      data: { changes: diff },
      now,
      available: c.available,
    });
    ctx.emit({ topic: 'recharge', clientIds: [c.id] });
    ctx.emit({ topic: 'notifications', clientIds: [c.id] });
    // Already below the new thresholds: the alert and the charge start now, not at the next usage.
    ctx.charges.alert(c.id, { available: c.available }, now);
    ctx.charges.consider(c.id, { available: c.available }, now);
    return settingsView(sqlite, c, now);
  },

  'recharge.dryRun': (input, ctx) => {
    const sqlite = ctx.db.$client;
    const c = clientWithBalance(sqlite, input.clientId);
    const now = ctx.clock.now();
    const saved = readSettings(sqlite, c.id);
    return dryRun(sqlite, c, settingsView(sqlite, c, now, saved), saved, now);
  },
};
