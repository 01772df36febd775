/**
 * The renderer's one way to reach the core. Two transports implement it: the preload bridge (desktop
 * app, IPC) and HTTP (the headless host, or later a desk reaching the office machine that hosts the ledger).
 */
import type { ChangeEvent } from '../../../shared/contracts';
import type { AppErrorShape, Result } from '../../../shared/result';

export interface Transport {
  readonly kind: 'ipc' | 'http';
  /** One call; `session` is the signed-in staff member's token (session.signIn), or null. */
  invoke(channel: string, input: unknown, session: string | null): Promise<Result<unknown>>;
  /**
   * Subscribes to change events as the staff member of `session` (null: not signed in); returns the
   * unsubscribe function. `onStatus` says whether events flow. Sign-in or sign-out: subscribe again.
   */
  onChange(
    listener: (e: ChangeEvent) => void,
    onStatus?: (status: LiveStatus) => void,
    session?: string | null,
  ): () => void;
}

/**
 * 'live' once change events flow; 'reconnecting' while the ledger's server does not answer (the stream is
 * tried again with backoff); 'refused' when the server answers but will not stream to this session (it
 * ended: signed out here or by an admin), which the window checks with a call and then signs in again.
 */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'refused';

/**
 * What the desktop window's desk is (the preload's `desk`, src/preload/, defined with the client desk):
 * 'local' keeps the ledger on this computer; 'office' reaches the office server at `url`, pinned to
 * `fingerprint`. Only what the renderer reads is declared here; a bridge may answer more.
 */
export interface DeskInfo {
  mode: 'local' | 'office' | null;
  url?: string | null;
  fingerprint?: string | null;
  deskName?: string | null;
}

/** The desk-level calls of the desktop app, answered as envelopes (absent in a browser). */
export interface DeskBridge {
  get(): Promise<Result<DeskInfo>>;
  /** Forgets the office server and starts on a ledger on this computer (the app restarts or reloads). */
  useLocal(): Promise<Result<unknown>>;
}

/** What the preload script exposes on window (see src/preload/index.ts). */
export interface DesktopBridge {
  invoke(channel: string, input: unknown, session: string | null): Promise<Result<unknown>>;
  /** A client desk's bridge may report the office server's stream ('live', 'reconnecting') through `onStatus`. */
  onChange(listener: (e: ChangeEvent) => void, onStatus?: (status: LiveStatus) => void): () => void;
  desk?: DeskBridge;
}

declare global {
  interface Window {
    balanceDesk?: DesktopBridge;
  }
}

/**
 * Whether a failed call never reached the ledger's server (the network, the server stopped), as opposed to
 * the server refusing it: the HTTP transport marks its own; a client desk's bridge says "cannot reach the
 * office server at …" with kind 'unavailable'.
 */
const unreached = new WeakSet<object>();
export function isUnreached(error: AppErrorShape): boolean {
  return (
    unreached.has(error) || (error.kind === 'unavailable' && /^cannot reach the office server/i.test(error.message))
  );
}

export function ipcTransport(bridge: DesktopBridge): Transport {
  return {
    kind: 'ipc',
    invoke: (c, i, s) => bridge.invoke(c, i, s),
    onChange: (l, onStatus) => {
      // The window's own ledger is up as long as the window is; a client desk's bridge reports otherwise.
      onStatus?.('live');
      return bridge.onChange(l, onStatus ? (s) => onStatus(s) : undefined);
    },
  };
}

/** The waits before the event stream is tried again: 1 s, 2 s, 4 s … at most 30 s; back to 1 s once it is live. */
export function retryDelay(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
}

export interface HttpOptions {
  /** The waits between tries of the event stream (tests shorten them). */
  retryDelay?(attempt: number): number;
}

/**
 * HTTP to a host: POST {baseUrl}/rpc/<channel>, events from GET {baseUrl}/events (SSE). On loopback the
 * page carries the host token (a bearer token); a page served to the office network has none and sends
 * none: the session alone says who calls.
 */
