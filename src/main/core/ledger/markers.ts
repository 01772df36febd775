/**
 * What ledger.series marks on a client's balance chart besides the line: the thresholds in force now,
 * and the top-ups, failed charge attempts and notifications in the range, at most SERIES_MARKERS of each
 * kind (events that fall in one slice of the range share a marker that counts them), so a client with a
 * million entries costs the same few hundred markers as one with ten.
 */
import { failedGroups } from '../charges/store';
import { noteGroups } from '../notifications/query';
import type { MarkerGroup } from './marker-group';
import { readSettings } from '../recharge/settings';
import { SERIES_MARKERS, type SeriesMarker } from '../../../shared/contracts/ledger';
import type { Ctx } from '../api/registry';
import { iso } from '../clock/clock';
import { clientThresholds } from '../thresholds/view';

type Threshold = { kind: 'staff' | 'client' | 'inactivity' | 'alert' | 'trigger'; label: string; amount: number };

const RULE_LABEL = { staff: 'Reseller staff rule', client: 'Client rule', inactivity: 'Inactivity rule' } as const;

/** The client's low balance rules that are on, and its automatic top-up's alert and trigger while it is on. */
export function seriesThresholds(ctx: Pick<Ctx, 'db' | 'rules' | 'clock'>, clientId: number): Threshold[] {
  const out: Threshold[] = clientThresholds(ctx, clientId)
    .rules.filter((r) => r.enabled)
    .map((r) => ({ kind: r.kind, label: RULE_LABEL[r.kind], amount: r.threshold }));
  const r = readSettings(ctx.db.$client, clientId);
  if (r && r.enabled && r.mode !== 'off') {
    if (r.alertThreshold !== null) out.push({ kind: 'alert', label: 'Top-up alert', amount: r.alertThreshold });
    if (r.mode === 'auto') out.push({ kind: 'trigger', label: 'Automatic top-up trigger', amount: r.triggerThreshold });
  }
  return out;
}

/** One group of top-ups as the series' bucket query adds them up. */
export interface TopUpGroup {
  group: number;
  t0: number;
  t1: number;
  n: number;
  amount: number;
  id: number;
}

/** A marker's events before it is a marker: the same shape for top-ups, failed attempts and notifications. */
type Group = MarkerGroup;

const marker = (kind: SeriesMarker['kind'], g: Group): SeriesMarker => ({
  kind,
  at: iso(g.t0),
  until: iso(g.t1),
  count: g.n,
  amount: g.amount,
  text: g.n === 1 ? g.text : null,
  id: g.n === 1 ? g.id : null,
});

/** The width of a marker's slice of [origin, to]: whole buckets of `width`, at most SERIES_MARKERS slices. */
export function markerWidth(origin: number, to: number, width: number): number {
  return width * Math.max(1, Math.ceil((to - origin + 1) / width / SERIES_MARKERS));
}

/**
 * The markers of [from, to]: top-ups from the groups the buckets made (merged into slices of `mw` counted
 * from `origin`, where the buckets start), failed attempts and notifications grouped here by the same slices.
 */
export function seriesMarkers(
  ctx: Pick<Ctx, 'db'>,
  clientId: number,
  range: { from: number; to: number; origin: number; mw: number },
  topUps: TopUpGroup[],
) {
  const { from, to, origin, mw } = range;
  const sqlite = ctx.db.$client;
  const merged = new Map<number, Group>();
  for (const t of topUps) {
    if (!t.n) continue;
    const g = merged.get(t.group);
    if (!g) merged.set(t.group, { t0: t.t0, t1: t.t1, n: t.n, amount: t.amount, id: t.id, text: null });
    else {
      g.t1 = t.t1;
      g.n += t.n;
      g.amount! += t.amount;
    }
  }
  const single = sqlite.prepare('SELECT description FROM ledger_entries WHERE id = ?').pluck();
  for (const g of merged.values()) if (g.n === 1) g.text = (single.get(g.id) as string) || 'Top-up';

  // As BigInt: better-sqlite3 binds a number as REAL, and (t - origin) / mw would not round down to a slice.
  const args = { client: clientId, from: BigInt(from), to: BigInt(to), origin: BigInt(origin), mw: BigInt(mw) };
  const failed = failedGroups(sqlite, args);
  const notes = noteGroups(sqlite, args);
  const markers = [
    ...[...merged.values()].map((g) => marker('top_up', g)),
    ...failed.map((g) => marker('failed_charge', g)),
    ...notes.map((g) => marker('notification', g)),
  ];
  const sum = (gs: Iterable<Group>, f: (g: Group) => number) => [...gs].reduce((a, g) => a + f(g), 0);
  return {
    markers,
    totals: {
      topUps: sum(merged.values(), (g) => g.n),
      topUpAmount: sum(merged.values(), (g) => g.amount ?? 0),
      failedCharges: sum(failed, (g) => g.n),
      notifications: sum(notes, (g) => g.n),
    },
  };
}
