/**
 * The run-dry forecast under a client's balance figures: "At the current rate (≈ $24.00/day), runs out in
 * about 6 h; falls below the client threshold ($20.00) in about 2 h." (clients.forecast, src/shared/forecast.ts).
 */
import type { RuleKind } from '../../../../shared/contracts';
import { formatRunDry } from '../../../../shared/forecast';
import { formatMoney } from '../../../../shared/money';
import { useClientForecast } from './forecast';
import { useCoreNow } from '../../data/core-now';
import './RunDryLine.css';

const THRESHOLD_WORDS: Record<RuleKind, string> = {
  staff: 'the staff threshold',
  client: 'the client threshold',
  inactivity: 'the inactivity threshold',
};

const HOW =
  'The burn rate is the usage of the last 7 days, recent days weighted more, with no single day counting for more than three normal ones; the times assume it goes on.';

export function RunDryLine({ clientId }: { clientId: number }) {
  const { data } = useClientForecast(clientId);
  const now = useCoreNow();
  if (!data) return null;
  const money = (v: number) => formatMoney(v, data.currency);
  if (data.runDryAt === null) {
    return (
      <p className="run-dry muted" data-testid="run-dry-line">
        No usage in the last 7 days: no run-dry forecast.
      </p>
    );
  }
  const at = Date.parse(data.runDryAt);
  const parts = [data.available <= 0 ? 'has run out' : `runs out ${formatRunDry(at, now)}`];
  for (const t of data.thresholds) {
    if (t.threshold <= 0 || t.crossesAt === null) continue;
    const when = formatRunDry(Date.parse(t.crossesAt), now);
    parts.push(
      when === 'now'
        ? `is below ${THRESHOLD_WORDS[t.kind]} (${money(t.threshold)}) now`
        : `falls below ${THRESHOLD_WORDS[t.kind]} (${money(t.threshold)}) ${when}`,
    );
  }
  return (
    <p className="run-dry" data-testid="run-dry-line" title={HOW}>
      At the current rate (≈ {money(data.burnPerDay)}/day), {parts.join('; ')}.
    </p>
  );
}
