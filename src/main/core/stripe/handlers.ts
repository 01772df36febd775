/** Channels of the Stripe settings. */
import type { HandlerMap } from '../api/registry';
import { keyProblem } from './service';
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
    if (before !== input.returnUrl)
      ctx.audit('stripe.setReturnPage', 'settings', null, { returnUrl: [before, input.returnUrl] });
    ctx.emit({ topic: 'stripe' });
    return ctx.payments.status();
  },

  'stripe.check': (input, ctx) => {
    const wrong = input.secretKey === undefined ? null : keyProblem(input.secretKey, 'secretKey');
    if (wrong) throw invalid('secretKey', wrong);
    return ctx.payments.check(input.secretKey);
  },
};
