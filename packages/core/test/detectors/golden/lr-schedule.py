#!/usr/bin/env python3
"""Golden learning rates of torch.optim.lr_scheduler.CosineAnnealingLR, for lr-schedule.test.ts (medad's
detectors/lr-schedule.ts and the shared training loop's `lrSchedule: cosine`).

The NSA authors anneal Adam's lr with CosineAnnealingLR(optimizer, num_epochs, eta_min=min_lr) and call
scheduler.step() once after every epoch (hmsch/natural-synthetic-anomalies train_chest_xray.py:399-400,
experiments/training_utils.py:18, 78-79). Recorded here, per case, the lr each epoch trains at (param_groups[0]['lr']
before that epoch's scheduler.step()), from PyTorch's own (recursive) implementation:
  - nsa-chest: lr 1e-3, eta_min 1e-6, 240 epochs (train_chest_xray.py:376);
  - cutpaste: lr 0.03, eta_min 0, 256 epochs (CutPaste paper section 4);
  - small: lr 0.01, eta_min 1e-4, 3 epochs (the resume test's run).
And two optimiser trajectories under the schedule (one optimiser step per epoch, loss 0.5 * sum(c * w^2),
c = [1, 3], w0 = [1, -2], T_max 4, eta_min 0.01): torch.optim.SGD(lr 0.1, momentum 0.9) and torch.optim.Adam(lr 0.1,
betas (0.9, 0.999), eps 1e-8), w after every step, so the test proves tfjs's optimisers take the assigned lr the way
PyTorch's do (momentum buffer not rescaled when the lr changes).
Run: /usr/bin/python3 lr-schedule.py   (writes lr-schedule.json next to itself; python3-torch from Debian)"""
import json, os
import torch


def lrs(lr, eta_min, epochs):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.Adam([p], lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs, eta_min=eta_min)
    out = []
    for _ in range(epochs):
        out.append(opt.param_groups[0]['lr'])
        opt.step()  # (no gradient: nothing moves) keeps PyTorch's "optimizer.step() before scheduler.step()" order
        sched.step()
    return {'lr': lr, 'lrMin': eta_min, 'epochs': epochs, 'lrs': out}


def trajectory(kind):
    c = torch.tensor([1.0, 3.0], dtype=torch.float64)
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0], dtype=torch.float64))
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9) if kind == 'sgd' else torch.optim.Adam([w], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, 4, eta_min=0.01)
    steps = []
    for _ in range(4):
        lr = opt.param_groups[0]['lr']
        opt.zero_grad()
        loss = 0.5 * (c * w * w).sum()
        loss.backward()
        opt.step()
        sched.step()
        steps.append({'lr': lr, 'w': w.detach().tolist()})
    return {'optimizer': kind, 'lr': 0.1, 'lrMin': 0.01, 'epochs': 4, 'c': c.tolist(), 'w0': [1.0, -2.0], 'steps': steps}


out = {
    'torch': torch.__version__,
    'schedules': {'nsa-chest': lrs(1e-3, 1e-6, 240), 'cutpaste': lrs(0.03, 0.0, 256), 'small': lrs(0.01, 1e-4, 3)},
    'trajectories': [trajectory('sgd'), trajectory('adam')],
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lr-schedule.json'), 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
