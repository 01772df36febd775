/**
 * Rule evaluation against the database: loads what `decide` needs for a client (or for a slice of
 * clients, in the sweep), writes the rule states that changed and records the decisions. Runs inside
 * the caller's write transaction: the posting transaction on the event path, one slice's on the sweep.
 */
import type Database from 'better-sqlite3';
import type { ProfileRuleKind as RuleKind } from '../../../shared/contracts';
import { MAX_AMOUNT } from '../../../shared/money';
import {
  RULE_KINDS,
  ruleStateId,
  ruleStateRange,
  type clientThresholds,
  type lowBalanceProfiles,
  type profileRules,
} from '../db/schema';
import type { BalanceRow } from '../ledger/post';
import type { NotificationLog, DecisionProfile } from '../notifications/log';
import { decide, sameState, type Cause, type EffectiveRule, type Facts, type RuleState } from './decide';

type RuleCols = typeof profileRules.$inferSelect;
/** A profile's rule as the schema has it, its emails parsed (the JSON array of the column). */
export type ProfileRuleRow = Omit<
  Pick<RuleCols, 'enabled' | 'threshold' | 'notifyPrimary' | 'emails' | 'inactivityMs' | 'horizonMs'>,
  'emails'
> & { emails: string[] };
/** A rule row as SQLite answers it: its boolean columns 0 or 1, its emails JSON. */
type RuleSqlRow = Pick<RuleCols, 'profileId' | 'kind' | 'threshold' | 'emails' | 'inactivityMs' | 'horizonMs'> & {
  enabled: 0 | 1;
  notifyPrimary: 0 | 1;
};
/** A profile row as the cache reads it (is_default 0 or 1). */
type ProfileSqlRow = Pick<
  typeof lowBalanceProfiles.$inferSelect,
  'id' | 'resellerId' | 'name' | 'currency' | 'maxQty' | 'periodMs'
> & { isDefault: 0 | 1 };

export interface LoadedProfile extends DecisionProfile {
  resellerId: number;
  currency: string;
  isDefault: boolean;
  rules: Record<RuleKind, ProfileRuleRow>;
}

export interface Override {
  threshold: number | null;
  enabled: boolean;
}

export interface Effective extends EffectiveRule {
  thresholdSource: 'profile' | 'client';
  enabledSource: 'profile' | 'client';
}

/** What a client's evaluation needs about the client. */
export interface ClientFacts extends Facts {
  clientId: number;
  closed: boolean;
  /** The profile in force: assigned, else the reseller's default for the currency; null: none. */
  profileId: number | null;
}

/**
 * A rule state row as an array, read without its client and kind (both follow from the id): id, sent,
 * since, last sent, last suppressed, its reason, next check. A steady sweep reads one per rule of every
 * client below a threshold, and a V8 string or an object with keys per row is most of that cost.
 */
type StateRow = [number, number, number, number | null, number | null, string | null, number | null];
const STATE_COLUMNS = 'id, sent, since, last_sent_at, last_suppressed_at, last_suppressed_reason, next_check_at';

/** A client's states by rule index (staff, client, inactivity), undefined where the rule has none. */
type States = (RuleState | undefined)[];

/** A client threshold as the schema has it (enabled 0 or 1, as SQLite answers a boolean column). */
type OverrideRow = Pick<typeof clientThresholds.$inferSelect, 'clientId' | 'kind' | 'threshold'> & { enabled: 0 | 1 };
const OVERRIDE_COLUMNS = 'client_id AS clientId, kind, threshold, enabled';

/** Not a table's row: the client, its balance and the profile in force (a subquery), for one evaluation. */
interface FactsRow {
  id: number;
  created_at: number;
  status: string;
  pid: number | null;
  available: number;
  last_debit_at: number | null;
  run_dry_at: number;
}

/**
 * A sweep slice's row, as an array (no object with keys per row: a steady sweep reads every client under
 * the ceiling): id, available, last debit, created, status, assigned profile, reseller, currency. The
 * profile in force is resolved in memory from the defaults, not by a subquery per row. Last, the run-dry time.
 */
type SliceRow = [number, number, number | null, number, string, number | null, number, string, number];

