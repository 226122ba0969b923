#!/usr/bin/python3
"""Golden values for @medad/metrics from scikit-learn / scipy (independent implementations).

Run:  /usr/bin/python3 packages/metrics/test/golden/make_golden.py
Writes golden.json next to this script. Small cases store their arrays (scores rounded to few
decimals to create ties). Large cases store only an LCG spec: the TS test regenerates the same
arrays with the same 32-bit LCG (see `lcg_case`), so the JSON stays small and no numpy RNG has
to be re-implemented in TS. roc_curve's thresholds[0] (max+1 in sklearn < 1.3, +inf later) is
left out; the TS side returns +Infinity there.
"""
import json
import os
import platform

import numpy as np
import scipy
import scipy.ndimage
import scipy.stats
import sklearn
from sklearn import metrics as skm


def lcg_case(n, seed, prevalence_permille, signal, levels):
    """Numerical Recipes LCG; label then raw score per case; score = (raw + label*signal) / levels."""
    s = seed & 0xFFFFFFFF
    scores, labels = [], []
    for _ in range(n):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        label = 1 if ((s >> 8) % 1000) < prevalence_permille else 0
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        raw = (s >> 8) % levels
        scores.append((raw + label * signal) / levels)
        labels.append(label)
    return np.array(scores), np.array(labels)


def lst(a):
    return [float(v) for v in a]


