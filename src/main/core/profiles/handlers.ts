/** profiles.*: Low Balance Profiles (seed 004): list, one, create, update, delete. */
import type { Profile } from '../../../shared/contracts';
import { conflict, invalid, notFound } from '../../../shared/result';
import { iso } from '../clock/clock';
import { assertCurrent } from '../audit/log';
import type { Ctx, HandlerMap } from '../api/registry';
import { HOUR_MS as HOUR } from '../../../shared/forecast';
import { detachProfile } from '../clients/store';
import { getReseller } from '../resellers/store';
import { staffResellerReader } from '../staff/store';
import type { lowBalanceProfiles, resellers } from '../db/schema';
import { type LoadedProfile } from './engine';

type ProfileCols = typeof lowBalanceProfiles.$inferSelect;
/**
 * A profile as PROFILE_SQL reads it: its row (is_default as SQLite answers a boolean column, 0 or 1), its
 * reseller's name, its clients (assigned, following it as the default) and the default it falls back to.
 */
type ProfileRow = Omit<
  Pick<
    ProfileCols,
    | 'id'
    | 'resellerId'
    | 'name'
    | 'currency'
    | 'sortOrder'
    | 'maxQty'
    | 'periodMs'
    | 'isDefault'
    | 'createdAt'
    | 'updatedAt'
    | 'version'
  >,
  'isDefault'
> & {
  isDefault: 0 | 1;
  resellerName: (typeof resellers.$inferSelect)['name'];
  assigned: number;
  following: number;
  fallbackId: ProfileCols['id'] | null;
  fallbackName: ProfileCols['name'] | null;
};

const PROFILE_SQL = `SELECT p.id AS id, p.reseller_id AS resellerId, r.name AS resellerName, p.name AS name, p.currency AS currency, p.sort_order AS sortOrder,
  p.max_qty AS maxQty, p.period_ms AS periodMs, p.is_default AS isDefault, p.created_at AS createdAt, p.updated_at AS updatedAt, p.version AS version,
  (SELECT count(*) FROM clients c WHERE c.profile_id = p.id) AS assigned,
  CASE WHEN p.is_default = 1 THEN (SELECT count(*) FROM clients c WHERE c.profile_id IS NULL AND c.reseller_id = p.reseller_id AND c.currency = p.currency) ELSE 0 END AS following,
  f.id AS fallbackId, f.name AS fallbackName
  FROM low_balance_profiles p JOIN resellers r ON r.id = p.reseller_id
  LEFT JOIN low_balance_profiles f ON f.reseller_id = p.reseller_id AND f.currency = p.currency AND f.is_default = 1 AND f.id != p.id`;

function toProfile(r: ProfileRow, loaded: LoadedProfile): Profile {
  const { staff, client, inactivity, forecast } = loaded.rules;
  return {
    id: r.id,
    resellerId: r.resellerId,
    resellerName: r.resellerName,
    name: r.name,
    currency: r.currency,
    sortOrder: r.sortOrder,
    maxQty: r.maxQty,
    periodHours: r.periodMs / HOUR,
    isDefault: r.isDefault === 1,
    clientCount: r.assigned + r.following,
    assignedClients: r.assigned,
    fallback: r.fallbackId === null ? null : { id: r.fallbackId, name: r.fallbackName ?? '' },
    staffRule: {
      enabled: staff.enabled,
      threshold: staff.threshold,
      notifyReseller: staff.notifyPrimary,
      staffIds: [...loaded.staffIds],
      emails: staff.emails,
    },
    clientRule: {
      enabled: client.enabled,
      threshold: client.threshold,
      notifyClient: client.notifyPrimary,
      emails: client.emails,
    },
    inactivityRule: {
      enabled: inactivity.enabled,
      threshold: inactivity.threshold,
      notifyClient: inactivity.notifyPrimary,
      emails: inactivity.emails,
      inactivityHours: (inactivity.inactivityMs ?? 168 * HOUR) / HOUR,
    },
    // A profile made before the forecast rule has no row for it: off, 24 h, to the reseller.
    forecastRule:
      forecast.horizonMs === null
        ? { enabled: false, withinHours: 24, notifyReseller: true, emails: [] }
        : {
            enabled: forecast.enabled,
            withinHours: forecast.horizonMs / HOUR,
            notifyReseller: forecast.notifyPrimary,
            emails: forecast.emails,
          },
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    version: r.version,
  };
}

