/** Exports of a log (notifications.export, audit.export): their state, progress and cancel. */
import { z } from 'zod';
import { defineContract } from '../contract';

/* ── Exports ───────────────────────────────────────────────────────────────────────────────────── */

export const exportFormat = z.enum(['csv', 'json'], { error: 'must be csv or json' });

export const exportState = z.object({
  id: z.string(),
  /** Which log it writes: the notification log (notifications.export) or the audit log (audit.export). */
  log: z.enum(['notifications', 'audit']),
  format: exportFormat,
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** Rows written so far, and how many the filter matched when it started. */
  rows: z.number(),
  total: z.number(),
  bytes: z.number(),
  fileName: z.string(),
  /** Where the file is: the path chosen in the save dialog (desktop), or the host's exports folder. */
  path: z.string(),
  /** In the browser the finished file is fetched from here (GET, with the token). */
  downloadPath: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ExportState = z.infer<typeof exportState>;

/** A channel that starts exporting a log narrowed by its filter: the export's state, or null when the save dialog was cancelled. */
export const exportStarter = <N extends string, S extends z.ZodRawShape>(
  name: N,
  summary: string,
  filter: z.ZodObject<S, z.core.$strict>,
) => defineContract({ name, summary, input: filter.extend({ format: exportFormat }), output: exportState.nullable() });

export const exportsStatus = defineContract({
  name: 'exports.status',
  staleOn: ['exports'],
  summary: 'How far an export has got (of either log).',
  input: z.strictObject({ id: z.string().regex(/^[\w-]{1,64}$/, 'is not an export id') }),
  output: exportState,
});

export const exportsCancel = defineContract({
  name: 'exports.cancel',
  summary: 'Stops a running export (of either log) and removes its unfinished file.',
  input: z.strictObject({ id: z.string().regex(/^[\w-]{1,64}$/, 'is not an export id') }),
  output: exportState,
});
