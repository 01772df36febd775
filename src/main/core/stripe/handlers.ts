/** Channels of the Stripe settings. */
import type { HandlerMap } from '../api/registry';
import { STRIPE_KEY } from './service';
import { invalid } from '../../../shared/result';

export const stripeHandlers: HandlerMap = {
  'stripe.get': (_input, ctx) => ctx.payments.status(),

  'stripe.set': (input, ctx) => {
    const key = input.secretKey || null;
    ctx.payments.setKey(key, ctx.clock.now());
    const s = ctx.payments.status();
    ctx.audit('stripe.set', 'settings', null, { key: key ? `stored (${s.keyHint})` : 'removed' });
    ctx.emit({ topic: 'stripe' });
    return s;
  },

  'stripe.setReturnPage': (input, ctx) => {
    const before = ctx.payments.returnUrl();
    ctx.payments.setReturnUrl(input.returnUrl, ctx.clock.now());
    if (before !== input.returnUrl) ctx.audit('stripe.setReturnPage', 'settings', null, { returnUrl: [before, input.returnUrl] });
    ctx.emit({ topic: 'stripe' });
    return ctx.payments.status();
  },

  'stripe.check': (input, ctx) => {
    if (input.secretKey !== undefined && !STRIPE_KEY.test(input.secretKey)) {
      throw invalid('secretKey', 'secretKey must be a Stripe secret key: sk_test_…, sk_live_… or a restricted rk_… key');
    }
    return ctx.payments.check(input.secretKey);
  },
};
