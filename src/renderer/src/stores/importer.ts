/**
 * A usage import run. A large file goes to the core in parts cut on record boundaries (each later part
 * carries the header row again and says on which file line it starts, so errors name the file's own
 * line numbers). Every row is idempotent by (client, external_id), so stopping between parts is safe:
 * importing the same file again skips what already landed.
 */
import { create } from 'zustand';
import type { ImportRow, ImportRowError } from '../../../shared/contracts';
import { CsvError, parseCsv, splitCsv } from '../../../shared/csv';
import { api, ApiError } from '../api/client';
import { messageOf, type FieldErrors } from '../api/errors';

export const IMPORT_COLUMNS = ['client_ref', 'time', 'amount', 'external_id', 'description'] as const;
export const ROWS_PER_PART = 5000;
/** The most row errors kept on screen; the count covers them all. */
const MAX_ERRORS_SHOWN = 1000;
const SAMPLE_ROWS = 20;

export interface CsvPart {
  csv: string;
  firstLine: number;
}

/** The header row of a CSV text with its line end (a quoted header field may hold a newline). */
export function headerOf(text: string): string {
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (c === 10 && !inQuotes) return text.slice(0, i + 1);
  }
  return text + '\n';
}

/** The file cut into parts of at most `rowsPerPart` rows, each able to stand alone. */
export function partsOf(text: string, rowsPerPart = ROWS_PER_PART): CsvPart[] {
  const pieces = splitCsv(text, rowsPerPart);
  if (pieces.length === 0) return [{ csv: text, firstLine: 2 }];
  const header = headerOf(text);
  return pieces.map((p, i) =>
    i === 0 ? { csv: p.text, firstLine: 2 } : { csv: header + p.text, firstLine: p.firstLine },
  );
}

/**
 * What makes the file unreadable as CSV (a quote left open, a stray quote), in words with its line, or
 * null. The core refuses the one part that holds such a fault, but by then the parts before it would be
 * in the ledger: so the whole file is read here first, and such a file is refused before anything is sent.
 */
export function csvFault(text: string): string | null {
  try {
    for (const record of parseCsv(text)) void record; // reading every record is the check
    return null;
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    return `The file is not valid CSV, so nothing of it was sent: ${e.message}. Correct it and choose it again.`;
  }
}

export interface ImportTotals {
  rows: number;
  /** Preview: rows that would be imported or are already in. Commit: rows newly imported. */
  valid: number;
  imported: number;
  duplicates: number;
  errorCount: number;
  errors: ImportRowError[];
  sample: ImportRow[];
}

const noTotals = (): ImportTotals => ({
  rows: 0,
  valid: 0,
  imported: 0,
  duplicates: 0,
  errorCount: 0,
  errors: [],
  sample: [],
});

export type ImportPhase = 'idle' | 'previewing' | 'previewed' | 'committing' | 'committed' | 'cancelled' | 'failed';

interface ImportState {
  fileName: string | null;
  text: string | null;
  resellerId: number | null;
  phase: ImportPhase;
  /** Which run the totals belong to (a cancelled or failed run keeps its totals so far). */
  mode: 'preview' | 'commit' | null;
  partsDone: number;
  partsTotal: number;
  totals: ImportTotals;
  errors: FieldErrors;
  cancelRequested: boolean;
  setFile(name: string, text: string): void;
  setReseller(id: number | null): void;
  preview(): Promise<void>;
  commit(): Promise<void>;
  cancel(): void;
  reset(): void;
}

export const useImport = create<ImportState>((set, get) => {
  async function run(mode: 'preview' | 'commit') {
    const { text, resellerId } = get();
    const missing: FieldErrors = {};
    if (text === null) missing.file = 'Choose a CSV file first.';
    if (resellerId === null) missing.resellerId = 'Choose the reseller whose clients the file charges.';
    if (text === null || resellerId === null) {
      set({ errors: missing });
      return;
    }
    const fault = csvFault(text);
    if (fault) {
      set({
        phase: 'failed',
        mode,
        partsDone: 0,
        partsTotal: 0,
        totals: noTotals(),
        errors: { file: fault },
        cancelRequested: false,
      });
      return;
    }
    const parts = partsOf(text);
    const totals = noTotals();
    set({
      phase: mode === 'preview' ? 'previewing' : 'committing',
      mode,
      partsDone: 0,
      partsTotal: parts.length,
      totals,
      errors: {},
      cancelRequested: false,
    });
    for (const part of parts) {
      if (get().cancelRequested) {
        set({ phase: 'cancelled' });
        return;
      }
      try {
        if (mode === 'preview') {
          const r = await api().call('ledger.import.preview', { resellerId, csv: part.csv, firstLine: part.firstLine });
          totals.valid += r.valid;
          totals.duplicates += r.duplicates;
          addErrors(totals, r.errors, r.errorCount, r.rows);
          for (const row of r.sample) if (totals.sample.length < SAMPLE_ROWS) totals.sample.push(row);
        } else {
          const r = await api().call('ledger.import.commit', { resellerId, csv: part.csv, firstLine: part.firstLine });
          totals.imported += r.imported;
          totals.duplicates += r.duplicates;
          addErrors(totals, r.errors, r.errorCount, r.rows);
        }
      } catch (e) {
        const field =
          e instanceof ApiError && e.field === 'csv'
            ? 'file'
            : e instanceof ApiError && e.field === 'resellerId'
              ? 'resellerId'
              : 'form';
        set({ phase: 'failed', errors: { [field]: messageOf(e) }, totals: { ...totals } });
        return;
      }
      set((s) => ({
        partsDone: s.partsDone + 1,
        totals: { ...totals, errors: totals.errors.slice(), sample: totals.sample.slice() },
      }));
    }
    set({ phase: mode === 'preview' ? 'previewed' : 'committed' });
  }

  return {
    fileName: null,
    text: null,
    resellerId: null,
    phase: 'idle',
    mode: null,
    partsDone: 0,
    partsTotal: 0,
    totals: noTotals(),
    errors: {},
    cancelRequested: false,
    setFile(name, text) {
      set({
        fileName: name,
        text,
        phase: 'idle',
        mode: null,
        totals: noTotals(),
        partsDone: 0,
        partsTotal: 0,
        errors: {},
      });
    },
    setReseller(id) {
      set({ resellerId: id, phase: 'idle', mode: null, totals: noTotals(), partsDone: 0, partsTotal: 0, errors: {} });
    },
    preview: () => run('preview'),
    commit: () => run('commit'),
    cancel() {
      set({ cancelRequested: true });
    },
    reset() {
      set({
        fileName: null,
        text: null,
        phase: 'idle',
        mode: null,
        totals: noTotals(),
        partsDone: 0,
        partsTotal: 0,
        errors: {},
        cancelRequested: false,
      });
    },
  };
});

function addErrors(totals: ImportTotals, errors: ImportRowError[], errorCount: number, rows: number) {
  totals.rows += rows;
  totals.errorCount += errorCount;
  for (const e of errors) if (totals.errors.length < MAX_ERRORS_SHOWN) totals.errors.push(e);
}