/** Rows of any number of clients, grouped by client. */
function readStates(rows: StateRow[]): Map<number, States> {
  const m = new Map<number, States>();
  for (const [id, sent, since, lastSentAt, lastSuppressedAt, lastSuppressedReason, nextCheckAt] of rows) {
    const clientId = Math.floor(id / 4);
    let list = m.get(clientId);
    if (!list) m.set(clientId, (list = []));
    list[id % 4] = { sent, since, lastSentAt, lastSuppressedAt, lastSuppressedReason, nextCheckAt };
  }
  return m;
}

/** The profile in force for a client: its own, else its reseller's default for its currency. */
export const PROFILE_IN_FORCE = `coalesce(c.profile_id, (SELECT d.id FROM low_balance_profiles d
  WHERE d.reseller_id = c.reseller_id AND d.currency = c.currency AND d.is_default = 1))`;

/** The effective rule: the client's override where it has one, the profile's otherwise; off without a profile. */
export function effectiveRule(
  kind: RuleKind,
  profile: LoadedProfile | null,
  override: Override | undefined,
  closed: boolean,
): Effective {
  const base = profile?.rules[kind];
  return {
    kind,
    enabled: !closed && !!base && (override ? override.enabled : base.enabled),
    threshold: override?.threshold ?? base?.threshold ?? 0,
    inactivityMs: base?.inactivityMs ?? null,
    horizonMs: base?.horizonMs ?? null,
    thresholdSource: override?.threshold != null ? 'client' : 'profile',
    enabledSource: override ? 'client' : 'profile',
  };
}

const DATA_VERSION_EVERY_MS = 250;

/** A sweep slice's clients: the balances' primary key walked over [from, to], with what evaluation needs. */
const SLICE_SELECT = `SELECT b.client_id, b.available, b.last_debit_at, c.created_at, c.status, c.profile_id, c.reseller_id, c.currency, b.run_dry_at
  FROM balances b JOIN clients c ON c.id = b.client_id WHERE b.client_id BETWEEN ? AND ?`;
/** No rule state of the client yet (a routine sweep looks only at those). */
const UNTRACKED = 'NOT EXISTS (SELECT 1 FROM rule_states s WHERE s.id BETWEEN b.client_id * 4 AND b.client_id * 4 + 3)';

export class RuleEngine {
  private readonly s;
  private readonly log: NotificationLog;
  private cache: Map<number, LoadedProfile> | null = null;
  /** "resellerId|currency" → the default profile's id, rebuilt with the cache. */
  private defaults = new Map<string, number>();
  private cacheVersion = -1;
  /** When data_version was last read (performance.now()), and the ceiling of the cached profiles. */
  private cacheCheckedAt = 0;
  private cachedCeiling = 0;
  /** The longest horizon of the enabled forecast rules; null: none is enabled. */
  private cachedHorizon: number | null = null;
  /** Clients with a new decision since the last `drainTouched()`: the core announces them. */
  private touched = new Set<number>();

