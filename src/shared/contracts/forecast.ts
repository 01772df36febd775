/** The run-dry forecast of one client (src/shared/forecast.ts). */
import { z } from 'zod';
import { defineContract } from '../contract';
import { id } from './common';
import { ruleKind } from './profiles';

export const clientForecast = z.object({
  clientId: z.number(),
  currency: z.string(),
  available: z.number(),
  /** Usage in minor units per hour, weighted over the last 7 days and capped against bursts (a fraction; 0: no usage). */
  burnPerHour: z.number(),
  /** The same per day, rounded to the minor unit. */
  burnPerDay: z.number(),
  /** When the available balance reaches zero at that rate (now when it already has); null without usage. */
  runDryAt: z.string().nullable(),
  /** Each rule that is on for the client: its effective threshold and when the available balance falls below it (now: already below; null: no usage). */
  thresholds: z.array(z.object({ kind: ruleKind, threshold: z.number(), crossesAt: z.string().nullable() })),
  /** The average daily spend of the last 30 days (the same figure as the automatic top-up panel's), and the days it covers. */
  averageDailySpend: z.number(),
  spendDays: z.number(),
  /** Twice the average daily spend: a threshold that leaves two days to react. 0 without usage. */
  suggestedThreshold: z.number(),
});
export type ClientForecast = z.infer<typeof clientForecast>;

export const clientsForecast = defineContract({
  name: 'clients.forecast',
  summary:
    "A client's run-dry forecast as of now: the burn rate (usage per hour and per day over the last 7 days, recent days weighted more, one day's burst capped at 3 × the median day), when the available balance falls below each rule's threshold and reaches zero, and a suggested threshold (twice the average daily spend of 30 days).",
  input: z.strictObject({ clientId: id }),
  output: clientForecast,
});
