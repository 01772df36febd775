/**
 * Money is an integer count of a currency's minor unit (cents, fils, yen; "points" have none).
 * Nothing in Balance Desk holds money as a float: text becomes minor units here, and minor units
 * become text here, through Intl.NumberFormat. Runs in Node and in the browser alike.
 */

declare const minorBrand: unique symbol;
/** An integer amount in a currency's minor unit. Build one with `minor()` or `parseAmount()`. */
export type Minor = number & { readonly [minorBrand]: true };

/** The largest amount Balance Desk accepts in one figure: 10^13 minor units (100 billion dollars). */
export const MAX_AMOUNT = 10_000_000_000_000;

/** The unit for prepaid credits that have no decimals. Not an ISO 4217 code, so it never reaches Stripe. */
export const POINTS = 'POINTS';

/** ISO 4217 minor-unit exponents that are not 2. Every other ISO code has two decimals. */
const EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
  [POINTS]: 0,
};

/** Currencies offered in the forms, most used first; any ISO 4217 code is accepted. */
export const COMMON_CURRENCIES = [
  'USD',
  'EUR',
  'GBP',
  'CAD',
  'AUD',
  'JPY',
  'CHF',
  'SEK',
  'NZD',
  'MXN',
  'BRL',
  'INR',
  'KWD',
  POINTS,
] as const;

let isoCodes: Set<string> | undefined;
function knownIsoCodes(): Set<string> {
  if (!isoCodes) {
    const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
    isoCodes = new Set(intl.supportedValuesOf ? intl.supportedValuesOf('currency') : Object.keys(EXPONENTS));
    for (const code of Object.keys(EXPONENTS)) isoCodes.add(code);
    for (const code of COMMON_CURRENCIES) isoCodes.add(code);
  }
  return isoCodes;
}

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$|^POINTS$/.test(code) && knownIsoCodes().has(code);
}

/** How many decimals the currency's minor unit has (USD 2, JPY 0, KWD 3, POINTS 0). */
export function exponentOf(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

export function isMinor(value: unknown): value is Minor {
  return typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) <= MAX_AMOUNT;
}

/** Checks that a number is a whole, sane amount of minor units. */
export function minor(value: number): Minor {
  if (!Number.isInteger(value)) throw new MoneyError(`${value} is not a whole number of minor units`);
  if (Math.abs(value) > MAX_AMOUNT) throw new MoneyError(`${value} is beyond the largest amount Balance Desk accepts`);
  return value as Minor;
}

/**
 * Reads what a person typed ("1,234.50", "-20", "0.5", "+3") as minor units of `currency`.
 * Accepts an optional sign, comma or space thousands groups and a point for decimals; refuses
 * more decimals than the currency has, letters and empty text, each with a sentence that says why.
 */
export function parseAmount(text: string, currency: string): Minor {
  const exponent = exponentOf(currency);
  const raw = String(text ?? '').trim();
  if (raw === '') throw new MoneyError('enter an amount');
  const m = /^([+-])?\s*(\d{1,3}(?:[, \u00a0\u202f]\d{3})+|\d+)?(?:\.(\d*))?$/.exec(raw);
  if (!m || (m[2] === undefined && (m[3] === undefined || m[3] === ''))) {
    throw new MoneyError(
      `"${raw}" is not an amount: use digits, an optional sign and a point for decimals, e.g. 1,234.50`,
    );
  }
  const whole = (m[2] ?? '0').replace(/[, \u00a0\u202f]/g, '');
  const frac = m[3] ?? '';
  if (frac.length > exponent) {
    throw new MoneyError(
      exponent === 0
        ? `${currency === POINTS ? 'points' : currency} has no decimals`
        : `${currency} has at most ${exponent} decimal${exponent === 1 ? '' : 's'}`,
    );
  }
  const digits = (whole + frac.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 16) throw new MoneyError(`"${raw}" is beyond the largest amount Balance Desk accepts`);
  const value = Number(digits) * (m[1] === '-' ? -1 : 1);
  if (Math.abs(value) > MAX_AMOUNT) throw new MoneyError(`"${raw}" is beyond the largest amount Balance Desk accepts`);
  return (value === 0 ? 0 : value) as Minor;
}

/** Minor units as a plain decimal string with the currency's decimals ("1234.50", "-7", "0.005"). */
export function toDecimalString(amount: number, currency: string): string {
  const exponent = exponentOf(currency);
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

const formatters = new Map<string, Intl.NumberFormat>();
function formatterFor(currency: string, locale: string | undefined, signDisplay: 'auto' | 'always'): Intl.NumberFormat {
  const key = `${currency}|${locale ?? ''}|${signDisplay}`;
  let f = formatters.get(key);
  if (!f) {
    const exponent = exponentOf(currency);
    f =
      currency === POINTS
        ? new Intl.NumberFormat(locale, { maximumFractionDigits: 0, signDisplay })
        : new Intl.NumberFormat(locale, {
            style: 'currency',
            currency,
            minimumFractionDigits: exponent,
            maximumFractionDigits: exponent,
            signDisplay,
          });
    formatters.set(key, f);
  }
  return f;
}

/**
 * Minor units as the client sees them: "$1,234.50", "¥1,200", "1,200 pts". The decimal string goes to
 * Intl as a string so no binary fraction ever appears, whatever the size of the amount.
 */
export function formatMoney(amount: number, currency: string, opts: { locale?: string; sign?: boolean } = {}): string {
  const f = formatterFor(currency, opts.locale, opts.sign ? 'always' : 'auto');
  const text = f.format(toDecimalString(amount, currency) as unknown as number);
  return currency === POINTS ? `${text} pts` : text;
}
