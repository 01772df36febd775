/** mail.*: the mail settings (SMTP, or the outbox folder when none is set up) and a test message. */
import type { HandlerMap } from '../api/registry';
import { assertCurrent } from '../audit/log';

export const mailHandlers: HandlerMap = {
  'mail.get': (_input, ctx) => ctx.notifier.mailSettings(),

  'mail.set': (input, ctx) => {
    assertCurrent(ctx.db.$client, input.version, ctx.notifier.smtpVersion(), {
      what: 'the mail settings',
      subjectType: 'settings',
      subjectId: null,
      actions: ['mail.set'],
    });
    const detail = ctx.notifier.setSmtp(input.smtp, ctx.clock.now());
    ctx.audit('mail.set', 'settings', null, detail);
    ctx.emit({ topic: 'mail' });
    return ctx.notifier.mailSettings();
  },

  'mail.test': (input, ctx) => ctx.notifier.test(input.to, input.smtp),
};
