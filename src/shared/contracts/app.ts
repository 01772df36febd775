/** The app: its version, data folder and what this caller may do. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { empty } from './common';

export const appInfo = defineContract({
  name: 'app.info',
  staleOn: ['clock'],
  summary: 'What is running: version, data folder, demo or test-clock mode, and the time on the core clock.',
  signedOut: true,
  input: empty,
  output: z.object({
    version: z.string(),
    dataDir: z.string(),
    demo: z.boolean(),
    testClock: z.boolean(),
    now: z.string(),
    host: z.enum(['desktop', 'headless']),
  }),
});
