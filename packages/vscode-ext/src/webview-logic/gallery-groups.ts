// The gallery's "Group by": images under a header per patient, study, series or the dataset config's group key
// (issue 20). Groups keep the current sort inside and are ordered by their best-ranked image (the most anomalous
// patient first); the layout is a list of rows (headers and rows of cells) that the virtualised grid windows over
// and that the keyboard moves through.
import type { GalleryItem, ItemIds } from './gallery-model.js';
import type { GridKeyAction } from './virtual-grid.js';

export type GroupBy = '' | keyof ItemIds;
export const GROUP_BYS: readonly GroupBy[] = ['', 'patient', 'study', 'series', 'group'];

/** The words the "Group by" list shows; `rule` names the config's group rule (e.g. 'PatientID'). */
export function groupByLabel(by: GroupBy, rule?: string): string {
  if (by === 'group') return rule ? `config group (${rule})` : 'config group';
  return by || 'none';
}

/** The groupings the items support: 'none' always, the others when at least one item has that key. */
export function groupingsOf(items: readonly GalleryItem[]): GroupBy[] {
  return GROUP_BYS.filter((by) => by === '' || items.some((i) => i.ids?.[by] !== undefined));
}

export interface ImageGroup {
  /** The key ('' for the images without one, collected last). */
  key: string;
  /** What the header shows for the key: a UID by its last 12 characters. */
  label: string;
  items: GalleryItem[];
  /** Images per class and per split in the group. */
  classes: Record<string, number>;
  splits: Record<string, number>;
}

/** A UID is long and shares its root with its neighbours: its tail tells studies apart. */
export function keyLabel(key: string, by: GroupBy): string {
  if (!key) return `no ${by === 'group' ? 'group key' : by}`;
  return (by === 'study' || by === 'series') && key.length > 16 ? `…${key.slice(-12)}` : key;
}

/** Sorted items into groups by `by`, in the order of each group's first item; images without a key last. */
export function groupItems(sorted: readonly GalleryItem[], by: GroupBy): ImageGroup[] {
  if (!by) return [{ key: '', label: '', items: [...sorted], classes: tally(sorted, 'cls'), splits: tally(sorted, 'split') }];
  const m = new Map<string, GalleryItem[]>();
  for (const it of sorted) {
    const k = it.ids?.[by] ?? '';
    const g = m.get(k);
    if (g) g.push(it);
    else m.set(k, [it]);
  }
  const keys = [...m.keys()].sort((a, b) => Number(a === '') - Number(b === ''));
  return keys.map((key) => {
    const items = m.get(key) as GalleryItem[];
    return { key, label: keyLabel(key, by), items, classes: tally(items, 'cls'), splits: tally(items, 'split') };
  });
}

function tally(items: readonly GalleryItem[], k: 'cls' | 'split'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i[k]] = (out[i[k]] ?? 0) + 1;
  return out;
}

/** Whether a group (a patient, a study…) has images in the test split and in another: leakage for an evaluation. */
export function straddlesTest(g: ImageGroup): boolean {
  return 'test' in g.splits && Object.keys(g.splits).length > 1;
}

/** A header's text: the key, the image count, the classes in it, and the splits when it spans more than one
 * (marked ⚠ when one of them is the test split). */
export function groupHeading(g: ImageGroup, by: GroupBy): string {
  const n = g.items.length;
  const classes = Object.entries(g.classes).map(([c, k]) => `${c} ${k}`).join(', ');
  const order = ['train', 'validation', 'test', 'unlabelled'];
  const rank = (s: string) => (order.indexOf(s) + 1 || 99);
  const spans = Object.entries(g.splits).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  const splits = spans.length > 1 ? ` · ${straddlesTest(g) ? '⚠ ' : ''}in ${spans.map(([s, k]) => `${s} ${k}`).join(', ')}` : '';
  const what = by === 'group' ? 'group' : by;
  return `${g.key ? `${what} ${g.label}` : g.label} · ${n} image${n === 1 ? '' : 's'} · ${classes}${splits}`;
}

export type LayoutRow =
  | { kind: 'header'; group: number; top: number; height: number }
  /** Items [first, end) of the flattened order. */
  | { kind: 'cells'; group: number; first: number; end: number; top: number; height: number };

