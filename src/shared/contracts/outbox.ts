/** The outbox folder: messages written as .eml files when no SMTP server is set up. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { cursor, limit, page } from './common';

/* ── The outbox folder ─────────────────────────────────────────────────────────────────────────── */

export const outboxItem = z.object({
  file: z.string(),
  bytes: z.number(),
  writtenAt: z.string(),
  subject: z.string(),
  to: z.string(),
  notificationId: z.number().nullable(),
});

export const outboxList = defineContract({
  name: 'outbox.list',
  staleOn: ['outbox'],
  summary: 'The .eml files in the outbox folder (mail written there while no SMTP server is set up), newest first.',
  input: z.strictObject({ limit, cursor }).default({ limit: 50 }),
  output: page(outboxItem).extend({ dir: z.string(), total: z.number() }),
});

export const outboxGet = defineContract({
  name: 'outbox.get',
  staleOn: [],
  summary: 'One message of the outbox folder, as raw .eml text.',
  input: z.strictObject({
    file: z
      .string({ error: 'must be a file name' })
      .regex(/^[\w.-]{1,200}\.eml$/, 'must be the name of an .eml file in the outbox folder'),
  }),
  output: outboxItem.extend({ eml: z.string() }),
});
