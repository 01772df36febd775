/** mail.*: the mail settings (SMTP, or the outbox folder when none is set up) and a test message. */
import type { HandlerMap } from '../api/registry';

export const mailHandlers: HandlerMap = {
  'mail.get': (_input, ctx) => ctx.notifier.mailSettings(),

  'mail.set': (input, ctx) => {
    const detail = ctx.notifier.setSmtp(input.smtp, ctx.clock.now());
    ctx.audit('mail.set', 'settings', null, detail);
    ctx.emit({ topic: 'mail' });
    return ctx.notifier.mailSettings();
  },

  'mail.test': (input, ctx) => ctx.notifier.test(input.to, input.smtp),
};
