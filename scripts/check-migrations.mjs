// npm run db:check — fails when src/main/core/db/schema.ts has changes that no migration in drizzle/ carries.
// It runs drizzle-kit generate on a copy of drizzle/, so the project's own folder is never touched.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-migrations-'));
fs.cpSync(path.join(root, 'drizzle'), path.join(copy, 'drizzle'), { recursive: true });
const list = (dir) => fs.readdirSync(dir, { recursive: true }).map(String).sort();
const before = list(path.join(copy, 'drizzle'));
const bin = path.join(root, 'node_modules/.bin', process.platform === 'win32' ? 'drizzle-kit.cmd' : 'drizzle-kit');
// drizzle-kit prefixes --out with './': it must be relative to the project.
const out = path.relative(root, path.join(copy, 'drizzle'));
const r = spawnSync(bin, ['generate', '--dialect', 'sqlite', '--schema', 'src/main/core/db/schema.ts', '--out', out], {
  cwd: root,
  encoding: 'utf8',
  shell: process.platform === 'win32',
});
if (r.status !== 0 || /Error|ENOENT/.test(r.stderr + r.stdout)) {
  console.error(r.stdout, r.stderr);
  console.error('db:check: drizzle-kit generate failed');
  process.exit(1);
}
const after = list(path.join(copy, 'drizzle'));
fs.rmSync(copy, { recursive: true, force: true });
const added = after.filter((f) => !before.includes(f));
if (added.length) {
  console.error(
    `db:check: the schema has changes with no migration (${added.join(', ')}). Run \`npm run db:generate\` and commit drizzle/.`,
  );
  process.exit(1);
}
console.log('db:check: drizzle/ matches the schema');
