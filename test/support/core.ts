/** A core on a real SQLite database built from the real migrations, with a clock the test controls. */
import { ManualClock } from '../../src/main/core/clock/clock';
import { createCore, type Core, type CoreOptions } from '../../src/main/core';
import type { Channel, ChannelInput, ChannelOutput } from '../../src/shared/contracts';

export const T0 = Date.parse('2026-11-01T09:00:00Z');

export interface TestCore extends Core {
  testClock: ManualClock;
  /** Calls a channel and returns its value, failing the test with the error when the call fails. */
  ok<N extends Channel>(channel: N, input: ChannelInput<N>): Promise<ChannelOutput<N>>;
  /** Calls a channel that must fail, returning the error. */
  fails<N extends Channel>(channel: N, input: unknown): Promise<{ kind: string; message: string; field?: string }>;
}

export { tempDir } from './temp-dirs';

export function testCore(opts: Partial<CoreOptions> & { inMemory?: boolean } = {}): TestCore {
  const testClock = new ManualClock(T0);
  // scrypt at 2^10 instead of 2^17: a staff password in a test costs a millisecond, not a second.
  const core = createCore({
    file: opts.inMemory === false ? undefined : ':memory:',
    testClock,
    scryptLogN: 10,
    ...opts,
  });
  return Object.assign(core, {
    testClock,
    async ok<N extends Channel>(channel: N, input: ChannelInput<N>) {
      const r = await core.call(channel, input);
      if (!r.ok) throw new Error(`${channel} failed: ${r.error.kind}: ${r.error.message}`);
      return r.value as ChannelOutput<N>;
    },
    async fails(channel: Channel, input: unknown) {
      const r = await core.call(channel, input);
      if (r.ok) throw new Error(`${channel} should have failed but answered ${JSON.stringify(r.value).slice(0, 200)}`);
      return r.error;
    },
  });
}

/** A reseller and a USD client, the smallest ledger worth testing. */
export async function withClient(core: TestCore, currency = 'USD') {
  const reseller = await core.ok('resellers.create', { name: 'Acme Telecom', email: 'billing@acme.test' });
  const client = await core.ok('clients.create', {
    resellerId: reseller.id,
    externalRef: 'C-100',
    name: 'Blue Fox Ltd',
    billingEmail: 'ap@bluefox.test',
    currency,
  });
  return { reseller, client };
}
