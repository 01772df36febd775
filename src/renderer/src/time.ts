/** Times as a desk user reads them, in the machine's own locale and zone. */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatTime(isoText: string): string {
  const ms = Date.parse(isoText);
  return Number.isNaN(ms) ? isoText : dateTime.format(ms);
}

export function formatDate(isoText: string): string {
  const ms = Date.parse(isoText);
  return Number.isNaN(ms) ? isoText : dateOnly.format(ms);
}
