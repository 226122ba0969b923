# Golden ranks for the distribution-free order-statistic interval of a quantile (threshold-reliability.ts).
# Exact rational arithmetic (fractions + math.comb), independent of the TypeScript float implementation.
# Run with Debian's python3: /usr/bin/python3 quantile_ci.py > quantile_ci.json
import json
from fractions import Fraction
from math import comb

def ranks(n, q, conf=Fraction(95, 100)):
    q = Fraction(q)
    pmf = [comb(n, k) * q**k * (1 - q)**(n - k) for k in range(n + 1)]
    tail = (1 - conf) / 2
    # l: largest l with P(B < l) <= tail; u: smallest u with P(B >= u) <= tail
    l = max(l for l in range(n + 2) if sum(pmf[:l]) <= tail)
    u = min(u for u in range(n + 2) if sum(pmf[u:]) <= tail)
    cov = sum(pmf[k] for k in range(l, min(u, n + 1)))
    return [l, u], float(cov)

cases = []
for n, q in [(8, '0.95'), (19, '0.95'), (20, '0.95'), (72, '0.95'), (100, '0.95'), (50, '0.9'), (200, '0.99'), (30, '0.5')]:
    r, c = ranks(n, Fraction(q))
    cases.append({'n': n, 'q': float(q), 'ranks': r, 'coverage': c})
print(json.dumps(cases, indent=1))
