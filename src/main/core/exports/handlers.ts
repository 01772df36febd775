/** exports.*: how far an export of a log has got (notifications.export, audit.export), and cancelling it. */
import { notFound } from '../../../shared/result';
import type { HandlerMap } from '../api/registry';

const missing = (id: string) => notFound(`there is no export ${id} (exports are forgotten when the app restarts)`);

export const exportHandlers: HandlerMap = {
  'exports.status': (input, ctx) => {
    const s = ctx.exporter.status(input.id);
    if (!s) throw missing(input.id);
    return s;
  },
  'exports.cancel': (input, ctx) => {
    const s = ctx.exporter.cancel(input.id);
    if (!s) throw missing(input.id);
    return s;
  },
};