  constructor(sqlite: Database.Database, log: NotificationLog) {
    this.log = log;
    this.s = {
      dataVersion: sqlite.prepare('PRAGMA data_version').pluck(),
      profiles: sqlite.prepare<[], ProfileSqlRow>(
        'SELECT id, reseller_id AS resellerId, name, currency, max_qty AS maxQty, period_ms AS periodMs, is_default AS isDefault FROM low_balance_profiles',
      ),
      rules: sqlite.prepare<[], RuleSqlRow>(
        `SELECT profile_id AS profileId, kind, enabled, threshold, notify_primary AS notifyPrimary, emails, inactivity_ms AS inactivityMs, horizon_ms AS horizonMs
         FROM profile_rules`,
      ),
      staff: sqlite.prepare('SELECT profile_id, staff_id FROM profile_staff'),
      facts: sqlite.prepare(
        `SELECT c.id, c.created_at, c.status, ${PROFILE_IN_FORCE} AS pid, b.available, b.last_debit_at, b.run_dry_at
         FROM clients c JOIN balances b ON b.client_id = c.id WHERE c.id = ?`,
      ),
      clientOnly: sqlite.prepare(
        `SELECT c.created_at, c.status, ${PROFILE_IN_FORCE} AS pid FROM clients c WHERE c.id = ?`,
      ),
      // Written by the same posting transaction just before the listener runs.
      runDryAt: sqlite.prepare('SELECT run_dry_at FROM balances WHERE client_id = ?').pluck(),
      overrides: sqlite.prepare<[number], OverrideRow>(
        `SELECT ${OVERRIDE_COLUMNS} FROM client_thresholds WHERE client_id = ?`,
      ),
      states: sqlite.prepare(`SELECT ${STATE_COLUMNS} FROM rule_states WHERE id BETWEEN ? AND ?`).raw(),
      upsert: sqlite.prepare(
        `INSERT INTO rule_states (id, client_id, kind, sent, since, last_sent_at, last_suppressed_at, last_suppressed_reason, next_check_at)
         VALUES (@id, @clientId, @kind, @sent, @since, @lastSentAt, @lastSuppressedAt, @lastSuppressedReason, @nextCheckAt)
         ON CONFLICT (id) DO UPDATE SET sent = excluded.sent, since = excluded.since, last_sent_at = excluded.last_sent_at,
           last_suppressed_at = excluded.last_suppressed_at, last_suppressed_reason = excluded.last_suppressed_reason, next_check_at = excluded.next_check_at`,
      ),
      remove: sqlite.prepare('DELETE FROM rule_states WHERE id = ?'),
      // A walk of the balances' primary key comparing one column: the clients above every threshold cost
      // next to nothing. Clients already below a rule come from the slice's rule states. The forecast's
      // comparison only while a forecast rule is on: run_dry_at is the row's last column, and reading it for
      // each of a million rows made the steady sweep about a quarter slower.
      sliceFacts: sqlite.prepare(`${SLICE_SELECT} AND b.available < ? ORDER BY b.client_id`).raw(),
      sliceFactsDry: sqlite
        .prepare(`${SLICE_SELECT} AND (b.available < ? OR b.run_dry_at <= ?) ORDER BY b.client_id`)
        .raw(),
      // The routine sweep's: only the clients under the ceiling that no rule state tracks yet, and those
      // forecast to run dry in time that no forecast rule state tracks yet (they may be below another rule).
      sliceUntracked: sqlite.prepare(`${SLICE_SELECT} AND b.available < ? AND ${UNTRACKED} ORDER BY b.client_id`).raw(),
      sliceUntrackedDry: sqlite
        .prepare(
          `${SLICE_SELECT} AND ((b.available < ? AND ${UNTRACKED})
             OR (b.run_dry_at <= ? AND NOT EXISTS (SELECT 1 FROM rule_states s WHERE s.id = b.client_id * 4 + ${RULE_KINDS.indexOf('forecast')})))
           ORDER BY b.client_id`,
        )
        .raw(),
      sliceOverrides: sqlite.prepare<[number, number], OverrideRow>(
        `SELECT ${OVERRIDE_COLUMNS} FROM client_thresholds WHERE client_id BETWEEN ? AND ?`,
      ),
      sliceStates: sqlite.prepare(`SELECT ${STATE_COLUMNS} FROM rule_states WHERE id BETWEEN ? AND ?`).raw(),
      maxOverride: sqlite.prepare('SELECT max(threshold) FROM client_thresholds WHERE enabled = 1').pluck(),
      due: sqlite
        .prepare('SELECT DISTINCT client_id FROM rule_states WHERE next_check_at <= ? ORDER BY next_check_at LIMIT ?')
        .pluck(),
    };
  }

  /**
   * Profile and client threshold changes in this process call this. Another process's commits (a desktop
   * app and a headless host on one data folder) are noticed by data_version, read at most every 250 ms:
   * reading it for every posted client was a fifth of the evaluation's cost.
   */
  invalidate(): void {
    this.cache = null;
  }

