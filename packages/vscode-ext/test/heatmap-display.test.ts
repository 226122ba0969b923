// The heatmap's readable display: the run's display info from metrics.json, the verdict line, the colour bar's
// ticks, window/level on the base image, and scores.csv parsing (the views read the run's own scores).
import { describe, expect, it } from 'vitest';
import { runDisplayInfo } from '../src/run-info.js';
import { csvCells, parseScoresCsv } from '../src/run-scores.js';
import { barPosition, colorbarTicks } from '../src/webview-logic/colorbar.js';
import { percentileAmong, verdict } from '../src/webview-logic/verdict.js';
import { applyWindow, isFullWindow } from '../src/webview-logic/window-level.js';

describe('runDisplayInfo', () => {
  it('reads threshold, display range, pixel threshold and validation normals from metrics.json', () => {
    const i = runDisplayInfo({
      threshold: { threshold: 0.42, policy: 'normal-quantile' },
      mapRange: [0, 10.1],
      displayRange: [0, 1.9],
      display: { range: [0, 1.7], pixelThreshold: 0.9 },
      validationNormalScores: [0.3, 0.1, 0.2],
      thresholdReliability: { warning: 'only 8 validation normals', ci: [0.2, null] },
    });
    expect(i).toEqual({ threshold: 0.42, policy: 'normal-quantile', range: [0, 1.7], mapRange: [0, 10.1], pixelThreshold: 0.9, validationNormals: [0.1, 0.2, 0.3], thresholdWarning: 'only 8 validation normals', thresholdCi: [0.2, null] });
  });
  it('falls back to displayRange and pixelThreshold.value of older runs, never to the absolute mapRange', () => {
    const i = runDisplayInfo({ mapRange: [0, 10.1], displayRange: [0, 1.9], pixelThreshold: { value: 0.7 } });
    expect(i.range).toEqual([0, 1.9]);
    expect(i.pixelThreshold).toBe(0.7);
  });
  it('ignores malformed fields', () => {
    expect(runDisplayInfo({ threshold: { threshold: 'x' }, display: { range: [2, 1] } })).toEqual({});
    expect(runDisplayInfo(null)).toEqual({});
  });
});

describe('verdict', () => {
  it('says above/below with the score, the threshold and the percentile among validation normals', () => {
    const normals = [0.1, 0.2, 0.3, 0.4];
    const v = verdict(0.35, 0.3, normals);
    expect(v.above).toBe(true);
    expect(v.percentile).toBe(75);
    expect(v.text).toMatch(/^ABOVE the run's threshold: image score 0\.350 ≥ 0\.300; higher than 75\.0% of 4 validation normals/);
    expect(verdict(0.05, 0.3, normals).text).toMatch(/^below .*< 0\.300; higher than 0\.0%/);
  });
  it('counts ties half and works without normals', () => {
    expect(percentileAmong([1, 2, 2, 3], 2)).toBe(50);
    expect(verdict(1, 2).percentile).toBeUndefined();
  });
});

describe('colour bar', () => {
  it('puts round ticks across the range, with unround ends added', () => {
    expect(colorbarTicks(0, 1)).toEqual([0, 0.5, 1]);
    expect(colorbarTicks(0, 1.9)).toEqual([0, 0.5, 1, 1.5, 1.9]);
    // step 10 (the next round step above 10.1 / 2); 10.1 is within a quarter step of 10, so no extra end tick
    expect(colorbarTicks(0, 10.1, 3)).toEqual([0, 10]);
    expect(colorbarTicks(0.2, 0.9)).toEqual([0.2, 0.4, 0.6, 0.8, 0.9]);
  });
  it('clamps positions like the colours saturate', () => {
    expect(barPosition(0.95, 0, 1.9)).toBeCloseTo(0.5);
    expect(barPosition(5, 0, 1.9)).toBe(1);
    expect(barPosition(-1, 0, 1.9)).toBe(0);
  });
});

describe('window/level', () => {
  it('stretches the window to 0..255 and clips outside it, alpha untouched', () => {
    const px = Uint8ClampedArray.from([0, 0, 0, 255, 100, 100, 100, 7, 150, 150, 150, 255, 255, 255, 255, 255]);
    const out = applyWindow(px, { level: 125, width: 50 });
    expect(Array.from(out.filter((_, i) => i % 4 === 0))).toEqual([0, 0, 255, 255]);
    expect(out[7]).toBe(7);
    expect(applyWindow(px, { level: 125, width: 100 })[4]).toBe(Math.round((25 / 100) * 255));
    expect(isFullWindow({ level: 127.5, width: 255 })).toBe(true);
    expect(isFullWindow({ level: 100, width: 255 })).toBe(false);
  });
});

describe('scores.csv', () => {
  it('parses quoted cells and resolves paths and maps against the run', () => {
    expect(csvCells('"a,b",c,"say ""hi"""')).toEqual(['a,b', 'c', 'say "hi"']);
    const rows = parseScoresCsv('path,id,class,label,score,map\n/d/test/malignant/m 1.png,m1,malignant,1,0.9,maps/00000_m.png\n"/d/test/normal/n,1.png",n1,normal,0,0.1,\n', '/runs/r1');
    expect(rows).toEqual([
      { path: '/d/test/malignant/m 1.png', id: 'm1', className: 'malignant', label: 1, score: 0.9, map: '/runs/r1/maps/00000_m.png' },
      { path: '/d/test/normal/n,1.png', id: 'n1', className: 'normal', label: 0, score: 0.1 },
    ]);
  });
  it('names the file when it is not a scores.csv', () => {
    expect(() => parseScoresCsv('a,b\n1,2\n', '/runs/r1')).toThrow(/\/runs\/r1\/scores\.csv: not a medad scores\.csv/);
  });
});
