/** thresholds.*: a client's own thresholds (overrides of its profile's rules), read, set and cleared. */
import type { Ctx, HandlerMap } from '../api/registry';
import { assertCurrent } from '../audit/log';
import { bumpThresholdsVersion } from '../clients/store';
import { clientThresholds } from './view';

/** The client's thresholds as they are before a save, refused when the form loaded another version of them. */
function current(ctx: Ctx, clientId: number, version: number | undefined) {
  const view = clientThresholds(ctx, clientId);
  assertCurrent(ctx.db.$client, version, view.version, {
    what: "this client's thresholds",
    subjectType: 'client',
    subjectId: clientId,
    actions: ['threshold.set', 'threshold.clear'],
  });
  return view;
}

export const thresholdHandlers: HandlerMap = {
  'thresholds.get': (input, ctx) => clientThresholds(ctx, input.clientId, 'id'),

  'thresholds.set': (input, ctx) => {
    current(ctx, input.clientId, input.version);
    const now = ctx.clock.now();
    ctx.db.$client
      .prepare(
        `INSERT INTO client_thresholds (client_id, kind, threshold, enabled, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (client_id, kind) DO UPDATE SET threshold = excluded.threshold, enabled = excluded.enabled, updated_at = excluded.updated_at`,
      )
      .run(input.clientId, input.kind, input.threshold, input.enabled ? 1 : 0, now);
    bumpThresholdsVersion(ctx.db, input.clientId);
    ctx.audit('threshold.set', 'client', input.clientId, {
      rule: input.kind,
      threshold: input.threshold,
      enabled: input.enabled,
    });
    ctx.rules.invalidate(); // the ceiling may have moved
    ctx.rules.evaluateClient(input.clientId, now, 'check');
    ctx.emit({ topic: 'thresholds', clientIds: [input.clientId] });
    return clientThresholds(ctx, input.clientId);
  },

  'thresholds.clear': (input, ctx) => {
    current(ctx, input.clientId, input.version);
    const now = ctx.clock.now();
    const removed = ctx.db.$client
      .prepare('DELETE FROM client_thresholds WHERE client_id = ? AND kind = ?')
      .run(input.clientId, input.kind).changes;
    if (removed) {
      bumpThresholdsVersion(ctx.db, input.clientId);
      ctx.audit('threshold.clear', 'client', input.clientId, { rule: input.kind });
      ctx.rules.invalidate();
      ctx.rules.evaluateClient(input.clientId, now, 'check');
      ctx.emit({ topic: 'thresholds', clientIds: [input.clientId] });
    }
    return clientThresholds(ctx, input.clientId);
  },
};
