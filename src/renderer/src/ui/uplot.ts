/**
 * What every chart of the app shares (uPlot on a canvas): the colours from the stylesheet's variables,
 * redrawn when the system switches between light and dark; money axes with whole minor units only; a
 * time axis; and one hook that makes the plot, keeps it as wide as its box and destroys it.
 */
import { useEffect, useSyncExternalStore, type RefObject } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMoney } from '../../../shared/money';

/** Whole minor units only: a tick at half a cent would be a lie about money. */
const INTEGER_STEPS = (() => {
  const out: number[] = [];
  for (let p = 1; p <= 1e13; p *= 10) out.push(p, 2 * p, 5 * p);
  return out;
})();

const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');
function subscribeScheme(cb: () => void) {
  darkQuery.addEventListener('change', cb);
  return () => darkQuery.removeEventListener('change', cb);
}

/** True while the system shows dark mode (charts redraw with the other colours). */
export function useDarkScheme(): boolean {
  return useSyncExternalStore(subscribeScheme, () => darkQuery.matches);
}

export function cssVar(el: Element, name: string, fallback: string) {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

/** The chart colours and font, read from the stylesheet (light or dark). */
export function chartColors(el: Element) {
  return {
    line: cssVar(el, '--chart-line', '#2563eb'),
    fill: cssVar(el, '--chart-fill', 'rgba(37,99,235,0.12)'),
    axis: cssVar(el, '--chart-axis', '#6b7280'),
    grid: cssVar(el, '--chart-grid', 'rgba(127,127,127,0.18)'),
    zero: cssVar(el, '--chart-zero', '#dc2626'),
    font: `12px ${cssVar(document.body, '--font-ui', 'system-ui, sans-serif')}`,
  };
}
export type ChartColors = ReturnType<typeof chartColors>;

/** Amounts of one currency as text; null (no value under the cursor) as a dash. */
export const moneyText = (currency: string) => (v: number | null | undefined) =>
  v == null ? '—' : formatMoney(Math.round(v), currency);

export function timeAxis(c: ChartColors): uPlot.Axis {
  return { stroke: c.axis, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid }, font: c.font };
}

/** An axis's size from its longest label (uPlot's recipe): ticks, gap and the text measured in the axis font. */
function labelWidth(u: uPlot, values: string[] | null, axisIdx: number, cycleNum: number): number {
  const axis = u.axes[axisIdx] as uPlot.Axis & { _size?: number; font: [string, number] };
  if (cycleNum > 1 && axis._size) return axis._size;
  const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), '');
  u.ctx.font = axis.font[0];
  const text = longest ? u.ctx.measureText(longest).width / (window.devicePixelRatio || 1) : 0;
  return Math.max(
    48,
    Math.ceil(text + ((axis.ticks as { size?: number } | undefined)?.size ?? 10) + (axis.gap ?? 5) + 4),
  );
}

/** A y axis of money on `scale`, left unless told; `grid` false for a second axis. */
export function moneyAxis(
  c: ChartColors,
  currency: string,
  o: { scale?: string; side?: 1 | 3; grid?: boolean } = {},
): uPlot.Axis {
  const money = moneyText(currency);
  return {
    // Left out unless told: an undefined key would replace uPlot's default (scale y, left side).
    ...(o.scale ? { scale: o.scale } : {}),
    ...(o.side ? { side: o.side } : {}),
    stroke: c.axis,
    grid: { show: o.grid ?? true, stroke: c.grid, width: 1 },
    ticks: { stroke: c.grid },
    font: c.font,
    // As wide as its longest label ("$1,500,000.00" does not fit a fixed width), measured in the axis font.
    size: labelWidth,
    incrs: INTEGER_STEPS,
    values: (_u, splits) => splits.map((v) => money(v)),
  };
}

/** A dashed horizontal line across the plot at `value` of scale y (drawn in a draw hook). */
export function hLine(u: uPlot, value: number, color: string, dash: number[] = [4, 4]) {
  const y = Math.round(u.valToPos(value, 'y', true));
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.setLineDash(dash);
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(u.bbox.left, y);
  ctx.lineTo(u.bbox.left + u.bbox.width, y);
  ctx.stroke();
  ctx.restore();
  return y;
}

/**
 * Makes the plot in `host` from what `build` returns (null: nothing to draw), as wide as the box and
 * `height` tall, again when `deps` change or the colour scheme does; destroys it on the way out.
 */
export function useUplot(
  host: RefObject<HTMLDivElement | null>,
  height: number,
  build: (
    el: HTMLDivElement,
    c: ChartColors,
  ) => { opts: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData } | null,
  deps: readonly unknown[],
): void {
  const dark = useDarkScheme();
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const made = build(el, chartColors(el));
    if (!made) return;
    const plot = new uPlot({ ...made.opts, width: Math.max(200, el.clientWidth), height }, made.data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, dark, height]);
}