export function httpTransport(baseUrl: string, token: string, options: HttpOptions = {}): Transport {
  const base = baseUrl.replace(/\/$/, '');
  const delay = options.retryDelay ?? retryDelay;
  return {
    kind: 'http',
    async invoke(channel, input, session) {
      let res: Response;
      try {
        // The audit log says a person at a desk did it, not a script (before sign-in is on; after, the session says who).
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-balance-desk-actor': 'desk' };
        if (token) headers.authorization = `Bearer ${token}`;
        if (session) headers['x-balance-desk-session'] = session;
        res = await fetch(`${base}/rpc/${channel}`, { method: 'POST', headers, body: JSON.stringify(input ?? {}) });
      } catch (e) {
        const error: AppErrorShape = {
          kind: 'unavailable',
          message: `cannot reach Balance Desk at ${base}: ${(e as Error).message}`,
        };
        unreached.add(error);
        return { ok: false, error };
      }
      const body = (await res.json().catch(() => null)) as Result<unknown> | null;
      if (body && typeof body === 'object' && 'ok' in body) return body;
      return { ok: false, error: { kind: 'internal', message: `the host answered ${res.status} ${res.statusText}` } };
    },
    onChange(listener, onStatus, session) {
      const query = authQuery(token, session ?? null);
      const url = `${base}/events${query ? `?${query}` : ''}`;
      const handler = (m: MessageEvent) => listener(JSON.parse(m.data as string) as ChangeEvent);
      let source: EventSource | null = null;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let attempt = 0;
      let closed = false;

      // EventSource retries a dropped stream by itself but gives up for good on a refusal (401): this one is
      // closed on any failure and opened again here, after a wait that grows while the server stays away.
      const open = () => {
        timer = undefined;
        if (closed) return;
        const s = new EventSource(url);
        source = s;
        s.addEventListener('change', handler);
        s.onopen = () => {
          attempt = 0;
          onStatus?.('live');
        };
        s.onerror = () => {
          s.close();
          if (source !== s || closed) return;
          source = null;
          void answers(base).then((up) => {
            if (closed) return;
            onStatus?.(up ? 'refused' : 'reconnecting');
            timer = setTimeout(open, delay(attempt++));
          });
        };
      };
      onStatus?.('connecting');
      // Without a session, ask first whether the server streams to nobody (sign-in off): a refused stream
      // would be a 401 in the console before every sign-in. Signing in opens a stream with the session.
      if (session) open();
      else
        void fetch(`${base}/office/hello`)
          .then((r) => r.json() as Promise<{ signIn?: boolean }>)
          .then(
            (hello) => {
              if (!closed && !hello.signIn) open();
            },
            () => {
              if (!closed) open();
            },
          );
      return () => {
        closed = true;
        if (timer) clearTimeout(timer);
        source?.close();
        source = null;
      };
    },
  };
}

/** `token=…&session=…` for a GET that cannot carry headers (the event stream, a download): what is empty is left out. */
function authQuery(token: string, session: string | null): string {
  const parts = [
    token ? `token=${encodeURIComponent(token)}` : '',
    session ? `session=${encodeURIComponent(session)}` : '',
  ];
  return parts.filter(Boolean).join('&');
}

/** Whether the host answers at all (GET /office/hello needs no sign-in on either listener). */
async function answers(base: string): Promise<boolean> {
  try {
    await fetch(`${base}/office/hello`, { cache: 'no-store' });
    return true;
  } catch {
    return false;
  }
}

/** The headless host's token, which it writes into the page it serves ('' in the desktop window). */
export function hostToken(): string {
  return document.querySelector('meta[name="balance-desk-token"]')?.getAttribute('content') ?? '';
}

/** A file the host serves for download (a finished export): its path with the token (on loopback), and the session once sign-in is on. */
export function hostDownloadUrl(downloadPath: string, session: string | null): string {
  const query = authQuery(hostToken(), session);
  return query ? `${downloadPath}${downloadPath.includes('?') ? '&' : '?'}${query}` : downloadPath;
}

/** Picks the transport for where the page runs: the desktop bridge if present, else the host that served the page. */
export function detectTransport(): Transport {
  if (window.balanceDesk) return ipcTransport(window.balanceDesk);
  return httpTransport(window.location.origin, hostToken());
}