  profiles(): Map<number, LoadedProfile> {
    const t = performance.now();
    if (this.cache && t - this.cacheCheckedAt < DATA_VERSION_EVERY_MS) return this.cache;
    const version = this.s.dataVersion.get() as number;
    this.cacheCheckedAt = t;
    if (this.cache && version === this.cacheVersion) return this.cache;
    const map = new Map<number, LoadedProfile>();
    const defaults = new Map<string, number>();
    for (const p of this.s.profiles.all()) {
      if (p.isDefault === 1) defaults.set(`${p.resellerId}|${p.currency}`, p.id);
      const off: ProfileRuleRow = {
        enabled: false,
        threshold: 0,
        notifyPrimary: false,
        emails: [],
        inactivityMs: null,
        horizonMs: null,
      };
      map.set(p.id, {
        id: p.id,
        resellerId: p.resellerId,
        name: p.name,
        currency: p.currency,
        maxQty: p.maxQty,
        periodMs: p.periodMs,
        isDefault: p.isDefault === 1,
        rules: { staff: { ...off }, client: { ...off }, inactivity: { ...off }, forecast: { ...off } },
        staffIds: [],
      });
    }
    for (const r of this.s.rules.all()) {
      const p = map.get(r.profileId);
      if (p)
        p.rules[r.kind] = {
          enabled: r.enabled === 1,
          threshold: r.threshold,
          notifyPrimary: r.notifyPrimary === 1,
          emails: JSON.parse(r.emails) as string[],
          inactivityMs: r.inactivityMs,
          horizonMs: r.horizonMs,
        };
    }
    for (const r of this.s.staff.all() as { profile_id: number; staff_id: number }[])
      map.get(r.profile_id)?.staffIds.push(r.staff_id);
    let max = -MAX_AMOUNT - 1;
    let horizon: number | null = null;
    for (const p of map.values()) {
      for (const k of RULE_KINDS)
        if (k !== 'forecast' && p.rules[k].enabled && p.rules[k].threshold > max) max = p.rules[k].threshold;
      const f = p.rules.forecast;
      if (f.enabled && f.horizonMs !== null && (horizon === null || f.horizonMs > horizon)) horizon = f.horizonMs;
    }
    this.cachedHorizon = horizon;
    const o = this.s.maxOverride.get() as number | null;
    this.cachedCeiling = o !== null && o > max ? o : max;
    this.cache = map;
    this.defaults = defaults;
    this.cacheVersion = version;
    return map;
  }

  /** The highest threshold any client can have now: a client at or above it cannot be below any rule. */
  ceiling(): number {
    this.profiles();
    return this.cachedCeiling;
  }

  /**
   * The latest run-dry time any enabled forecast rule can care about at `now` (-1: none is enabled): a client
   * forecast to run dry later than this cannot be below a forecast rule.
   */
  dryBy(now: number): number {
    this.profiles();
    return this.cachedHorizon === null ? -1 : now + this.cachedHorizon;
  }

  /** The smallest Period among the profiles (null without profiles). */
  smallestPeriodMs(): number | null {
    let min: number | null = null;
    for (const p of this.profiles().values()) if (min === null || p.periodMs < min) min = p.periodMs;
    return min;
  }

  drainTouched(): number[] {
    if (this.touched.size === 0) return [];
    const out = [...this.touched];
    this.touched = new Set();
    return out;
  }

  /**
   * The ledger's listener: a balance moved inside a posting transaction. A drop is evaluated; a rise
   * matters only to a client already below a rule (it may reset the counter).
   */
  onBalance(clientId: number, balance: BalanceRow, now: number, lowered: boolean): void {
    // Most posts leave a client above every threshold in use and not below any rule before: one lookup,
    // whose rows the evaluation then uses.
    const states = this.statesOf(clientId);
    // With a forecast rule on, a drop may bring the run-dry time within its horizon above every threshold.
    if (states.length === 0 && (!lowered || (balance.available >= this.ceiling() && this.cachedHorizon === null)))
      return;
    const c = this.s.clientOnly.get(clientId) as { created_at: number; status: string; pid: number | null } | undefined;
    if (!c) return;
    const runDryAt = this.s.runDryAt.get(clientId) as number;
    this.evaluate(
      {
        clientId,
        available: balance.available,
        lastDebitAt: balance.lastDebitAt,
        createdAt: c.created_at,
        runDryAt,
        closed: c.status === 'closed',
        profileId: c.pid,
      },
      this.s.overrides.all(clientId),
      states,
      now,
      'balance',
    );
  }

  /** Evaluates one client as it stands (after a threshold or profile change, or at its next check time). */
  evaluateClient(clientId: number, now: number, cause: Cause): number {
    const r = this.s.facts.get(clientId) as FactsRow | undefined;
    if (!r) return 0;
    return this.evaluate(toFacts(r), this.s.overrides.all(clientId), this.statesOf(clientId), now, cause);
  }

  private statesOf(clientId: number): States {
    return readStates(this.s.states.all(...ruleStateRange(clientId, clientId)) as StateRow[]).get(clientId) ?? [];
  }

  /** Clients with a rule whose next check time has come. */
  dueClients(now: number, limit: number): number[] {
    return this.s.due.all(now, limit) as number[];
  }

