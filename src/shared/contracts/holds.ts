/** Holds: an amount set aside on a client balance until it is closed, charged or released. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { amount, id, positiveAmount, requiredText, text } from './common';
import { balanceState, hold, ledgerEntry } from './entities';

export const holdsOpen = defineContract({
  name: 'holds.open',
  role: 'operator',
  summary:
    'Reserves an estimated cost for work in progress (e.g. an active call): the balance stays, the available balance drops. The reference is unique per client, so opening twice is harmless.',
  mutates: true,
  input: z.strictObject({
    clientId: id,
    amount: positiveAmount,
    reference: requiredText(128, 'a reference'),
    description: text(500).default(''),
  }),
  output: z.object({ hold, balance: balanceState, duplicate: z.boolean() }),
});

export const holdsClose = defineContract({
  name: 'holds.close',
  role: 'operator',
  summary:
    'Releases a hold; with `charge` (minor units, may differ from the hold) it posts the final usage debit in the same transaction.',
  mutates: true,
  input: z.strictObject({
    id,
    charge: amount.refine((v) => v >= 0, 'must not be negative').optional(),
    description: text(500).optional(),
  }),
  output: z.object({ hold, entry: ledgerEntry.nullable(), balance: balanceState }),
});

export const holdsList = defineContract({
  name: 'holds.list',
  staleOn: ['clients', 'ledger', 'holds', 'thresholds'],
  summary: "A client's holds, newest first; open ones only unless status says otherwise.",
  input: z.strictObject({ clientId: id, status: z.enum(['open', 'closed', 'all']).default('open') }),
  output: z.array(hold),
});
