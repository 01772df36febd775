/**
 * Every channel refuses bad input with a validation error that names the field, and changes nothing.
 * Each channel gets a valid sample; then every field of it is replaced by hostile values one at a time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { contracts, testClockChannels } from '../../../src/shared/contracts';
import { checksum } from '../../support/checksum';
import { testCore, type TestCore } from '../../support/core';
import { contractSamples, refusals } from '../../support/samples';

let core: TestCore;
let samples: Record<string, Record<string, unknown>>;

beforeAll(async () => {
  core = testCore();
  samples = await contractSamples(core);
});

const wrongForAnyField: unknown[] = [{}, Number.NaN, { $gt: '' }];
const hostile: unknown[] = [
  null,
  true,
  -1,
  0,
  1.5,
  Number.POSITIVE_INFINITY,
  1e308,
  2 ** 53 + 2,
  '',
  'x'.repeat(100_000),
  "'); DROP TABLE clients; --",
  '\u0000\u202e\ud83d\udca5',
  [],
  ['a', 1],
];

describe('every contract at the boundary', () => {
  it('has a sample for every channel', () => {
    expect(Object.keys(samples).sort()).toEqual(contracts.map((c) => c.name).sort());
  });

  for (const contract of contracts) {
    if (testClockChannels.includes(contract.name)) continue; // not registered without --test-clock
    it(`${contract.name} refuses hostile input, naming the field, and changes nothing`, async () => {
      const sample = samples[contract.name];
      const before = checksum(core.db);
      for (const whole of [null, 'text', 42, [], true]) {
        const r = await core.call(contract.name, whole);
        expect(r.ok, `${contract.name} accepted ${JSON.stringify(whole)}`).toBe(false);
        if (!r.ok) expect(r.error).toMatchObject({ kind: 'validation', field: 'input' });
      }
      // A misspelt field is refused by name, not silently dropped.
      const r = await core.call(contract.name, { ...sample, notAField: 1 });
      expect(r).toMatchObject({ ok: false, error: { kind: 'validation', field: 'notAField' } });
      const shapeKeys = Object.keys(sample);
      for (const key of shapeKeys) {
        for (const bad of wrongForAnyField) {
          const res = await core.call(contract.name, { ...sample, [key]: bad });
          expect(res.ok, `${contract.name}.${key} accepted ${String(bad)}`).toBe(false);
          if (!res.ok) {
            expect(res.error.kind).toBe('validation');
            expect(res.error.field?.split('.')[0]).toBe(key);
            expect(res.error.message).toContain(key);
          }
        }
        for (const bad of hostile) {
          const res = await core.call(contract.name, { ...sample, [key]: bad });
          if (!res.ok) {
            expect(refusals(contract.name)).toContain(res.error.kind);
            if (res.error.kind === 'validation') expect(res.error.field).toBeTruthy();
            expect(res.error.message.length).toBeGreaterThan(5);
          } else if (contract.mutates) {
            // A hostile value that is still valid (a name with SQL in it) is stored as text, nothing more.
            expect(
              core.db.$client.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'clients'").pluck().get(),
            ).toBe(1);
          }
        }
      }
      // A sweep (work) writes in transactions of its own by design; a read-only channel writes nothing.
      if (!contract.mutates && !contract.work) expect(checksum(core.db)).toBe(before);
    });
  }

  it('a refused mutating call leaves the database exactly as it was', async () => {
    for (const contract of contracts.filter((c) => c.mutates && !testClockChannels.includes(c.name))) {
      const sample = samples[contract.name];
      for (const key of Object.keys(sample)) {
        const before = checksum(core.db);
        const res = await core.call(contract.name, { ...sample, [key]: {} });
        expect(res.ok).toBe(false);
        expect(checksum(core.db), `${contract.name} with bad ${key} changed the database`).toBe(before);
      }
    }
  });

  it('rolls back the whole call when it fails half way (a closed hold cannot be closed again)', async () => {
    const before = checksum(core.db);
    const r = await core.call('ledger.reverse', { entryId: 999_999, reason: 'x' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'validation', field: 'entryId' } });
    expect(checksum(core.db)).toBe(before);
  });

  it('answers an unknown channel with not_found', async () => {
    expect(await core.call('clients.drop', {})).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    expect(await core.call('clock.advance', { ms: 1 })).toMatchObject({ ok: true }); // test core has a test clock
  });
});
