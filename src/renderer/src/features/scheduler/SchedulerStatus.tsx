/**
 * The scheduler's health in the header: when it last swept, how many jobs wait, failures in the error
 * colour. It opens a dialog with the whole status and a "Sweep now" button.
 */
import { useState } from 'react';
import type { SchedulerStatus } from '../../../../shared/contracts';
import { useCoreNow } from '../../data/core-now';
import { useChannel } from '../../data/useChannel';
import { useSweep } from '../../stores/sweep';
import { formatTime } from '../../time';
import { Dialog } from '../../ui/Dialog';
import { formatHours, formatMs, formatSpan, relativeTime, When } from '../../ui/When';
import { useCan } from '../../stores/session';
import './SchedulerStatus.css';

const REFRESH_MS = 30_000;
const HOUR = 3_600_000;
const count = new Intl.NumberFormat();

/** The scheduler's status, read every 30 s as well; a sweep announces its decisions slice by slice, so those are read at most every two seconds. */
const useStatus = (every?: number) => useChannel('scheduler.status', {}, { every, waitMs: { notifications: 2_000 } });

export function SchedulerStatusChip() {
  const { data: st, error } = useStatus(REFRESH_MS);
  const running = useSweep((x) => x.running);
  // The core's clock is read again with the status, as the relative times are measured against it.
  useChannel('app.info', {}, { every: REFRESH_MS });
  const now = useCoreNow();
  const [open, setOpen] = useState(false);

  const sweeping = running || !!st?.sweeping;
  const failed = st?.jobs.failed ?? 0;

  return (
    <>
      <button
        type="button"
        className={`sched-chip${failed > 0 ? ' sched-chip-failed' : ''}`}
        data-testid="scheduler-chip"
        data-sweeping={String(sweeping)}
        title={error ? `Cannot read the scheduler: ${error}` : 'The scheduler: sweeps, checks and jobs'}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        <span className="sched-chip-name">Scheduler</span>
        {!st ? (
          <span className={error ? 'error-text' : undefined}>· {error ? 'unavailable' : '…'}</span>
        ) : (
          <>
            <span>
              ·{' '}
              {sweeping
                ? 'sweeping…'
                : st.lastSweep
                  ? `swept ${relativeTime(st.lastSweep.finishedAt, now, { past: true })}`
                  : 'not swept yet'}
            </span>
            <span>· {count.format(st.jobs.queued)} queued</span>
            {failed > 0 ? <span className="sched-failed">· {count.format(failed)} failed</span> : null}
          </>
        )}
      </button>
      {open ? <SchedulerDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}

/** How often the sweep runs and why: a quarter of the smallest Period, kept between 5 min and 1 h. */
function intervalWhy(st: SchedulerStatus): string {
  // A figure stays with its unit when the line wraps.
  const span = (text: string) => text.replace(/ (?=\S+$)/, '\u00a0');
  const every = `every ${span(formatSpan(st.sweepEveryMs))}`;
  if (st.smallestPeriodHours === null) return `${every}: no profile sets a Period`;
  const period = span(formatHours(st.smallestPeriodHours));
  const quarter = (st.smallestPeriodHours * HOUR) / 4;
  if (Math.abs(st.sweepEveryMs - quarter) < 60_000) return `${every}: a quarter of the smallest Period, ${period}`;
  if (st.sweepEveryMs < quarter) return `${every}: a quarter of the smallest Period, ${period}, capped at 1\u00a0h`;
  return `${every}: a quarter of the smallest Period, ${period}, but at least 5\u00a0min`;
}

function SchedulerDialog({ onClose }: { onClose(): void }) {
  const canSweep = useCan('scheduler.sweep');
  const { data: st, error } = useStatus();
  const sweep = useSweep();
  const now = useCoreNow(5_000);
  const sweeping = sweep.running || !!st?.sweeping;
  const last = st?.lastSweep ?? null;

  return (
    <Dialog title="Scheduler" onClose={onClose} testId="scheduler-dialog">
      {error ? (
        <div className="banner banner-error" role="alert">
          Cannot read the scheduler: {error}
        </div>
      ) : null}
      {!st ? (
        error ? null : (
          <p className="muted">Loading…</p>
        )
      ) : (
        <>
          <dl className="sched-facts">
            <div>
              <dt>Last sweep</dt>
              <dd data-testid="scheduler-last-sweep">
                {last ? (
                  <>
                    <div>
                      <When iso={last.finishedAt} now={now} past />{' '}
                      <span className="muted">· {formatTime(last.finishedAt)}</span>
                    </div>
                    <div className="muted small">
                      {last.full ? 'A full sweep' : 'A routine sweep (clients not yet tracked by a rule)'}: took{' '}
                      {formatMs(last.durationMs)} in {count.format(last.slices)}{' '}
                      {last.slices === 1 ? 'slice' : 'slices'}, the longest {formatMs(last.longestSliceMs)}. Looked at{' '}
                      {count.format(last.clients)} clients: {count.format(last.candidates)} candidates,{' '}
                      {count.format(last.decisions)} {last.decisions === 1 ? 'decision' : 'decisions'}.
                    </div>
                  </>
                ) : (
                  <span className="muted">No sweep has run yet.</span>
                )}
              </dd>
            </div>
            <div>
              <dt>Next sweep</dt>
              <dd data-testid="scheduler-next-sweep">
                <div>
                  {sweeping ? (
                    'Running now'
                  ) : (
                    <>
                      <When iso={st.nextSweepAt} now={now} due />{' '}
                      <span className="muted">· {formatTime(st.nextSweepAt)}</span>
                    </>
                  )}
                </div>
                <div className="muted small">{intervalWhy(st)}</div>
              </dd>
            </div>
            <div>
              <dt>Rules watching</dt>
              <dd data-testid="scheduler-watching">
                <div>
                  {count.format(st.watching)} {st.watching === 1 ? 'rule waits' : 'rules wait'} for a check
                </div>
                <div className="muted small">
                  {st.nextCheckAt ? (
                    <>
                      The next <When iso={st.nextCheckAt} now={now} due /> · {formatTime(st.nextCheckAt)}
                    </>
                  ) : (
                    'None is due: no period or inactivity is running.'
                  )}
                </div>
              </dd>
            </div>
          </dl>
          <h3>Jobs</h3>
          <div className="figures figures-small sched-jobs" data-testid="scheduler-jobs">
            {(
              [
                ['Queued', st.jobs.queued, 'queued'],
                ['Running', st.jobs.running, 'running'],
                ['Failed', st.jobs.failed, 'failed'],
                ['Done', st.jobs.done, 'done'],
              ] as const
            ).map(([label, n, key]) => (
              <div key={key} className={`figure${key === 'failed' && n > 0 ? ' figure-bad' : ''}`}>
                <div className="figure-label">{label}</div>
                <div className="figure-value" data-testid={`scheduler-jobs-${key}`}>
                  {count.format(n)}
                </div>
              </div>
            ))}
          </div>
        </>
      )}
      <div className="sched-sweep">
        {sweeping ? (
          <div className="progress-line" role="status">
            <progress aria-label="Sweep in progress" />
            <span className="muted small nowrap">Sweeping every client…</span>
          </div>
        ) : sweep.report ? (
          <p className="sched-report" role="status" data-testid="sweep-report">
            Swept {count.format(sweep.report.clients)} clients in {formatMs(sweep.report.durationMs)}:{' '}
            {count.format(sweep.report.candidates)} candidates, {count.format(sweep.report.decisions)}{' '}
            {sweep.report.decisions === 1 ? 'decision' : 'decisions'}.
          </p>
        ) : sweep.error ? (
          <p className="error-text" role="alert">
            The sweep failed: {sweep.error}
          </p>
        ) : (
          <p className="muted small">A sweep looks at every client now, in slices that leave the app responsive.</p>
        )}
        <div className="form-actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
          <button
            type="button"
            className="primary"
            data-testid="sweep-now"
            disabled={sweeping}
            hidden={!canSweep}
            onClick={() => void sweep.sweep()}
          >
            {sweeping ? 'Sweeping…' : 'Sweep now'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
