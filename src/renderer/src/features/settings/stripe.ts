/**
 * The Stripe settings (stripe.get): where the secret key comes from, its hint and mode (never the key),
 * and where the SDK points — a sandbox server when `apiBase` is set, which the header says on every
 * screen. Read while the window is open, and again when the settings change (topic 'stripe').
 */
import type { ChannelOutput, StripeStatus } from '../../../../shared/contracts';
import { api } from '../../api/client';
import { put, useChannel } from '../../data/useChannel';

export type StripeCheck = ChannelOutput<'stripe.check'>;

/** The Stripe settings as the header keeps them: a screen that shows them reads nothing more. */
export const useStripeStatus = () => useChannel('stripe.get', {}, { fresh: Infinity }).data;

/** Stores a secret key, or null to remove the stored one. Throws ApiError (field secretKey) for the form. */
export async function saveStripeKey(secretKey: string | null): Promise<StripeStatus> {
  const status = await api().call('stripe.set', { secretKey });
  put('stripe.get', {}, status);
  return status;
}

/** Sets the page a client returns to from a setup link, or null to clear it. Throws ApiError (field returnUrl). */
export async function saveReturnPage(returnUrl: string | null): Promise<StripeStatus> {
  const status = await api().call('stripe.setReturnPage', { returnUrl });
  put('stripe.get', {}, status);
  return status;
}

/** One harmless read from Stripe with the typed key, or the key in force: the answer in words. */
export const checkStripe = (secretKey?: string): Promise<StripeCheck> =>
  api().call('stripe.check', secretKey === undefined ? {} : { secretKey });

export const MODE_LABEL: Record<NonNullable<StripeStatus['mode']>, string> = {
  test: 'Test mode',
  live: 'Live mode',
};

/** Whether a typed key is a live one (sk_live_…, rk_live_…): charges made with it are real money. */
export const isLiveKey = (key: string) => /^(sk|rk)_live_/.test(key.trim());
