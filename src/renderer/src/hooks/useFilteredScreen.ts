/**
 * The wiring of a screen that shows a filtered, keyset-paged list whose filter lives in the URL hash (the
 * charges, the notification log): the filter read from the route, the store told when it changes, the list
 * re-read on the screen's change events, filter edits written back to the URL, and the virtualized rows
 * that page in as the user scrolls. The screen keeps its columns, filter fields and dialogs.
 */
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import type { StoreApi, UseBoundStore } from 'zustand';
import type { ChangeEvent } from '../../../shared/contracts';
import { useClientLabel } from '../components/ClientPicker';
import { usePagedRows } from '../components/LoadingRow';
import { dayStart, daysInWords } from '../stores/days';
import { useLiveRefresh } from '../stores/live';
import type { FilteredListState } from '../stores/paged';
import { navigate, useRoute, type Query, type Section } from '../stores/route';

/** A screen's filter: how the URL holds it and filters are told apart (the store module's functions), and its words. */
export interface FilterSpec<F> {
  fromQuery(q: Query): F;
  toQuery(f: F): Query;
  key(f: F): string;
  isFiltered(f: F): boolean;
  /** What the filter shows, before its client and days: "the “Failed” charges", "every notification". */
  what(f: F): string;
}

/** What every such filter narrows by: the days (YYYY-MM-DD, UTC days) and the client. */
export interface DaysAndClient {
  from?: string;
  to?: string;
  clientId?: number;
}

/** One filtered screen's state, as its pieces (the filter form, the summary, the table) read it. */
export interface FilteredScreen<T, F extends DaysAndClient> {
  /** The filter in the URL, which may be ahead of the one the store shows. */
  filter: F;
  /** Writes the change to the URL; an undefined value drops that part of the filter. */
  setFilter(patch: Partial<F>): void;
  clearFilters(): void;
  filtered: boolean;
  /** The last day is before the first. */
  badDays: boolean;
  clientLabel: string | null;
  /** The filter in words: "the “Failed” charges of Blue Fox Ltd (C-100) on Nov 21, 2026". */
  described: string;
  /** The rows of the filter in the URL: none while the store still shows another. */
  items: T[];
  /** The first page of the filter in the URL has arrived. */
  loaded: boolean;
  /** There are pages after the ones loaded. */
  more: boolean;
  /** Loaded, with no row and no error: the screen shows its empty state instead of the table. */
  empty: boolean;
  error: string | null;
  retry(): void;
  scroller: RefObject<HTMLDivElement | null>;
  virtualizer: ReturnType<typeof usePagedRows>['virtualizer'];
  virtualRows: ReturnType<typeof usePagedRows>['virtualRows'];
}

/**
 * The store is told of a new filter only when its key changes; `topic` is the change event after which the
 * rows shown are read again.
 */
export function useFilteredScreen<T, F extends DaysAndClient>(
  store: UseBoundStore<StoreApi<FilteredListState<T, F>>>,
  o: { screen: Section; topic: ChangeEvent['topic']; spec: FilterSpec<F>; rowHeight: number },
): FilteredScreen<T, F> {
  const { screen, spec } = o;
  const filter = spec.fromQuery(useRoute((r) => r.query));
  const key = spec.key(filter);
  const s = store();
  const clientLabel = useClientLabel(filter.clientId);
  const scroller = useRef<HTMLDivElement>(null);

  // Keyed on the filter's key alone: a new query object with the same filter must not reload the list.
  useEffect(() => {
    store.getState().setFilter(spec.fromQuery(useRoute.getState().query));
    scroller.current?.scrollTo({ top: 0 });
  }, [key]);

  useLiveRefresh([o.topic], () => void store.getState().refresh());

  const setFilter = (patch: Partial<F>) => {
    const next: Partial<F> = { ...filter, ...patch };
    for (const k of Object.keys(patch) as (keyof F)[]) if (patch[k] === undefined) delete next[k];
    navigate({ screen }, spec.toQuery(next as F));
  };

  // Stable, so the rows' effect that asks for the next page does not run again on every render.
  const loadMore = useCallback(() => void store.getState().loadMore(), [store]);
  const shown = spec.key(s.filter) === key;
  const items = shown ? s.items : [];
  const loaded = shown && s.loaded;
  const { virtualizer, virtualRows } = usePagedRows(scroller, {
    loaded: items.length,
    hasMore: shown && !!s.nextCursor,
    loading: s.loading,
    rowHeight: o.rowHeight,
    loadMore,
  });

  return {
    filter,
    setFilter,
    clearFilters: () => navigate({ screen }),
    filtered: spec.isFiltered(filter),
    badDays: !!(filter.from && filter.to && dayStart(filter.from)! > dayStart(filter.to)!),
    clientLabel,
    described: describeFilter(spec.what(filter), filter, clientLabel),
    items,
    loaded,
    more: !!s.nextCursor,
    empty: loaded && items.length === 0 && !s.error,
    error: shown ? s.error : null,
    retry: () => void s.loadFirst(),
    scroller,
    virtualizer,
    virtualRows,
  };
}

function describeFilter(what: string, f: DaysAndClient, clientLabel: string | null): string {
  const parts = [what];
  if (f.clientId) parts.push(`of ${clientLabel ?? `client #${f.clientId}`}`);
  const days = daysInWords(f.from, f.to);
  if (days) parts.push(days);
  return parts.join(' ');
}