/**
 * The engine's cached profiles, for these rows. Another process's new profile may be missing from the
 * cache for up to its data_version interval: then the cache is read again.
 */
function loadedFor(ctx: Pick<Ctx, 'rules'>, ids: number[]): Map<number, LoadedProfile> {
  let loaded = ctx.rules.profiles();
  if (ids.some((id) => !loaded.has(id))) {
    ctx.rules.invalidate();
    loaded = ctx.rules.profiles();
  }
  return loaded;
}

export function getProfile(ctx: Pick<Ctx, 'db' | 'rules'>, id: number, field = 'id'): Profile {
  const r = ctx.db.$client.prepare(`${PROFILE_SQL} WHERE p.id = ?`).get(id) as ProfileRow | undefined;
  const loaded = r ? loadedFor(ctx, [id]).get(id) : undefined;
  if (!r || !loaded)
    throw field === 'id'
      ? notFound(`low balance profile ${id} does not exist`)
      : invalid(field, `${field} ${id} is not a low balance profile`);
  return toProfile(r, loaded);
}

interface RuleInputs {
  staffRule?: { enabled: boolean; threshold: number; notifyReseller: boolean; staffIds: number[]; emails: string[] };
  clientRule?: { enabled: boolean; threshold: number; notifyClient: boolean; emails: string[] };
  inactivityRule?: {
    enabled: boolean;
    threshold: number;
    notifyClient: boolean;
    inactivityHours: number;
    emails: string[];
  };
  forecastRule?: { enabled: boolean; withinHours: number; notifyReseller: boolean; emails: string[] };
}

function assertNameFree(ctx: Ctx, resellerId: number, name: string, exceptId = 0) {
  const clash = ctx.db.$client
    .prepare('SELECT id FROM low_balance_profiles WHERE reseller_id = ? AND name_key = ? AND id != ?')
    .get(resellerId, name.toLowerCase(), exceptId);
  if (clash) throw conflict(`name "${name}" is already used by another profile of this reseller`, 'name');
}

function assertStaffOf(ctx: Ctx, resellerId: number, staffIds: number[]) {
  const resellerOf = staffResellerReader(ctx.db);
  staffIds.forEach((id, i) => {
    const owner = resellerOf(id);
    const field = `staffRule.staffIds.${i}`;
    if (owner === undefined) throw invalid(field, `${field} is staff user ${id}, who does not exist`);
    if (owner !== resellerId)
      throw invalid(field, `${field} is staff user ${id}, who works for another reseller than the profile's`);
  });
}

function writeRules(ctx: Ctx, profileId: number, input: RuleInputs) {
  const sqlite = ctx.db.$client;
  const put = sqlite.prepare(
    `INSERT INTO profile_rules (profile_id, kind, enabled, threshold, notify_primary, emails, inactivity_ms, horizon_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (profile_id, kind) DO UPDATE SET enabled = excluded.enabled, threshold = excluded.threshold, notify_primary = excluded.notify_primary,
       emails = excluded.emails, inactivity_ms = excluded.inactivity_ms, horizon_ms = excluded.horizon_ms`,
  );
  const b = (v: boolean) => (v ? 1 : 0);
  if (input.staffRule) {
    const r = input.staffRule;
    put.run(
      profileId,
      'staff',
      b(r.enabled),
      r.threshold,
      b(r.notifyReseller),
      JSON.stringify(dedupe(r.emails)),
      null,
      null,
    );
    sqlite.prepare('DELETE FROM profile_staff WHERE profile_id = ?').run(profileId);
    const add = sqlite.prepare('INSERT OR IGNORE INTO profile_staff (profile_id, staff_id) VALUES (?, ?)');
    for (const id of r.staffIds) add.run(profileId, id);
  }
  if (input.clientRule) {
    const r = input.clientRule;
    put.run(
      profileId,
      'client',
      b(r.enabled),
      r.threshold,
      b(r.notifyClient),
      JSON.stringify(dedupe(r.emails)),
      null,
      null,
    );
  }
  if (input.inactivityRule) {
    const r = input.inactivityRule;
    put.run(
      profileId,
      'inactivity',
      b(r.enabled),
      r.threshold,
      b(r.notifyClient),
      JSON.stringify(dedupe(r.emails)),
      r.inactivityHours * HOUR,
      null,
    );
  }
  if (input.forecastRule) {
    const r = input.forecastRule;
    put.run(
      profileId,
      'forecast',
      b(r.enabled),
      0,
      b(r.notifyReseller),
      JSON.stringify(dedupe(r.emails)),
      null,
      r.withinHours * HOUR,
    );
  }
}

