/**
 * Times relative to the core's clock ("3 min ago", "in 12 min") and spans of time ("7 days", "1 h 30 min"),
 * for the low balance panel and the scheduler. The exact time is in the tooltip.
 */
import { formatTime } from '../time';
import { coarseSpan as coarse, plural } from '../../../shared/time-words';

const MINUTE = 60_000;
const count = new Intl.NumberFormat();
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/**
 * "3 min ago", "in 12 min", "just now". With `due`, a time that has come reads "due now"; with `past`,
 * a time that has happened (a sweep, a sending) never reads as future when the clock read lags it.
 */
export function relativeTime(isoText: string, now: number, opts: { due?: boolean; past?: boolean } = {}): string {
  const t = Date.parse(isoText);
  if (Number.isNaN(t)) return isoText;
  const diff = opts.past ? Math.min(0, t - now) : t - now;
  if (opts.due && diff <= 0) return 'due now';
  if (Math.abs(diff) < 45_000) return diff > 0 ? 'in under a minute' : 'just now';
  return diff > 0 ? `in ${coarse(diff)}` : `${coarse(-diff)} ago`;
}

/** An exact span of time: "15 min", "1 h", "1 h 30 min", "7 days", "1 day 6 h". */
export function formatSpan(ms: number): string {
  if (ms < MINUTE) return `${count.format(Math.round(ms / 1000))} s`;
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 24 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const hours = Math.round(minutes / 60);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h ? `${plural(d, 'day', 'days')} ${h} h` : plural(d, 'day', 'days');
}

/** A span of whole hours the way a profile states it: "24 h", "36 h", "7 days". */
export function formatHours(hours: number): string {
  if (hours >= 48 && hours % 24 === 0) return plural(hours / 24, 'day', 'days');
  return `${count.format(hours)} h`;
}

/** How long something took: "850 ms", "1.2 s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${oneDecimal.format(ms)} ms` : `${oneDecimal.format(ms / 1000)} s`;
}

/** A relative time in a <time> element, with the exact time as its tooltip. */
export function When(props: {
  iso: string | null;
  now: number;
  due?: boolean;
  past?: boolean;
  empty?: string;
  testId?: string;
}) {
  if (!props.iso) return <span className="muted">{props.empty ?? '—'}</span>;
  return (
    <time dateTime={props.iso} title={formatTime(props.iso)} data-testid={props.testId}>
      {relativeTime(props.iso, props.now, { due: props.due, past: props.past })}
    </time>
  );
}