export interface GroupedLayout {
  rows: LayoutRow[];
  totalHeight: number;
  /** The items in display order (groups one after another). */
  order: GalleryItem[];
  /** The row of each item of `order`. */
  rowOf: number[];
}

/** Rows for the groups: a header (when grouping), then rows of `columns` cells; a group starts a new row. */
export function groupedLayout(groups: readonly ImageGroup[], columns: number, cellHeight: number, headerHeight: number, headers = true): GroupedLayout {
  const rows: LayoutRow[] = [];
  const order: GalleryItem[] = [];
  const rowOf: number[] = [];
  const cols = Math.max(1, columns);
  let top = 0;
  groups.forEach((g, gi) => {
    if (headers) {
      rows.push({ kind: 'header', group: gi, top, height: headerHeight });
      top += headerHeight;
    }
    for (let k = 0; k < g.items.length; k += cols) {
      const first = order.length + k;
      const end = first + Math.min(cols, g.items.length - k);
      for (let i = first; i < end; i++) rowOf[i] = rows.length;
      rows.push({ kind: 'cells', group: gi, first, end, top, height: cellHeight });
      top += cellHeight;
    }
    order.push(...g.items);
  });
  return { rows, totalHeight: top, order, rowOf };
}

/** The rows [firstRow, endRow) that meet the viewport (plus `overscan` pixels each side). */
export function layoutWindow(l: GroupedLayout, scrollTop: number, viewportHeight: number, overscan: number): { firstRow: number; endRow: number; offsetTop: number } {
  const lo = Math.max(0, scrollTop - overscan);
  const hi = scrollTop + viewportHeight + overscan;
  // the first row whose bottom is below lo (rows are sorted by top)
  let a = 0;
  let b = l.rows.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (l.rows[m].top + l.rows[m].height <= lo) a = m + 1;
    else b = m;
  }
  let end = a;
  while (end < l.rows.length && l.rows[end].top < hi) end++;
  return { firstRow: a, endRow: end, offsetTop: l.rows[a]?.top ?? 0 };
}

/** The keyboard in a grouped grid: left/right/Home/End through the display order, up/down (and PageUp/PageDown,
 * a screenful of rows) to the same column of the next row of cells, across group headers; Enter/Space opens. */
export function groupedKey(key: string, s: { focus: number; layout: GroupedLayout; viewportHeight: number; scrollTop: number }): GridKeyAction | undefined {
  const { rows, order, rowOf } = s.layout;
  const count = order.length;
  if (count === 0) return undefined;
  const focus = Math.min(Math.max(0, s.focus), count - 1);
  if (key === 'Enter' || key === ' ') return { kind: 'open', index: focus };
  let index: number;
  if (key === 'ArrowLeft' || key === 'ArrowRight') index = Math.min(count - 1, Math.max(0, focus + (key === 'ArrowLeft' ? -1 : 1)));
  else if (key === 'Home' || key === 'End') index = key === 'Home' ? 0 : count - 1;
  else if (key === 'ArrowUp' || key === 'ArrowDown' || key === 'PageUp' || key === 'PageDown') {
    const dir = key === 'ArrowUp' || key === 'PageUp' ? -1 : 1;
    const cellHeight = rows[rowOf[focus]].height;
    let steps = key.startsWith('Page') ? Math.max(1, Math.floor(s.viewportHeight / cellHeight)) : 1;
    const at = rows[rowOf[focus]] as Extract<LayoutRow, { kind: 'cells' }>;
    const column = focus - at.first;
    let r = rowOf[focus];
    for (let k = r + dir; k >= 0 && k < rows.length && steps > 0; k += dir) {
      if (rows[k].kind !== 'cells') continue;
      r = k;
      steps--;
    }
    const to = rows[r] as Extract<LayoutRow, { kind: 'cells' }>;
    index = Math.min(to.first + column, to.end - 1);
  } else return undefined;
  const r = rowOf[index];
  // a group's first row scrolls its header into view too
  const top = r > 0 && rows[r - 1].kind === 'header' ? rows[r - 1].top : rows[r].top;
  const bottom = rows[r].top + rows[r].height;
  let scrollTop = s.scrollTop;
  if (top < scrollTop) scrollTop = top;
  else if (bottom > scrollTop + s.viewportHeight) scrollTop = Math.min(rows[r].top, bottom - s.viewportHeight);
  return { kind: 'move', index, scrollTop: Math.max(0, scrollTop) };
}
