// Ledoit-Wolf shrinkage against scikit-learn. Golden values from /usr/bin/python3 (scikit-learn, Debian):
//   import numpy as np
//   from sklearn.covariance import LedoitWolf
//   rng = np.random.default_rng(0)
//   X = np.round(rng.normal(size=(10, 4)) @ np.array([[1, 0.8, 0, 0], [0, 0.6, 0.3, 0], [0, 0, 1, 0.5], [0, 0, 0, 0.2]]) + [1, -2, 0, 3], 3)
//   lw = LedoitWolf().fit(X); print(X.ravel().tolist(), lw.shrinkage_, lw.location_.tolist(), lw.covariance_.ravel().tolist())
//   Y = np.array([[1.0, 2.0, 3.0, 0.5], [1.5, 2.5, 2.0, 0.75], [0.5, 1.0, 4.0, 0.25]])
//   lw2 = LedoitWolf().fit(Y); print(lw2.shrinkage_, lw2.covariance_.ravel().tolist())
import { describe, expect, it } from 'vitest';
import { invert, ledoitWolf } from '../../src/detectors/cutpaste/ledoit-wolf.js';

const X = [1.126, -1.979, 0.601, 3.341, 0.464, -2.212, 1.412, 3.841, 0.296, -3.322, -1.003, 2.697, -1.325, -3.991, -1.312, 2.231, 0.456, -2.625, 0.317, 3.414, 0.871, -1.283, -0.255, 2.738, 1.903, -1.221, -0.715, 2.444, 0.542, -2.234, -0.944, 2.453, 0.841, -1.803, 0.377, 3.178, 0.346, -2.601, 0.745, 3.691];
const SHRINK = 0.5825461072930076;
const MEAN = [0.552, -2.3271000000000006, -0.0777, 3.0027999999999997];
const COV = [0.5819228902501634, 0.2350465793808867, 0.07628097410584529, 0.028503543067087096, 0.2350465793808867, 0.6097005603140726, 0.09629631445997004, 0.026621777805853918, 0.07628097410584529, 0.09629631445997004, 0.6361432253527217, 0.18373409033514065, 0.028503543067087096, 0.026621777805853918, 0.18373409033514065, 0.45151378408304205];
const Y = [1.0, 2.0, 3.0, 0.5, 1.5, 2.5, 2.0, 0.75, 0.5, 1.0, 4.0, 0.25];
const SHRINK2 = 0.22682389032691005;
const COV2 = [0.20053273362519836, 0.19329402741827248, -0.25772536989102995, 0.06443134247275749, 0.19329402741827248, 0.37234964688588507, -0.38658805483654496, 0.09664701370913624, -0.25772536989102995, -0.38658805483654496, 0.5871207884617433, -0.12886268494551498, 0.06443134247275749, 0.09664701370913624, -0.12886268494551498, 0.10388571991606213];

describe('ledoitWolf', () => {
  it('matches sklearn.covariance.LedoitWolf (mean, shrinkage, covariance)', () => {
    const g = ledoitWolf(X, 10, 4);
    expect(g.shrinkage).toBeCloseTo(SHRINK, 12);
    Array.from(g.mean).forEach((v, i) => expect(v).toBeCloseTo(MEAN[i], 12));
    Array.from(g.covariance).forEach((v, i) => expect(v).toBeCloseTo(COV[i], 12));
  });

  it('matches sklearn with fewer samples than dimensions (singular sample covariance)', () => {
    const g = ledoitWolf(Y, 3, 4);
    expect(g.shrinkage).toBeCloseTo(SHRINK2, 12);
    Array.from(g.covariance).forEach((v, i) => expect(v).toBeCloseTo(COV2[i], 12));
    // Shrinkage makes it invertible: C * C^-1 = I.
    const inv = invert(g.covariance, 4);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += g.covariance[i * 4 + k] * inv[k * 4 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
      }
  });

  it('rejects a matrix of the wrong length and a singular covariance', () => {
    expect(() => ledoitWolf([1, 2, 3], 2, 2)).toThrow(/3 values is not 2 rows of 2/);
    expect(() => invert(new Float64Array(4), 2)).toThrow(/singular/);
  });
});
