/** Virtualized lists that load their next page as the user scrolls near the end. */
import { useEffect, type RefObject } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import './LoadingRow.css';

/** The last row of a virtualized list while its next page is on the way. */
export function LoadingRow({ start, size }: { start: number; size: number }) {
  return (
    <div className="vrow vrow-loading" role="row" style={{ transform: `translateY(${start}px)`, height: size }}>
      <div role="cell" className="vcell muted">
        Loading more…
      </div>
    </div>
  );
}

/**
 * The virtualizer of a paged list: one row per item plus a loading row while there is more, and the next
 * page asked for when the rows shown come within 20 of the end.
 */
export function usePagedRows(
  scroller: RefObject<HTMLDivElement | null>,
  o: { loaded: number; hasMore: boolean; loading: boolean; rowHeight: number; loadMore: () => void },
) {
  const virtualizer = useVirtualizer({
    count: o.loaded + (o.hasMore ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => o.rowHeight,
    overscan: 12,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const lastIndex = virtualRows.length ? virtualRows[virtualRows.length - 1].index : -1;
  const { loaded, hasMore, loading, loadMore } = o;
  useEffect(() => {
    if (hasMore && !loading && lastIndex >= loaded - 20) loadMore();
  }, [lastIndex, loaded, hasMore, loading, loadMore]);
  return { virtualizer, virtualRows };
}
