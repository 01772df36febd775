/** Spans of time in words, for the screens and the core's messages alike (no DOM, no Node). */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const count = new Intl.NumberFormat();

export const plural = (n: number, one: string, many: string) => `${count.format(n)} ${n === 1 ? one : many}`;

/** A coarse span: "45 s", "12 min", "3 h", "2 days" (hours up to two days, then days). */
export function coarseSpan(ms: number): string {
  if (ms < MINUTE) return `${Math.max(1, Math.round(ms / 1000))} s`;
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(ms / HOUR);
  if (hours < 48) return `${hours} h`;
  return plural(Math.round(ms / DAY), 'day', 'days');
}