  /**
   * One slice of the sweep: the clients with ids in [from, to] that could be below a rule (available
   * under the ceiling) or already are (a rule state), loaded with three range queries and evaluated in
   * id order. Past `deadline` (performance.now()) it stops after the client in hand and says where:
   * `last`, so that no slice holds the process long, however many decisions its clients need. Not
   * `full`: only the clients under the ceiling that no rule state tracks (see the scheduler).
   */
  sweepSlice(
    from: number,
    to: number,
    ceiling: number,
    now: number,
    deadline = Infinity,
    full = true,
  ): { candidates: number; decisions: number; last: number } {
    const dryBy = this.dryBy(now);
    const rows = (
      dryBy < 0
        ? (full ? this.s.sliceFacts : this.s.sliceUntracked).all(from, to, ceiling)
        : (full ? this.s.sliceFactsDry : this.s.sliceUntrackedDry).all(from, to, ceiling, dryBy)
    ) as SliceRow[];
    const states = full
      ? readStates(this.s.sliceStates.all(...ruleStateRange(from, to)) as StateRow[])
      : new Map<number, States>();
    if (!rows.length && !states.size) return { candidates: 0, decisions: 0, last: to };
    const overrides = groupByClient(this.s.sliceOverrides.all(from, to));
    const profiles = this.profiles();
    const stateIds = [...states.keys()];
    let decisions = 0;
    let candidates = 0;
    let i = 0;
    let j = 0;
    while (i < rows.length || j < stateIds.length) {
      let id: number;
      if (j >= stateIds.length || (i < rows.length && rows[i][0] <= stateIds[j])) {
        const [rowId, available, lastDebitAt, createdAt, status, assigned, resellerId, currency, runDryAt] = rows[i++];
        id = rowId;
        if (stateIds[j] === id) j++;
        const facts: ClientFacts = {
          clientId: id,
          available,
          lastDebitAt,
          createdAt,
          runDryAt,
          closed: status === 'closed',
          profileId: assigned ?? this.defaults.get(`${resellerId}|${currency}`) ?? null,
        };
        // A routine sweep reads no states: a client it finds by its forecast may have another rule's.
        const own = states.get(id) ?? (!full && runDryAt <= dryBy ? this.statesOf(id) : []);
        decisions += this.evaluate(facts, overrides.get(id) ?? [], own, now, 'check', profiles);
      } else {
        // Below a rule before, at or above every threshold now (a threshold lowered): the counters reset.
        id = stateIds[j++];
        decisions += this.evaluateClient(id, now, 'check');
      }
      candidates++;
      if ((candidates & 7) === 0 && performance.now() > deadline) return { candidates, decisions, last: id };
    }
    return { candidates, decisions, last: to };
  }

  /** Decides every rule of one client and writes what changed; returns how many decisions were recorded. */
  private evaluate(
    facts: ClientFacts,
    overrides: OverrideRow[],
    states: States,
    now: number,
    cause: Cause,
    profiles = this.profiles(),
  ): number {
    const profile = facts.profileId === null ? null : (profiles.get(facts.profileId) ?? null);
    if (!profile && states.length === 0) return 0;
    let decisions = 0;
    for (const kind of RULE_KINDS) {
      const o = overrides.find((x) => x.kind === kind);
      const rule = effectiveRule(
        kind,
        profile,
        o ? { threshold: o.threshold, enabled: o.enabled === 1 } : undefined,
        facts.closed,
      );
      const prev = states[RULE_KINDS.indexOf(kind)] ?? null;
      const out = profile ? decide(rule, facts, profile, prev, now, cause) : { state: null, decision: null };
      if (!sameState(prev, out.state)) {
        if (out.state === null) this.s.remove.run(ruleStateId(facts.clientId, kind));
        else this.s.upsert.run({ id: ruleStateId(facts.clientId, kind), clientId: facts.clientId, kind, ...out.state });
      }
      if (out.decision && profile && out.state) {
        this.log.record({
          clientId: facts.clientId,
          profile,
          rule,
          decision: out.decision,
          facts,
          state: out.state,
          now,
        });
        this.touched.add(facts.clientId);
        decisions++;
      }
    }
    return decisions;
  }
}

function toFacts(r: FactsRow): ClientFacts {
  return {
    clientId: r.id,
    available: r.available,
    lastDebitAt: r.last_debit_at,
    createdAt: r.created_at,
    runDryAt: r.run_dry_at,
    closed: r.status === 'closed',
    profileId: r.pid,
  };
}

function groupByClient<T extends { clientId: number }>(rows: T[]): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const r of rows) {
    const list = m.get(r.clientId);
    if (list) list.push(r);
    else m.set(r.clientId, [r]);
  }
  return m;
}
