/** The dashboard: the desk at a glance, each figure with the list behind it, and the last 30 days. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { empty } from './common';
import { schedulerStatus } from './scheduler';

/** One currency's sum: how many and how much (minor units of that currency). */
export const currencySum = z.object({ currency: z.string(), count: z.number(), amount: z.number() });

/** One currency over the chart's days, oldest first (one value per day of `days`). */
export const dailyCurrency = z.object({
  currency: z.string(),
  /** The total balance of every client in this currency at the end of each day (today: now). */
  balance: z.array(z.number()),
  /** The top-ups recorded on each day: their sum and how many. */
  topUps: z.array(z.number()),
  topUpCount: z.array(z.number()),
});

export const dashboard = z.object({
  now: z.string(),
  /** Today, the UTC day the "today" figures count (the Charges and Notifications filters read days as UTC days too). */
  today: z.object({ day: z.string(), from: z.string(), to: z.string() }),
  /** Clients below a threshold of one of their low balance rules now (a rule state is open). */
  belowThreshold: z.number(),
  /** Clients whose available balance reaches zero within 24 hours at their current rate of use (the run-dry forecast), or already has. */
  runDrySoon: z.number(),
  /** Top-up entries recorded today, per currency (every top_up: automatic and by hand). */
  topUpsToday: z.array(currencySum),
  /** Of those, the automatic ones (a succeeded charge credited them). */
  automaticTopUpsToday: z.number(),
  /** Clients whose latest charge attempt failed or needs the client: each waits for a Retry. */
  awaitingRetry: z.number(),
  /** Payment methods cooling down after a failed charge, and the clients they belong to. */
  methodsCooling: z.number(),
  clientsCooling: z.number(),
  /** Notifications decided today that were sent, and that failed. */
  notificationsToday: z.object({ sent: z.number(), failed: z.number() }),
  scheduler: schedulerStatus,
});
export type Dashboard = z.infer<typeof dashboard>;

export const dashboardGet = defineContract({
  name: 'dashboard.get',
  staleOn: [
    'clients',
    'ledger',
    'holds',
    'thresholds',
    'profiles',
    'notifications',
    'scheduler',
    'charges',
    'methods',
    'recharge',
    'clock',
  ],
  summary:
    "The desk at a glance: clients below a low balance threshold, clients forecast to run dry within 24 hours, today's top-ups per currency (today is the UTC day, as in the lists' day filters), failed charges awaiting Retry, payment methods cooling down, notifications sent and failed today, and the scheduler.",
  input: empty,
  output: dashboard,
});

export const dashboardChart = defineContract({
  name: 'dashboard.chart',
  staleOn: [
    'clients',
    'ledger',
    'holds',
    'thresholds',
    'profiles',
    'notifications',
    'scheduler',
    'charges',
    'methods',
    'recharge',
    'clock',
  ],
  summary:
    'The last 30 UTC days (oldest first, today last), per currency: the total balance of every client at the end of each day (today: now) and the top-ups recorded that day. The first call after a start adds up the entries of the 30 days in slices, with the app answering meanwhile; later calls only add what is new.',
  input: empty,
  output: z.object({ days: z.array(z.string()), currencies: z.array(dailyCurrency) }),
});
