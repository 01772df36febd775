/**
 * Property-based (fast-check): every channel, given its valid sample with random fields replaced by
 * random and hostile values — wrong types, NaN and infinities, huge and negative numbers, very long and
 * odd unicode strings, SQL fragments, nested objects, extra keys — answers either a value or a typed
 * error (validation with the field named, not found, conflict), never an internal error; and a refused
 * call leaves the database exactly as it was (a checksum of every table before and after).
 * Channels that reach outside the process (SMTP, Stripe, files, the clock) are left to their own tests.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { contracts, testClockChannels } from '../../../src/shared/contracts';
import { checksum } from '../../support/checksum';
import { testCore, type TestCore } from '../../support/core';
import { contractSamples, refusals } from '../../support/samples';

/** They call SMTP or Stripe, write files, move the test clock, or sweep in transactions of their own. */
const OUTSIDE = new Set([
  'mail.test',
  'stripe.check',
  'methods.link',
  'methods.refresh',
  'methods.setupLink',
  'notifications.export',
  'audit.export',
  'scheduler.sweep',
  ...testClockChannels,
]);

const sql = fc.constantFrom(
  "'; DROP TABLE clients; --",
  '1 OR 1=1',
  '") UNION SELECT * FROM settings --',
  '%',
  '_',
  '\\',
  '${x}',
  '<script>alert(1)</script>',
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2, withNullPrototype: true, withObjectString: true }),
  fc.double(),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    Number.MAX_SAFE_INTEGER + 1,
    -(2 ** 53),
    1e308,
    2 ** 31,
    -1,
  ),
  fc.integer(),
  fc.bigInt().map((b) => Number(b)),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom(
    'x'.repeat(10_000),
    '\u0000',
    '\u202e',
    '\ud800',
    '0',
    '-0',
    '1e999',
    '2026-13-45T25:61:00Z',
    'cus_',
    'sk_live_',
  ),
  sql,
);

let core: TestCore;
let samples: Record<string, Record<string, unknown>>;

beforeAll(async () => {
  core = testCore();
  samples = await contractSamples(core);
});

describe('every contract, fuzzed', () => {
  for (const contract of contracts) {
    if (OUTSIDE.has(contract.name)) continue;
    it(`${contract.name}: random and hostile fields get a typed answer; a refusal changes nothing`, async () => {
      const keys = Object.keys(samples[contract.name]);
      const spoil = fc.record({
        replace: keys.length
          ? fc.dictionary(fc.constantFrom(...keys), hostileValue, { minKeys: 1, maxKeys: Math.max(1, keys.length) })
          : fc.constant({}),
        extra: fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), hostileValue, { maxKeys: 2 }), {
          freq: 4,
        }),
      });
      await fc.assert(
        fc.asyncProperty(spoil, async ({ replace, extra }) => {
          const input = { ...samples[contract.name], ...replace, ...(extra ?? {}) };
          // A wrong password is refused and audited (session.signInFailed): the audit log is the one change.
          const except = contract.name === 'session.signIn' ? ['audit_log', 'sqlite_sequence'] : [];
          const before = checksum(core.db, except);
          const r = await core.call(contract.name, input);
          if (r.ok) {
            if (!contract.mutates && !contract.work) expect(checksum(core.db)).toBe(before);
            return;
          }
          expect(refusals(contract.name)).toContain(r.error.kind);
          expect(r.error.message.length).toBeGreaterThan(5);
          if (r.error.kind === 'validation') expect(r.error.field).toBeTruthy();
          expect(
            checksum(core.db, except),
            `${contract.name} refused ${JSON.stringify(input).slice(0, 300)} but changed the database`,
          ).toBe(before);
        }),
        { numRuns: 60, seed: 20261121 },
      );
    });
  }
});
