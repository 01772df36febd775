/**
 * "Test trigger" on the automatic top-up panel: the button asks the core what would happen now with the saved
 * settings (recharge.dryRun), and the answer shows under the form — the steps in words, the emails that would
 * go and the charge that would be made. Nothing is sent or charged.
 */
import { useId } from 'react';
import { formatMoney } from '../../../../shared/money';
import type { DryRun, DryRunState } from './recharge';
import { formatTime } from '../../time';
import './RechargeDryRun.css';

export function TestTrigger({ dry }: { dry: DryRunState }) {
  return (
    <button type="button" data-testid="test-trigger" disabled={dry.busy} onClick={() => void dry.run()}>
      Test trigger
    </button>
  );
}

/** The answer of "Test trigger": the steps in words, the emails that would go, the charge that would be made. */
export function DryRunView({ dry, dirty }: { dry: DryRunState; dirty: boolean }) {
  const { dryRun, busy: dryRunBusy, error: dryRunError } = dry;
  const titleId = useId();
  if (dryRunError) {
    return (
      <div className="banner banner-error" role="alert" data-testid="dry-run-error">
        The dry run failed: {dryRunError}
      </div>
    );
  }
  if (!dryRun) {
    return dryRunBusy ? (
      <p className="muted small" role="status">
        Running the dry run…
      </p>
    ) : null;
  }
  return (
    <section className="rc-dry" aria-labelledby={titleId} data-testid="dry-run">
      <header className="rc-dry-head">
        <h3 id={titleId}>
          <span className="rc-dry-badge">Dry run</span> — nothing was sent or charged
        </h3>
        <button type="button" className="link" onClick={dry.clear}>
          Hide
        </button>
      </header>
      <p className="muted small">
        What would happen at {formatTime(dryRun.now)} with the saved settings
        {dirty ? (
          <strong className="rc-dry-dirty"> (your unsaved changes are not part of it: save first to test them)</strong>
        ) : null}
        .
      </p>
      <ol className="rc-steps" data-testid="dry-run-steps">
        {dryRun.steps.map((step, i) => (
          <li key={i}>{step}</li>
        ))}
      </ol>
      <div className="rc-dry-grid">
        <div>
          <h4>Emails</h4>
          {dryRun.emails.length === 0 ? (
            <p className="muted small" data-testid="dry-run-no-email">
              No email.
            </p>
          ) : (
            <ul className="rc-emails" data-testid="dry-run-emails">
              {dryRun.emails.map((e, i) => (
                <li key={i}>
                  <div className="rc-email-subject">{e.subject}</div>
                  <div className="muted small">to {e.to.join(', ')}</div>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h4>Charge</h4>
          <DryRunCharge dryRun={dryRun} />
        </div>
      </div>
    </section>
  );
}

function DryRunCharge({ dryRun }: { dryRun: DryRun }) {
  if (!dryRun.charge) {
    return (
      <p className="muted small" data-testid="dry-run-no-charge">
        No charge.
      </p>
    );
  }
  return (
    <div data-testid="dry-run-charge">
      <div className="rc-charge-amount" data-testid="dry-run-charge-amount">
        {formatMoney(dryRun.charge.amount, dryRun.currency)}
      </div>
      {dryRun.charge.methods.length === 0 ? (
        <div className="small rc-no-method" data-testid="dry-run-methods">
          No payment method yet
        </div>
      ) : (
        <ol className="small rc-methods" data-testid="dry-run-methods">
          {dryRun.charge.methods.map((x, i) => (
            <li key={i}>{x}</li>
          ))}
        </ol>
      )}
    </div>
  );
}
