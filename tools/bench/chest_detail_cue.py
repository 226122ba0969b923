#!/usr/bin/env python3
# Usage: /usr/bin/python3 tools/bench/chest_detail_cue.py   (reads ../shared/data/chest-xray-pneumonia/test in place)
# Is "local detail" (mean gradient magnitude at 64x64) a label cue on the chest test set? AUROC of the score
# "higher detail = more anomalous" against pneumonia labels (an inverted detector would sit far below 0.5).
import glob, numpy as np
from PIL import Image
from sklearn.metrics import roc_auc_score
import os
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/data/chest-xray-pneumonia/test')
xs, ys = [], []
for label, cls in ((0, 'normal'), (1, 'pneumonia')):
    for f in sorted(glob.glob(f'{root}/{cls}/*')):
        a = np.asarray(Image.open(f).convert('L').resize((64, 64), Image.BOX), dtype=np.float64) / 255
        gy, gx = np.gradient(a)
        lap = np.abs(4 * a[1:-1, 1:-1] - a[:-2, 1:-1] - a[2:, 1:-1] - a[1:-1, :-2] - a[1:-1, 2:])
        xs.append((np.hypot(gx, gy).mean(), lap.mean(), a.std())); ys.append(label)
xs = np.array(xs); ys = np.array(ys)
for i, name in enumerate(['mean gradient magnitude', 'mean |Laplacian|', 'intensity std']):
    print(f'{name}: AUROC {100 * roc_auc_score(ys, xs[:, i]):.1f} (normal mean {xs[ys == 0, i].mean():.4f}, pneumonia {xs[ys == 1, i].mean():.4f})')
