/**
 * The pieces of a filtered, paged list screen (the charges, the notification log), fed by
 * useFilteredScreen: the summary line, the filter form (days, client, status), the load error, the empty
 * card and the virtualized table with its rows. The screen supplies its words, extra fields and cells.
 */
import type { ReactNode } from 'react';
import type { VirtualItem } from '@tanstack/react-virtual';
import type { DaysAndClient, FilteredScreen } from './useFilteredScreen';
import { ClientPicker } from '../../features/clients/ClientPicker';
import { Field } from '../../ui/Field';
import { LoadingRow } from '../../ui/LoadingRow';
import './FilteredList.css';

type List<T = unknown> = FilteredScreen<T, DaysAndClient & { status?: string }>;

const count = new Intl.NumberFormat();

/** "Loading…", "Nothing matches these filters.", `none`, or "1,234+ attempts, newest first". */
export function ListSummary(props: { list: List; testId: string; none: string; one: string; many: string }) {
  const { loaded, items, filtered, more } = props.list;
  return (
    <p className="muted" aria-live="polite" data-testid={props.testId}>
      {!loaded
        ? 'Loading…'
        : items.length === 0
          ? filtered
            ? 'Nothing matches these filters.'
            : props.none
          : `${count.format(items.length)}${more ? '+' : ''} ${items.length === 1 ? props.one : props.many}, newest first`}
    </p>
  );
}

/** The head of a list screen: its title over the summary line, then its toolbar (the children), if any. */
export function ListHead(props: { id: string; title: string; summary: ReactNode; children?: ReactNode }) {
  return (
    <header className="screen-head">
      <div>
        <h1 id={props.id}>{props.title}</h1>
        {props.summary}
      </div>
      {props.children ? <div className="toolbar">{props.children}</div> : null}
    </header>
  );
}

/**
 * The filter form: the days, the client, the screen's own fields (children), the status, then Clear
 * filters. A screen without clients or statuses (the audit log) leaves them out (`client={false}`, no `status`).
 */
export function FilterForm<V extends string>(props: {
  list: List;
  label: string;
  testId: string;
  clearTestId: string;
  className?: string;
  client?: boolean;
  status?: { choices: readonly V[]; labels: Record<V, string> };
  children?: ReactNode;
}) {
  const { status } = props;
  const { filter, setFilter, badDays, filtered } = props.list;
  return (
    <form
      className={`nlog-filters${props.className ? ` ${props.className}` : ''}`}
      role="search"
      aria-label={props.label}
      onSubmit={(e) => e.preventDefault()}
      data-testid={props.testId}
    >
      <Field label="From day" name="from" className="nlog-day">
        {(f) => (
          <input
            {...f}
            type="date"
            title="The first day shown, counted in UTC"
            value={filter.from ?? ''}
            max={filter.to}
            onChange={(e) => setFilter({ from: e.target.value || undefined })}
          />
        )}
      </Field>
      <Field
        label="To day"
        name="to"
        className="nlog-day"
        error={badDays ? 'The last day is before the first.' : undefined}
      >
        {(f) => (
          <input
            {...f}
            type="date"
            title="The last day shown, counted in UTC"
            value={filter.to ?? ''}
            min={filter.from}
            onChange={(e) => setFilter({ to: e.target.value || undefined })}
          />
        )}
      </Field>
      {props.client === false ? null : (
        <Field label="Client" name="clientId" className="nlog-client">
          {(f) => (
            <ClientPicker
              {...f}
              value={filter.clientId}
              onChange={(id) => setFilter({ clientId: id })}
              placeholder="Any client: type to search"
            />
          )}
        </Field>
      )}
      {props.children}
      {status ? (
        <ChoiceField
          label="Status"
          name="status"
          className="nlog-status"
          any="Any status"
          value={filter.status as V | undefined}
          choices={status.choices}
          labels={status.labels}
          onChange={(v) => setFilter({ status: v })}
        />
      ) : null}
      <div className="nlog-clear">
        <button
          type="button"
          onClick={() => props.list.clearFilters()}
          disabled={!filtered}
          data-testid={props.clearTestId}
        >
          Clear filters
        </button>
      </div>
    </form>
  );
}

