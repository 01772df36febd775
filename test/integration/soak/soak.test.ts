/**
 * The soak's fast version (issue 7): five SIGKILLs of the built host while auto top-ups, failovers and
 * notifications happen, then the books must balance (test/support/soak.ts says what is checked).
 * `npm run soak` is the long version: 100 kills, with faults at Stripe and SMTP.
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../support/soak';

describe('the soak, fast', () => {
  it(
    'five SIGKILLs of the host during charges and mail: every payment credited once, balances equal entries, mail sent arrived, nothing stuck',
    { timeout: 180_000 },
    async () => {
      const r = await runSoak({ kills: 5, clients: 12 });
      expect(r.kills).toBe(5);
      // It did what it is for: charges that succeeded and failed, credits, mail.
      expect(r.charges.succeeded).toBeGreaterThan(0);
      expect(r.charges.failed).toBeGreaterThan(0);
      expect(r.credits).toBe(r.charges.succeeded);
      expect(r.emails.sent).toBeGreaterThan(0);
      expect(r.discrepancies).toEqual({
        paymentsWithoutOneCredit: 0,
        creditsWithoutPayment: 0,
        balancesOff: 0,
        sentNotReceived: 0,
        receivedUnknown: 0,
        jobsStuck: 0,
        attemptsOpen: 0,
        integrity: 0,
      });
    },
  );
});
