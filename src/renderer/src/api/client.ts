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

/**
 * The signed-in staff member's session token (session.signIn), sent with every call. Kept for the life of
 * the window's tab (sessionStorage), so a reload does not sign out; closing the window does.
 */
const SESSION_KEY = 'balance-desk-session';
let session: string | null = readSession();
const expiredListeners = new Set<(message: string) => void>();

function readSession(): string | null {
  try {
    return sessionStorage.getItem(SESSION_KEY);
  } catch {
    return null;
  }
}

export function currentSession(): string | null {
  return session;
}

export function setSession(token: string | null): void {
  session = token;
  try {
    if (token) sessionStorage.setItem(SESSION_KEY, token);
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    /* storage refused: the session lasts until reload */
  }
}

/** Called when the core says the caller must sign in (again): the session ended, or sign-in was turned on. */
export function onSignInNeeded(listener: (message: string) => void): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

export function createApi(transport: Transport): Api {
  return {
    transport,
    async call(channel, input) {
      const r = await transport.invoke(channel, input, session);
      if (!r.ok) {
        if (r.error.kind === 'unauthorized' && channel !== 'session.signIn')
          for (const l of expiredListeners) l(r.error.message);
        throw new ApiError(r.error);
      }
      return r.value as never;
    },
  };
}

let current: Api | undefined;
export function api(): Api {
  if (!current) current = createApi(detectTransport());
  return current;
}