const dedupe = (emails: string[]) => [...new Map(emails.map((e) => [e.toLowerCase(), e])).values()];

/** Makes a profile its reseller's default for its currency (the old default stops being one: a change of it, its version moves). */
function makeDefault(ctx: Ctx, id: number, resellerId: number, currency: string) {
  ctx.db.$client
    .prepare(
      'UPDATE low_balance_profiles SET is_default = 0, version = version + 1 WHERE reseller_id = ? AND currency = ? AND is_default = 1 AND id != ?',
    )
    .run(resellerId, currency, id);
  ctx.db.$client.prepare('UPDATE low_balance_profiles SET is_default = 1 WHERE id = ?').run(id);
}

function hasDefault(ctx: Ctx, resellerId: number, currency: string, exceptId = 0): boolean {
  return !!ctx.db.$client
    .prepare('SELECT 1 FROM low_balance_profiles WHERE reseller_id = ? AND currency = ? AND is_default = 1 AND id != ?')
    .get(resellerId, currency, exceptId);
}

/** After a profile change: the engine's cache is stale and every client must be looked at again. */
function profilesChanged(ctx: Ctx) {
  ctx.rules.invalidate();
  ctx.scheduler.requestSweep();
  ctx.emit({ topic: 'profiles' });
  ctx.emit({ topic: 'scheduler' });
}