/** A filter field choosing one of `choices`, or none ("Any …"). */
export function ChoiceField<V extends string>(props: {
  label: string;
  name: string;
  className: string;
  any: string;
  value: V | undefined;
  choices: readonly V[];
  labels: Record<V, string>;
  onChange(value: V | undefined): void;
}) {
  return (
    <Field label={props.label} name={props.name} className={props.className}>
      {(f) => (
        <select
          {...f}
          value={props.value ?? ''}
          onChange={(e) => props.onChange((e.target.value || undefined) as V | undefined)}
        >
          <option value="">{props.any}</option>
          {props.choices.map((v) => (
            <option key={v} value={v}>
              {props.labels[v]}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** "Could not load the charges: … Try again", for the filter the URL names only. */
function ListError(props: { list: List; what: string }) {
  if (!props.list.error) return null;
  return (
    <div className="banner banner-error" role="alert">
      Could not load {props.what}: {props.list.error}{' '}
      <button type="button" className="link" onClick={() => props.list.retry()}>
        Try again
      </button>
    </div>
  );
}

/** What a loaded list with no row says, the same card whether a filter hides every row or there is none yet. */
export interface EmptyState {
  testId: string;
  /** With a filter: "No charge matches these filters.", then the filter in words and a way out. */
  noMatch: string;
  /** With no filter: the title, then the screen's introduction (the FilteredTable's `intro`). */
  title: string;
}

function EmptyCard(props: { list: List; empty: EmptyState; intro: ReactNode }) {
  const { list, empty } = props;
  if (list.filtered) {
    return (
      <div className="card nlog-empty" data-testid={empty.testId} data-filtered="true">
        <p className="nlog-empty-title">{empty.noMatch}</p>
        <p className="muted">Looking for {list.described}. Widen the days or clear a filter to see more.</p>
        <button type="button" onClick={() => list.clearFilters()}>
          Clear filters
        </button>
      </div>
    );
  }
  return (
    <div className="card nlog-empty" data-testid={empty.testId}>
      <p className="nlog-empty-title">{empty.title}</p>
      {props.intro}
    </div>
  );
}

/** A column of a FilteredTable; a `hidden` label is there for screen readers only. */
export interface Column {
  key: string;
  label: string;
  className?: string;
  hidden?: boolean;
}

interface TableProps<T> {
  list: List<T>;
  label: string;
  columns: readonly Column[];
  testId: string;
  /** Shown over the table until the first page arrives. */
  loading: string;
  row(item: T, v: VirtualItem): ReactNode;
}

/**
 * The list's load error ("Could not load `what`"), then its table or, once loaded with no row, its empty
 * state (`empty`, with the screen's `intro` when no filter is set).
 */
export function FilteredTable<T>(props: TableProps<T> & { what: string; empty: EmptyState; intro: ReactNode }) {
  const { list } = props;
  return (
    <>
      <ListError list={list} what={props.what} />
      {list.empty ? <EmptyCard list={list} empty={props.empty} intro={props.intro} /> : <PagedTable {...props} />}
    </>
  );
}

/** The virtualized table of the list: its head, the rows loaded so far, and a loading row while more come. */
function PagedTable<T>(props: TableProps<T>) {
  const { items, loaded, scroller, virtualizer, virtualRows } = props.list;
  return (
    <div className="vtable" role="table" aria-label={props.label} aria-rowcount={items.length + 1}>
      <div className="vtable-head" role="rowgroup">
        <div className="vrow vrow-head" role="row">
          {props.columns.map((c) => (
            <div key={c.key} role="columnheader" className={`vcell ${c.className ?? ''}`}>
              {c.hidden ? <span className="visually-hidden">{c.label}</span> : c.label}
            </div>
          ))}
        </div>
      </div>
      <div className="vtable-body" ref={scroller} role="rowgroup" data-testid={props.testId}>
        {!loaded ? <div className="empty">{props.loading}</div> : null}
        <div className="vtable-spacer" style={{ height: virtualizer.getTotalSize() }}>
          {virtualRows.map((v) =>
            v.index < items.length ? (
              props.row(items[v.index], v)
            ) : (
              <LoadingRow key="more" start={v.start} size={v.size} />
            ),
          )}
        </div>
      </div>
    </div>
  );
}

/**
 * One row of a FilteredTable, opened by a click or by Enter on the row itself (not on a button inside it);
 * ↑ and ↓ move to the row before or after (focus scrolls it into view, and the next page loads as usual).
 */
export function PagedRow(props: {
  v: VirtualItem;
  className: string;
  testId: string;
  id: number;
  status: string;
  onOpen(): void;
  children: ReactNode;
}) {
  const { v } = props;
  return (
    <div
      className={props.className}
      role="row"
      tabIndex={0}
      aria-rowindex={v.index + 2}
      data-testid={props.testId}
      data-id={props.id}
      data-status={props.status}
      style={{ transform: `translateY(${v.start}px)`, height: v.size }}
      onClick={() => props.onOpen()}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget) return;
        if (e.key === 'Enter') {
          // No keypress after it: a dialog the row opens must not take this Enter as a press of its focused button.
          e.preventDefault();
          props.onOpen();
        }
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          const next =
            e.key === 'ArrowDown' ? e.currentTarget.nextElementSibling : e.currentTarget.previousElementSibling;
          if (next instanceof HTMLElement && next.tabIndex >= 0) {
            e.preventDefault();
            next.focus();
          }
        }
      }}
    >
      {props.children}
    </div>
  );
}
