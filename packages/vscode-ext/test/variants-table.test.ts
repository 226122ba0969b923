import { describe, expect, it } from 'vitest';
import { variantsTableHtml } from '../src/webview-logic/variants-table.js';

const fmt = (v: number) => v.toFixed(3);

/** The table's cells as rows of text (tags stripped), header first. */
function cells(html: string): string[][] {
  const table = /<table[^>]*>(.*)<\/table>/.exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr>(.*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => c[1]));
}

describe('variantsTableHtml', () => {
  it('is empty without variants', () => {
    expect(variantsTableHtml(undefined, fmt)).toBe('');
    expect(variantsTableHtml({}, fmt)).toBe('');
  });

  it('has one row per variant with image AUROC and AP only when no variant has pixel metrics', () => {
    const html = variantsTableHtml({ p17: { AUROC: 0.8123, AP: 0.7 }, multiscale: { AUROC: 0.9, AP: 0.88, f1: 0.5 } }, fmt);
    expect(html).toMatch(/^<h3>Other scores of the same model<\/h3>/);
    expect(cells(html)).toEqual([
      ['score', 'image AUROC', 'image AP'],
      ['p17', '0.812', '0.700'],
      ['multiscale', '0.900', '0.880'],
    ]);
  });

  it('adds pixel AUROC and best Dice when any variant has them, with a dash where one lacks them', () => {
    const html = variantsTableHtml({ rec: { AUROC: 0.7, AP: 0.6, pixelAuroc: 0.91, bestDice: 0.35 }, inter: { AUROC: 0.75, AP: 0.65 } }, fmt);
    expect(cells(html)).toEqual([
      ['score', 'image AUROC', 'image AP', 'pixel AUROC', 'best Dice'],
      ['rec', '0.700', '0.600', '0.910', '0.350'],
      ['inter', '0.750', '0.650', '–', '–'],
    ]);
  });

  it('shows the image AUROC interval when recorded', () => {
    const html = variantsTableHtml({ residual: { AUROC: 0.8, AP: 0.7 }, critic: { AUROC: 0.6, AP: 0.5 } }, fmt, { residual: { AUROC: [0.7, 0.9] } });
    expect(cells(html)).toEqual([
      ['score', 'image AUROC', 'image AP', 'AUROC 95% CI'],
      ['residual', '0.800', '0.700', '0.700 – 0.900'],
      ['critic', '0.600', '0.500', ''],
    ]);
  });

  it('escapes variant names and uses the given number format', () => {
    const html = variantsTableHtml({ '<img src=x onerror=alert(1)>&"': { AUROC: 0.5, AP: 0.5 } }, (v) => `${v}!`);
    expect(html).not.toContain('<img');
    expect(cells(html)[1]).toEqual(['&lt;img src=x onerror=alert(1)&gt;&amp;&quot;', '0.5!', '0.5!']);
  });
});
