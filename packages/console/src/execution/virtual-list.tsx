import { useState, type ReactNode } from "react";

/**
 * Renders only the rows in view (plus a margin), so a list of 10,000 nodes costs as much as one
 * of forty. Rows have a fixed height.
 */
export function VirtualList<T>({ items, rowHeight, height, render, label }: {
  items: readonly T[]; rowHeight: number; height: number; render: (item: T, index: number) => ReactNode; label: string;
}) {
  const [scrollTop, setScrollTop] = useState(0);
  const overscan = 8;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i];
    if (item === undefined) continue;
    rows.push(<div key={i} className="vrow" style={{ top: i * rowHeight, height: rowHeight }}>{render(item, i)}</div>);
  }
  return (
    <div className="vlist" role="list" aria-label={label} data-rows={items.length} style={{ height: Math.min(height, Math.max(items.length * rowHeight, rowHeight)) }} onScroll={(e) => { setScrollTop(e.currentTarget.scrollTop); }}>
      <div style={{ height: items.length * rowHeight, position: "relative" }}>{rows}</div>
    </div>
  );
}
