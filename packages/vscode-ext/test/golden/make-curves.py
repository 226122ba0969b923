# Golden ROC/PR points, AUROC and AP from scikit-learn for test/curves.test.ts:  /usr/bin/python3 make-curves.py
import json
import numpy as np
from sklearn.metrics import roc_curve, precision_recall_curve, roc_auc_score, average_precision_score

rng = np.random.default_rng(7)
cases = []
for n, ties in [(12, False), (30, True)]:
    labels = rng.integers(0, 2, n)
    labels[0], labels[1] = 0, 1
    scores = rng.normal(size=n) + labels
    if ties:
        scores = np.round(scores, 1)
    fpr, tpr, thr = roc_curve(labels, scores, drop_intermediate=False)
    p, r, pthr = precision_recall_curve(labels, scores)
    cases.append({'scores': scores.tolist(), 'labels': labels.tolist(),
                  'roc': {'x': fpr.tolist(), 'y': tpr.tolist(), 'thresholds': thr[1:].tolist()},
                  'pr': {'x': r.tolist(), 'y': p.tolist(), 'thresholds': pthr.tolist()},
                  'auroc': float(roc_auc_score(labels, scores)), 'ap': float(average_precision_score(labels, scores))})
json.dump(cases, open('curves.golden.json', 'w'))
