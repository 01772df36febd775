/** The scheduler: its status and a sweep of every client against its rules. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { empty } from './common';

export const sweepReport = z.object({
  /** Full: every client under the highest threshold or below a rule; routine: only those no rule state tracks yet. */
  full: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  /** The longest time the sweep held the process in one go (it yields between slices). */
  longestSliceMs: z.number(),
  slices: z.number(),
  clients: z.number(),
  candidates: z.number(),
  decisions: z.number(),
});
export type SweepReport = z.infer<typeof sweepReport>;

export const schedulerStatus = z.object({
  lastSweep: sweepReport.nullable(),
  sweeping: z.boolean(),
  nextSweepAt: z.string(),
  sweepEveryMs: z.number(),
  /** The smallest Period among the profiles, which sets how often the sweep runs. */
  smallestPeriodHours: z.number().nullable(),
  /** Rules waiting for their next check (period over, inactivity reached), and the earliest. */
  watching: z.number(),
  nextCheckAt: z.string().nullable(),
  jobs: z.object({ queued: z.number(), running: z.number(), failed: z.number(), done: z.number() }),
});
export type SchedulerStatus = z.infer<typeof schedulerStatus>;

export const schedulerStatusGet = defineContract({
  name: 'scheduler.status',
  staleOn: ['scheduler', 'clock', 'notifications'],
  summary:
    'The scheduler: last sweep, next sweep, rules waiting for a check, and jobs queued, running, failed and done.',
  input: empty,
  output: schedulerStatus,
});

export const schedulerSweep = defineContract({
  name: 'scheduler.sweep',
  role: 'operator',
  summary:
    'Runs a full sweep of every client now (as after a profile change), in slices that leave the app responsive, and reports it.',
  work: true,
  input: empty,
  output: sweepReport,
});
