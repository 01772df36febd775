/**
 * The client's balance over time (uPlot on a canvas). Values stay in minor units; only the axis labels
 * and the legend turn them into money text, through formatMoney. The line is stepped: a balance holds
 * until the next entry changes it.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChannelOutput } from '../../../shared/contracts';
import { formatMoney } from '../../../shared/money';

type Series = ChannelOutput<'ledger.series'>;

const HEIGHT = 220;
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

function cssVar(el: Element, name: string, fallback: string) {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

export function BalanceChart({ series, testId }: { series: Series; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const dark = useSyncExternalStore(subscribeScheme, () => darkQuery.matches);

  useEffect(() => {
    const el = host.current;
    if (!el || series.points.length === 0) return;
    const currency = series.currency;
    const money = (v: number | null | undefined) => (v == null ? '—' : formatMoney(Math.round(v), currency));
    const line = cssVar(el, '--chart-line', '#2563eb');
    const fill = cssVar(el, '--chart-fill', 'rgba(37,99,235,0.12)');
    const axis = cssVar(el, '--chart-axis', '#6b7280');
    const grid = cssVar(el, '--chart-grid', 'rgba(127,127,127,0.18)');
    const zero = cssVar(el, '--chart-zero', '#dc2626');
    const font = `12px ${cssVar(document.body, '--font-ui', 'system-ui, sans-serif')}`;

    const xs = series.points.map((p) => Date.parse(p.at) / 1000);
    const ys = series.points.map((p) => p.balance);

    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      // Entries all at one instant would make a zero-width time axis that uPlot stretches over years.
      scales: { x: { time: true, range: (_u, min, max) => (min === max ? [min - 3600, max + 3600] : [min, max]) } },
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: 'Time' },
        {
          label: 'Balance',
          stroke: line,
          fill,
          width: 2,
          paths: uPlot.paths.stepped!({ align: 1 }),
          points: { show: xs.length < 60, size: 5 },
          value: (_u, v) => money(v),
        },
      ],
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, font },
        {
          stroke: axis,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          font,
          size: 88,
          incrs: INTEGER_STEPS,
          values: (_u, splits) => splits.map((v) => money(v)),
        },
      ],
      hooks: {
        // A dashed line at zero: where the client's service stops.
        draw: [
          (u) => {
            const [min, max] = [u.scales.y.min ?? 0, u.scales.y.max ?? 0];
            if (min > 0 || max < 0) return;
            const y = Math.round(u.valToPos(0, 'y', true));
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = zero;
            ctx.setLineDash([4, 4]);
            ctx.lineWidth = 1;
            ctx.beginPath();
            ctx.moveTo(u.bbox.left, y);
            ctx.lineTo(u.bbox.left + u.bbox.width, y);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    };
    const plot = new uPlot(opts, [xs, ys], el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, dark]);

  if (series.points.length === 0) {
    return (
      <div className="empty chart-empty" data-testid={testId}>
        No entries yet: the chart starts with the first one.
      </div>
    );
  }
  return <div className="chart" ref={host} data-testid={testId} role="img" aria-label={`Balance over time in ${series.currency}`} />;
}
