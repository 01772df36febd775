/** The typed client every screen uses: `api.call('clients.get', { id })` returns the channel's output or throws ApiError. */
import type { Channel, ChannelInput, ChannelOutput } from '../../../shared/contracts';
import type { AppErrorShape } from '../../../shared/result';
import { callReached } from './connection';
import { detectTransport, isUnreached, type Transport } from './transport';

export class ApiError extends Error {
  readonly kind: AppErrorShape['kind'];
  readonly field?: string;
  /** The call never reached the ledger's server (the network, the server stopped): a change may or may not have been saved. */
  readonly unreached: boolean;
  constructor(e: AppErrorShape, unreached = false) {
    super(e.message);
    this.name = 'ApiError';
    this.kind = e.kind;
    this.field = e.field;
    this.unreached = unreached;
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
const sessionListeners = new Set<() => void>();

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
  const changed = token !== session;
  session = token;
  if (changed) for (const l of sessionListeners) l();
  try {
    if (token) sessionStorage.setItem(SESSION_KEY, token);
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    /* storage refused: the session lasts until reload */
  }
}

/** Called when the session changes (sign-in, sign-out, an ended session): the change stream opens again as the new one. */
export function onSessionChange(listener: () => void): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
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
      const unreached = !r.ok && isUnreached(r.error);
      // Not one call is sent again by itself: a change that did not reach the server may still have been saved.
      callReached(!unreached, async () => {
        const probe = await transport.invoke('session.get', {}, session);
        return probe.ok || !isUnreached(probe.error);
      });
      if (!r.ok) {
        if (unreached) throw new ApiError(r.error, true);
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
