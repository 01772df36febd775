/**
 * axe-core in the page under test: the engine from node_modules (never a download) put into the page, then
 * axe.run on the whole document. Only serious and critical violations are returned, each named with its
 * rule, its help text and the elements it found, so a failing assertion says what to fix.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
let source: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string; html: string; summary: string }[];
}

/** Runs axe on the page as it is now; returns the serious and critical violations (empty when clean). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  const has = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!has) {
    // Not page.addScriptTag({ path }): the app's CSP (script-src 'self') refuses an inline script, and the
    // refusal would be a console error in every test. Evaluating the source over the DevTools protocol is
    // not subject to the page's CSP.
    source ??= fs.readFileSync(AXE_PATH, 'utf8');
    await page.evaluate(`${source}\n;window.axe = axe;`);
  }
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: unknown,
            opts: unknown,
          ): Promise<{
            violations: {
              id: string;
              impact: string | null;
              help: string;
              nodes: { target: unknown[]; html: string; failureSummary?: string }[];
            }[];
          }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact ?? '',
        help: v.help,
        nodes: v.nodes.slice(0, 8).map((n) => ({
          target: n.target.map(String).join(' '),
          html: n.html.slice(0, 200),
          summary: (n.failureSummary ?? '').slice(0, 300),
        })),
      }));
  });
}

/** The violations as readable lines, for an assertion's message. */
export function describeViolations(vs: AxeViolation[]): string {
  return vs
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `   ${n.target}  ${n.html}\n     ${n.summary.replace(/\n/g, ' ')}`).join('\n')}`,
    )
    .join('\n');
}
