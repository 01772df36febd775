/**
 * Where the renderer's pieces live (issue 16), checked on every file:
 * - ui/ holds primitives (Field, Dialog, Money, tables, the form helper): they import no feature, screen or
 *   data module, so any screen can use them;
 * - each component's CSS sits beside it: a stylesheet is `<Component>.css` next to `<Component>.tsx`, or
 *   `<folder>.css` for what several components of one feature folder share, imported only from its own
 *   folder; the one shared sheet is styles.css (tokens, base, shared controls), imported first by main.tsx;
 * - type sizes are tokens (`font-size: var(--text-…)`), never a literal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, importsOf as imports } from '../../support/source-files';

const src = path.resolve(__dirname, '../../../src/renderer/src');

const rel = (abs: string) => path.relative(src, abs).split(path.sep).join('/');
const all = filesUnder(src).map(rel);
const code = all.filter((f) => /\.tsx?$/.test(f)).map((f) => ({ f, text: fs.readFileSync(path.join(src, f), 'utf8') }));
const sheets = all.filter((f) => f.endsWith('.css'));

const importsOf = (text: string) => imports(text).map((i) => i.spec);
const resolve = (from: string, spec: string) => path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));

/** The ui/ files that import a feature, a screen or the data layer. */
function primitiveOffenders(files: { f: string; text: string }[]): string[] {
  return files
    .filter((x) => x.f.startsWith('ui/'))
    .flatMap((x) =>
      importsOf(x.text)
        .filter((s) => s.startsWith('.'))
        .map((s) => resolve(x.f, s))
        .filter((target) => /^(features|screens|data)\//.test(target))
        .map((target) => `${x.f} imports ${target}`),
    );
}

/** The stylesheets not beside what imports them, or named after nothing there. */
function sheetOffenders(files: { f: string; text: string }[], css: string[]): string[] {
  const out: string[] = [];
  for (const x of files) {
    for (const s of importsOf(x.text).filter((s) => s.endsWith('.css'))) {
      if (!s.startsWith('.')) continue; // a package's own sheet (uPlot's)
      const target = resolve(x.f, s);
      if (path.posix.dirname(target) !== path.posix.dirname(x.f))
        out.push(`${x.f} imports ${target}, from another folder`);
    }
  }
  for (const sheet of css.filter((c) => c !== 'styles.css')) {
    const dir = path.posix.dirname(sheet);
    const base = path.posix.basename(sheet, '.css');
    const component = files.some((x) => x.f === path.posix.join(dir, `${base}.tsx`));
    if (!component && base !== path.posix.basename(dir))
      out.push(`${sheet} is named after neither a component beside it nor its folder`);
    const importers = files.filter((x) =>
      importsOf(x.text).some((s) => s.startsWith('.') && resolve(x.f, s) === sheet),
    );
    if (importers.length === 0) out.push(`${sheet} is imported by nothing`);
  }
  return out;
}

describe('the renderer’s folders', () => {
  it('ui/ primitives import no feature, screen or data module', () => {
    expect(code.filter((x) => x.f.startsWith('ui/')).length).toBeGreaterThan(5);
    expect(primitiveOffenders(code)).toEqual([]);
  });

  it('each stylesheet sits beside the component (or feature folder) it is named after, imported from there', () => {
    expect(sheets.length).toBeGreaterThan(20);
    expect(sheetOffenders(code, sheets)).toEqual([]);
  });

  it('styles.css is the one shared sheet, imported by main.tsx before the app', () => {
    const main = code.find((x) => x.f === 'main.tsx')!.text;
    const order = importsOf(main);
    expect(order.indexOf('./styles.css')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('./styles.css')).toBeLessThan(order.indexOf('./App'));
    expect(all.filter((f) => f.startsWith('styles/'))).toEqual([]);
  });

  it('type sizes are tokens, never literals', () => {
    const literal = sheets.flatMap((s) =>
      [...fs.readFileSync(path.join(src, s), 'utf8').matchAll(/font-size:\s*([^;}]+)/g)]
        .filter((m) => !/^var\(--text-[\w-]+\)$/.test(m[1].trim()))
        .map((m) => `${s}: font-size: ${m[1]}`),
    );
    expect(literal).toEqual([]);
  });

  it('the checkers find what they look for', () => {
    expect(
      primitiveOffenders([{ f: 'ui/Thing.tsx', text: "import { x } from '../features/clients/ClientPicker';" }]),
    ).toEqual(['ui/Thing.tsx imports features/clients/ClientPicker']);
    expect(
      sheetOffenders(
        [
          { f: 'features/a/A.tsx', text: "import '../b/B.css';" },
          { f: 'features/b/B.tsx', text: '' },
        ],
        ['features/b/B.css', 'features/b/Stray.css'],
      ),
    ).toEqual([
      'features/a/A.tsx imports features/b/B.css, from another folder',
      'features/b/Stray.css is named after neither a component beside it nor its folder',
      'features/b/Stray.css is imported by nothing',
    ]);
  });
});
