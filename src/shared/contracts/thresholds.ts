/** A client's own thresholds: the rules of its profile as they apply to it, and its overrides. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { amount, id, version } from './common';
import { ruleKind } from './profiles';

export const ruleView = z.object({
  kind: ruleKind,
  /** Effective: the override where the client has one, else the profile's. */
  enabled: z.boolean(),
  threshold: z.number(),
  thresholdSource: z.enum(['profile', 'client']),
  enabledSource: z.enum(['profile', 'client']),
  profileEnabled: z.boolean(),
  profileThreshold: z.number(),
  override: z.object({ threshold: z.number().nullable(), enabled: z.boolean() }).nullable(),
  inactivityHours: z.number().nullable(),
  /** Strictly below the effective threshold now. */
  below: z.boolean(),
  /** Notifications decided in the current episode below the threshold (resets on refill). */
  sent: z.number(),
  lastSentAt: z.string().nullable(),
  nextCheckAt: z.string().nullable(),
});
export type RuleView = z.infer<typeof ruleView>;

export const clientThresholds = z.object({
  clientId: z.number(),
  currency: z.string(),
  available: z.number(),
  /** The profile in force and why: assigned to the client, or the reseller's default for the currency. */
  profile: z
    .object({
      id: z.number(),
      name: z.string(),
      source: z.enum(['assigned', 'default']),
      maxQty: z.number(),
      periodHours: z.number(),
    })
    .nullable(),
  rules: z.array(ruleView),
  /**
   * The profile's forecast rule as it applies to the client (it has no client override): on or off, its
   * horizon, the client's run-dry time (null: no usage to forecast from), whether that is within the horizon
   * now, and the rule's counter. Null without a profile.
   */
  forecast: z
    .object({
      enabled: z.boolean(),
      withinHours: z.number(),
      runDryAt: z.string().nullable(),
      within: z.boolean(),
      sent: z.number(),
      lastSentAt: z.string().nullable(),
      nextCheckAt: z.string().nullable(),
    })
    .nullable(),
  /** The version of the client's own thresholds, bumped by every set or clear: thresholds.set and clear take it back. */
  version: z.number(),
});
export type ClientThresholds = z.infer<typeof clientThresholds>;

export const thresholdsGet = defineContract({
  name: 'thresholds.get',
  staleOn: ['thresholds', 'notifications', 'profiles', 'clients', 'ledger', 'holds'],
  summary:
    "A client's effective rules: profile in force, each rule's threshold and whether it comes from the profile or the client, and the rule's counter.",
  input: z.strictObject({ clientId: id }),
  output: clientThresholds,
});

export const thresholdsSet = defineContract({
  name: 'thresholds.set',
  summary:
    "Sets a client's own threshold for a rule (threshold null keeps the profile's) and whether the rule is on for the client; evaluates the client at once. With version (the one thresholds.get answered), thresholds changed since are refused as a conflict (field version) naming who changed them and when.",
  mutates: true,
  input: z.strictObject({
    clientId: id,
    kind: ruleKind,
    threshold: amount.nullable(),
    enabled: z.boolean({ error: 'must be true or false' }),
    /** The thresholds' version the form loaded (thresholds.get): refused as a conflict when they changed since. */
    version: version.optional(),
  }),
  output: clientThresholds,
});

export const thresholdsClear = defineContract({
  name: 'thresholds.clear',
  summary:
    "Removes a client's override of a rule: the profile's threshold and switch apply again. With version, as thresholds.set.",
  mutates: true,
  input: z.strictObject({ clientId: id, kind: ruleKind, version: version.optional() }),
  output: clientThresholds,
});
