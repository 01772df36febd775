/**
 * CSV as RFC 4180 says: comma separated, fields optionally in double quotes, "" for a quote inside
 * quotes, CRLF or LF line ends. Shared by the core (import) and the renderer (splitting a large file
 * into parts on record boundaries, so a quoted newline never cuts a row in two).
 */

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

export interface CsvRecord {
  /** The file line on which the record starts (1-based). */
  line: number;
  fields: string[];
}

/** Parses CSV text into records; blank lines are skipped. Throws CsvError for an unterminated quote or a stray quote. */
export function* parseCsv(text: string, firstLine = 1): Generator<CsvRecord> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 byte order mark from spreadsheet exports
  let line = firstLine;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    for (;;) {
      if (text.charCodeAt(i) === 34 /* " */) {
        i++;
        let closed = false;
        let from = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 34) {
            field += text.slice(from, i);
            if (text.charCodeAt(i + 1) === 34) {
              field += '"';
              i += 2;
              from = i;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === 10) line++;
          i++;
        }
        if (!closed) throw new CsvError(`a quoted field that starts on line ${start} never ends`, start);
        const next = text.charCodeAt(i);
        if (i < n && next !== 44 && next !== 10 && next !== 13) {
          throw new CsvError(
            `line ${line}: after a closing quote a field must end (a comma or the end of the line)`,
            line,
          );
        }
      } else {
        const from = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 44 || c === 10 || c === 13) break;
          if (c === 34)
            throw new CsvError(
              `line ${line}: a quote inside an unquoted field (put the field in quotes and double the quote)`,
              line,
            );
          i++;
        }
        field = text.slice(from, i);
      }
      fields.push(field);
      field = '';
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      line++;
      break;
    }
    if (!(fields.length === 1 && fields[0] === '')) yield { line: start, fields };
  }
}

/**
 * Splits CSV text into parts of at most `rowsPerPart` records each, cutting only between records.
 * Returns each part's text and the line its first record starts on.
 */
export function splitCsv(text: string, rowsPerPart: number): { text: string; firstLine: number }[] {
  const parts: { text: string; firstLine: number }[] = [];
  let inQuotes = false;
  let rows = 0;
  let partStart = 0;
  let line = 1;
  let partLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (c === 10) {
      line++;
      if (!inQuotes && ++rows === rowsPerPart) {
        parts.push({ text: text.slice(partStart, i + 1), firstLine: partLine });
        partStart = i + 1;
        partLine = line;
        rows = 0;
      }
    }
  }
  if (partStart < text.length && text.slice(partStart).trim() !== '')
    parts.push({ text: text.slice(partStart), firstLine: partLine });
  return parts;
}

/** A plain number ("-12.50", "7"): safe in a spreadsheet as it is. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field for a file a spreadsheet will open: a text that a spreadsheet would run as a formula
 * (starting with = + - @, a tab or a carriage return) gets a leading apostrophe, unless it is a plain
 * number; a field with a comma, quote or line break is quoted with quotes doubled (RFC 4180).
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let v = value;
  const c = v.charCodeAt(0);
  if ((c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) && !PLAIN_NUMBER.test(v)) v = `'${v}`;
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One CSV record with its CRLF line end. */
export function csvRecord(values: readonly (string | number | null | undefined)[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) out += (i ? ',' : '') + csvField(values[i]);
  return out + '\r\n';
}
