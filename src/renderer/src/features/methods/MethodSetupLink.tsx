/**
 * The Checkout link where a client adds a card or a bank account (methods.setupLink), shown on the payment
 * methods panel once made: Copy (the text is selected when the clipboard cannot be reached), and Email it.
 */
import { useRef, useState } from 'react';
import { messageOf } from '../../api/errors';
import { makeSetupLink, type SetupLink } from './methods';
import { formatTime } from '../../time';
import './MethodSetupLink.css';

/** `onLink` is told of a new link (emailed), or of none (hidden). */
export function SetupLinkBox({
  clientId,
  link,
  onLink,
}: {
  clientId: number;
  link: SetupLink;
  onLink(link: SetupLink | null): void;
}) {
  const [copied, setCopied] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(link.url);
      setCopied('Copied: paste it into an email or a message to the client.');
    } catch {
      inputRef.current?.focus();
      inputRef.current?.select();
      setCopied('The clipboard could not be reached: the link is selected, press Ctrl+C (⌘C on a Mac) to copy it.');
    }
  }

  // A fresh link goes by email (in the notification log, like every message): the one shown stays valid too.
  async function email() {
    setSending(true);
    try {
      const sent = await makeSetupLink(clientId, true);
      onLink(sent);
      setCopied(`Emailed to ${sent.emailedTo ?? 'the client'}: see the notification log.`);
    } catch (e) {
      setCopied(`Not sent: ${messageOf(e)}`);
    } finally {
      setSending(false);
    }
  }

  return (
    <div className="pm-setup" data-testid="setup-link">
      <button
        type="button"
        className="icon-button pm-setup-close"
        aria-label="Hide the link"
        title="Hide the link"
        onClick={() => onLink(null)}
      >
        ×
      </button>
      <p>
        <strong>Send this link to the client.</strong> They open it and add a card or a US bank account themselves on
        Stripe’s secure page — staff never see or type card numbers. When they are done, press <strong>Refresh</strong>{' '}
        to see the new method here.
      </p>
      <div className="pm-setup-row">
        <input
          ref={inputRef}
          readOnly
          className="mono"
          value={link.url}
          aria-label="Link for the client to add a payment method"
          data-testid="setup-link-url"
          onFocus={(e) => e.target.select()}
        />
        <button type="button" onClick={() => void copy()} data-testid="setup-link-copy">
          Copy
        </button>
        <button type="button" onClick={() => void email()} disabled={sending} data-testid="setup-link-email">
          {sending ? 'Sending…' : 'Email it to the client'}
        </button>
      </div>
      <p className="muted small pm-setup-foot" aria-live="polite">
        {link.expiresAt ? `The link works until ${formatTime(link.expiresAt)}.` : null}{' '}
        {copied ? <span data-testid="setup-link-copied">{copied}</span> : null}
      </p>
    </div>
  );
}
