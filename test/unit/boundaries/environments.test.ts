/**
 * The environment boundaries (ARCHITECTURE.md rule 4), checked on every file under src/:
 * - only the Electron entry, src/main/shell/ and src/preload/ may mention electron (the core runs in plain
 *   Node: tests, the headless host; and no Electron binary exists where the tests run);
 * - src/shared/ and src/renderer/ run in the page too: no Node builtins, no better-sqlite3.
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CODE_FILE, filesUnder } from '../../support/source-files';

const root = path.resolve(__dirname, '../../..');
const src = path.join(root, 'src');

const files = filesUnder(src, CODE_FILE).map((abs) => ({
  rel: path.relative(root, abs).split(path.sep).join('/'),
  text: fs.readFileSync(abs, 'utf8'),
}));

/** Every module a file names: import/export ... from 'x', import 'x', import('x'), require('x'). */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) found.push(m[1]);
  return found;
}

const mayUseElectron = (rel: string) =>
  rel === 'src/main/index.ts' || rel.startsWith('src/main/shell/') || rel.startsWith('src/preload/');
const runsInPage = (rel: string) => rel.startsWith('src/shared/') || rel.startsWith('src/renderer/');
const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]]));
const isNodeOnly = (spec: string) =>
  spec.startsWith('node:') ||
  nodeBuiltins.has(spec) ||
  nodeBuiltins.has(spec.split('/')[0]) ||
  spec === 'better-sqlite3' ||
  spec.startsWith('better-sqlite3/');

describe('environment boundaries under src/', () => {
  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files.map((f) => f.rel)).toContain('src/main/index.ts');
  });

  it('only src/main/index.ts, src/main/shell/ and src/preload/ import electron', () => {
    const offenders = files
      .filter(
        (f) => !mayUseElectron(f.rel) && specifiers(f.text).some((s) => s === 'electron' || s.startsWith('electron/')),
      )
      .map((f) => f.rel);
    expect(offenders, `these files import electron but must run in plain Node: ${offenders.join(', ')}`).toEqual([]);
  });

  it('src/shared/ and src/renderer/ import no Node builtin and no better-sqlite3', () => {
    const offenders = files.flatMap((f) =>
      runsInPage(f.rel)
        ? specifiers(f.text)
            .filter(isNodeOnly)
            .map((s) => `${f.rel} imports ${s}`)
        : [],
    );
    expect(offenders, offenders.join('\n')).toEqual([]);
  });

  it('the pure shell modules that tests load import electron for types only', () => {
    // A runtime import would throw in plain Node, where no Electron binary exists.
    const pure = [
      'src/main/shell/security.ts',
      'src/main/shell/ipc.ts',
      'src/main/shell/protocol.ts',
      'src/main/shell/native.ts',
      'src/main/shell/args.ts',
      'src/main/shell/app-files.ts',
      'src/main/shell/quit.ts',
      'src/main/shell/page-load.ts',
      'src/main/shell/single-instance.ts',
      'src/preload/bridge.ts',
    ];
    for (const rel of pure) {
      const f = files.find((x) => x.rel === rel);
      expect(f, `${rel} exists`).toBeDefined();
      const runtime = f!.text
        .split('\n')
        .filter((l) => /(from|require\()\s*['"]electron['"]/.test(l) && !/^\s*import\s+type\b/.test(l));
      expect(runtime, `${rel} imports electron at run time`).toEqual([]);
    }
  });

  it('the checker itself catches each kind of import', () => {
    expect(specifiers(`import { app } from 'electron';`)).toEqual(['electron']);
    expect(specifiers(`const { ipcRenderer } = require("electron")`)).toEqual(['electron']);
    expect(specifiers(`import type { WebContents } from 'electron'`)).toEqual(['electron']);
    expect(specifiers(`const m = await import('node:fs')`)).toEqual(['node:fs']);
    expect(specifiers(`export * from 'child_process'`)).toEqual(['child_process']);
    expect(['node:path', 'fs', 'fs/promises', 'os', 'child_process', 'better-sqlite3'].every(isNodeOnly)).toBe(true);
    expect(['zod', 'react', '../shared/money', 'react-dom/client'].some(isNodeOnly)).toBe(false);
  });
});
