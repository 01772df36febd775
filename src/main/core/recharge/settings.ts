/**
 * The owner of `recharge_settings`: a client's auto-recharge settings read and saved, the flow's read of
 * them on every post, the alert's once-per-episode mark, the periodic check's clients below their trigger,
 * and the settings as the screen shows them with their advice (the average daily spend, the suggested
 * threshold, the warnings).
 */
import type Database from 'better-sqlite3';
import type { RechargeSettings } from '../../../shared/contracts';
import { formatMoney } from '../../../shared/money';
import { rechargeWarnings, type RechargeValues } from '../../../shared/recharge';
import { isoOrNull } from '../clock/clock';
import type { ClientWithBalance } from '../clients/store';
import type { balances, clients, rechargeSettings } from '../db/schema';
import { preparedOnce } from '../db/statements';
import { averageDailySpend } from '../ledger/spend';
import { primaryOff } from '../charges/facts';

/** A client's saved settings as the schema has them. */
export type SettingsRow = typeof rechargeSettings.$inferSelect;
/** What the charge flow reads in every post: the settings it decides by, and the client's currency. */
export type FlowSettings = Pick<
  SettingsRow,
  'mode' | 'enabled' | 'alertThreshold' | 'alertedAt' | 'triggerThreshold' | 'rechargeAmount' | 'dailyCap'
> &
  Pick<typeof clients.$inferSelect, 'currency'>;
/** SQLite answers a boolean column with 0 or 1. */
type FromSql<T> = Omit<T, 'enabled'> & { enabled: number };

const COLUMNS = `client_id AS clientId, mode, enabled, alert_threshold AS alertThreshold, trigger_threshold AS triggerThreshold, recharge_amount AS rechargeAmount,
  daily_cap AS dailyCap, updated_at AS updatedAt, updated_by AS updatedBy, alerted_at AS alertedAt, version`;

/** The client's saved settings; null when never saved. */
export function readSettings(sqlite: Database.Database, clientId: number): SettingsRow | null {
  const r = sqlite.prepare(`SELECT ${COLUMNS} FROM recharge_settings WHERE client_id = ?`).get(clientId) as
    FromSql<SettingsRow> | undefined;
  return r ? { ...r, enabled: !!r.enabled } : null;
}

/** The values a row holds. */
export const valuesOf = (r: Pick<SettingsRow, keyof RechargeValues>): RechargeValues => ({
  mode: r.mode,
  enabled: r.enabled,
  alertThreshold: r.alertThreshold,
  triggerThreshold: r.triggerThreshold,
  rechargeAmount: r.rechargeAmount,
  dailyCap: r.dailyCap,
});

/** Inside the caller's transaction: stores the values (the alert's mark is kept) and moves the version. */
export function saveSettings(
  sqlite: Database.Database,
  clientId: number,
  v: RechargeValues,
  now: number,
  actor: string,
): void {
  sqlite
    .prepare(
      `INSERT INTO recharge_settings (client_id, mode, enabled, alert_threshold, trigger_threshold, recharge_amount, daily_cap, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (client_id) DO UPDATE SET mode = excluded.mode, enabled = excluded.enabled, alert_threshold = excluded.alert_threshold,
         trigger_threshold = excluded.trigger_threshold, recharge_amount = excluded.recharge_amount, daily_cap = excluded.daily_cap,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by, version = recharge_settings.version + 1`,
    )
    .run(
      clientId,
      v.mode,
      v.enabled ? 1 : 0,
      v.alertThreshold,
      v.triggerThreshold,
      v.rechargeAmount,
      v.dailyCap,
      now,
      actor,
    );
}

const FLOW_SETTINGS = `SELECT r.mode, r.enabled, r.alert_threshold AS alertThreshold, r.alerted_at AS alertedAt, r.trigger_threshold AS triggerThreshold,
    r.recharge_amount AS rechargeAmount, r.daily_cap AS dailyCap, c.currency FROM recharge_settings r JOIN clients c ON c.id = r.client_id WHERE r.client_id = ?`;
const toFlow = (r: FromSql<FlowSettings> | undefined): FlowSettings | null =>
  r ? { ...r, enabled: !!r.enabled } : null;

