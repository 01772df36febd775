/** clients.forecast: a client's run-dry forecast as of now, with the threshold suggestion. */
import { crossingAt, RUN_DRY_NEVER } from '../../../shared/forecast';
import type { HandlerMap } from '../api/registry';
import { iso, isoOrNull } from '../clock/clock';
import { clientThresholds } from '../profiles/handlers';
import { averageDailySpend } from './spend';
import { figuresOf, parseDays } from './store';

export const forecastHandlers: HandlerMap = {
  'clients.forecast': (input, ctx) => {
    const t = clientThresholds(ctx, input.clientId);
    const now = ctx.clock.now();
    const c = ctx.db.$client.prepare("SELECT c.created_at, coalesce(u.days, '[]') AS usage_days FROM clients c LEFT JOIN usage_days u ON u.client_id = c.id WHERE c.id = ?").get(input.clientId) as {
      created_at: number;
      usage_days: string;
    };
    // Computed now, as posting computes the stored figures (the list's), so the two agree after any post.
    const f = figuresOf(parseDays(c.usage_days), t.available, c.created_at, now);
    const spend = averageDailySpend(ctx.db.$client, { id: input.clientId, created_at: c.created_at }, now);
    return {
      clientId: input.clientId,
      currency: t.currency,
      available: t.available,
      burnPerHour: f.burnRate,
      burnPerDay: Math.round(f.burnRate * 24),
      runDryAt: f.runDryAt >= RUN_DRY_NEVER ? null : iso(f.runDryAt),
      thresholds: t.rules.filter((r) => r.enabled).map((r) => ({ kind: r.kind, threshold: r.threshold, crossesAt: isoOrNull(crossingAt(t.available, r.threshold, f.burnRate, now)) })),
      averageDailySpend: spend.average,
      spendDays: spend.days,
      suggestedThreshold: 2 * spend.average,
    };
  },
};
