/**
 * What a form shows when its save was refused because someone else saved the same thing after the form
 * loaded it (the core's conflict on the version): the core's sentence, which names who changed it and when,
 * and a Reload button that reads the thing again. The person's unsaved edits stay in the form until they
 * press it. The button takes the focus when the notice appears, so a keyboard user is one Enter away.
 */
import { useEffect, useRef, useState } from 'react';
import { messageOf } from '../api/errors';
import './ConflictNotice.css';

export function ConflictNotice(props: {
  /** The core's message; nothing is shown while null. */
  message: string | null;
  /** Reads the thing again and puts it in the form (useFormSubmit's `reload`). */
  onReload(): Promise<void>;
}) {
  const button = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { message } = props;

  useEffect(() => {
    setError(null);
    if (message) button.current?.focus();
  }, [message]);

  if (!message) return null;

  async function reload() {
    setBusy(true);
    setError(null);
    try {
      await props.onReload();
    } catch (e) {
      setError(`Could not reload: ${messageOf(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="conflict-notice" role="alert" data-testid="conflict-notice">
      <p className="conflict-message">{message}.</p>
      <p className="conflict-help muted">
        Reload shows the saved version; what you typed here since is dropped. Until then your edits stay as they are.
      </p>
      {error ? <p className="field-error">{error}</p> : null}
      <button
        ref={button}
        type="button"
        className="primary"
        disabled={busy}
        onClick={() => void reload()}
        data-testid="conflict-reload"
      >
        {busy ? 'Reloading…' : 'Reload'}
      </button>
    </div>
  );
}
