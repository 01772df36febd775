/**
 * The renderer's one way to reach the core. Two transports implement it: the preload bridge (desktop
 * app, IPC) and HTTP (the headless host, or later a desk reaching the office machine that hosts the ledger).
 */
import type { ChangeEvent } from '../../../shared/contracts';
import type { Result } from '../../../shared/result';

export interface Transport {
  readonly kind: 'ipc' | 'http';
  /** One call; `session` is the signed-in staff member's token (session.signIn), or null. */
  invoke(channel: string, input: unknown, session: string | null): Promise<Result<unknown>>;
  /** Subscribes to change events; returns the unsubscribe function. `onStatus` says whether events flow. */
  onChange(listener: (e: ChangeEvent) => void, onStatus?: (status: LiveStatus) => void): () => void;
}

/** 'live' once change events flow; 'reconnecting' while the stream is down (EventSource retries by itself). */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/** What the preload script exposes on window (see src/preload/index.ts). */
export interface DesktopBridge {
  invoke(channel: string, input: unknown, session: string | null): Promise<Result<unknown>>;
  onChange(listener: (e: ChangeEvent) => void): () => void;
}

declare global {
  interface Window {
    balanceDesk?: DesktopBridge;
  }
}

export function ipcTransport(bridge: DesktopBridge): Transport {
  return {
    kind: 'ipc',
    invoke: (c, i, s) => bridge.invoke(c, i, s),
    onChange: (l, onStatus) => {
      const off = bridge.onChange(l);
      onStatus?.('live'); // IPC is up as long as the window is
      return off;
    },
  };
}

/** HTTP to a host: POST {baseUrl}/rpc/<channel> with a bearer token; events from GET {baseUrl}/events (SSE). */
export function httpTransport(baseUrl: string, token: string): Transport {
  const base = baseUrl.replace(/\/$/, '');
  return {
    kind: 'http',
    async invoke(channel, input, session) {
      try {
        // The audit log says a person at a desk did it, not a script (before sign-in is on; after, the session says who).
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'x-balance-desk-actor': 'desk',
        };
        if (session) headers['x-balance-desk-session'] = session;
        const res = await fetch(`${base}/rpc/${channel}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(input ?? {}),
        });
        const body = (await res.json().catch(() => null)) as Result<unknown> | null;
        if (body && typeof body === 'object' && 'ok' in body) return body;
        return { ok: false, error: { kind: 'internal', message: `the host answered ${res.status} ${res.statusText}` } };
      } catch (e) {
        return {
          ok: false,
          error: { kind: 'internal', message: `cannot reach Balance Desk at ${base}: ${(e as Error).message}` },
        };
      }
    },
    onChange(listener, onStatus) {
      onStatus?.('connecting');
      const source = new EventSource(`${base}/events?token=${encodeURIComponent(token)}`);
      const handler = (m: MessageEvent) => listener(JSON.parse(m.data as string) as ChangeEvent);
      source.addEventListener('change', handler);
      source.onopen = () => onStatus?.('live');
      source.onerror = () => onStatus?.('reconnecting');
      return () => source.close();
    },
  };
}

/** The headless host's token, which it writes into the page it serves ('' in the desktop window). */
export function hostToken(): string {
  return document.querySelector('meta[name="balance-desk-token"]')?.getAttribute('content') ?? '';
}

/** A file the host serves for download (a finished export): its path with the token, and the session once sign-in is on. */
export function hostDownloadUrl(downloadPath: string, session: string | null): string {
  const url = `${downloadPath}${downloadPath.includes('?') ? '&' : '?'}token=${encodeURIComponent(hostToken())}`;
  return session ? `${url}&session=${encodeURIComponent(session)}` : url;
}

/** Picks the transport for where the page runs: the desktop bridge if present, else the host that served the page. */
export function detectTransport(): Transport {
  if (window.balanceDesk) return ipcTransport(window.balanceDesk);
  return httpTransport(window.location.origin, hostToken());
}
