/**
 * The wiring of a screen that shows a filtered, keyset-paged list whose filter lives in the URL hash (the
 * charges, the notification log, the audit log): the filter read from the route, the list of that filter
 * read through the data layer (again on its channel's change events), filter edits written back to the URL,
 * and the virtualized rows that page in as the user scrolls. The screen keeps its columns, filter fields and
 * dialogs.
 */
import { useEffect, useRef, type RefObject } from 'react';
import type { ChannelOutput } from '../../../../shared/contracts';
import { useClientLabel } from '../../features/clients/ClientPicker';
import { usePagedRows } from '../../ui/LoadingRow';
import { useChannel, type ReadInput } from '../../data/useChannel';
import { dayStart, daysInWords } from '../../days';
import { navigate, useRoute, type Query, type Section } from '../../stores/route';

/** The lists such a screen shows. */
type ListChannel = 'charges.list' | 'notifications.list' | 'audit.list';

type ListItem<N extends ListChannel> = ChannelOutput<N> extends { items: (infer I)[] } ? I : never;

const PAGE = 100;

/** A screen's filter: how the URL holds it and filters are told apart (the store module's functions), and its words. */
export interface FilterSpec<F> {
  fromQuery(q: Query): F;
  toQuery(f: F): Query;
  key(f: F): string;
  isFiltered(f: F): boolean;
  /** What the filter shows, before its client and days: "the “Failed” charges", "every notification". */
  what(f: F): string;
}

/** A filter spec, and what the core is asked for a filter (its days as UTC bounds). */
export interface ListSpec<N extends ListChannel, F> extends FilterSpec<F> {
  input(f: F): ReadInput<N>;
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
  /** The rows of the filter in the URL. */
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

/** The list of the filter in the URL; a new filter starts at the top. */
export function useFilteredScreen<N extends ListChannel, F extends DaysAndClient>(
  channel: N,
  o: { screen: Section; spec: ListSpec<N, F>; rowHeight: number },
): FilteredScreen<ListItem<N>, F> {
  const { screen, spec } = o;
  const filter = spec.fromQuery(useRoute((r) => r.query));
  const key = spec.key(filter);
  const list = useChannel(channel, spec.input(filter), { page: PAGE, list: screen });
  const clientLabel = useClientLabel(filter.clientId);
  const scroller = useRef<HTMLDivElement>(null);

  // Keyed on the filter's key alone: a new query object with the same filter keeps the place.
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [key]);

  const setFilter = (patch: Partial<F>) => {
    const next: Partial<F> = { ...filter, ...patch };
    for (const k of Object.keys(patch) as (keyof F)[]) if (patch[k] === undefined) delete next[k];
    navigate({ screen }, spec.toQuery(next as F));
  };

  const items = list.items as ListItem<N>[];
  const loaded = list.data !== null;
  const { virtualizer, virtualRows } = usePagedRows(scroller, {
    loaded: items.length,
    hasMore: list.more,
    loading: list.loading || list.loadingMore,
    rowHeight: o.rowHeight,
    loadMore: list.loadMore,
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
    more: list.more,
    empty: loaded && items.length === 0 && !list.error,
    error: list.error,
    retry: () => void list.refetch(),
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
