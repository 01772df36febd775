/** Every relative link of the README, docs/ and bench/README.md names a file (and heading) that exists. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

it('the docs link only to files and headings that exist', () => {
  const r = spawnSync(process.execPath, [path.resolve(__dirname, '../../../scripts/check-doc-links.mjs')], {
    encoding: 'utf8',
  });
  expect(r.stdout).toMatch(/\d+ relative links checked, 0 broken/);
  expect(r.status).toBe(0);
});
