/** The test clock: only in the headless host started with --test-clock. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { empty, isoTime } from './common';

const clockOut = z.object({ now: z.string() });

export const clockGet = defineContract({
  name: 'clock.get',
  staleOn: ['clock'],
  summary: 'Test clock only (--test-clock): the core clock now.',
  input: empty,
  output: clockOut,
});

export const clockSet = defineContract({
  name: 'clock.set',
  role: 'admin',
  summary: 'Test clock only: sets the core clock (never backwards), then runs the work that has fallen due.',
  input: z.strictObject({ iso: isoTime }),
  output: clockOut,
});

export const clockAdvance = defineContract({
  name: 'clock.advance',
  role: 'admin',
  summary: 'Test clock only: moves the core clock forward by ms, then runs the work that has fallen due.',
  input: z.strictObject({
    ms: z
      .number()
      .int()
      .min(0)
      .max(366 * 24 * 3600 * 1000, 'must be at most a year'),
  }),
  output: clockOut,
});
