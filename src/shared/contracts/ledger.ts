/** The append-only ledger: posting, reversals, paging, usage import and the balance series. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { amount, cursor, entryKind, id, isoTime, limit, page, requiredText, text } from './common';
import { balanceState, importRow, importRowError, ledgerEntry } from './entities';

export const ledgerPost = defineContract({
  name: 'ledger.post',
  role: 'operator',
  summary:
    'Posts one entry. usage is negative, top_up positive, adjustment either sign and needs a reason (description), refund is negative (money returned to the client). externalId makes the post idempotent per client.',
  mutates: true,
  input: z
    .strictObject({
      clientId: id,
      kind: z.enum(['usage', 'top_up', 'adjustment', 'refund'], {
        error: 'must be usage, top_up, adjustment or refund',
      }),
      amount: amount.refine((v) => v !== 0, 'must not be zero'),
      description: text(500).default(''),
      externalId: text(128).min(1, 'must not be empty').optional(),
      at: isoTime.optional(),
    })
    .superRefine((v, ctx) => {
      const wantNegative = v.kind === 'usage' || v.kind === 'refund';
      if (v.kind !== 'adjustment' && v.amount < 0 !== wantNegative) {
        ctx.addIssue({
          code: 'custom',
          path: ['amount'],
          message: wantNegative ? `must be negative for ${v.kind}` : 'must be positive for top_up',
        });
      }
      if (v.kind === 'adjustment' && v.description.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['description'],
          message: 'is required: say why the balance is adjusted',
        });
      }
    }),
  output: z.object({ entry: ledgerEntry, balance: balanceState, duplicate: z.boolean() }),
});

export const ledgerReverse = defineContract({
  name: 'ledger.reverse',
  role: 'operator',
  summary: 'Posts a reversal that cancels one entry exactly (once), with a required reason.',
  mutates: true,
  input: z.strictObject({ entryId: id, reason: requiredText(500, 'a reason') }),
  output: z.object({ entry: ledgerEntry, balance: balanceState }),
});

export const ledgerList = defineContract({
  name: 'ledger.list',
  staleOn: ['clients', 'ledger', 'holds', 'thresholds'],
  summary: "One page of a client's entries, newest first (keyset paging).",
  input: z.strictObject({ clientId: id, kinds: z.array(entryKind).max(5).optional(), limit, cursor }),
  output: page(ledgerEntry),
});

/** The most markers of each kind ledger.series answers. */
export const SERIES_MARKERS = 120;

export const seriesMarker = z.object({
  kind: z.enum(['top_up', 'failed_charge', 'notification']),
  /** The first and the last event it stands for (the same time for one). */
  at: z.string(),
  until: z.string(),
  count: z.number(),
  /** Top-ups and failed charges: their sum in minor units; notifications: null. */
  amount: z.number().nullable(),
  /** One event: the entry's description, the failure's reason, or the message's subject and status; several: null. */
  text: z.string().nullable(),
  /** One event: the ledger entry, charge attempt or notification id; several: null. */
  id: z.number().nullable(),
});
export type SeriesMarker = z.infer<typeof seriesMarker>;

export const ledgerSeries = defineContract({
  name: 'ledger.series',
  staleOn: ['clients', 'ledger', 'holds', 'thresholds', 'notifications', 'charges', 'recharge'],
  summary:
    "The client's balance over time for a chart, downsampled in the core to at most `points` buckets (each keeps its first, lowest, highest and last balance).",
  input: z.strictObject({
    clientId: id,
    from: isoTime.optional(),
    to: isoTime.optional(),
    points: z.number().int().min(10).max(5000).default(600),
  }),
  output: z.object({
    currency: z.string(),
    points: z.array(z.object({ at: z.string(), balance: z.number() })),
    /** The client's thresholds in force now, to draw as lines: its low balance rules and its automatic top-up's alert and trigger. */
    thresholds: z.array(
      z.object({
        kind: z.enum(['staff', 'client', 'inactivity', 'alert', 'trigger']),
        label: z.string(),
        amount: z.number(),
      }),
    ),
    /**
     * Top-ups, failed charge attempts and notifications (sent, queued or failed) in the range, at most
     * `SERIES_MARKERS` of each kind: events close together share one marker, which counts them.
     */
    markers: z.array(seriesMarker),
    /** Everything in the range, however it was grouped. */
    totals: z.object({
      topUps: z.number(),
      topUpAmount: z.number(),
      failedCharges: z.number(),
      notifications: z.number(),
    }),
  }),
});

const importInput = z.strictObject({
  resellerId: id,
  csv: z
    .string({ error: 'must be the text of a CSV file' })
    .max(64 * 1024 * 1024, 'is larger than 64 MB: send it in parts'),
  /** The file line of the first data row in this part (parts of a large file keep the header row). */
  firstLine: z.number().int().min(2).default(2),
});

export const importPreview = defineContract({
  name: 'ledger.import.preview',
  summary:
    'Reads a usage CSV (client_ref,time,amount,external_id,description) without changing anything: per-row errors, rows already imported, and the first valid rows.',
  input: importInput,
  output: z.object({
    rows: z.number(),
    valid: z.number(),
    duplicates: z.number(),
    errors: z.array(importRowError),
    errorCount: z.number(),
    sample: z.array(importRow),
  }),
});

export const importCommit = defineContract({
  name: 'ledger.import.commit',
  role: 'operator',
  summary:
    'Posts the valid rows of a usage CSV as usage entries; rows with errors are skipped and listed; rows already imported (same client and external_id) add nothing. Every row is checked before any is written (a broken CSV writes nothing); the rows are then written in transactions of about 20 ms each, so other calls answer during a large import. A stop in the middle leaves some rows in: sending the part again adds the rest, nothing twice. Audited once, with the last rows.',
  work: true,
  input: importInput,
  output: z.object({
    rows: z.number(),
    imported: z.number(),
    duplicates: z.number(),
    errors: z.array(importRowError),
    errorCount: z.number(),
  }),
});
