/**
 * The threshold suggestion in the low balance panel: twice the average daily spend (the automatic top-up
 * panel's figure, from clients.forecast), applied to the client rule with one click (thresholds.set).
 */
import type { ClientThresholds } from '../../../../shared/contracts';
import { useFormSubmit } from '../../ui/useFormSubmit';
import { useClientForecast } from '../clients/forecast';
import { useCan } from '../../stores/session';
import { setOverride } from './thresholds';
import { Money } from '../../ui/Money';
import './ThresholdSuggestion.css';
import './thresholds.css';

export function ThresholdSuggestion({ clientId, data }: { clientId: number; data: ClientThresholds }) {
  const canSet = useCan('thresholds.set');
  const { data: f } = useClientForecast(clientId);
  const { busy, errors, run } = useFormSubmit({ clearOnRun: true });
  if (!f || f.suggestedThreshold <= 0 || !data.profile) return null;
  const rule = data.rules.find((r) => r.kind === 'client');
  const applied = !!rule && rule.enabled && rule.threshold === f.suggestedThreshold;

  const apply = () => run(() => setOverride(clientId, 'client', f.suggestedThreshold, true));

  return (
    <div className="lb-suggest" data-testid="threshold-suggestion">
      <span>
        Suggested client threshold:{' '}
        <Money amount={f.suggestedThreshold} currency={f.currency} testId="suggested-threshold" />
        <span className="muted">
          {' '}
          — twice the average daily spend of <Money amount={f.averageDailySpend} currency={f.currency} /> ({f.spendDays}{' '}
          days), two days to top up.
        </span>
      </span>
      {applied ? (
        <span className="muted" role="status">
          The client rule uses it.
        </span>
      ) : canSet ? (
        <button
          type="button"
          className="lb-small-button"
          data-testid="apply-suggestion"
          disabled={busy}
          onClick={() => void apply()}
        >
          {busy ? 'Applying…' : 'Apply'}
        </button>
      ) : null}
      {errors.form ? (
        <span className="field-error" role="alert">
          {errors.form}
        </span>
      ) : null}
    </div>
  );
}
