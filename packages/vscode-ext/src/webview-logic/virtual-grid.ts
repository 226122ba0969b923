// Windowing for the gallery: only the rows inside the viewport (plus overscan) exist in the DOM, so a grid
// of 10,000+ thumbnails costs as much as one screenful.

export interface GridGeometry {
  itemCount: number;
  /** Cell size including its gap. */
  cellWidth: number;
  cellHeight: number;
  viewportWidth: number;
  viewportHeight: number;
  scrollTop: number;
  /** Extra rows rendered above and below the viewport. Default 2. */
  overscanRows?: number;
}

export interface GridWindow {
  columns: number;
  rows: number;
  /** Items [first, end) are rendered. */
  first: number;
  end: number;
  /** Height of the whole (virtual) grid, for the scroll spacer. */
  totalHeight: number;
  /** Top offset of the first rendered row. */
  offsetTop: number;
}

export function gridWindow(g: GridGeometry): GridWindow {
  if (g.cellWidth <= 0 || g.cellHeight <= 0) throw new Error('grid cells must have a positive size');
  const columns = Math.max(1, Math.floor(g.viewportWidth / g.cellWidth));
  const rows = Math.ceil(g.itemCount / columns);
  const overscan = g.overscanRows ?? 2;
  const top = Math.max(0, g.scrollTop);
  const firstRow = Math.max(0, Math.floor(top / g.cellHeight) - overscan);
  const lastRow = Math.min(rows, Math.ceil((top + g.viewportHeight) / g.cellHeight) + overscan);
  const first = Math.min(g.itemCount, firstRow * columns);
  const end = Math.min(g.itemCount, Math.max(first, lastRow * columns));
  return { columns, rows, first, end, totalHeight: rows * g.cellHeight, offsetTop: firstRow * g.cellHeight };
}

/** Index reached by a keyboard move in the grid (arrows/Home/End/PageUp/PageDown), clamped to the items. */
export function moveIndex(index: number, key: string, columns: number, count: number, pageRows: number): number {
  if (count === 0) return -1;
  const step: Record<string, number> = {
    ArrowLeft: -1, ArrowRight: 1, ArrowUp: -columns, ArrowDown: columns,
    PageUp: -columns * Math.max(1, pageRows), PageDown: columns * Math.max(1, pageRows),
  };
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  const d = step[key];
  if (d === undefined) return index;
  return Math.min(count - 1, Math.max(0, index + d));
}

export interface GridKeyState {
  focus: number;
  count: number;
  columns: number;
  cellHeight: number;
  viewportHeight: number;
  scrollTop: number;
}

export type GridKeyAction =
  | { kind: 'open'; index: number }
  /** The new selection and the scroll position that shows its row (unchanged when it is already visible). */
  | { kind: 'move'; index: number; scrollTop: number };

/** The grid's keyboard model: arrows, PageUp/PageDown, Home/End move the selection and scroll its row into view;
 * Enter (or Space) opens the selected image. Undefined: the key is not the grid's (let the browser have it). */
export function gridKey(key: string, s: GridKeyState): GridKeyAction | undefined {
  if (s.count === 0) return undefined;
  const focus = Math.min(Math.max(0, s.focus), s.count - 1);
  if (key === 'Enter' || key === ' ') return { kind: 'open', index: focus };
  const pageRows = Math.max(1, Math.floor(s.viewportHeight / s.cellHeight));
  const index = moveIndex(focus, key, s.columns, s.count, pageRows);
  if (index === focus && !(key in KEYS)) return undefined;
  const top = Math.floor(index / s.columns) * s.cellHeight;
  let scrollTop = s.scrollTop;
  if (top < scrollTop) scrollTop = top;
  // a row taller than the viewport shows its top
  else if (top + s.cellHeight > scrollTop + s.viewportHeight) scrollTop = Math.min(top, top + s.cellHeight - s.viewportHeight);
  return { kind: 'move', index, scrollTop: Math.max(0, scrollTop) };
}
const KEYS = { ArrowLeft: 1, ArrowRight: 1, ArrowUp: 1, ArrowDown: 1, PageUp: 1, PageDown: 1, Home: 1, End: 1 };
