#!/usr/bin/env python3
"""Independent check of medad's pixel metrics: reads a run's 16-bit maps (maps/, range from metrics.json) and the
masks of the reference arrays (make_ref_arrays.py: PIL nearest, > 127), and computes pixel AUROC with scikit-learn
and best Dice exactly as ref_ae.py does. Agreement with metrics.json means the metric code is not the reason for a
gap to the PyTorch reference; it also gives ref_ae.py's numbers for medad's own anomaly maps.
Usage: check_pixel_metrics.py RUN_DIR REF.npz DATASET_DIR"""
import csv, json, os, sys
import numpy as np
from PIL import Image
from sklearn.metrics import roc_auc_score

run, npz, root = sys.argv[1:4]
metrics = json.load(open(os.path.join(run, 'metrics.json')))
lo, hi = metrics['mapRange']
ref = np.load(npz)
# Reference arrays are in manifest order over the test split.
order = [r['path'] for r in csv.DictReader(open(os.path.join(root, 'manifest.csv'))) if r['split'] == 'test']
index = {os.path.abspath(os.path.join(root, p)): i for i, p in enumerate(order)}
maps, masks = [], []
for r in csv.DictReader(open(os.path.join(run, 'scores.csv'))):
    png = np.array(Image.open(os.path.join(run, r['map'])), dtype=np.float64)
    maps.append(lo + png / 65535.0 * (hi - lo))
    masks.append(ref['test_m'][index[os.path.abspath(r["path"])]].astype(bool))
maps, masks = np.stack(maps), np.stack(masks)

def best_dice(maps, masks, n=200):  # as ref_ae.py
    best = 0.0
    for t in np.quantile(maps, np.linspace(0.5, 0.9995, n)):
        p = maps > t
        s = p.sum() + masks.sum()
        if s: best = max(best, 2 * np.logical_and(p, masks).sum() / s)
    return float(best)

print(json.dumps({'run': run, 'sklearn_pixel_auroc': round(float(roc_auc_score(masks.ravel(), maps.ravel())), 4),
                  'ref_best_dice': round(best_dice(maps, masks), 4),
                  'medad_pixel_auroc': round(metrics['pixel']['pixelAuroc']['value'], 4),
                  'medad_best_dice': round(metrics['pixel']['bestDice']['value'], 4)}))
