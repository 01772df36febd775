/** outbox.*: the messages written to the outbox folder (.eml files) when no SMTP server is set up. */
import { invalid, notFound } from '../../../shared/result';
import type { HandlerMap } from '../api/registry';
import { decodeCursor, encodeCursor } from '../api/cursor';

export const outboxHandlers: HandlerMap = {
  'outbox.list': (input, ctx) => {
    const at = decodeCursor(input.cursor);
    const offset = at ? Number(at[0]) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw invalid('cursor', 'cursor is not one this list handed out');
    const files = ctx.notifier.outboxFiles();
    const slice = files.slice(offset, offset + input.limit);
    return {
      items: slice.map((f) => ctx.notifier.outboxItem(f)),
      nextCursor: offset + input.limit < files.length ? encodeCursor([offset + input.limit]) : null,
      dir: ctx.notifier.mailSettings().outboxDir,
      total: files.length,
    };
  },

  'outbox.get': (input, ctx) => {
    const found = ctx.notifier.readOutbox(input.file);
    if (!found) throw notFound(`there is no ${input.file} in the outbox folder`);
    return { ...found.item, eml: found.eml };
  },
};
