/** Low Balance Profiles (seed 004): the staff, client, inactivity and forecast rules, quotas and periods. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { amount, currency, email, id, requiredText, version } from './common';

export const ruleKind = z.enum(['staff', 'client', 'inactivity'], { error: 'must be staff, client or inactivity' });
export type RuleKind = z.infer<typeof ruleKind>;
/** Every rule of a profile: the three above (which a client may override) and the forecast rule. */
export const profileRuleKind = z.enum(['staff', 'client', 'inactivity', 'forecast']);
export type ProfileRuleKind = z.infer<typeof profileRuleKind>;

const enabled = z.boolean({ error: 'must be true or false' });
const emails = z
  .array(email, { error: 'must be a list of email addresses' })
  .max(20, 'may list at most 20 addresses')
  .default([]);
const hours = (max: number, what: string) =>
  z
    .number({ error: `must be a number of hours` })
    .int('must be a whole number of hours')
    .min(1, 'must be at least 1 hour')
    .max(max, `must be at most ${what}`);

/** The reseller staff rule: the reseller's email, chosen staff users, extra emails. A rule given states whether it is on and its threshold. */
const staffRuleInput = z.strictObject({
  enabled,
  threshold: amount,
  notifyReseller: enabled.default(true),
  staffIds: z
    .array(id, { error: 'must be a list of staff user ids' })
    .max(50, 'may list at most 50 staff users')
    .default([]),
  emails,
});
/** The client rule: the client's billing email, extra emails. */
const clientRuleInput = z.strictObject({
  enabled,
  threshold: amount,
  notifyClient: enabled.default(true),
  emails,
});
/** The inactivity rule: like the client rule, and only after `inactivityHours` without a debit. */
const inactivityRuleInput = z.strictObject({
  enabled,
  threshold: amount,
  notifyClient: enabled.default(true),
  inactivityHours: hours(8760, '8760 hours (365 days)').default(168),
  emails,
});

/**
 * The forecast rule: notifies when the client's run-dry forecast is within `withinHours`, to the reseller's
 * email (ticked), the staff users chosen on the staff rule and extra emails. No threshold: the forecast is its test.
 */
const forecastRuleInput = z.strictObject({
  enabled,
  withinHours: hours(720, '720 hours (30 days)').default(24),
  notifyReseller: enabled.default(true),
  emails,
});

const off = { enabled: false, threshold: 0, emails: [] as string[] };

const profileFields = {
  name: requiredText(120, 'a name'),
  currency,
  sortOrder: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .max(1_000_000, 'must be at most 1000000'),
  maxQty: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1: a rule that may never notify is a disabled rule')
    .max(1000, 'must be at most 1000'),
  periodHours: hours(720, '720 hours (30 days)'),
  isDefault: z.boolean({ error: 'must be true or false' }),
};

export const staffRule = z.object({
  enabled: z.boolean(),
  threshold: z.number(),
  notifyReseller: z.boolean(),
  staffIds: z.array(z.number()),
  emails: z.array(z.string()),
});
export const clientRule = z.object({
  enabled: z.boolean(),
  threshold: z.number(),
  notifyClient: z.boolean(),
  emails: z.array(z.string()),
});
export const inactivityRule = clientRule.extend({ inactivityHours: z.number() });
export const forecastRule = z.object({
  enabled: z.boolean(),
  withinHours: z.number(),
  notifyReseller: z.boolean(),
  emails: z.array(z.string()),
});

export const profile = z.object({
  id: z.number(),
  resellerId: z.number(),
  resellerName: z.string(),
  name: z.string(),
  currency: z.string(),
  sortOrder: z.number(),
  maxQty: z.number(),
  periodHours: z.number(),
  isDefault: z.boolean(),
  /** Clients assigned this profile plus, for a default profile, the clients following the default. */
  clientCount: z.number(),
  assignedClients: z.number(),
  /** Where this profile's assigned clients go if it is deleted: the reseller's default in this currency (not itself). */
  fallback: z.object({ id: z.number(), name: z.string() }).nullable(),
  staffRule,
  clientRule,
  inactivityRule,
  forecastRule,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Bumped by every change of the profile, its rules or its staff: profiles.update takes it back. */
  version: z.number(),
});
export type Profile = z.infer<typeof profile>;

export const profilesList = defineContract({
  name: 'profiles.list',
  staleOn: ['profiles', 'clients'],
  summary:
    'Every Low Balance Profile (of one reseller with resellerId), in sort order then by name, with how many clients use each.',
  input: z.strictObject({ resellerId: id.optional(), currency: currency.optional() }).default({}),
  output: z.array(profile),
});

export const profilesGet = defineContract({
  name: 'profiles.get',
  staleOn: ['profiles', 'clients'],
  summary: 'One Low Balance Profile with its rules (staff, client, inactivity, forecast).',
  input: z.strictObject({ id }),
  output: profile,
});

export const profilesCreate = defineContract({
  name: 'profiles.create',
  summary:
    "Adds a Low Balance Profile to a reseller. The name is unique per reseller; the first profile of a reseller and currency becomes its default. Thresholds are minor units of the profile's currency.",
  mutates: true,
  input: z.strictObject({
    resellerId: id,
    ...profileFields,
    sortOrder: profileFields.sortOrder.default(0),
    maxQty: profileFields.maxQty.default(3),
    periodHours: profileFields.periodHours.default(24),
    isDefault: profileFields.isDefault.optional(),
    staffRule: staffRuleInput.default({ ...off, notifyReseller: true, staffIds: [] }),
    clientRule: clientRuleInput.default({ ...off, notifyClient: true }),
    inactivityRule: inactivityRuleInput.default({ ...off, notifyClient: true, inactivityHours: 168 }),
    forecastRule: forecastRuleInput.default({ enabled: false, withinHours: 24, notifyReseller: true, emails: [] }),
  }),
  output: profile,
});

export const profilesUpdate = defineContract({
  name: 'profiles.update',
  summary:
    "Changes a profile. A rule given replaces that rule whole. The currency may change only while no client uses the profile; isDefault: true makes it the reseller's default for its currency. With version (the one profiles.get answered), a profile changed since is refused as a conflict (field version) naming who changed it and when.",
  mutates: true,
  input: z.strictObject({
    id,
    resellerId: id.optional(),
    name: profileFields.name.optional(),
    currency: currency.optional(),
    sortOrder: profileFields.sortOrder.optional(),
    maxQty: profileFields.maxQty.optional(),
    periodHours: profileFields.periodHours.optional(),
    isDefault: profileFields.isDefault.optional(),
    staffRule: staffRuleInput.optional(),
    clientRule: clientRuleInput.optional(),
    inactivityRule: inactivityRuleInput.optional(),
    forecastRule: forecastRuleInput.optional(),
    /** The profile's version the form loaded (profiles.get): refused as a conflict when the profile changed since. */
    version: version.optional(),
  }),
  output: profile,
});

export const profilesDelete = defineContract({
  name: 'profiles.delete',
  summary:
    "Deletes a profile. Its assigned clients fall back to the reseller's default profile for their currency (none when the deleted profile was the default).",
  mutates: true,
  input: z.strictObject({ id }),
  output: z.object({
    id: z.number(),
    clientsMoved: z.number(),
    fallback: z.object({ id: z.number(), name: z.string() }).nullable(),
  }),
});
