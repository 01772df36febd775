/**
 * Reading the project's own source, for the boundary tests (test/unit/boundaries/): the files under a folder,
 * and the modules a file imports.
 */
import fs from 'node:fs';
import path from 'node:path';

/** A script or module of ours: TypeScript or JavaScript, any flavour. */
export const CODE_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;

/** Every file under `dir`, at any depth, as absolute paths; `only` keeps those whose name it matches. */
export function filesUnder(dir: string, only: RegExp = /(?:)/): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return filesUnder(p, only);
    return only.test(d.name) ? [p] : [];
  });
}

/** Every module a file names (import, export … from, import(), require()), with whether only its types are imported. */
export function importsOf(text: string): { spec: string; typeOnly: boolean }[] {
  const found: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm))
    found.push({ spec: m[2], typeOnly: !!m[1] });
  for (const m of text.matchAll(/\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g))
    found.push({ spec: m[1], typeOnly: false });
  return found;
}
