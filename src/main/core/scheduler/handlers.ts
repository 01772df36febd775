/** scheduler.*: what the scheduler is doing, and a sweep of every client against its rules now. */
import type { HandlerMap } from '../api/registry';

export const schedulerHandlers: HandlerMap = {
  'scheduler.status': (_input, ctx) => ctx.scheduler.status(),

  'scheduler.sweep': (_input, ctx) => ctx.scheduler.sweep(),
};
