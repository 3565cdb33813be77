// Virtualised rows of a list that loads page by page (History, dead letters, duplicates): only
// the rows on screen plus a margin are rendered, and the next page is asked for as the last row
// shown comes near the last one loaded.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";

/** Ask for the next page when the last row on screen is this close to the last loaded. */
const PREFETCH_ROWS = 40;

type Options = {
  count: number;
  /** Fixed by CSS, so rows need no measuring. */
  rowHeight: number;
  /** More rows exist beyond those loaded, and none are on their way. */
  canLoadMore: boolean;
  onNearEnd?: () => void;
};

export function usePagedRows({ count, rowHeight, canLoadMore, onNearEnd }: Options) {
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualizer's functions are read during render only, and the tables are not memoised.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastShown = items.length > 0 ? items[items.length - 1]!.index : -1;

  useEffect(() => {
    if (canLoadMore && lastShown >= count - PREFETCH_ROWS) onNearEnd?.();
  }, [canLoadMore, lastShown, count, onNearEnd]);

  return { scroller, virtualizer, items };
}
