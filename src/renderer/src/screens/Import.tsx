/** Usage import from a CSV file: preview (nothing changes), then commit; both in parts, both cancellable. */
import { useEffect, useId, type ReactNode } from 'react';
import { Field, FormError } from '../ui/Field';
import { Money } from '../ui/Money';
import { IMPORT_COLUMNS, ROWS_PER_PART, useImport } from '../stores/importer';
import { useResellers } from '../features/clients/resellers';
import { formatTime } from '../time';
import { TableHead, type Column } from '../ui/TableHead';
import { useCan } from '../stores/session';
import { ResellerOptions } from '../features/clients/ResellerForm';
import './Import.css';

const count = new Intl.NumberFormat();

const COLUMN_HELP: Record<(typeof IMPORT_COLUMNS)[number], string> = {
  client_ref: "The client's reference, as on the client's page (the reseller's own clients only).",
  time: 'When the usage happened: 2026-11-21T14:00:00Z, or 2026-11-21 14:00 (UTC), or a date.',
  amount: "The cost, a positive amount in the client's currency, e.g. 1.25. Each row is debited.",
  external_id:
    'Your id of the row, unique per client. A row already imported is skipped, so a file can be imported again safely.',
  description: 'Optional: shown in the ledger, e.g. "calls to +44, 31 min".',
};

export function ImportScreen() {
  const canCommit = useCan('ledger.import.commit');
  const s = useImport();
  const resellers = useResellers();
  const fileHintId = useId();
  const running = s.phase === 'previewing' || s.phase === 'committing';

  useEffect(() => {
    if (s.resellerId === null && resellers.items.length === 1) s.setReseller(resellers.items[0].id);
  }, [resellers.items, s]);

  return (
    <section className="screen" aria-labelledby="import-title">
      <header className="screen-head">
        <div>
          <h1 id="import-title">Import usage</h1>
          <p className="muted">
            Debits clients' balances from a CSV file of usage. Preview first: it checks every row and changes nothing.
          </p>
        </div>
      </header>

      <div className="detail-grid">
        <div className="detail-main">
          <section className="card" aria-labelledby="import-file-title">
            <h2 id="import-file-title">File</h2>
            <form
              className="form"
              aria-label="Import file"
              onSubmit={(e) => {
                e.preventDefault();
                if (!running) void s.preview();
              }}
            >
              <div className="form-row">
                <Field label="Reseller" name="resellerId" error={s.errors.resellerId}>
                  {(p) => (
                    <select
                      {...p}
                      value={s.resellerId ?? ''}
                      disabled={running}
                      onChange={(e) => s.setReseller(e.target.value ? Number(e.target.value) : null)}
                    >
                      <option value="">Choose a reseller</option>
                      <ResellerOptions resellers={resellers.items} />
                    </select>
                  )}
                </Field>
                <Field label="CSV file" name="file" error={s.errors.file}>
                  {(p) => (
                    <input
                      {...p}
                      type="file"
                      accept=".csv,text/csv,text/plain"
                      disabled={running}
                      aria-describedby={[p['aria-describedby'], fileHintId].filter(Boolean).join(' ')}
                      onChange={async (e) => {
                        const file = e.target.files?.[0];
                        if (file) s.setFile(file.name, await file.text());
                      }}
                    />
                  )}
                </Field>
              </div>
              <p className="small columns-line">
                Columns: <code data-testid="import-columns">{IMPORT_COLUMNS.join(',')}</code>{' '}
                <span className="muted">(description optional)</span>
              </p>
              {s.fileName && s.text !== null ? (
                <p className="muted small" data-testid="import-file">
                  File: <strong>{s.fileName}</strong> · {sizeOf(s.text.length)}
                </p>
              ) : null}
              {resellers.loaded && resellers.items.length === 0 ? (
                <p className="muted">There is no reseller yet: create one with a first client on the Clients screen.</p>
              ) : null}
              <FormError message={s.errors.form} />
              <div className="form-actions">
                {running ? (
                  <button type="button" onClick={s.cancel} disabled={s.cancelRequested}>
                    {s.cancelRequested ? 'Stopping after this part…' : 'Cancel'}
                  </button>
                ) : null}
                <button type="submit" disabled={running}>
                  Preview
                </button>
                {canCommit ? (
                  <button type="button" className="primary" disabled={running} onClick={() => void s.commit()}>
                    Commit import
                  </button>
                ) : (
                  <span className="muted">An operator or an admin commits imports.</span>
                )}
              </div>
            </form>
          </section>

          {s.phase !== 'idle' ? <ImportResults /> : null}
        </div>

        <aside className="detail-side">
          <section className="card" aria-labelledby="columns-title" id={fileHintId}>
            <h2 id="columns-title">Columns</h2>
            <p className="muted small">
              A header row naming the columns (in any order), then one row of usage per line.
            </p>
            <dl className="help-list">
              {IMPORT_COLUMNS.map((c) => (
                <div key={c}>
                  <dt className="mono">{c}</dt>
                  <dd>{COLUMN_HELP[c]}</dd>
                </div>
              ))}
            </dl>
            <p className="muted small">
              Large files are sent in parts of {count.format(ROWS_PER_PART)} rows. Cancelling between parts is safe:
              importing the same file again adds only the rows not yet in.
            </p>
          </section>
        </aside>
      </div>
    </section>
  );
}

