/**
 * The banner at the top of the window while the ledger's server does not answer (the event stream is
 * down, or a call did not reach it): the screens keep the last data they read, saving is refused
 * (ui/useFormSubmit), and the stream is tried again by itself. It goes when the stream is live again.
 */
import { useEffect, useState } from 'react';
import { isAway, useConnection } from '../../api/connection';
import './OfflineBanner.css';

export function OfflineBanner() {
  const away = useConnection(isAway);
  const [since, setSince] = useState<Date | null>(null);
  useEffect(() => setSince(away ? new Date() : null), [away]);
  if (!away) return null;
  return (
    <div className="offline-banner" role="alert" data-testid="offline-banner">
      <strong>The office server is not answering.</strong> You see the last data, read-only; retrying…
      {since ? (
        <span className="offline-since">
          {' '}
          Since {since.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })}.
        </span>
      ) : null}
    </div>
  );
}
