/** audit.*: the audit log, listed (newest first, narrowed) and exported to a file. */
import type { HandlerMap } from '../api/registry';
import { auditPage } from './log';

export const auditHandlers: HandlerMap = {
  'audit.list': (input, ctx) => auditPage(ctx.db.$client, input),

  'audit.export': (input, ctx) => {
    const { format, ...filter } = input;
    return ctx.exporter.startAudit(format, filter);
  },
};
