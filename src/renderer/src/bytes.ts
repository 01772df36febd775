/** A file size as a desk user reads it: "812 bytes", "14.2 KB", "3.1 MB". */
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat();

export function formatBytes(n: number): string {
  if (n < 1024) return `${whole.format(n)} ${n === 1 ? 'byte' : 'bytes'}`;
  if (n < 1024 * 1024) return `${oneDecimal.format(n / 1024)} KB`;
  if (n < 1024 * 1024 * 1024) return `${oneDecimal.format(n / 1024 / 1024)} MB`;
  return `${oneDecimal.format(n / 1024 / 1024 / 1024)} GB`;
}
