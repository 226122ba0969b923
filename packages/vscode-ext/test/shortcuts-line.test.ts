import { describe, expect, it } from 'vitest';
import { shortcutsLine } from '../src/webview-logic/shortcuts-line.js';

describe('shortcutsLine', () => {
  it('puts the AUROC beside the best descriptor and the combined model, with the flag', () => {
    const sc = { bestSingle: { descriptor: 'gradientMean', auroc: 0.8734, direction: 'lower' }, combinedCv: 0.889, k: 5, flagged: ['gradientMean', 'p99'] };
    expect(shortcutsLine(sc, 0.616)).toBe(
      'AUROC 61.6 vs shortcut baselines: gradientMean alone 87.3 (lower = anomalous), all descriptors 88.9 (5-fold CV on the test set); gradientMean, p99 alone separate the classes: read the AUROC against them.',
    );
  });

  it('says nothing without baselines; a categorical best descriptor has no direction', () => {
    expect(shortcutsLine(undefined, 0.7)).toBe('');
    expect(shortcutsLine({ bestSingle: { descriptor: 'format', auroc: 0.6, direction: 'category' }, flagged: [] }, undefined)).toBe('Shortcut baselines: format alone 60.0.');
  });
});
