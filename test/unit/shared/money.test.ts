import { describe, expect, it } from 'vitest';
import {
  exponentOf,
  formatMoney,
  isCurrency,
  MAX_AMOUNT,
  minor,
  MoneyError,
  parseAmount,
  POINTS,
  toDecimalString,
} from '../../../src/shared/money';

describe('parseAmount', () => {
  it.each([
    ['1,234.50', 'USD', 123450],
    ['1234.5', 'USD', 123450],
    ['-20', 'USD', -2000],
    ['+3', 'EUR', 300],
    ['0.5', 'USD', 50],
    ['.25', 'USD', 25],
    ['1 234.56', 'EUR', 123456],
    ['1200', 'JPY', 1200],
    ['1,200', 'JPY', 1200],
    ['1.234', 'KWD', 1234],
    ['750', POINTS, 750],
    ['  42.00  ', 'GBP', 4200],
    ['-0', 'USD', 0],
  ])('%s %s → %d', (text, currency, expected) => {
    expect(parseAmount(text, currency)).toBe(expected);
  });

  it.each([
    ['', 'USD', /enter an amount/],
    ['abc', 'USD', /is not an amount/],
    ['1.234', 'USD', /USD has at most 2 decimals/],
    ['1.5', 'JPY', /JPY has no decimals/],
    ['1.5', POINTS, /points has no decimals/],
    ['12,34.00', 'USD', /is not an amount/],
    ['1e5', 'USD', /is not an amount/],
    ['NaN', 'USD', /is not an amount/],
    ['Infinity', 'USD', /is not an amount/],
    ['99999999999999999', 'USD', /largest amount/],
    ['--1', 'USD', /is not an amount/],
    ['.', 'USD', /is not an amount/],
  ])('refuses %j in %s with a sentence', (text, currency, message) => {
    expect(() => parseAmount(text, currency)).toThrow(MoneyError);
    expect(() => parseAmount(text, currency)).toThrow(message);
  });

  it('never goes through a float: 0.29 is exactly 29 cents, 1.005 KWD is 1005 fils', () => {
    expect(parseAmount('0.29', 'USD')).toBe(29);
    expect(parseAmount('1.005', 'KWD')).toBe(1005);
    expect(parseAmount('100000000000.00', 'USD')).toBe(MAX_AMOUNT);
  });
});

describe('formatting', () => {
  it('uses the currency exponent', () => {
    expect(formatMoney(123450, 'USD', { locale: 'en-US' })).toBe('$1,234.50');
    expect(formatMoney(-375, 'USD', { locale: 'en-US' })).toBe('-$3.75');
    expect(formatMoney(1200, 'JPY', { locale: 'en-US' })).toBe('¥1,200');
    expect(formatMoney(1005, 'KWD', { locale: 'en-US' })).toMatch(/1\.005/);
    expect(formatMoney(1200, POINTS, { locale: 'en-US' })).toBe('1,200 pts');
    expect(formatMoney(500, 'USD', { locale: 'en-US', sign: true })).toBe('+$5.00');
    expect(formatMoney(123456, 'EUR', { locale: 'de-DE' })).toBe('1.234,56\u00a0€');
  });

  it('formats the largest amounts exactly', () => {
    expect(formatMoney(MAX_AMOUNT - 1, 'USD', { locale: 'en-US' })).toBe('$99,999,999,999.99');
    expect(toDecimalString(-5, 'USD')).toBe('-0.05');
    expect(toDecimalString(7, 'KWD')).toBe('0.007');
    expect(toDecimalString(7, 'JPY')).toBe('7');
  });

  it('parse and format round-trip', () => {
    for (const [cur, v] of [
      ['USD', 1],
      ['USD', -99],
      ['JPY', 123456],
      ['KWD', 1],
      ['EUR', 10_000_000_000],
    ] as const) {
      expect(parseAmount(toDecimalString(v, cur), cur)).toBe(v);
    }
  });
});

describe('currencies and arithmetic', () => {
  it('knows exponents and codes', () => {
    expect(exponentOf('USD')).toBe(2);
    expect(exponentOf('JPY')).toBe(0);
    expect(exponentOf('BHD')).toBe(3);
    expect(exponentOf(POINTS)).toBe(0);
    expect(isCurrency('USD')).toBe(true);
    expect(isCurrency('POINTS')).toBe(true);
    expect(isCurrency('usd')).toBe(false);
    expect(isCurrency('XXXX')).toBe(false);
    expect(isCurrency('ZZZ')).toBe(false);
  });

  it('refuses fractions and overflow', () => {
    expect(() => minor(1.5)).toThrow(/whole number/);
    expect(() => minor(MAX_AMOUNT + 1)).toThrow(/largest amount/);
  });
});
