/**
 * The renderer's one way to reach the core. Two transports implement it: the preload bridge (desktop
 * app, IPC) and HTTP (the headless host, or later a desk reaching the office machine that hosts the ledger).
 */
import type { ChangeEvent } from '../../../shared/contracts';
import type { Result } from '../../../shared/result';

export interface Transport {
  readonly kind: 'ipc' | 'http';
  invoke(channel: string, input: unknown): Promise<Result<unknown>>;
  /** Subscribes to change events; returns the unsubscribe function. */
  onChange(listener: (e: ChangeEvent) => void): () => void;
}

/** What the preload script exposes on window (see src/preload/index.ts). */
export interface DesktopBridge {
  invoke(channel: string, input: unknown): Promise<Result<unknown>>;
  onChange(listener: (e: ChangeEvent) => void): () => void;
}

declare global {
  interface Window {
    balanceDesk?: DesktopBridge;
  }
}

export function ipcTransport(bridge: DesktopBridge): Transport {
  return { kind: 'ipc', invoke: (c, i) => bridge.invoke(c, i), onChange: (l) => bridge.onChange(l) };
}

/** HTTP to a host: POST {baseUrl}/rpc/<channel> with a bearer token; events from GET {baseUrl}/events (SSE). */
export function httpTransport(baseUrl: string, token: string): Transport {
  const base = baseUrl.replace(/\/$/, '');
  return {
    kind: 'http',
    async invoke(channel, input) {
      try {
        const res = await fetch(`${base}/rpc/${channel}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(input ?? {}),
        });
        const body = (await res.json().catch(() => null)) as Result<unknown> | null;
        if (body && typeof body === 'object' && 'ok' in body) return body;
        return { ok: false, error: { kind: 'internal', message: `the host answered ${res.status} ${res.statusText}` } };
      } catch (e) {
        return { ok: false, error: { kind: 'internal', message: `cannot reach Balance Desk at ${base}: ${(e as Error).message}` } };
      }
    },
    onChange(listener) {
      const source = new EventSource(`${base}/events?token=${encodeURIComponent(token)}`);
      const handler = (m: MessageEvent) => listener(JSON.parse(m.data as string) as ChangeEvent);
      source.addEventListener('change', handler);
      return () => source.close();
    },
  };
}

/** Picks the transport for where the page runs: the desktop bridge if present, else the host that served the page. */
export function detectTransport(): Transport {
  if (window.balanceDesk) return ipcTransport(window.balanceDesk);
  const token = document.querySelector('meta[name="balance-desk-token"]')?.getAttribute('content') ?? '';
  return httpTransport(window.location.origin, token);
}
