/**
 * The sandbox warning: when STRIPE_API_BASE points the SDK at another server (the Stripe-compatible test
 * server), no charge is real. Said plainly in Settings and on the Charges screen, and as a badge in the
 * header of every screen, so nobody takes a sandbox charge for money received.
 */
import { useStripeStatus } from './stripe';
import './StripeSandbox.css';

export function SandboxBanner({ testId = 'stripe-sandbox' }: { testId?: string }) {
  const apiBase = useStripeStatus()?.apiBase ?? null;
  if (!apiBase) return null;
  return (
    <div className="banner stripe-sandbox" role="note" data-testid={testId}>
      <strong>Sandbox — no real money</strong> (the SDK talks to <span className="mono">{apiBase}</span>). Charges,
      customers and cards here are test objects on that server; nothing reaches Stripe and no client pays anything.
    </div>
  );
}

export function SandboxBadge() {
  const apiBase = useStripeStatus()?.apiBase ?? null;
  if (!apiBase) return null;
  return (
    <span
      className="badge badge-sandbox"
      data-testid="sandbox-badge"
      title={`Stripe sandbox: the SDK talks to ${apiBase}, not to Stripe. No real money moves.`}
    >
      Sandbox — no real money
    </span>
  );
}
