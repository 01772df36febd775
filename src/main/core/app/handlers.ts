/** app.*: what this Balance Desk is (version, data folder, demo, test clock, host), asked before sign-in too. */
import type { ChannelOutput } from '../../../shared/contracts';
import type { HandlerMap } from '../api/registry';

export const appHandlers = (info: () => ChannelOutput<'app.info'>): HandlerMap => ({ 'app.info': info });