export const profileHandlers: HandlerMap = {
  'profiles.list': (input, ctx) => {
    const where: string[] = [];
    const args: unknown[] = [];
    if (input.resellerId != null) {
      where.push('p.reseller_id = ?');
      args.push(input.resellerId);
    }
    if (input.currency) {
      where.push('p.currency = ?');
      args.push(input.currency);
    }
    const rows = ctx.db.$client
      .prepare(
        `${PROFILE_SQL}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY p.sort_order, p.name_key, p.id`,
      )
      .all(...args) as ProfileRow[];
    const loaded = loadedFor(
      ctx,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toProfile(r, loaded.get(r.id)!));
  },

  'profiles.get': (input, ctx) => getProfile(ctx, input.id),

  'profiles.create': (input, ctx) => {
    getReseller(ctx, input.resellerId, 'resellerId');
    assertNameFree(ctx, input.resellerId, input.name);
    assertStaffOf(ctx, input.resellerId, input.staffRule.staffIds);
    const now = ctx.clock.now();
    const id = Number(
      ctx.db.$client
        .prepare(
          `INSERT INTO low_balance_profiles (reseller_id, name, name_key, currency, sort_order, max_qty, period_ms, is_default, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
        )
        .run(
          input.resellerId,
          input.name,
          input.name.toLowerCase(),
          input.currency,
          input.sortOrder,
          input.maxQty,
          input.periodHours * HOUR,
          now,
          now,
        ).lastInsertRowid,
    );
    writeRules(ctx, id, input);
    // The first profile of a reseller and currency becomes its default unless told otherwise.
    if (input.isDefault ?? !hasDefault(ctx, input.resellerId, input.currency))
      makeDefault(ctx, id, input.resellerId, input.currency);
    ctx.audit('profile.create', 'profile', id, {
      name: input.name,
      resellerId: input.resellerId,
      currency: input.currency,
    });
    profilesChanged(ctx);
    return getProfile(ctx, id);
  },

  'profiles.update': (input, ctx) => {
    const before = getProfile(ctx, input.id);
    assertCurrent(ctx.db.$client, input.version, before.version, {
      what: 'this profile',
      subjectType: 'profile',
      subjectId: input.id,
      actions: ['profile.create', 'profile.update'],
    });
    const resellerId = input.resellerId ?? before.resellerId;
    const currency = input.currency ?? before.currency;
    const name = input.name ?? before.name;
    if (resellerId !== before.resellerId) {
      getReseller(ctx, resellerId, 'resellerId');
      if (before.clientCount > 0)
        throw invalid(
          'resellerId',
          `resellerId cannot change: ${before.clientCount} clients of ${before.resellerName} use this profile; it cannot move to another reseller`,
        );
    }
    if (currency !== before.currency && before.clientCount > 0) {
      throw invalid(
        'currency',
        `currency cannot change: ${before.clientCount} clients in ${before.currency} use this profile, and a profile's currency must match its clients'`,
      );
    }
    if (name.toLowerCase() !== before.name.toLowerCase() || resellerId !== before.resellerId)
      assertNameFree(ctx, resellerId, name, input.id);
    assertStaffOf(
      ctx,
      resellerId,
      input.staffRule ? input.staffRule.staffIds : resellerId !== before.resellerId ? before.staffRule.staffIds : [],
    );
    const sortOrder = input.sortOrder ?? before.sortOrder;
    const maxQty = input.maxQty ?? before.maxQty;
    const periodHours = input.periodHours ?? before.periodHours;
    const moved = resellerId !== before.resellerId || currency !== before.currency;
    ctx.db.$client
      .prepare(
        `UPDATE low_balance_profiles SET reseller_id = ?, name = ?, name_key = ?, currency = ?, sort_order = ?, max_qty = ?, period_ms = ?,
           is_default = 0, updated_at = ?, version = version + 1 WHERE id = ?`,
      )
      .run(
        resellerId,
        name,
        name.toLowerCase(),
        currency,
        sortOrder,
        maxQty,
        periodHours * HOUR,
        ctx.clock.now(),
        input.id,
      );
    writeRules(ctx, input.id, input);
    const wantDefault =
      input.isDefault ?? (before.isDefault && !(moved && hasDefault(ctx, resellerId, currency, input.id)));
    if (wantDefault) makeDefault(ctx, input.id, resellerId, currency);
    ctx.rules.invalidate();
    const after = getProfile(ctx, input.id);
    ctx.audit('profile.update', 'profile', input.id, diff(before, after));
    profilesChanged(ctx);
    return after;
  },

  'profiles.delete': (input, ctx) => {
    const p = getProfile(ctx, input.id);
    // Assigned clients follow the reseller's default for their currency again (none if this was it).
    const moved = detachProfile(ctx.db, input.id);
    ctx.db.$client.prepare('DELETE FROM low_balance_profiles WHERE id = ?').run(input.id);
    ctx.audit('profile.delete', 'profile', input.id, {
      name: p.name,
      clientsMoved: moved,
      fallback: p.fallback?.name ?? null,
      wasDefault: p.isDefault,
    });
    profilesChanged(ctx);
    ctx.emit({ topic: 'clients' });
    return { id: input.id, clientsMoved: moved, fallback: p.isDefault ? null : p.fallback };
  },
};

/** { field: [before, after] } of what a profile change changed, for the audit log. */
function diff(before: Profile, after: Profile): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [
    'resellerId',
    'name',
    'currency',
    'sortOrder',
    'maxQty',
    'periodHours',
    'isDefault',
    'staffRule',
    'clientRule',
    'inactivityRule',
  ] as const) {
    const a = JSON.stringify(before[k]);
    const b = JSON.stringify(after[k]);
    if (a !== b) out[k] = [before[k], after[k]];
  }
  return out;
}
