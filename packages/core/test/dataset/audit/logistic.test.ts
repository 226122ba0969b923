// The combined shortcut model against scikit-learn: StandardScaler + LogisticRegression(C=1) on the same matrices
// and the same folds (golden values from fixtures/logistic_golden.py, Debian python3-sklearn: tools/setup/golden-deps.sh).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crossValidateLogistic, fitLogistic, stratifiedFolds } from '../../../src/dataset/audit/index.js';

interface GoldenCase {
  name: string;
  x: number[][];
  y: number[];
  folds: number[];
  perFold: { coef: number[]; intercept: number; auroc: number }[];
  meanAuroc: number;
  all: { coef: number[]; intercept: number };
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/logistic-golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

describe.each(golden.cases)('logistic regression vs scikit-learn: $name', (c) => {
  it('per-fold coefficients, intercepts and held-out AUROCs, and their mean', () => {
    const cv = crossValidateLogistic(c.x, c.y, c.folds);
    expect(cv.k).toBe(5);
    c.perFold.forEach((f, k) => {
      cv.models[k].coef.forEach((v, j) => expect(v).toBeCloseTo(f.coef[j], 7));
      expect(cv.models[k].intercept).toBeCloseTo(f.intercept, 7);
      expect(cv.foldAuroc[k]).toBeCloseTo(f.auroc, 9);
    });
    expect(cv.meanAuroc).toBeCloseTo(c.meanAuroc, 9);
  });

  it('the model fitted on every row', () => {
    const m = fitLogistic(c.x, c.y);
    m.coef.forEach((v, j) => expect(v).toBeCloseTo(c.all.coef[j], 7));
    expect(m.intercept).toBeCloseTo(c.all.intercept, 7);
  });
});

describe('stratifiedFolds', () => {
  it('gives every fold its share of each class, and the same folds for the same seed', () => {
    const y = [...Array<number>(23).fill(0), ...Array<number>(11).fill(1)];
    const f = stratifiedFolds(y, 5, 3);
    for (let k = 0; k < 5; k++) {
      const pos = f.filter((v, i) => v === k && y[i] === 1).length;
      const neg = f.filter((v, i) => v === k && y[i] === 0).length;
      expect(pos === 2 || pos === 3).toBe(true);
      expect(neg === 4 || neg === 5).toBe(true);
    }
    expect(stratifiedFolds(y, 5, 3)).toEqual(f);
    expect(stratifiedFolds(y, 5, 4)).not.toEqual(f);
  });
});
