import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gridKey, gridWindow, moveIndex, type GridKeyState } from '../src/webview-logic/virtual-grid.js';

describe('gridWindow', () => {
  it('renders only the visible rows plus overscan of a 10,000 item grid', () => {
    const w = gridWindow({ itemCount: 10_000, cellWidth: 100, cellHeight: 120, viewportWidth: 1000, viewportHeight: 600, scrollTop: 12_000, overscanRows: 1 });
    expect(w.columns).toBe(10);
    expect(w.rows).toBe(1000);
    expect(w.totalHeight).toBe(120_000);
    expect(w.first).toBe(990); // row 100 - 1 overscan
    expect(w.end).toBe(1060); // rows 99..105
    expect(w.offsetTop).toBe(99 * 120);
  });
  it('clamps to the item count at the bottom and handles an empty grid', () => {
    expect(gridWindow({ itemCount: 25, cellWidth: 10, cellHeight: 10, viewportWidth: 100, viewportHeight: 50, scrollTop: 1e6 }).end).toBe(25);
    expect(gridWindow({ itemCount: 0, cellWidth: 10, cellHeight: 10, viewportWidth: 100, viewportHeight: 50, scrollTop: 0 })).toMatchObject({ first: 0, end: 0, totalHeight: 0 });
  });
  it('always covers every item intersecting the viewport (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 20, max: 300 }), fc.integer({ min: 20, max: 300 }),
      fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 1500 }), fc.nat(400_000),
      (count, cw, ch, vw, vh, scroll) => {
        const w = gridWindow({ itemCount: count, cellWidth: cw, cellHeight: ch, viewportWidth: vw, viewportHeight: vh, scrollTop: scroll, overscanRows: 0 });
        for (let i = 0; i < count; i++) {
          const top = Math.floor(i / w.columns) * ch;
          const visible = top < scroll + vh && top + ch > scroll;
          if (visible && (i < w.first || i >= w.end)) return false;
        }
        return w.first <= w.end && w.end <= count;
      }), { numRuns: 200 });
  });
});

describe('moveIndex', () => {
  it('moves by cells, rows and pages and clamps', () => {
    expect(moveIndex(5, 'ArrowRight', 4, 10, 2)).toBe(6);
    expect(moveIndex(5, 'ArrowDown', 4, 10, 2)).toBe(9);
    expect(moveIndex(9, 'ArrowDown', 4, 10, 2)).toBe(9);
    expect(moveIndex(1, 'ArrowUp', 4, 10, 2)).toBe(0);
    expect(moveIndex(0, 'PageDown', 4, 10, 2)).toBe(8);
    expect(moveIndex(3, 'End', 4, 10, 2)).toBe(9);
    expect(moveIndex(3, 'x', 4, 10, 2)).toBe(3);
    expect(moveIndex(0, 'Home', 4, 0, 2)).toBe(-1);
  });
});

describe('gridKey (the gallery keyboard model)', () => {
  // 10 images in 4 columns, cells 100 px high, a viewport of 2.5 rows scrolled to the top
  const at = (focus: number, scrollTop = 0): GridKeyState => ({ focus, count: 10, columns: 4, cellHeight: 100, viewportHeight: 250, scrollTop });
  it('opens the selected image on Enter and Space', () => {
    expect(gridKey('Enter', at(6))).toEqual({ kind: 'open', index: 6 });
    expect(gridKey(' ', at(3))).toEqual({ kind: 'open', index: 3 });
  });
  it('moves without scrolling while the row stays visible', () => {
    expect(gridKey('ArrowRight', at(0))).toEqual({ kind: 'move', index: 1, scrollTop: 0 });
    expect(gridKey('ArrowDown', at(1))).toEqual({ kind: 'move', index: 5, scrollTop: 0 });
  });
  it('scrolls a row below the viewport up to its bottom edge, and a row above to the top', () => {
    expect(gridKey('ArrowDown', at(5))).toEqual({ kind: 'move', index: 9, scrollTop: 50 }); // row 2: 200..300
    expect(gridKey('Home', at(9, 50))).toEqual({ kind: 'move', index: 0, scrollTop: 0 });
    expect(gridKey('End', at(0))).toEqual({ kind: 'move', index: 9, scrollTop: 50 });
    expect(gridKey('PageDown', at(0))).toEqual({ kind: 'move', index: 8, scrollTop: 50 }); // 2 rows a page
  });
  it('keeps edge moves as handled (no page scroll) and leaves other keys to the browser', () => {
    expect(gridKey('ArrowLeft', at(0))).toEqual({ kind: 'move', index: 0, scrollTop: 0 });
    expect(gridKey('a', at(0))).toBeUndefined();
    expect(gridKey('Tab', at(0))).toBeUndefined();
    expect(gridKey('Enter', { ...at(0), count: 0 })).toBeUndefined();
  });
  it('keeps the selection inside the items and its row inside the viewport (property)', () => {
    const keys = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End'];
    fc.assert(fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 20, max: 200 }), fc.integer({ min: 20, max: 900 }), fc.array(fc.constantFrom(...keys), { maxLength: 30 }),
      (count, columns, ch, vh, seq) => {
        let st: GridKeyState = { focus: 0, count, columns, cellHeight: ch, viewportHeight: vh, scrollTop: 0 };
        for (const k of seq) {
          const a = gridKey(k, st);
          if (a?.kind !== 'move') return false;
          st = { ...st, focus: a.index, scrollTop: a.scrollTop };
          const top = Math.floor(a.index / columns) * ch;
          if (a.index < 0 || a.index >= count) return false;
          // visible: the row's top is on screen (a row taller than the viewport shows its top)
          if (top < st.scrollTop || top >= st.scrollTop + Math.max(vh, ch)) return false;
        }
        return true;
      }), { numRuns: 200 });
  });
});
