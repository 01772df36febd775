/** The figures of a run: the table on stdout and bench/results/latest.json. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A target: the value (or, with `ofRatio`, the figure's ratio) must be at least / below `limit`. */
export interface Target {
  op: '>=' | '<';
  limit: number;
  ofRatio?: boolean;
}

export interface Figure {
  /** Stable key for the JSON file, e.g. "post.p99". */
  key: string;
  metric: string;
  /** null for a row that cannot be measured yet. */
  value: number | null;
  unit: string;
  /** Every one must hold for a pass; one on the ratio is left out while the ratio is unknown. */
  target?: Target | readonly Target[];
  /** value ÷ a yardstick measured in the same run, for throughput figures: the raw limit unless `ratioOf` says. */
  ratio?: number;
  /** What `ratio` is to, as the table says it: "raw" (the default) or "shell". */
  ratioOf?: string;
  mark: 'pass' | 'MISS' | 'info' | 'not yet built';
  note?: string;
  /** More numbers behind the figure, for the JSON file only (seconds, sample counts, other percentiles). */
  detail?: Record<string, number | number[]>;
}

const targetsOf = (f: Pick<Figure, 'target'>): readonly Target[] =>
  f.target === undefined ? [] : 'op' in f.target ? [f.target] : f.target;

export function figure(f: Omit<Figure, 'mark'> & { mark?: Figure['mark'] }): Figure {
  if (f.mark) return f as Figure;
  const targets = targetsOf(f).filter((t) => !t.ofRatio || f.ratio != null);
  if (targets.length === 0 || f.value == null) return { ...f, mark: 'info' };
  const ok = targets.every((t) => {
    const v = t.ofRatio ? f.ratio! : f.value!;
    return t.op === '>=' ? v >= t.limit : v < t.limit;
  });
  return { ...f, mark: ok ? 'pass' : 'MISS' };
}

export const notYetBuilt = (key: string, metric: string, unit: string): Figure => ({
  key,
  metric,
  value: null,
  unit,
  mark: 'not yet built',
});

function fmtValue(v: number | null): string {
  if (v == null) return '—';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

const fmtTarget = (f: Figure) =>
  targetsOf(f)
    .map((t) => `${t.op === '>=' ? '≥' : '<'} ${t.ofRatio ? `${t.limit}× ${f.ratioOf ?? 'raw'}` : fmtValue(t.limit)}`)
    .join(', ');

/** A plain-text table; also valid Markdown, so it can go into the README as it is. */
export function table(figures: readonly Figure[]): string {
  const head = ['metric', 'value', 'unit', 'target', 'ratio', 'mark'];
  const rows = figures.map((f) => [
    f.note ? `${f.metric} (${f.note})` : f.metric,
    fmtValue(f.value),
    f.unit,
    fmtTarget(f),
    f.ratio == null ? '' : `${f.ratio.toFixed(2)}× ${f.ratioOf ?? 'raw'}`,
    f.mark === 'info' ? '' : f.mark,
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 1 ? c.padStart(width[i]) : c.padEnd(width[i]))).join(' | ')} |`;
  const rule = `|${width.map((w, i) => (i === 1 ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  sqlite: string;
  platform: string;
  memoryGb: number;
  /** 1-minute load average when the run started: other work on the machine skews the figures. */
  loadAtStart: number;
}

export function machine(sqliteVersion: string, loadAtStart: number): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    sqlite: sqliteVersion,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAtStart,
  };
}

export function writeResults(
  file: string,
  body: {
    machine: Machine;
    date: string;
    mode: string;
    seconds: number;
    sizes: Record<string, number>;
    figures: Figure[];
  },
): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(body, null, 2) + '\n');
}
