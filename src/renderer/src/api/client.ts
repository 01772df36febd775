/** The typed client every screen uses: `api.call('clients.get', { id })` returns the channel's output or throws ApiError. */
import type { Channel, ChannelInput, ChannelOutput } from '../../../shared/contracts';
import type { AppErrorShape } from '../../../shared/result';
import { detectTransport, type Transport } from './transport';

export class ApiError extends Error {
  readonly kind: AppErrorShape['kind'];
  readonly field?: string;
  constructor(e: AppErrorShape) {
    super(e.message);
    this.name = 'ApiError';
    this.kind = e.kind;
    this.field = e.field;
  }
}

export interface Api {
  readonly transport: Transport;
  call<N extends Channel>(channel: N, input: ChannelInput<N>): Promise<ChannelOutput<N>>;
}

export function createApi(transport: Transport): Api {
  return {
    transport,
    async call(channel, input) {
      const r = await transport.invoke(channel, input);
      if (!r.ok) throw new ApiError(r.error);
      return r.value as never;
    },
  };
}

let current: Api | undefined;
export function api(): Api {
  if (!current) current = createApi(detectTransport());
  return current;
}
