/**
 * For tests of Balance Desk's Stripe code: every request it sent to the test server must be an operation of
 * Stripe's published OpenAPI description with declared parameters. The description is read from
 * ../shared/stripe beside the project (CI has it); where it is absent the check says so and passes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadSpec, SpecValidator } from './openapi';
import { NEWER_PARAMS } from './params';
import type { StripeTestServer } from './server';

export const SPEC_FILE = path.resolve(__dirname, '../../../../shared/stripe/openapi-spec3-2023-08-16.json');
let validator: SpecValidator | null | undefined;

/** The problems with the requests the server received (empty when all are fine, or the description is absent). */
export function requestProblems(server: StripeTestServer): string[] {
  if (validator === undefined) {
    validator = fs.existsSync(SPEC_FILE) ? new SpecValidator(loadSpec(SPEC_FILE), { newerParams: NEWER_PARAMS }) : null;
    if (!validator) console.warn(`Stripe request check skipped: ${SPEC_FILE} is absent (CI has it)`);
  }
  return validator ? server.requests.flatMap((r) => validator!.checkRequest(r.method, r.path, r.params)) : [];
}

/**
 * Test cores and Stripe test servers made in a test, closed after it; before closing, every request the
 * servers received is checked against Stripe's description.
 */
export function useStripeFixtures(hooks: {
  afterEach(fn: () => Promise<void>): void;
  expect: (v: unknown) => { toEqual(x: unknown): void };
}) {
  const cores: { close(): void }[] = [];
  const servers: StripeTestServer[] = [];
  hooks.afterEach(async () => {
    for (const c of cores.splice(0)) c.close();
    for (const s of servers) hooks.expect(requestProblems(s)).toEqual([]);
    for (const s of servers.splice(0)) await s.close();
  });
  return {
    core<T extends { close(): void }>(c: T): T {
      cores.push(c);
      return c;
    },
    server(s: StripeTestServer): StripeTestServer {
      servers.push(s);
      return s;
    },
  };
}
