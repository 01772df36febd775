/**
 * Staff roles, enforced in the core (issue 7): viewer reads; operator also moves money — posts,
 * adjustments, reversals, imports, holds, Retry — and resends mail, refreshes methods, makes setup links
 * and sweeps; admin also changes settings, profiles, clients, resellers and staff. A call above the
 * caller's role is refused as `forbidden` before it runs and changes nothing. Each channel's role is
 * listed here, so a new channel is given one on purpose.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { contracts, testClockChannels } from '../../../src/shared/contracts';
import { checksum } from '../../support/checksum';
import { testCore, type TestCore } from '../../support/core';
import { contractSamples } from '../../support/samples';

const OPERATOR = [
  'charges.retry',
  'holds.close',
  'holds.open',
  'ledger.import.commit',
  'ledger.post',
  'ledger.reverse',
  'methods.refresh',
  'methods.setupLink',
  'notifications.resend',
  'scheduler.sweep',
];
/** Channels that read nothing secret but act outside (mail, Stripe) or move the test clock: admin. */
const ADMIN_READS = ['clock.advance', 'clock.set', 'mail.test', 'stripe.check', 'office.desks'];
/** Write, but only for the caller themself: signing in, changing one's own password. */
const SELF = ['session.signIn', 'session.changePassword'];

let core: TestCore;
let samples: Record<string, Record<string, unknown>>;
beforeAll(async () => {
  core = testCore();
  samples = await contractSamples(core);
});

describe('staff roles', () => {
  it('every channel has the role its kind asks for', () => {
    for (const c of contracts) {
      const expected = OPERATOR.includes(c.name)
        ? 'operator'
        : SELF.includes(c.name)
          ? 'viewer'
          : ADMIN_READS.includes(c.name) || c.mutates || c.work
            ? 'admin'
            : 'viewer';
      expect(`${c.name}: ${c.role}`).toBe(`${c.name}: ${expected}`);
    }
  });

  it('a viewer reads and is refused everything else, changing nothing; an operator posts and retries but changes no settings', async () => {
    for (const c of contracts) {
      if (testClockChannels.includes(c.name)) continue;
      for (const role of ['viewer', 'operator'] as const) {
        const allowed = c.role === 'viewer' || (role === 'operator' && c.role === 'operator');
        if (allowed) continue;
        const before = checksum(core.db);
        const r = await core.call(c.name, samples[c.name], { actor: `ann (${role})`, role });
        expect(r, `${c.name} as ${role}`).toMatchObject({
          ok: false,
          error: { kind: 'forbidden', message: `${c.name} needs the ${c.role} role; ann (${role}) is a ${role}` },
        });
        expect(checksum(core.db), `${c.name} as ${role} changed the database`).toBe(before);
      }
    }
    // Allowed calls run as usual, audited under the actor.
    const viewer = await core.call('clients.list', {}, { actor: 'vic', role: 'viewer' });
    expect(viewer.ok).toBe(true);
    const clientId = samples['clients.get'].id as number;
    const post = await core.call(
      'ledger.post',
      { clientId, kind: 'adjustment', amount: 100, description: 'goodwill' },
      { actor: 'olga', role: 'operator' },
    );
    expect(post.ok).toBe(true);
    const audit = await core.ok('audit.list', { subjectType: 'client', subjectId: clientId, limit: 5 });
    expect(audit.items[0]).toMatchObject({ actor: 'olga', action: 'ledger.adjustment' });
    expect(await core.call('recharge.set', samples['recharge.set'], { actor: 'olga', role: 'operator' })).toMatchObject(
      { ok: false, error: { kind: 'forbidden' } },
    );
    // With no role given (the desk's one user, before sign-in): admin.
    expect((await core.call('recharge.set', samples['recharge.set'])).ok).toBe(true);
  });
});
