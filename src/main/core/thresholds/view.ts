/**
 * A client's thresholds as they apply now: each rule of its profile with the client's own overrides (the
 * client_thresholds table, which this folder owns), whether the client is below it, and its notices so far.
 */
import type { ClientThresholds, RuleKind, RuleView } from '../../../shared/contracts';
import { invalid, notFound } from '../../../shared/result';
import { iso, isoOrNull } from '../clock/clock';
import type { Ctx } from '../api/registry';
import { RULE_KINDS } from '../db/schema';
import { HOUR_MS as HOUR, RUN_DRY_NEVER } from '../../../shared/forecast';
import { isBelow, type EffectiveRule } from '../profiles/decide';
import { effectiveRule, PROFILE_IN_FORCE } from '../profiles/engine';
import { ruleStatesOf, type RuleStateView } from '../profiles/store';

const CLIENT_RULE_KINDS = RULE_KINDS.filter((k): k is RuleKind => k !== 'forecast');

/** A client's rules as they apply now, with where each value comes from. */
export function clientThresholds(
  ctx: Pick<Ctx, 'db' | 'rules' | 'clock'>,
  clientId: number,
  field = 'clientId',
): ClientThresholds {
  const sqlite = ctx.db.$client;
  const c = sqlite
    .prepare(
      `SELECT c.id, c.currency, c.status, c.profile_id, c.thresholds_version, ${PROFILE_IN_FORCE} AS pid, b.available, b.run_dry_at FROM clients c JOIN balances b ON b.client_id = c.id WHERE c.id = ?`,
    )
    .get(clientId) as
    | {
        id: number;
        currency: string;
        status: string;
        profile_id: number | null;
        thresholds_version: number;
        pid: number | null;
        available: number;
        run_dry_at: number;
      }
    | undefined;
  if (!c)
    throw field === 'id'
      ? notFound(`client ${clientId} does not exist`)
      : invalid(field, `${field} ${clientId} is not a client`);
  const profile = c.pid === null ? null : (ctx.rules.profiles().get(c.pid) ?? null);
  const overrides = sqlite
    .prepare('SELECT kind, threshold, enabled FROM client_thresholds WHERE client_id = ?')
    .all(clientId) as { kind: RuleKind; threshold: number | null; enabled: number }[];
  const states = ruleStatesOf(sqlite, clientId);
  // The forecast rule has no threshold a client could override: it is not among the rules, but beside them.
  const rules: RuleView[] = CLIENT_RULE_KINDS.map((kind) => {
    const o = overrides.find((x) => x.kind === kind);
    const override = o ? { threshold: o.threshold, enabled: o.enabled === 1 } : null;
    const eff = effectiveRule(kind, profile, override ?? undefined, c.status === 'closed');
    const st = states.find((s) => s.kind === kind);
    const base = profile?.rules[kind];
    return {
      kind,
      enabled: eff.enabled,
      threshold: eff.threshold,
      thresholdSource: eff.thresholdSource,
      enabledSource: eff.enabledSource,
      profileEnabled: base?.enabled ?? false,
      profileThreshold: base?.threshold ?? 0,
      override,
      inactivityHours: kind === 'inactivity' && base?.inactivityMs != null ? base.inactivityMs / HOUR : null,
      below: eff.enabled && c.available < eff.threshold,
      sent: st?.sent ?? 0,
      lastSentAt: isoOrNull(st?.lastSentAt),
      nextCheckAt: isoOrNull(st?.nextCheckAt),
    };
  });
  return {
    clientId,
    currency: c.currency,
    available: c.available,
    profile: profile
      ? {
          id: profile.id,
          name: profile.name,
          source: c.profile_id === null ? 'default' : 'assigned',
          maxQty: profile.maxQty,
          periodHours: profile.periodMs / HOUR,
        }
      : null,
    rules,
    forecast: profile
      ? forecastView(ctx, effectiveRule('forecast', profile, undefined, c.status === 'closed'), c, states)
      : null,
    version: c.thresholds_version,
  };
}

function forecastView(
  ctx: Pick<Ctx, 'clock'>,
  rule: EffectiveRule,
  c: { available: number; run_dry_at: number },
  states: RuleStateView[],
): ClientThresholds['forecast'] {
  const st = states.find((s) => s.kind === 'forecast');
  return {
    enabled: rule.enabled,
    withinHours: (rule.horizonMs ?? 0) / HOUR,
    runDryAt: c.run_dry_at >= RUN_DRY_NEVER ? null : iso(c.run_dry_at),
    // The engine's own test (isBelow), on the stored forecast.
    within:
      rule.enabled &&
      isBelow(
        rule,
        { available: c.available, lastDebitAt: null, createdAt: 0, runDryAt: c.run_dry_at },
        ctx.clock.now(),
      ),
    sent: st?.sent ?? 0,
    lastSentAt: isoOrNull(st?.lastSentAt),
    nextCheckAt: isoOrNull(st?.nextCheckAt),
  };
}
