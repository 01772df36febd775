/** Days typed as YYYY-MM-DD (the date inputs of the filters), read as UTC days. */

export const DAY_MS = 86_400_000;

/** The UTC midnight that starts a day typed as YYYY-MM-DD, or null when it is no real day. */
export function dayStart(day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day ? null : ms;
}

export const isoOf = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The filter's days as the core takes them: from the first day's midnight to the midnight after the last. */
export function dayBounds(from: string | undefined, to: string | undefined): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  const a = from ? dayStart(from) : null;
  const b = to ? dayStart(to) : null;
  if (a !== null) out.from = isoOf(a);
  if (b !== null) out.to = isoOf(b + DAY_MS);
  return out;
}

/** A filter's days in words: "on Nov 21, 2026", "from Nov 1, 2026 to Nov 21, 2026", "up to …". */
const utcDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
export function daysInWords(from: string | undefined, to: string | undefined): string | null {
  const day = (d: string) => utcDay.format(dayStart(d) ?? 0);
  if (from && to) return from === to ? `on ${day(from)}` : `from ${day(from)} to ${day(to)}`;
  if (from) return `from ${day(from)} on`;
  if (to) return `up to ${day(to)}`;
  return null;
}
