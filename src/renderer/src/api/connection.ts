/**
 * Whether the ledger's server answers this window: the event stream's state (data/live.ts writes it) and
 * whether the last call reached the server (api/client.ts writes it). While the server is away the window
 * keeps the last data on screen, read-only: the banner says so (features/session/OfflineBanner) and
 * ui/useFormSubmit refuses to send a change. Over IPC to the window's own ledger it is never away.
 */
import { create } from 'zustand';
import type { LiveStatus } from './transport';

interface ConnectionState {
  /** The change stream: 'reconnecting' while the server does not answer it. */
  stream: LiveStatus;
  /** A call just failed without reaching the server (cleared by the next call it answers). */
  unreached: boolean;
}

export const useConnection = create<ConnectionState>(() => ({ stream: 'connecting', unreached: false }));

/** The server does not answer: the banner shows and saving is refused. */
export const isAway = (s: ConnectionState): boolean => s.stream === 'reconnecting' || s.unreached;

export function serverAway(): boolean {
  return isAway(useConnection.getState());
}

export function setStream(stream: LiveStatus): void {
  // Live again: whatever a failed call said before, the server answers now.
  useConnection.setState(stream === 'live' ? { stream, unreached: false } : { stream });
}

let probe: ReturnType<typeof setInterval> | undefined;

/**
 * What the last call found: `reached` false starts a probe (`ask`, every 2 s) that clears it once the server
 * answers, so a banner raised by a call while the stream still looks live does not stay for good.
 */
export function callReached(reached: boolean, ask?: () => Promise<boolean>): void {
  if (useConnection.getState().unreached === !reached) return;
  useConnection.setState({ unreached: !reached });
  if (probe) clearInterval(probe);
  probe = undefined;
  if (reached || !ask) return;
  probe = setInterval(() => {
    void ask().then((up) => {
      if (up) callReached(true);
    });
  }, 2000);
}
