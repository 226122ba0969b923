#!/usr/bin/env python3
"""The reference packer (../shared/bench/make_ref_arrays.py) without its 8-bit rounding: images are resized with
the same PIL BILINEAR filter but in float ('F' mode), as medad's `pil-bilinear` resize keeps them, and stored as
float32 in 0..255 (ref_ae.py scales by 127.5 either way). Masks exactly as the reference (NEAREST, > 127, union).
Checks the quantisation hypothesis of the BUSI pixel-AUROC gap (docs/fidelity.md, "The AE step for step").
Usage: make_ref_arrays_float.py DATASET_DIR OUT.npz [size=64]"""
import csv, os, sys
import numpy as np
from PIL import Image

root, out = sys.argv[1], sys.argv[2]
size = int(sys.argv[3]) if len(sys.argv) > 3 else 64
tr, te, ty, tm = [], [], [], []
with open(os.path.join(root, 'manifest.csv')) as f:
    for r in csv.DictReader(f):
        lab = int(r['label'])
        if r['split'] == 'train' and lab != 0:
            continue
        im = np.array(Image.open(os.path.join(root, r['path'])).convert('L').convert('F').resize((size, size), Image.BILINEAR), np.float32)
        if r['split'] == 'train':
            tr.append(im)
        else:
            te.append(im); ty.append(lab)
            m = np.zeros((size, size), np.uint8)
            for mp in filter(None, (r.get('mask') or '').split(';')):
                m |= (np.array(Image.open(os.path.join(root, mp)).convert('L').resize((size, size), Image.NEAREST)) > 127).astype(np.uint8)
            tm.append(m)
arrs = dict(train_x=np.stack(tr), test_x=np.stack(te), test_y=np.array(ty, np.uint8), test_m=np.stack(tm))
np.savez_compressed(out, **arrs)
q = np.load(out)
print(out, {k: v.shape for k, v in arrs.items()}, 'max |float - round(float)|', float(np.abs(q['train_x'] - np.round(q['train_x'])).max()))
