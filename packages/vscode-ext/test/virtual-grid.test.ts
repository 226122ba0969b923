import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gridWindow, moveIndex } from '../src/webview-logic/virtual-grid.js';

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