function ImportResults() {
  const s = useImport();
  const t = s.totals;
  const running = s.phase === 'previewing' || s.phase === 'committing';
  const title =
    s.phase === 'previewing'
      ? 'Checking the file…'
      : s.phase === 'committing'
        ? 'Importing…'
        : s.phase === 'previewed'
          ? 'Preview: nothing has changed yet'
          : s.phase === 'committed'
            ? 'Import finished'
            : s.phase === 'cancelled'
              ? `${s.mode === 'commit' ? 'Import' : 'Preview'} stopped after ${s.partsDone} of ${s.partsTotal} parts`
              : `${s.mode === 'commit' ? 'Import' : 'Preview'} failed`;

  return (
    <section className="card" aria-labelledby="results-title" data-testid="import-results">
      <h2 id="results-title">{title}</h2>
      {running || s.partsTotal > 1 ? (
        <div className="progress-line">
          <progress value={s.partsDone} max={Math.max(1, s.partsTotal)} aria-label="Parts sent" />
          <span className="muted">
            Part {Math.min(s.partsDone + (running ? 1 : 0), s.partsTotal)} of {s.partsTotal}
          </span>
        </div>
      ) : null}
      {s.phase === 'cancelled' && s.mode === 'commit' ? (
        <p className="muted">
          The parts already sent are in the ledger. Import the same file again to finish: rows already in are skipped.
        </p>
      ) : null}
      <div className="figures figures-small">
        <Figure label="Rows" value={t.rows} testId="import-rows" />
        {s.mode === 'preview' ? (
          <>
            <Figure label="Valid" value={t.valid} testId="import-valid" />
            <Figure label="New, to import" value={t.valid - t.duplicates} testId="import-new" />
          </>
        ) : (
          <Figure label="Imported" value={t.imported} testId="import-imported" />
        )}
        <Figure
          label={s.mode === 'preview' ? 'Already imported' : 'Duplicates skipped'}
          value={t.duplicates}
          testId="import-duplicates"
        />
        <Figure
          label="Errors"
          value={t.errorCount}
          testId="import-errors"
          tone={t.errorCount > 0 ? 'bad' : undefined}
        />
      </div>

      {t.errors.length > 0 ? (
        <ResultTable
          title="Rows with errors"
          note={`${t.errorCount > t.errors.length ? `first ${count.format(t.errors.length)} of ${count.format(t.errorCount)} — ` : ''}${
            s.mode === 'commit' ? 'skipped; the other rows were kept' : 'these rows will be skipped'
          }`}
          testId="import-error-table"
          columns={[{ label: 'Line', num: true }, 'Field', 'Problem']}
          limited
        >
          {t.errors.map((e, i) => (
            <tr key={`${e.line}-${i}`} data-testid="import-error-row">
              <td className="num" data-testid="import-error-line">
                {e.line}
              </td>
              <td className="mono">{e.field}</td>
              <td>{e.message}</td>
            </tr>
          ))}
        </ResultTable>
      ) : null}

      {s.mode === 'preview' && t.sample.length > 0 ? (
        <ResultTable
          title="Sample"
          note="the first valid rows"
          testId="import-sample-table"
          columns={[
            { label: 'Line', num: true },
            'Client',
            'Time',
            'External id',
            'Description',
            { label: 'Debit', num: true },
          ]}
        >
          {t.sample.map((r) => (
            <tr key={r.line} className={r.duplicate ? 'muted' : undefined}>
              <td className="num">{r.line}</td>
              <td className="truncate" title={r.clientName}>
                <span className="mono">{r.clientRef}</span> {r.clientName}
              </td>
              <td className="nowrap">{formatTime(r.at)}</td>
              <td className="mono truncate">
                {r.externalId}
                {r.duplicate ? <span className="tag">already imported</span> : null}
              </td>
              <td className="truncate">{r.description}</td>
              <td className="num">
                <Money amount={-r.amount} currency={r.currency} />
              </td>
            </tr>
          ))}
        </ResultTable>
      ) : null}
    </section>
  );
}

function ResultTable(props: {
  title: string;
  note: string;
  testId: string;
  columns: readonly (string | Column)[];
  limited?: boolean;
  children: ReactNode;
}) {
  return (
    <>
      <h3>
        {props.title} <span className="muted count">{props.note}</span>
      </h3>
      <div className={`table-scroll${props.limited ? ' table-scroll-limited' : ''}`}>
        <table className="table" data-testid={props.testId}>
          <TableHead columns={props.columns} />
          <tbody>{props.children}</tbody>
        </table>
      </div>
    </>
  );
}

function Figure(props: { label: string; value: number; testId: string; tone?: 'bad' }) {
  return (
    <div className={`figure${props.tone ? ` figure-${props.tone}` : ''}`}>
      <div className="figure-label">{props.label}</div>
      <div className="figure-value" data-testid={props.testId}>
        {count.format(props.value)}
      </div>
    </div>
  );
}

/** A file size for people (not money: the one place a fraction is fine). */
const oneDecimal = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
function sizeOf(chars: number): string {
  if (chars < 1024) return `${chars} characters`;
  if (chars < 1024 * 1024) return `${oneDecimal.format(chars / 1024)} kB`;
  return `${oneDecimal.format(chars / 1024 / 1024)} MB`;
}
