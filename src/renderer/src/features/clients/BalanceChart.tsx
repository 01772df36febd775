/**
 * The client's balance over time (uPlot on a canvas), downsampled by the core (ledger.series). Values stay
 * in minor units; only the axis labels, the legend and the tips turn them into money text. The line is
 * stepped: a balance holds until the next entry changes it. Dashed lines show the client's thresholds in
 * force (its low balance rules, its automatic top-up's alert and trigger) and a red one zero. Below the
 * line, three lanes of markers: top-ups (green), failed charge attempts (red) and notifications (blue);
 * hovering one shows what it was, and a marker that stands for several events says how many.
 */
import { useRef } from 'react';
import uPlot from 'uplot';
import type { ChannelOutput } from '../../../../shared/contracts';
import type { SeriesMarker } from '../../../../shared/contracts/ledger';
import { formatMoney } from '../../../../shared/money';
import { formatTime } from '../../time';
import { cssVar, hLine, moneyAxis, moneyText, timeAxis, useUplot } from '../../ui/uplot';
import './BalanceChart.css';

type Series = ChannelOutput<'ledger.series'>;

const HEIGHT = 240;
/** The marker lanes under the line, from the bottom of the plot. */
const LANE: Record<SeriesMarker['kind'], number> = { top_up: 0, failed_charge: 1, notification: 2 };
const LANE_PX = 14;
const NOUN: Record<SeriesMarker['kind'], [string, string]> = {
  top_up: ['Top-up', 'top-ups'],
  failed_charge: ['Failed charge', 'failed charges'],
  notification: ['Notification', 'notifications'],
};
const count = new Intl.NumberFormat();

/** What a marker's tip says: the event, or how many it stands for. */
export function markerText(m: SeriesMarker, currency: string): string {
  const money = m.amount === null ? '' : ` · ${formatMoney(m.amount, currency)}`;
  if (m.count === 1) return `${NOUN[m.kind][0]} · ${formatTime(m.at)}${money}${m.text ? ` · ${m.text}` : ''}`;
  return `${count.format(m.count)} ${NOUN[m.kind][1]} · ${formatTime(m.at)} – ${formatTime(m.until)}${m.amount === null ? '' : ` · ${formatMoney(m.amount, currency)} in all`}`;
}

/** The thresholds as lines: one line per amount, its rules named together. */
function thresholdLines(series: Series) {
  const byAmount = new Map<number, string[]>();
  for (const t of series.thresholds) byAmount.set(t.amount, [...(byAmount.get(t.amount) ?? []), t.label]);
  return [...byAmount].map(([amount, labels]) => ({
    amount,
    label: labels.join(' · '),
    trigger: series.thresholds.some((t) => t.amount === amount && (t.kind === 'trigger' || t.kind === 'alert')),
  }));
}

/**
 * Markers as elements in a strip of three lanes under the plot (so a pointer or a test can find them),
 * aligned with the plot and moved whenever it redraws.
 */
function markerLayer(series: Series) {
  const strip = document.createElement('div');
  strip.className = 'chart-lanes';
  strip.dataset.testid = 'chart-lanes';
  const tip = document.createElement('div');
  tip.className = 'chart-tip';
  tip.setAttribute('role', 'tooltip');
  tip.dataset.testid = 'chart-tip';
  tip.hidden = true;
  for (const kind of Object.keys(LANE) as SeriesMarker['kind'][]) {
    const label = document.createElement('span');
    label.className = 'chart-lane-label';
    label.textContent = NOUN[kind][1].replace(/^./, (c) => c.toUpperCase());
    label.style.top = `${LANE[kind] * LANE_PX}px`;
    strip.appendChild(label);
  }
  const dots: { el: HTMLSpanElement; m: SeriesMarker }[] = [];
  for (const m of series.markers) {
    const el = document.createElement('span');
    el.className = `chart-marker chart-marker-${m.kind}${m.count > 1 ? ' chart-marker-many' : ''}`;
    el.dataset.testid = 'chart-marker';
    el.dataset.kind = m.kind;
    el.dataset.count = String(m.count);
    el.style.top = `${LANE[m.kind] * LANE_PX + 2}px`;
    const text = markerText(m, series.currency);
    // A span may carry a name only with a role (axe: aria-prohibited-attr).
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', text);
    el.addEventListener('mouseenter', () => {
      tip.textContent = text;
      tip.hidden = false;
      const x = parseFloat(el.style.left);
      tip.style.left = `${Math.min(Math.max(0, x - 120), Math.max(0, strip.clientWidth - 240))}px`;
      tip.style.bottom = `${strip.clientHeight - parseFloat(el.style.top) + 4}px`;
    });
    el.addEventListener('mouseleave', () => {
      tip.hidden = true;
    });
    strip.appendChild(el);
    dots.push({ el, m });
  }
  strip.appendChild(tip);
  return {
    init(u: uPlot) {
      u.root.querySelector('.u-wrap')?.after(strip);
    },
    place(u: uPlot) {
      const left = u.bbox.left / devicePixelRatio;
      const width = u.bbox.width / devicePixelRatio;
      strip.style.marginLeft = `${left}px`;
      strip.style.width = `${width}px`;
      for (const { el, m } of dots) {
        const x = u.valToPos((Date.parse(m.at) + Date.parse(m.until)) / 2000, 'x');
        el.hidden = x < 0 || x > width;
        el.style.left = `${x}px`;
      }
    },
  };
}

