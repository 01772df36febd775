import { describe, expect, it } from 'vitest';
import { iso } from '../../../src/main/core/clock/clock';

describe('iso()', () => {
  it('writes exactly what Date#toISOString writes, across days, edges and out-of-range values', () => {
    const samples = [
      0, 1, 999, 1000, 59_999, 86_399_999, 86_400_000, 951_782_400_000 /* 2000-02-29 */, 1_763_719_200_123,
      253_402_300_799_999, -1, -86_400_001, 1.5, 253_402_300_800_000,
    ];
    let x = 20261121;
    for (let i = 0; i < 20_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      samples.push(Math.floor((x / 2 ** 31) * 4_102_444_800_000)); // up to 2100
      samples.push(1_763_719_200_000 + i * 997); // runs within one day, then the next
    }
    for (const ms of samples) expect(iso(ms), String(ms)).toBe(new Date(ms).toISOString());
  });
});