/** The settings the charge flow decides by, with the client's currency; null when never saved. */
export const flowSettings = (sqlite: Database.Database, clientId: number): FlowSettings | null =>
  toFlow(preparedOnce(sqlite, FLOW_SETTINGS).get(clientId) as FromSql<FlowSettings> | undefined);

/**
 * flowSettings with its statement prepared once, for the charge flow to keep: it reads the settings in
 * every post that moves a balance, and pays no lookup for the statement there.
 */
export function flowSettingsReader(sqlite: Database.Database): (clientId: number) => FlowSettings | null {
  const statement = sqlite.prepare(FLOW_SETTINGS);
  return (clientId) => toFlow(statement.get(clientId) as FromSql<FlowSettings> | undefined);
}

/** Inside the caller's transaction: when the client was emailed for falling below the alert threshold (null: back at or above it). */
export function setAlerted(sqlite: Database.Database, clientId: number, at: number | null): void {
  preparedOnce(sqlite, `UPDATE recharge_settings SET alerted_at = ? WHERE client_id = ?`).run(at, clientId);
}

/** The periodic check's batch: clients with automatic top-up on whose available balance is below the trigger, after `after` by id. */
export function autoBelowTrigger(
  sqlite: Database.Database,
  after: number,
  limit: number,
): (Pick<SettingsRow, 'clientId'> & Pick<typeof balances.$inferSelect, 'available'>)[] {
  return preparedOnce(
    sqlite,
    `SELECT r.client_id AS clientId, b.available FROM recharge_settings r INDEXED BY recharge_settings_auto JOIN balances b ON b.client_id = r.client_id
      WHERE r.mode = 'auto' AND r.enabled = 1 AND r.client_id > ? AND b.available < r.trigger_threshold ORDER BY r.client_id LIMIT ?`,
  ).all(after, limit) as ReturnType<typeof autoBelowTrigger>;
}

/** The settings as the screen shows them: saved (`row`, read unless given) or suggested values, with the advice. */
export function settingsView(
  sqlite: Database.Database,
  c: ClientWithBalance,
  now: number,
  row = readSettings(sqlite, c.id),
): RechargeSettings {
  const s = averageDailySpend(sqlite, { id: c.id, created_at: c.createdAt }, now);
  const suggestedThreshold = 2 * s.average;
  // Never saved: off, with values worth starting from (two days of spend; a recharge of at least as much).
  const values: RechargeValues = row
    ? valuesOf(row)
    : {
        mode: 'off',
        enabled: true,
        alertThreshold: null,
        triggerThreshold: suggestedThreshold,
        rechargeAmount: Math.max(suggestedThreshold, 1),
        dailyCap: null,
      };
  return {
    clientId: c.id,
    currency: c.currency,
    ...values,
    saved: !!row,
    updatedAt: isoOrNull(row?.updatedAt),
    updatedBy: row?.updatedBy ?? null,
    averageDailySpend: s.average,
    spendDays: s.days,
    suggestedThreshold,
    warnings: rechargeWarnings(values, { currency: c.currency, averageDailySpend: s.average, suggestedThreshold }),
    primaryOff: primaryOff(sqlite, c.id),
    version: row?.version ?? 0,
  };
}

const MODE_WORDS: Record<RechargeValues['mode'], string> = {
  off: 'Do nothing',
  notify: 'Notify only',
  auto: 'Automatic top-up',
};

/** What changed, in words for the client's confirmation email. */
export function changes(
  before: RechargeValues | null,
  after: RechargeValues,
  currency: string,
): { label: string; before: string; after: string }[] {
  const m = (v: number | null) => (v === null ? 'none' : formatMoney(v, currency, { locale: 'en-US' }));
  const fields: [string, (v: RechargeValues) => string][] = [
    ['Automatic top-up', (v) => MODE_WORDS[v.mode]],
    ['Switched', (v) => (v.enabled ? 'on' : 'off (paused)')],
    ['Email me below', (v) => m(v.alertThreshold)],
    ['Top up when below', (v) => m(v.triggerThreshold)],
    ['Recharge amount', (v) => m(v.rechargeAmount)],
    ['Daily cap', (v) => m(v.dailyCap)],
  ];
  const out: { label: string; before: string; after: string }[] = [];
  for (const [label, show] of fields) {
    const b = before ? show(before) : '—';
    const a = show(after);
    if (b !== a) out.push({ label, before: b, after: a });
  }
  return out;
}
