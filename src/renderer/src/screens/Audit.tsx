/**
 * The audit log: every change made through Balance Desk — who did what to which record, and when —
 * newest first, narrowed by days, the kind of record (and one record by its number) and who acted. The
 * filter lives in the URL hash (#/audit?subjectType=client&subjectId=3), so a filtered view can be linked
 * and the back button undoes a change. The list is virtualized and pages by cursor as the user scrolls;
 * a row (click, or Tab to it and Enter) opens the entry with its detail laid out, and Export… writes the
 * filtered log to CSV or JSON with progress and Cancel.
 */
import { useEffect, useState } from 'react';
import type { AuditRow } from '../../../shared/contracts';
import { Dialog } from '../ui/Dialog';
import { ExportDialog } from '../features/exports/ExportDialog';
import { Facts } from '../ui/Facts';
import { Field, type FieldControlProps } from '../ui/Field';
import {
  ChoiceField,
  FilterForm,
  FilteredTable,
  ListHead,
  ListSummary,
  PagedRow,
  type Column,
} from './list/FilteredList';
import { useFilteredScreen } from './list/useFilteredScreen';
import { useQueryAction } from '../ui/useQueryAction';
import {
  apiFilter,
  detailLine,
  filterFromQuery,
  filterKey,
  isFiltered,
  queryOfFilter,
  SUBJECT_LABEL,
  SUBJECT_TYPES,
  subjectOf,
  type AuditLogFilter,
} from '../features/audit/audit';
import { hrefOf, type Route } from '../stores/route';
import { formatTime } from '../time';
import './Audit.css';

const ROW_HEIGHT = 36;

const COLUMNS: Column[] = Object.entries({
  time: 'Time',
  actor: 'Who',
  action: 'Action',
  subject: 'Record',
  detail: 'Detail',
}).map(([key, label]) => ({ key, label }));

/** What the actions are, before the days: "the actions on client #3 by ann", "every action". */
function whatOf(f: AuditLogFilter): string {
  if (!isFiltered(f)) return 'every action';
  const kind = f.subjectType ? (SUBJECT_LABEL[f.subjectType] ?? f.subjectType).toLowerCase() : 'record';
  const on = f.subjectId ? ` on ${f.subjectType ?? 'record'} #${f.subjectId}` : f.subjectType ? ` on ${kind}` : '';
  return `the actions${on}${f.actor ? ` by ${f.actor}` : ''}`;
}

const SPEC = {
  fromQuery: filterFromQuery,
  toQuery: queryOfFilter,
  key: filterKey,
  isFiltered,
  what: whatOf,
  input: apiFilter,
};

/** The list's words, its columns and its empty card. */
const TABLE = {
  what: 'the audit log',
  label: 'Audit log',
  columns: COLUMNS,
  testId: 'audit-list',
  loading: 'Loading the audit log…',
  empty: { testId: 'audit-empty', noMatch: 'No action matches these filters.', title: 'Nothing has been done yet.' },
  intro: (
    <>
      <p>
        Every change made through Balance Desk lands here as it is committed, in the same transaction: postings,
        adjustments and reversals, imports, holds, Retry of a charge, resent emails, and each change to clients,
        resellers, staff, low balance profiles and settings — who did it, when, to which record, and what changed (never
        a password or a key).
      </p>
      <p className="muted">
        Filter it by day, kind of record or who acted, open an entry to read its detail, and export it as CSV or JSON
        for your records.
      </p>
    </>
  ),
};

/** The page of a record the app has one for. */
function subjectRoute(r: Pick<AuditRow, 'subjectType' | 'subjectId'>): Route | null {
  if (r.subjectId === null) return r.subjectType === 'settings' ? { screen: 'settings' } : null;
  if (r.subjectType === 'client') return { screen: 'client', id: r.subjectId };
  if (r.subjectType === 'profile') return { screen: 'profile', id: r.subjectId };
  if (r.subjectType === 'notification') return { screen: 'notification', id: r.subjectId };
  return null;
}

