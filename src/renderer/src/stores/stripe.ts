/**
 * The Stripe settings (stripe.get): where the secret key comes from, its hint and mode (never the key),
 * and where the SDK points — a sandbox server when `apiBase` is set, which the header says on every
 * screen. Read once when the window opens, and again when the settings change (topic 'stripe').
 */
import { create } from 'zustand';
import type { ChannelOutput, StripeStatus } from '../../../shared/contracts';
import { api } from '../api/client';
import { messageOf } from '../api/errors';

export type StripeCheck = ChannelOutput<'stripe.check'>;

interface StripeState {
  status: StripeStatus | null;
  error: string | null;
  load(): Promise<void>;
  /** Stores a secret key, or null to remove the stored one. Throws ApiError (field secretKey) for the form. */
  save(secretKey: string | null): Promise<StripeStatus>;
  /** Sets the page a client returns to from a setup link, or null to clear it. Throws ApiError (field returnUrl). */
  saveReturnPage(returnUrl: string | null): Promise<StripeStatus>;
  /** One harmless read from Stripe with the typed key, or the key in force: the answer in words. */
  check(secretKey?: string): Promise<StripeCheck>;
}

export const useStripe = create<StripeState>((set) => {
  let started = 0;
  return {
    status: null,
    error: null,
    async load() {
      const mine = ++started;
      try {
        const status = await api().call('stripe.get', {});
        if (mine === started) set({ status, error: null });
      } catch (e) {
        if (mine === started) set({ error: messageOf(e) });
      }
    },
    async save(secretKey) {
      started++;
      const status = await api().call('stripe.set', { secretKey });
      set({ status, error: null });
      return status;
    },
    async saveReturnPage(returnUrl) {
      started++;
      const status = await api().call('stripe.setReturnPage', { returnUrl });
      set({ status, error: null });
      return status;
    },
    check: (secretKey) => api().call('stripe.check', secretKey === undefined ? {} : { secretKey }),
  };
});

export const MODE_LABEL: Record<NonNullable<StripeStatus['mode']>, string> = {
  test: 'Test mode',
  live: 'Live mode',
};

/** Whether a typed key is a live one (sk_live_…, rk_live_…): charges made with it are real money. */
export const isLiveKey = (key: string) => /^(sk|rk)_live_/.test(key.trim());