def image_case(name, scores, labels, store_arrays=True, lcg=None):
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    fpr, tpr, thr = skm.roc_curve(labels, scores, drop_intermediate=False)
    dfpr, dtpr, dthr = skm.roc_curve(labels, scores, drop_intermediate=True)
    prec, rec, pthr = skm.precision_recall_curve(labels, scores)
    uniq = np.unique(scores)
    picks = sorted({float(uniq[0]), float(uniq[len(uniq) // 2]), float(uniq[-1]), float(uniq[-1]) + 1.0})
    at = []
    for t in picks:
        pred = (scores >= t).astype(np.int64)
        tn, fp, fn, tp = skm.confusion_matrix(labels, pred, labels=[0, 1]).ravel()
        at.append({
            "threshold": t,
            "tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn),
            "precision": float(skm.precision_score(labels, pred, zero_division=0)),
            "recall": float(skm.recall_score(labels, pred, zero_division=0)),
            "f1": float(skm.f1_score(labels, pred, zero_division=0)),
            "accuracy": float(skm.accuracy_score(labels, pred)),
            "balancedAccuracy": float(skm.balanced_accuracy_score(labels, pred)),
        })
    case = {
        "name": name,
        "auroc": float(skm.roc_auc_score(labels, scores)),
        "ap": float(skm.average_precision_score(labels, scores)),
        "auprcTrapezoid": float(skm.auc(rec, prec)),
        "roc": {"fpr": lst(fpr), "tpr": lst(tpr), "thresholds": lst(thr[1:])},
        "rocDropped": {"fpr": lst(dfpr), "tpr": lst(dtpr), "thresholds": lst(dthr[1:])},
        "pr": {"precision": lst(prec), "recall": lst(rec), "thresholds": lst(pthr)},
        "at": at,
    }
    if lcg is not None:
        case["lcg"] = lcg
    elif store_arrays:
        case["scores"] = lst(scores)
        case["labels"] = [int(v) for v in labels]
    return case


def delong_reference(s1, s2, labels):
    """Fast DeLong (Sun & Xu 2014) with scipy midranks, as in the widely used yandex reference."""
    labels = np.asarray(labels)
    order = np.argsort(-labels, kind="stable")
    m = int(labels.sum())
    preds = np.vstack([np.asarray(s1, float), np.asarray(s2, float)])[:, order]
    n = preds.shape[1] - m
    pos, neg = preds[:, :m], preds[:, m:]
    tx = np.array([scipy.stats.rankdata(r) for r in pos])
    ty = np.array([scipy.stats.rankdata(r) for r in neg])
    tz = np.array([scipy.stats.rankdata(r) for r in preds])
    aucs = tz[:, :m].sum(axis=1) / m / n - (m + 1.0) / 2.0 / n
    v01 = (tz[:, :m] - tx) / n
    v10 = 1.0 - (tz[:, m:] - ty) / m
    cov = np.cov(v01) / m + np.cov(v10) / n
    var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    diff = aucs[0] - aucs[1]
    z = 0.0 if var <= 0 and diff == 0 else diff / np.sqrt(var)
    p = 2 * scipy.stats.norm.sf(abs(z))
    return {"auc1": aucs[0], "auc2": aucs[1], "var1": cov[0, 0], "var2": cov[1, 1],
            "covariance": cov[0, 1], "z": float(z), "pValue": float(p)}


def mvtec_trapezoid(x, y, x_max):
    from bisect import bisect
    x, y = np.asarray(x), np.asarray(y)
    correction = 0.0
    if x_max not in x:
        ins = bisect(x, x_max)
        y_interp = y[ins - 1] + ((y[ins] - y[ins - 1]) * (x_max - x[ins - 1]) / (x[ins] - x[ins - 1]))
        correction = 0.5 * (y_interp + y[ins - 1]) * (x_max - x[ins - 1])
    mask = x <= x_max
    x, y = x[mask], y[mask]
    return np.sum(0.5 * (y[1:] + y[:-1]) * (x[1:] - x[:-1])) + correction


def mvtec_aupro(maps, masks, x_max=0.3):
    """compute_pro from the MVTec AD evaluation code (8-connected regions, exact curve)."""
    structure = np.ones((3, 3), dtype=int)
    fp_changes = np.zeros(maps.shape, dtype=np.float64)
    pro_changes = np.zeros(maps.shape, dtype=np.float64)
    num_ok = int((masks == 0).sum())
    regions = []
    for k in range(len(masks)):
        lab, n = scipy.ndimage.label(masks[k], structure=structure)
        regions.append(n)
        fp_changes[k][masks[k] == 0] = 1.0 / num_ok
        for r in range(1, n + 1):
            sel = lab == r
            pro_changes[k][sel] = 1.0 / sel.sum()
    total_regions = sum(regions)
    pro_changes /= total_regions
    flat = maps.ravel()
    idx = np.argsort(flat, kind="stable")[::-1]
    s = flat[idx]
    fprs = np.cumsum(fp_changes.ravel()[idx])
    pros = np.cumsum(pro_changes.ravel()[idx])
    keep = np.append(np.diff(s) != 0, True)
    fprs = np.clip(fprs[keep], None, 1.0)
    pros = np.clip(pros[keep], None, 1.0)
    fprs = np.concatenate(([0.0], fprs, [1.0]))
    pros = np.concatenate(([0.0], pros, [1.0]))
    return mvtec_trapezoid(fprs, pros, x_max) / x_max, total_regions


def blob_masks(rng, k, h, w):
    masks = np.zeros((k, h, w), dtype=np.uint8)
    for i in range(k):
        for _ in range(int(rng.integers(0, 3))):
            cy, cx, r = rng.integers(0, h), rng.integers(0, w), rng.integers(1, 4)
            yy, xx = np.ogrid[:h, :w]
            masks[i][(yy - cy) ** 2 + (xx - cx) ** 2 <= r * r] = 1
        if i == 0:  # diagonal-only contact: one region with 8-connectivity, two with 4
            masks[i][h - 2, 0] = 1
            masks[i][h - 1, 1] = 1
    return masks


def pixel_case(name, rng, k, h, w, decimals):
    masks = blob_masks(rng, k, h, w)
    maps = (rng.random((k, h, w)) + 0.6 * masks).astype(np.float32)
    maps = np.round(maps, decimals).astype(np.float32)
    y, s = masks.ravel().astype(int), maps.ravel().astype(np.float64)
    uniq = np.unique(s)
    best = max(((2 * ((s >= t) & (y == 1)).sum()) / ((s >= t).sum() + y.sum()), t) for t in uniq)
    aupro, regions = mvtec_aupro(maps, masks)
    at = []
    for t in [0.5, 0.8, 1.0]:
        pred = (s >= np.float32(t)).astype(int)
        at.append({"threshold": t, "dice": float(skm.f1_score(y, pred, zero_division=0)),
                   "iou": float(skm.jaccard_score(y, pred, zero_division=0))})
    return {
        "name": name, "width": w, "height": h,
        "maps": [lst(m.ravel()) for m in maps], "masks": [[int(v) for v in m.ravel()] for m in masks],
        "auroc": float(skm.roc_auc_score(y, s)), "ap": float(skm.average_precision_score(y, s)),
        "aupro": float(aupro), "regions": int(regions),
        "bestDice": float(best[0]), "at": at,
    }


def main():
    rng = np.random.default_rng(20240611)
    cases = [
        image_case("tiny n=2 separable", [0.1, 0.9], [0, 1]),
        image_case("tiny n=2 inverted", [0.9, 0.1], [0, 1]),
        image_case("tiny n=2 tied", [0.5, 0.5], [1, 0]),
        image_case("tiny n=3 tie across classes", [0.2, 0.2, 0.7], [1, 0, 1]),
        image_case("tiny n=3 one positive", [1.0, 2.0, 3.0], [1, 0, 0]),
        image_case("constant scores n=10", [0.3] * 10, [0, 1] * 5),
        image_case("constant scores imbalanced", [7.0] * 100, [1] * 3 + [0] * 97),
        image_case("perfect separation", list(range(20)), [0] * 10 + [1] * 10),
        image_case("perfectly inverted", list(range(20)), [1] * 10 + [0] * 10),
        image_case("one negative", [0.1, 0.4, 0.35, 0.8, 0.2], [1, 1, 0, 1, 1]),
    ]
    for n, dec, prev in [(20, 1, 0.5), (50, 2, 0.3), (100, 1, 0.2), (100, 6, 0.5), (500, 2, 0.1),
                         (1000, 3, 0.25), (1000, 1, 0.5), (1500, 4, 0.05), (300, 2, 0.7), (64, 0, 0.5)]:
        labels = (rng.random(n) < prev).astype(int)
        labels[0], labels[1] = 0, 1
        scores = np.round(rng.normal(0, 1, n) + 0.8 * labels, dec)
        cases.append(image_case(f"random n={n} decimals={dec} prevalence={prev}", scores, labels))
    for n, levels in [(200, 4), (200, 2), (1000, 5)]:
        labels = (rng.random(n) < 0.4).astype(int)
        scores = np.minimum(levels - 1, rng.integers(0, levels, n) + labels * rng.integers(0, 2, n)).astype(float)
        cases.append(image_case(f"heavy ties n={n} levels={levels}", scores, labels))
    for n, npos in [(1000, 10), (5000, 50)]:
        labels = np.zeros(n, dtype=int)
        labels[rng.choice(n, npos, replace=False)] = 1
        scores = np.round(rng.normal(0, 1, n) + 1.5 * labels, 2)
        cases.append(image_case(f"imbalanced 1:99 n={n}", scores, labels))
    labels = (rng.random(300) < 0.5).astype(int)
    cases.append(image_case("large magnitudes and negatives",
                            np.round(rng.normal(0, 1e6, 300) + 3e5 * labels, 0), labels))
    for n, seed, prev, signal, levels in [(100000, 1, 100, 150, 1000), (100000, 7, 10, 400, 1000),
                                          (100000, 42, 500, 30, 200), (30000, 3, 300, 0, 50)]:
        spec = {"n": n, "seed": seed, "prevalencePermille": prev, "signal": signal, "levels": levels}
        s, l = lcg_case(n, seed, prev, signal, levels)
        cases.append(image_case(f"LCG n={n} seed={seed}", s, l, lcg=spec))

    delong = []
    for name, n, rho, dec in [("correlated", 200, 0.7, 3), ("tied", 150, 0.5, 1), ("weakly correlated", 400, 0.1, 6)]:
        labels = (rng.random(n) < 0.4).astype(int)
        labels[:2] = [0, 1]
        labels[2:4] = [0, 1]
        base = rng.normal(0, 1, n)
        s1 = np.round(base + 1.0 * labels, dec)
        s2 = np.round(rho * base + np.sqrt(1 - rho * rho) * rng.normal(0, 1, n) + 0.6 * labels, dec)
        ref = delong_reference(s1, s2, labels)
        assert abs(ref["auc1"] - skm.roc_auc_score(labels, s1)) < 1e-12
        delong.append({"name": name, "scores1": lst(s1), "scores2": lst(s2), "labels": [int(v) for v in labels],
                       **{k: float(v) for k, v in ref.items()}})

    pixel = [pixel_case("pixel 4x16x16 ties", rng, 4, 16, 16, 2),
             pixel_case("pixel 6x12x20 fine", rng, 6, 12, 20, 5),
             pixel_case("pixel 3x32x32 coarse", rng, 3, 32, 32, 1)]

    out = {
        "generator": "make_golden.py",
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "scipy": scipy.__version__, "sklearn": sklearn.__version__},
        "image": cases, "delong": delong, "pixel": pixel,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    os.replace(tmp, path)
    print(f"wrote {path}: {len(cases)} image cases, {len(delong)} DeLong, {len(pixel)} pixel")


if __name__ == "__main__":
    main()