export function AuditScreen() {
  const list = useFilteredScreen('audit.list', { screen: 'audit', spec: SPEC, rowHeight: ROW_HEIGHT });
  const { filter, items } = list;
  const [openId, setOpenId] = useState<number | null>(null);
  const [exporting, setExporting] = useState(false);
  // "?export=1" (File → Export… in the desktop menu, the palette): the Export dialog opens on arrival.
  useQueryAction('export', () => setExporting(true));
  const opened = openId === null ? null : (items.find((r) => r.id === openId) ?? null);
  // A subject type in a link that this version does not list is still offered, by its name, so the select shows it.
  const other =
    filter.subjectType && !(SUBJECT_TYPES as readonly string[]).includes(filter.subjectType)
      ? filter.subjectType
      : null;
  const types = other ? [...SUBJECT_TYPES, other] : SUBJECT_TYPES;
  const labels = other ? { ...SUBJECT_LABEL, [other]: other } : SUBJECT_LABEL;

  return (
    <section className="screen screen-fill audit" aria-labelledby="audit-title">
      <ListHead
        id="audit-title"
        title="Audit log"
        summary={
          <ListSummary list={list} testId="audit-summary" none="Nothing recorded yet." one="action" many="actions" />
        }
      >
        <button type="button" className="primary" onClick={() => setExporting(true)} data-testid="audit-export-open">
          Export…
        </button>
      </ListHead>

      <FilterForm
        list={list}
        className="audit-filters"
        label="Filter the audit log"
        testId="audit-filters"
        clearTestId="audit-clear"
        client={false}
      >
        <ChoiceField
          label="Record"
          name="subjectType"
          className="audit-type"
          any="Any kind of record"
          value={filter.subjectType}
          choices={types}
          labels={labels}
          onChange={(subjectType) => list.setFilter({ subjectType })}
        />
        <CommitField
          label="Number"
          name="subjectId"
          className="audit-id"
          value={filter.subjectId ? String(filter.subjectId) : ''}
          placeholder="Any"
          title="The record's number: a client's id, say (Enter to apply)"
          check={(v) => (v === '' || /^[1-9]\d{0,15}$/.test(v) ? null : 'Not a record number.')}
          onCommit={(v) => list.setFilter({ subjectId: v ? Number(v) : undefined })}
        />
        <CommitField
          label="Who"
          name="actor"
          className="audit-actor"
          value={filter.actor ?? ''}
          placeholder="Anyone"
          title="Exactly as the log names them: desk, api, or a staff user (Enter to apply)"
          check={() => null}
          onCommit={(v) => list.setFilter({ actor: v || undefined })}
        />
      </FilterForm>

      <FilteredTable
        {...TABLE}
        list={list}
        row={(r, v) => {
          const to = subjectRoute(r);
          return (
            <PagedRow
              key={r.id}
              v={v}
              className="vrow audit-row"
              testId="audit-row"
              id={r.id}
              status={r.action}
              onOpen={() => setOpenId(r.id)}
            >
              <div role="cell" className="vcell nowrap">
                <time dateTime={r.at}>{formatTime(r.at)}</time>
              </div>
              <div
                role="cell"
                className="vcell truncate"
                title={r.desk ? `${r.actor} at ${r.desk}` : r.actor}
                data-testid="audit-actor"
              >
                {r.actor}
                {r.desk ? (
                  <span className="muted audit-desk" data-testid="audit-desk">
                    {' '}
                    at {r.desk}
                  </span>
                ) : null}
              </div>
              <div role="cell" className="vcell truncate" title={r.action} data-testid="audit-action">
                {r.action}
              </div>
              <div role="cell" className="vcell truncate" data-testid="audit-subject">
                {to ? (
                  <a href={hrefOf(to)} tabIndex={-1} onClick={(e) => e.stopPropagation()}>
                    {subjectOf(r)}
                  </a>
                ) : (
                  subjectOf(r)
                )}
              </div>
              <div
                role="cell"
                className="vcell truncate muted"
                title={JSON.stringify(r.detail, null, 2)}
                data-testid="audit-detail"
              >
                {detailLine(r.detail)}
              </div>
            </PagedRow>
          );
        }}
      />

      {opened ? <AuditEntry row={opened} onClose={() => setOpenId(null)} /> : null}
      {exporting ? (
        <ExportDialog
          request={{ log: 'audit', filter: apiFilter(filter) }}
          description={list.described}
          onClose={() => setExporting(false)}
        />
      ) : null}
    </section>
  );
}

