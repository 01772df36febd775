#!/usr/bin/env node
/**
 * `npm start [-- --demo] [-- --data-dir DIR]`: the desktop app from a checkout.
 *  1. makes sure the Electron binary is there: Electron 45's package has no install script, so `npm install`
 *     downloads nothing and the first `npm start` fetches the binary (its install.js) from the internet;
 *  2. builds better-sqlite3 for Electron's ABI into .electron-native/ once per Electron version. The Node
 *     build in node_modules (tests, the headless host) is never touched: the sources are copied to a temp
 *     folder and compiled there;
 *  3. builds the app (electron-vite build);
 *  4. with --demo (and no STRIPE_API_BASE of your own) starts the Stripe sandbox and points the app at it,
 *     as `npm run serve -- --demo` does (scripts/sandbox.mjs), and stops it when the app exits;
 *  5. runs Electron on the project with the arguments given after `--`.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoStripe } from './sandbox.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modules = path.join(root, 'node_modules');
const nativeDir = path.join(root, '.electron-native');
const nativeFile = path.join(nativeDir, 'better_sqlite3.node');
const stampFile = path.join(nativeDir, 'build.json');

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const die = (message) => {
  console.error(`\nnpm start: ${message}`);
  process.exit(1);
};

function electronBinary() {
  const pkgDir = path.join(modules, 'electron');
  if (!fs.existsSync(pkgDir)) die('the electron package is not installed: run `npm install` first.');
  const version = readJson(path.join(pkgDir, 'package.json')).version;
  const installed = () => {
    const pathFile = path.join(pkgDir, 'path.txt');
    if (!fs.existsSync(pathFile)) return null;
    const binary = path.join(pkgDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
    return fs.existsSync(binary) ? binary : null;
  };
  let binary = installed();
  if (!binary) {
    console.log(`Fetching the Electron ${version} binary (first start only)…`);
    const got = spawnSync(process.execPath, [path.join(pkgDir, 'install.js')], { cwd: pkgDir, encoding: 'utf8' });
    binary = got.status === 0 ? installed() : null;
    if (!binary) {
      const why =
        `${got.stderr ?? ''}`.split('\n').find((l) => l.trim() && !l.trim().startsWith('at ')) ?? 'no reason given';
      die(
        `the Electron ${version} binary is not installed and could not be downloaded (${why.trim()}).\n` +
          'Electron downloads its binary from GitHub when it is installed or first run, on a machine with internet access; ' +
          'this machine cannot reach it. Run `npm start` on a machine with internet, or use `npm run serve` (the same app in a browser).',
      );
    }
  }
  return { binary, version };
}

function nodeGypCommand() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ].filter(Boolean);
  const found = candidates.find((p) => fs.existsSync(p));
  if (found) return { command: process.execPath, prefix: [found] };
  return { command: process.platform === 'win32' ? 'npx.cmd' : 'npx', prefix: ['--yes', 'node-gyp'] };
}

function buildNativeForElectron(electronVersion) {
  const sqliteDir = path.join(modules, 'better-sqlite3');
  const sqliteVersion = readJson(path.join(sqliteDir, 'package.json')).version;
  const wanted = {
    electron: electronVersion,
    betterSqlite3: sqliteVersion,
    platform: process.platform,
    arch: process.arch,
  };
  if (
    fs.existsSync(nativeFile) &&
    fs.existsSync(stampFile) &&
    JSON.stringify(readJson(stampFile)) === JSON.stringify(wanted)
  )
    return;

  console.log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (once; about a minute)…`);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'balance-desk-sqlite-'));
  try {
    const work = path.join(temp, 'better-sqlite3');
    // The copy leaves out the Node build, so nothing of it can be mistaken for the Electron one.
    fs.cpSync(sqliteDir, work, {
      recursive: true,
      filter: (src) => path.relative(sqliteDir, src).split(path.sep)[0] !== 'build',
    });
    const env = { ...process.env };
    // A nodedir points node-gyp at Node's headers (set for CI); here the headers must be Electron's.
    for (const key of Object.keys(env)) if (key.toLowerCase() === 'npm_config_nodedir') delete env[key];
    const gyp = nodeGypCommand();
    const built = spawnSync(
      gyp.command,
      [
        ...gyp.prefix,
        'rebuild',
        '--release',
        `--target=${electronVersion}`,
        `--arch=${process.arch}`,
        '--dist-url=https://electronjs.org/headers',
        '--runtime=electron',
        `--devdir=${path.join(os.homedir(), '.electron-gyp')}`,
      ],
      { cwd: work, env, stdio: 'inherit', shell: process.platform === 'win32' && gyp.command !== process.execPath },
    );
    const output = path.join(work, 'build', 'Release', 'better_sqlite3.node');
    if (built.status !== 0 || !fs.existsSync(output)) {
      die(
        'building better-sqlite3 for Electron failed (see above). It needs a C++ toolchain and the internet to fetch Electron headers.',
      );
    }
    fs.mkdirSync(nativeDir, { recursive: true });
    fs.copyFileSync(output, nativeFile);
    fs.writeFileSync(stampFile, JSON.stringify(wanted) + '\n');
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

function buildApp() {
  const pkg = readJson(path.join(modules, 'electron-vite', 'package.json'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin['electron-vite'];
  const built = spawnSync(process.execPath, [path.join(modules, 'electron-vite', bin), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) die('electron-vite build failed (see above).');
}

const { binary, version } = electronBinary();
buildNativeForElectron(version);
buildApp();

const args = process.argv.slice(2);
const base = { ...process.env };
// Set, it would make Electron behave as plain Node and never open a window.
delete base.ELECTRON_RUN_AS_NODE;
const { env, stop } = await demoStripe(root, args, base).catch((e) =>
  die(`the Stripe sandbox for the demo could not start: ${e.message}`),
);
const child = spawn(binary, [root, ...args], { cwd: root, env, stdio: 'inherit', windowsHide: false });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('close', (code, signal) => {
  stop();
  process.exit(code ?? (signal ? 1 : 0));
});
