/** The audit log: every money-affecting or settings action, listed and exported. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { cursor, id, isoTime, limit, page, text } from './common';
import { auditRow } from './entities';
import { exportStarter } from './exports';

/** What narrows the audit log: the list screen and the export share it. */
export const auditFilter = z.strictObject({
  /** The kind of record acted on: client, reseller, staff, profile, notification, settings. */
  subjectType: text(40).optional(),
  subjectId: id.optional(),
  /** Who acted, exactly as the log names them ('desk', 'api', a staff user). */
  actor: text(320, 'the name of whoever acted').optional(),
  /** At or after. */
  from: isoTime.optional(),
  /** Before. */
  to: isoTime.optional(),
});
export type AuditFilter = z.infer<typeof auditFilter>;

export const auditList = defineContract({
  name: 'audit.list',
  staleOn: ['audit'],
  summary:
    'The audit log, newest first: who did what to which record, and when; narrowed by subject, actor and a date range.',
  input: auditFilter.extend({ limit, cursor }).default({ limit: 50 }),
  output: page(auditRow),
});

export const auditExport = exportStarter(
  'audit.export',
  'Starts writing the audit log, narrowed like audit.list and newest first, to a CSV (UTF-8, RFC 4180, safe in spreadsheets; the detail as JSON text) or JSON file, streamed in the background like notifications.export: follow it with exports.status, stop it with exports.cancel. The desktop app asks where to save it. Null when the save dialog was cancelled.',
  auditFilter,
);
