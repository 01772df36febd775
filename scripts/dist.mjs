#!/usr/bin/env node
/**
 * `npm run dist`: installers for Linux (deb, rpm, tar.gz; no AppImage, see electron-builder.yml), Windows
 * (nsis) and macOS (dmg) into dist/, for the platform this runs on (electron-builder builds Windows and macOS installers best on those systems).
 * electron-builder is fetched by npx at a pinned version rather than listed in devDependencies, so the
 * everyday `npm ci` stays small.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ELECTRON_BUILDER = 'electron-builder@26.0.12';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

console.log(
  `npm run dist needs the internet: ${ELECTRON_BUILDER} downloads Electron, and the Electron headers to rebuild better-sqlite3.\n`,
);

// A nodedir (set for CI's Node builds) would point the better-sqlite3 rebuild at Node's headers, not Electron's.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.toLowerCase() !== 'npm_config_nodedir'));

const run = (command, args) => {
  const r = spawnSync(command, args, {
    cwd: root,
    env,
    stdio: 'inherit',
    shell: process.platform === 'win32' && command !== process.execPath,
  });
  if (r.status !== 0) {
    console.error(`\nnpm run dist: ${[command === process.execPath ? 'node' : command, ...args].join(' ')} failed.`);
    process.exit(r.status ?? 1);
  }
};

const vitePkg = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron-vite', 'package.json'), 'utf8'));
const viteBin = typeof vitePkg.bin === 'string' ? vitePkg.bin : vitePkg.bin['electron-vite'];
run(process.execPath, [path.join(root, 'node_modules', 'electron-vite', viteBin), 'build']);

// npmRebuild recompiles node_modules/better-sqlite3 in place for Electron (or deletes its build when that
// fails), which would break the tests and the headless host. Put the Node build back afterwards.
const sqliteBuild = path.join(root, 'node_modules', 'better-sqlite3', 'build');
const saved = fs.mkdtempSync(path.join(os.tmpdir(), 'balance-desk-node-sqlite-'));
const hadBuild = fs.existsSync(sqliteBuild);
if (hadBuild) fs.cpSync(sqliteBuild, saved, { recursive: true });
const restore = () => {
  if (hadBuild) {
    fs.rmSync(sqliteBuild, { recursive: true, force: true });
    fs.cpSync(saved, sqliteBuild, { recursive: true });
  }
  fs.rmSync(saved, { recursive: true, force: true });
};
process.on('exit', restore);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(1));
run(process.platform === 'win32' ? 'npx.cmd' : 'npx', [
  '--yes',
  ELECTRON_BUILDER,
  '--config',
  'electron-builder.yml',
  ...process.argv.slice(2),
]);
console.log(`\nInstallers are in ${path.join(root, 'dist')}`);
