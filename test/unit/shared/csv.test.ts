import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, splitCsv } from '../../../src/shared/csv';

const rows = (text: string) => [...parseCsv(text)].map((r) => [r.line, ...r.fields]);

describe('parseCsv', () => {
  it('reads RFC 4180: quotes, doubled quotes, commas and newlines inside quotes, CRLF, BOM', () => {
    const text = '\ufeffa,b,c\r\n1,"x, y","he said ""hi"""\r\n2,"two\nlines",\r\n\r\n3,,z';
    expect(rows(text)).toEqual([
      [1, 'a', 'b', 'c'],
      [2, '1', 'x, y', 'he said "hi"'],
      [3, '2', 'two\nlines', ''],
      [6, '3', '', 'z'],
    ]);
  });

  it('says where a quote goes wrong', () => {
    expect(() => rows('a,b\n1,"never closed\n')).toThrow(CsvError);
    expect(() => rows('a,b\n1,"never closed\n')).toThrow(/line 2 never ends/);
    expect(() => rows('a,b\n1,x"y\n')).toThrow(/line 2: a quote inside an unquoted field/);
    expect(() => rows('a,b\n1,"x"y\n')).toThrow(/after a closing quote/);
  });
});

describe('splitCsv', () => {
  it('cuts only between records and keeps every line number', () => {
    const text = 'h1,h2\n1,a\n2,"b\nb"\n3,c\n4,d\n';
    const parts = splitCsv(text, 2);
    expect(parts.map((p) => p.text).join('')).toBe(text);
    expect(parts.map((p) => p.firstLine)).toEqual([1, 3, 6]);
    expect(parts[1].text).toBe('2,"b\nb"\n3,c\n');
    const lines = parts.flatMap((p) => [...parseCsv(p.text, p.firstLine)].map((r) => r.line));
    expect(lines).toEqual([1, 2, 3, 5, 6]);
  });
});
