/**
 * A rule's threshold: money typed in the profile's currency. The profile's own symbol or code may be
 * typed ("$10", "10 USD") and is dropped before parseAmount reads the figure as minor units; another
 * currency's ("€10" in a USD profile) is refused with a sentence that names both, never converted.
 */
import {
  COMMON_CURRENCIES,
  exponentOf,
  formatMoney,
  isCurrency,
  MoneyError,
  parseAmount,
  POINTS,
} from '../../../../shared/money';
import { Field } from '../../ui/Field';

/** Runs of what is not a digit, a sign, a separator or a space: "$", "US$", "EUR", "kr", "pts". */
const TOKEN = /[^\d\s.,+\-\u00a0\u202f]+/g;
const POINT_WORDS = ['pts', 'pt', 'points', 'point'];
const SYMBOL_LOCALES = [
  'en-US',
  'en-GB',
  'en-CA',
  'en-AU',
  'en-IN',
  'de-DE',
  'fr-FR',
  'ja-JP',
  'pt-BR',
  'es-MX',
  'sv-SE',
  'de-CH',
];

const symbolCache = new Map<string, Set<string>>();

/** How a currency is written in a few locales (symbol and narrow symbol) plus its code, lower-cased. */
function symbolsOf(currency: string, locales: readonly string[] = SYMBOL_LOCALES): Set<string> {
  const key = `${currency}|${locales.join(',')}`;
  let set = symbolCache.get(key);
  if (set) return set;
  set = new Set([currency.toLowerCase()]);
  if (currency === POINTS) POINT_WORDS.forEach((w) => set!.add(w));
  else {
    const all = [...locales, ...(typeof navigator === 'undefined' ? [] : [navigator.language])];
    for (const locale of all) {
      for (const currencyDisplay of ['symbol', 'narrowSymbol'] as const) {
        try {
          const part = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay })
            .formatToParts(1)
            .find((p) => p.type === 'currency');
          if (part) set.add(part.value.trim().toLowerCase());
        } catch {
          // A locale or currency this engine does not know: its other spellings still count.
        }
      }
    }
  }
  symbolCache.set(key, set);
  return set;
}

let allCurrencies: string[] | undefined;
function everyCurrency(): string[] {
  if (!allCurrencies) {
    const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
    allCurrencies = intl.supportedValuesOf ? intl.supportedValuesOf('currency') : [];
  }
  return allCurrencies;
}

/** The currency a typed token names, if any: a code first, then the most used currencies, then any. */
function currencyNamedBy(token: string): string | null {
  const t = token.toLowerCase();
  if (/^[a-z]{3}$/.test(t) && isCurrency(t.toUpperCase())) return t.toUpperCase();
  if (POINT_WORDS.includes(t)) return POINTS;
  for (const code of COMMON_CURRENCIES) if (symbolsOf(code).has(t)) return code;
  for (const code of everyCurrency()) if (symbolsOf(code, ['en-US']).has(t)) return code;
  return null;
}

export class ThresholdError extends Error {}

/**
 * Minor units of `currency` from what was typed, or a ThresholdError with the sentence to show.
 * `empty` is what an empty text means (null: it is an error). `words` name the amount and what fixes its
 * currency in the sentence that refuses another currency ("The threshold is in EUR but this profile is in USD").
 */
export function readThreshold(
  text: string,
  currency: string,
  empty: number | null = null,
  words: { what: string; owner: string } = { what: 'threshold', owner: 'this profile' },
): number {
  const raw = text.trim();
  if (raw === '') {
    if (empty !== null) return empty;
    throw new ThresholdError(
      'Enter a threshold, e.g. 10.00: the rule fires when the available balance falls below it.',
    );
  }
  const own = symbolsOf(currency);
  for (const token of raw.match(TOKEN) ?? []) {
    if (own.has(token.toLowerCase())) continue;
    const other = currencyNamedBy(token);
    if (other && other !== currency)
      throw new ThresholdError(`The ${words.what} is in ${other} but ${words.owner} is in ${currency}.`);
  }
  const figure = raw.replace(TOKEN, (token) => (own.has(token.toLowerCase()) ? ' ' : token)).trim();
  try {
    return parseAmount(figure, currency);
  } catch (e) {
    if (e instanceof MoneyError) throw new ThresholdError(capitalize(e.message) + '.');
    throw e;
  }
}

/** What the text reads as, for the hint under the input: "$10.00", or null while it reads as nothing. */
export function previewThreshold(text: string, currency: string): string | null {
  try {
    return text.trim() === '' ? null : formatMoney(readThreshold(text, currency), currency);
  } catch {
    return null;
  }
}

function capitalize(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function ProfileThreshold(props: {
  name: string;
  label?: string;
  value: string;
  currency: string;
  error?: string;
  onChange(text: string): void;
}) {
  const preview = previewThreshold(props.value, props.currency);
  const currencyLabel = props.currency === POINTS ? 'points' : props.currency;
  return (
    <Field
      label={props.label ?? 'Threshold'}
      name={props.name}
      error={props.error}
      hint={preview ? `Fires when the available balance is below ${preview}.` : `An amount in ${currencyLabel}.`}
    >
      {(p) => (
        <div className="money-input">
          <input
            {...p}
            className="num"
            inputMode="decimal"
            autoComplete="off"
            spellCheck={false}
            placeholder={exponentOf(props.currency) === 0 ? '1,000' : `10.${'0'.repeat(exponentOf(props.currency))}`}
            value={props.value}
            onChange={(e) => props.onChange(e.target.value)}
          />
          <span className="money-affix">{props.currency}</span>
        </div>
      )}
    </Field>
  );
}
