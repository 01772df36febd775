/**
 * Export a log (the notification log, the audit log) as it is filtered on screen: choose CSV or JSON, then watch the rows being
 * written (with Cancel), and get the file: downloaded at once in the browser (and "Download again"), or
 * saved where the desktop app's save dialog said. The export goes on if this dialog is closed.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { formatBytes } from '../../bytes';
import { downloadUrl, useExports, type ExportFormat, type ExportLog, type ExportRequest } from '../../stores/exports';
import { useLiveRefresh } from '../../data/live';
import { staleOn } from '../../data/stale-on';
import { Dialog } from '../../ui/Dialog';
import { FormError } from '../../ui/Field';
import './ExportDialog.css';

const count = new Intl.NumberFormat();

const FORMATS: { value: ExportFormat; label: string }[] = [
  { value: 'csv', label: 'CSV' },
  { value: 'json', label: 'JSON' },
];

/** Each log's words: the dialog's title, what every row carries, and what each format holds. */
const WORDS: Record<ExportLog, { title: string; rows: string; hint: Record<ExportFormat, string> }> = {
  notifications: {
    title: 'Export the notification log',
    rows: 'with the reason for every decision',
    hint: {
      csv: 'For a spreadsheet: one row per notification, amounts as decimals',
      json: 'For a program: an array of objects, amounts in minor units',
    },
  },
  audit: {
    title: 'Export the audit log',
    rows: 'with who did it, to which record, and its detail',
    hint: {
      csv: 'For a spreadsheet: one row per action, the detail as JSON text',
      json: 'For a program: an array of objects, each detail an object',
    },
  },
};

export function ExportDialog(props: { request: ExportRequest; description: string; onClose(): void }) {
  const s = useExports();
  const [format, setFormat] = useState<ExportFormat>('csv');
  const groupId = useId();
  const e = s.current;
  const startRef = useRef<HTMLButtonElement>(null);
  const choosing = !e;

  // The focus on Export once the dialog is open (showModal, in the Dialog's own effect, which runs first, puts
  // it on the Close button): Enter exports, as when the menu's File → Export… opened it.
  useEffect(() => {
    if (choosing) startRef.current?.focus();
  }, [choosing]);

  // A dialog opened again starts over, unless an export is still being written.
  useEffect(() => {
    useExports.getState().reset();
  }, []);

  // The export's progress is this window's own (stores/exports): its status is read again on the topics that make it stale.
  useLiveRefresh(staleOn('exports.status'), () => void useExports.getState().poll(), undefined, 100);

  const running = e?.state === 'running';
  const pct = e && e.total > 0 ? Math.min(100, Math.round((e.rows / e.total) * 100)) : 0;
  const url = e ? downloadUrl(e) : null;
  const name = e ? e.fileName : '';
  // An export still running when the dialog opens again may be of the other log: it is named by its own.
  const words = WORDS[e?.log ?? props.request.log];

  return (
    <Dialog title={words.title} onClose={props.onClose} testId="export-dialog">
      {!e ? (
        <form
          className="form"
          onSubmit={(ev) => {
            ev.preventDefault();
            void s.start(format, props.request);
          }}
        >
          <p>
            Writes <strong>{props.description}</strong> to a file on this computer, newest first, {words.rows}.
          </p>
          <fieldset className="segmented" aria-labelledby={groupId}>
            <legend id={groupId}>Format</legend>
            {FORMATS.map((f) => (
              <label key={f.value}>
                <input
                  type="radio"
                  name="format"
                  value={f.value}
                  checked={format === f.value}
                  onChange={() => setFormat(f.value)}
                  data-testid={`export-format-${f.value}`}
                />
                {f.label}
              </label>
            ))}
          </fieldset>
          <p className="muted small">{words.hint[format]}.</p>
          {s.dismissed ? (
            <p className="muted" role="status">
              No file was chosen in the save dialog: nothing was exported.
            </p>
          ) : null}
          <FormError message={s.error ?? undefined} />
          <div className="form-actions">
            <button type="button" onClick={props.onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={s.starting} data-testid="export-start" ref={startRef}>
              {s.starting ? 'Starting…' : `Export ${format.toUpperCase()}`}
            </button>
          </div>
        </form>
      ) : (
        <div className="export-state" data-testid="export-state" data-state={e.state}>
          <p className="export-file">
            <span className="mono truncate" title={e.downloadPath ? name : e.path}>
              {name}
            </span>
            <span className="muted small">{formatBytes(e.bytes)}</span>
          </p>
          <div className="progress-line">
            <progress
              value={e.state === 'done' ? 1 : e.rows}
              max={e.state === 'done' ? 1 : Math.max(1, e.total)}
              aria-label="Rows written"
              data-testid="export-progress"
            />
            <span className="nowrap small" data-testid="export-rows">
              {count.format(e.rows)} of {count.format(e.total)} {e.total === 1 ? 'row' : 'rows'}
              {running ? ` (${pct}%)` : ''}
            </span>
          </div>
          <div role="status" aria-live="polite" data-testid="export-message">
            {running ? (
              <p className="muted">
                {s.cancelling ? 'Cancelling…' : 'Writing the file. You can close this window: the export goes on.'}
              </p>
            ) : e.state === 'done' ? (
              url ? (
                <p className="export-done">
                  Done: {count.format(e.rows)} {e.rows === 1 ? 'row' : 'rows'} exported. Your browser is downloading{' '}
                  <span className="mono">{name}</span>.{' '}
                  <a href={url} download={name} data-testid="export-download-again">
                    Download again
                  </a>
                </p>
              ) : (
                <p className="export-done">
                  Done: {count.format(e.rows)} {e.rows === 1 ? 'row' : 'rows'} exported. Saved to{' '}
                  <span className="mono export-path">{e.path}</span>
                </p>
              )
            ) : e.state === 'cancelled' ? (
              <p className="muted">
                Cancelled after {count.format(e.rows)} of {count.format(e.total)} rows: the unfinished file was removed.
              </p>
            ) : (
              <p className="error-text">
                The export failed: {e.error ?? 'no reason was given'}. Nothing was kept; try again.
              </p>
            )}
          </div>
          <FormError message={s.error ?? undefined} />
          <div className="form-actions">
            {running ? (
              <button type="button" onClick={() => void s.cancel()} disabled={s.cancelling} data-testid="export-cancel">
                Cancel export
              </button>
            ) : (
              <>
                <button type="button" onClick={() => s.reset()} data-testid="export-again">
                  {e.state === 'done' ? 'Export again' : 'Try again'}
                </button>
                <button type="button" className="primary" onClick={props.onClose} autoFocus>
                  Close
                </button>
              </>
            )}
          </div>
        </div>
      )}
    </Dialog>
  );
}