/**
 * A filter typed into a box, applied on Enter or on leaving it rather than on every key (each change is a
 * new URL, and a new entry in the history).
 */
function CommitField(props: {
  label: string;
  name: string;
  className: string;
  value: string;
  placeholder: string;
  title: string;
  check(v: string): string | null;
  onCommit(v: string): void;
}) {
  const [text, setText] = useState(props.value);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(props.value);
    setError(null);
  }, [props.value]);
  const commit = () => {
    const v = text.trim();
    const problem = props.check(v);
    setError(problem);
    if (!problem && v !== props.value) props.onCommit(v);
  };
  return (
    <Field label={props.label} name={props.name} className={props.className} error={error ?? undefined}>
      {(f: FieldControlProps) => (
        <input
          {...f}
          type="search"
          value={text}
          placeholder={props.placeholder}
          title={props.title}
          autoComplete="off"
          onChange={(e) => setText(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              commit();
            }
          }}
        />
      )}
    </Field>
  );
}

/** One value of a detail, readably: text as it is, anything else as indented JSON. */
function DetailValue({ value }: { value: unknown }) {
  if (typeof value === 'string')
    return value === '' ? <span className="muted">(empty)</span> : <span className="audit-text">{value}</span>;
  if (value === null) return <span className="muted">none</span>;
  if (typeof value !== 'object') return <span className="mono">{String(value)}</span>;
  return <pre className="audit-json audit-json-inline">{JSON.stringify(value, null, 2)}</pre>;
}

/** One entry: when, who, what and to which record, its detail field by field, and the detail as stored (JSON). */
function AuditEntry(props: { row: AuditRow; onClose(): void }) {
  const r = props.row;
  const to = subjectRoute(r);
  const fields = Object.entries(r.detail);
  return (
    <Dialog title={`Audit entry #${r.id}: ${r.action}`} onClose={props.onClose} wide testId="audit-entry">
      <Facts
        className="facts audit-facts"
        rows={[
          ['When', <time dateTime={r.at}>{formatTime(r.at)}</time>],
          ['Who', r.desk ? `${r.actor} at ${r.desk}` : r.actor],
          ['Action', <span className="mono">{r.action}</span>],
          [
            'Record',
            to ? (
              <a href={hrefOf(to)} onClick={props.onClose}>
                {subjectOf(r)}
              </a>
            ) : (
              subjectOf(r)
            ),
          ],
        ]}
      />
      <h3 className="audit-detail-title">Detail</h3>
      {fields.length === 0 ? (
        <p className="muted">No detail was recorded.</p>
      ) : (
        <dl className="audit-detail" data-testid="audit-entry-detail">
          {fields.map(([k, v]) => (
            <div key={k}>
              <dt className="mono">{k}</dt>
              <dd>
                <DetailValue value={v} />
              </dd>
            </div>
          ))}
        </dl>
      )}
      <details className="audit-raw">
        <summary>As stored (JSON)</summary>
        <pre className="audit-json" data-testid="audit-entry-json">
          {JSON.stringify(r.detail, null, 2)}
        </pre>
      </details>
      <div className="form-actions">
        {r.subjectId !== null ? (
          <a
            className="button-link"
            href={hrefOf({ screen: 'audit' }, queryOfFilter({ subjectType: r.subjectType, subjectId: r.subjectId }))}
            onClick={props.onClose}
          >
            Every action on {subjectOf(r)}
          </a>
        ) : null}
        <a
          className="button-link"
          href={hrefOf({ screen: 'audit' }, queryOfFilter({ actor: r.actor }))}
          onClick={props.onClose}
          data-testid="audit-entry-by-actor"
        >
          Every action by {r.actor}
        </a>
        <button type="button" className="primary" onClick={props.onClose} autoFocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
