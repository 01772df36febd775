/**
 * The dashboard's 30 days for one currency: the total balance of every client at the end of each UTC day
 * (a line, left axis) and the top-ups recorded that day (bars, right axis). Built on the same uPlot set-up
 * as the client's chart (uplot.ts).
 */
import { useRef } from 'react';
import uPlot from 'uplot';
import type { DashboardDays } from './dashboard';
import { cssVar, moneyAxis, moneyText, timeAxis, useUplot } from '../../ui/uplot';

const HEIGHT = 260;
const count = new Intl.NumberFormat();

export function DashboardChart({ days, currency }: { days: DashboardDays; currency: string }) {
  const host = useRef<HTMLDivElement>(null);
  const cur = days.currencies.find((c) => c.currency === currency);

  useUplot(
    host,
    HEIGHT,
    (el, c) => {
      if (!cur) return null;
      const money = moneyText(currency);
      const bar = cssVar(el, '--chart-bar', 'rgba(31,122,63,0.55)');
      const xs = days.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
      return {
        data: [xs, cur.balance, cur.topUps],
        opts: {
          // The days are UTC days, as the core counts them.
          tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
          scales: {
            x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] },
            top: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] },
          },
          legend: { live: true },
          cursor: { drag: { x: false, y: false } },
          series: [
            { label: 'Day', value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toISOString().slice(0, 10)) },
            {
              label: 'Total balance',
              stroke: c.line,
              fill: c.fill,
              width: 2,
              points: { show: true, size: 5 },
              value: (_u, v) => money(v),
            },
            {
              label: 'Top-ups',
              scale: 'top',
              stroke: bar,
              fill: bar,
              width: 0,
              paths: uPlot.paths.bars!({ size: [0.6, 28] }),
              points: { show: false },
              value: (u, v, _s, i) =>
                v == null || i == null ? '—' : `${money(v)} (${count.format(cur.topUpCount[i] ?? 0)})`,
            },
          ],
          axes: [timeAxis(c), moneyAxis(c, currency), moneyAxis(c, currency, { scale: 'top', side: 1, grid: false })],
        },
      };
    },
    [days, currency],
  );

  if (!cur) return null;
  return (
    <div
      className="chart"
      ref={host}
      data-testid="dashboard-chart"
      data-currency={currency}
      role="img"
      aria-label={`Total balance and top-ups in ${currency} over the last 30 days`}
    />
  );
}
