#!/usr/bin/env python3
"""Golden trajectory of TensorFlow 1's RMSProp, for rmsprop-tf1.test.ts (medad's detectors/rmsprop-tf1.ts).

f-AnoGAN's authors train the encoder with tf.train.RMSPropOptimizer(learning_rate=5e-5) and its defaults
(tSchlegl/f-AnoGAN z_encoding_izif.py:301; TF 1.2 per its README). TF1's optimiser, written out here with NumPy
in float64 from TensorFlow's own source:
  - defaults decay 0.9, momentum 0.0, epsilon 1e-10 (tensorflow/python/training/rmsprop.py, RMSPropOptimizer.__init__);
  - the mean-square slot "rms" starts at ONES, the momentum slot at zeros (rmsprop.py, _create_slots:
    init_ops.ones_initializer / _zeros_slot);
  - the dense update (tensorflow/core/kernels/training_ops.cc, ApplyRMSProp<CPUDevice, T>):
        ms  += (grad^2 - ms) * (1 - rho)
        mom  = mom * momentum + grad * lr / sqrt(ms + epsilon)
        var -= mom
The problem: least squares, loss = mean((X w + b - y)^2) with X [8, 3], w [3, 2], b [2], y [8, 2] from a seeded
generator; gradients analytic. Cases: the f-AnoGAN settings at a visible lr (0.01), and one with momentum 0.5,
decay 0.8, epsilon 1e-3 to pin the other paths. Records w, b, ms_w after every step.
Run: /usr/bin/python3 rmsprop-tf1.py   (writes rmsprop-tf1.json next to itself; python3-numpy from Debian)"""
import json, os
import numpy as np

rng = np.random.default_rng(20261207)
X = rng.standard_normal((8, 3)).round(4)
y = rng.standard_normal((8, 2)).round(4)
w0 = (0.5 * rng.standard_normal((3, 2))).round(4)
b0 = np.array([0.1, -0.2])
STEPS = 10


def grads(w, b):
    r = X @ w + b - y  # [8, 2]
    n = r.size
    return 2 * X.T @ r / n, 2 * r.sum(axis=0) / n, float((r ** 2).mean())


def run(lr, decay, momentum, epsilon):
    w, b = w0.copy(), b0.copy()
    ms = [np.ones_like(w), np.ones_like(b)]
    mom = [np.zeros_like(w), np.zeros_like(b)]
    steps = []
    for _ in range(STEPS):
        gw, gb, loss = grads(w, b)
        out = []
        for i, (v, g) in enumerate(((w, gw), (b, gb))):
            ms[i] += (g ** 2 - ms[i]) * (1 - decay)
            mom[i] = mom[i] * momentum + g * lr / np.sqrt(ms[i] + epsilon)
            out.append(v - mom[i])
        w, b = out
        steps.append({'loss_before': loss, 'w': w.ravel().tolist(), 'b': b.tolist(), 'ms_w': ms[0].ravel().tolist()})
    return {'lr': lr, 'decay': decay, 'momentum': momentum, 'epsilon': epsilon, 'steps': steps}


out = {
    'X': X.ravel().tolist(), 'y': y.ravel().tolist(), 'w0': w0.ravel().tolist(), 'b0': b0.tolist(),
    'cases': [run(0.01, 0.9, 0.0, 1e-10), run(0.01, 0.8, 0.5, 1e-3)],
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'rmsprop-tf1.json'), 'w') as f:
    json.dump(out, f, indent=1)