/** The series is read again when its markers change too (notifications, charges: ledger.series' staleOn). */
export function BalanceChart({ series, testId }: { series: Series; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);

  useUplot(
    host,
    HEIGHT,
    (el, c) => {
      if (series.points.length === 0) return null;
      const money = moneyText(series.currency);
      const threshold = cssVar(el, '--chart-threshold', '#b7791f');
      const trigger = cssVar(el, '--chart-trigger', '#7c3aed');
      const lines = thresholdLines(series);
      const xs = series.points.map((p) => Date.parse(p.at) / 1000);
      const ys = series.points.map((p) => p.balance);
      const markers = markerLayer(series);
      return {
        data: [xs, ys],
        opts: {
          padding: [12, 12, 0, 0],
          scales: {
            // Entries all at one instant would make a zero-width time axis that uPlot stretches over years.
            x: { time: true, range: (_u, min, max) => (min === max ? [min - 3600, max + 3600] : [min, max]) },
            // Every threshold in view, with a little room above and below.
            y: {
              range: (_u, min, max) => {
                const lo = Math.min(min, ...lines.map((l) => l.amount));
                const hi = Math.max(max, ...lines.map((l) => l.amount));
                const pad = Math.max(1, (hi - lo) * 0.08);
                return [lo - pad, hi + pad];
              },
            },
          },
          legend: { live: true },
          cursor: { drag: { x: true, y: false } },
          series: [
            { label: 'Time' },
            {
              label: 'Balance',
              stroke: c.line,
              fill: c.fill,
              width: 2,
              paths: uPlot.paths.stepped!({ align: 1 }),
              points: { show: xs.length < 60, size: 5 },
              value: (_u, v) => money(v),
            },
          ],
          axes: [timeAxis(c), moneyAxis(c, series.currency)],
          hooks: {
            init: [(u) => markers.init(u)],
            draw: [
              (u) => {
                // A dashed line at zero: where the client's service stops.
                const [min, max] = [u.scales.y.min ?? 0, u.scales.y.max ?? 0];
                if (min <= 0 && max >= 0) hLine(u, 0, c.zero);
                // Labels on the lines, unless one would sit on another's (the key below names every line).
                let lastLabel = -Infinity;
                for (const l of [...lines].sort((a, b) => b.amount - a.amount)) {
                  const color = l.trigger ? trigger : threshold;
                  const y = hLine(u, l.amount, color, [6, 3]);
                  if (y - lastLabel < 14 * devicePixelRatio) continue;
                  lastLabel = y;
                  const ctx = u.ctx;
                  ctx.save();
                  ctx.font = `${Math.round(11 * devicePixelRatio)}px ${cssVar(document.body, '--font-ui', 'system-ui, sans-serif')}`;
                  ctx.fillStyle = color;
                  ctx.textAlign = 'right';
                  ctx.fillText(
                    `${l.label} ${money(l.amount)}`,
                    u.bbox.left + u.bbox.width - 4 * devicePixelRatio,
                    y - 4 * devicePixelRatio,
                  );
                  ctx.restore();
                }
                markers.place(u);
              },
            ],
          },
        },
      };
    },
    [series],
  );

  if (series.points.length === 0) {
    return (
      <div className="empty chart-empty" data-testid={testId}>
        No entries yet: the chart starts with the first one.
      </div>
    );
  }
  const t = series.totals;
  return (
    <>
      <div
        className="chart"
        ref={host}
        data-testid={testId}
        role="img"
        aria-label={`Balance over time in ${series.currency}`}
      />
      <ul className="chart-key" data-testid="chart-key">
        {thresholdLines(series).map((l) => (
          <li key={l.amount}>
            <span className={`key-line${l.trigger ? ' key-trigger' : ''}`} aria-hidden="true" />
            {l.label} {formatMoney(l.amount, series.currency)}
          </li>
        ))}
        <li>
          <span className="chart-marker chart-marker-top_up" aria-hidden="true" />
          {count.format(t.topUps)} {t.topUps === 1 ? 'top-up' : 'top-ups'}
          {t.topUps ? `, ${formatMoney(t.topUpAmount, series.currency)}` : ''}
        </li>
        <li>
          <span className="chart-marker chart-marker-failed_charge" aria-hidden="true" />
          {count.format(t.failedCharges)} failed {t.failedCharges === 1 ? 'charge' : 'charges'}
        </li>
        <li>
          <span className="chart-marker chart-marker-notification" aria-hidden="true" />
          {count.format(t.notifications)} {t.notifications === 1 ? 'notification' : 'notifications'}
        </li>
      </ul>
    </>
  );
}
