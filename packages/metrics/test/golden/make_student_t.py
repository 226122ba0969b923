#!/usr/bin/python3
# Golden values for src/student-t.ts from SciPy (Debian python3-scipy): t quantiles and CDFs, and the mean
# t-interval of a few samples (scipy.stats.t.interval with the standard error).
# Run: /usr/bin/python3 packages/metrics/test/golden/make_student_t.py > packages/metrics/test/golden/student-t.json
import json
import numpy as np
import scipy
from scipy import stats

out = {"scipy": scipy.__version__, "quantiles": [], "cdf": [], "intervals": []}
for df in [1, 2, 3, 4, 5, 9, 30, 100]:
    for p in [0.6, 0.9, 0.975, 0.995]:
        out["quantiles"].append({"p": p, "df": df, "q": float(stats.t.ppf(p, df))})
for df in [1, 2.5, 4, 29]:
    for t in [-3.0, -0.5, 0.0, 0.7, 2.2, 8.0]:
        out["cdf"].append({"t": t, "df": df, "p": float(stats.t.cdf(t, df))})
samples = [[0.81, 0.77, 0.85], [0.9, 0.91, 0.88, 0.93, 0.87], [0.5, 0.7], [1.0, 2.0, 4.0, 8.0]]
for xs in samples:
    a = np.array(xs)
    lo, hi = stats.t.interval(0.95, len(a) - 1, loc=a.mean(), scale=stats.sem(a))
    out["intervals"].append({"values": xs, "mean": float(a.mean()), "sd": float(a.std(ddof=1)), "ci": [float(lo), float(hi)]})
print(json.dumps(out, indent=1))
