#!/usr/bin/env python3
"""Golden loss trajectory of medad's `ae` (conv-ae-net.ts) from PyTorch, for ae-trajectory.test.ts.

Builds the same network as medad's ConvAENet / shared/bench/ref_ae.py (conv 4x4 s2 no-bias + BN + ReLU per level,
Linear to the latent, Linear + ReLU back, convT 4x4 s2 no-bias + BN + ReLU mirrored, convT with bias to 1 channel)
at a small size (16x16, channels [4, 8, 8], latent 4) so the weights file stays small, on a seeded dataset of
uint8 images scaled to [-1, 1]; trains it with Adam (PyTorch defaults, lr 1e-3), batch 16, in a recorded order for
STEPS steps, and writes: the images, the initial weights in medad's names and NHWC layouts, the batch indices of
every step, the loss of every step, and the eval-mode scores (mean squared error) of a few images after training.
The same run is repeated in float64 (losses_f64) and in float32 from initial weights perturbed by 3e-6 relative noise
(losses_perturbed, scores_perturbed): how much PyTorch itself amplifies a rounding-sized change, the test's yardstick.
A second run uses the authors' hidden bottleneck (MedIAnomaly BottleNeck: dense + BatchNorm1d + ReLU each way, no
ReLU after the last dense, output convT without bias) at hidden width 8: medad's `hidden` parameter.
Run: /usr/bin/python3 ae-trajectory.py   (writes ae-trajectory.json next to itself; python3-torch from Debian)"""
import copy, json, os
import torch, torch.nn as nn

torch.manual_seed(20261207)
torch.set_num_threads(1)
SIZE, CH, LATENT, N, BATCH, STEPS, LR, EARLY = 16, [4, 8, 8], 4, 52, 16, 100, 1e-3, 12
GRID = SIZE // 2 ** len(CH)

# Images: a few smooth blobs on a gradient plus noise, quantised to uint8 like real images.
yy, xx = torch.meshgrid(torch.arange(SIZE, dtype=torch.float64), torch.arange(SIZE, dtype=torch.float64), indexing='ij')
imgs = []
for i in range(N):
    img = 60 + 40 * xx / SIZE + 10 * torch.rand(1, dtype=torch.float64) * yy / SIZE
    for _ in range(2):
        cx, cy = torch.rand(2, dtype=torch.float64) * SIZE
        r = 1.5 + 3 * torch.rand(1, dtype=torch.float64)
        img = img + 120 * torch.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r ** 2))
    img = img + 8 * torch.randn(SIZE, SIZE, dtype=torch.float64)
    imgs.append(img.round().clamp(0, 255))
u8 = torch.stack(imgs).to(torch.uint8)
# Scale in float64 and round once to float32, as medad does (x / 127.5 - 1 in JS doubles into a Float32Array).
x_all = (u8.to(torch.float64) / 127.5 - 1).to(torch.float32).unsqueeze(1)


class AE(nn.Module):
    def __init__(self, hidden=0):
        super().__init__()
        self.hidden = hidden
        enc, ci = [], 1
        for c in CH:
            enc += [nn.Conv2d(ci, c, 4, 2, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU(True)]
            ci = c
        self.enc = nn.Sequential(*enc)
        flat = CH[-1] * GRID * GRID
        if hidden:
            self.to_z_h = nn.Sequential(nn.Linear(flat, hidden), nn.BatchNorm1d(hidden), nn.ReLU(True))
            self.to_z = nn.Linear(hidden, LATENT)
            self.from_z_h = nn.Sequential(nn.Linear(LATENT, hidden), nn.BatchNorm1d(hidden), nn.ReLU(True))
            self.from_z = nn.Linear(hidden, flat)
        else:
            self.to_z = nn.Linear(flat, LATENT)
            self.from_z = nn.Linear(LATENT, flat)
        dec, mirrored = [], CH[::-1]
        for i, c in enumerate(mirrored[1:]):
            dec += [nn.ConvTranspose2d(mirrored[i], c, 4, 2, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU(True)]
        self.dec = nn.Sequential(*dec)
        self.out = nn.ConvTranspose2d(CH[0], 1, 4, 2, 1, bias=not hidden)

    def forward(self, x):
        f = self.enc(x).flatten(1)
        if self.hidden:
            h = self.from_z(self.from_z_h(self.to_z(self.to_z_h(f))))
        else:
            h = torch.relu(self.from_z(self.to_z(f)))
        return self.out(self.dec(h.view(-1, CH[-1], GRID, GRID)))


def to_medad(model):
    """State dict -> medad's names and layouts. Conv [co,ci,kh,kw] and convT [ci,co,kh,kw] -> [kh,kw,*,*] (permute
    2,3,1,0 in both cases); Linear [out,in] -> [in,out], with the flattened grid in NHWC (h, w, c) order rather than
    NCHW (c, h, w): to_z's rows and from_z's columns (and bias) are permuted accordingly."""
    sd = {k: v.detach().clone() for k, v in model.state_dict().items()}
    out = {}
    c, g = CH[-1], GRID
    # index of NCHW flat position for each NHWC flat position
    nhwc_to_nchw = [ch * g * g + h * g + w for h in range(g) for w in range(g) for ch in range(c)]
    idx = torch.tensor(nhwc_to_nchw)

    def bn(prefix, name):
        out[f'{name}/bn/gamma'] = sd[f'{prefix}.weight']
        out[f'{name}/bn/beta'] = sd[f'{prefix}.bias']
        out[f'{name}/bn/moving_mean'] = sd[f'{prefix}.running_mean']
        out[f'{name}/bn/moving_var'] = sd[f'{prefix}.running_var']

    for i in range(len(CH)):
        out[f'enc{i}/kernel'] = sd[f'enc.{3 * i}.weight'].permute(2, 3, 1, 0)
        bn(f'enc.{3 * i + 1}', f'enc{i}')
    if model.hidden:
        out['to_z_h/kernel'] = sd['to_z_h.0.weight'].t()[idx]
        out['to_z_h/bias'] = sd['to_z_h.0.bias']
        bn('to_z_h.1', 'to_z_h')
        out['to_z/kernel'] = sd['to_z.weight'].t()
        out['from_z_h/kernel'] = sd['from_z_h.0.weight'].t()
        out['from_z_h/bias'] = sd['from_z_h.0.bias']
        bn('from_z_h.1', 'from_z_h')
    else:
        out['to_z/kernel'] = sd['to_z.weight'].t()[idx]
    out['to_z/bias'] = sd['to_z.bias']
    out['from_z/kernel'] = sd['from_z.weight'].t()[:, idx]
    out['from_z/bias'] = sd['from_z.bias'][idx]
    for i in range(len(CH) - 1):
        out[f'dec{i}/kernel'] = sd[f'dec.{3 * i}.weight'].permute(2, 3, 1, 0)
        bn(f'dec.{3 * i + 1}', f'dec{i}')
    out['out/kernel'] = sd['out.weight'].permute(2, 3, 1, 0)
    if not model.hidden:
        out['out/bias'] = sd['out.bias']
    # 9 significant digits round-trip a float32 exactly (and keep the file small).
    return {k: {'shape': list(v.shape), 'values': [float('%.9g' % f) for f in v.contiguous().flatten().tolist()]} for k, v in out.items()}


def batch_order():
    order, step = [], 0
    while step < STEPS:
        perm = torch.randperm(N)
        for i in range(0, N, BATCH):
            idx = perm[i:i + BATCH]
            if len(idx) < 2:
                continue
            order.append([int(j) for j in idx])
            step += 1
            if step >= STEPS:
                break
    return order


def train(m, order, dtype):
    """Adam steps in `order`; the loss per step and the eval-mode scores of the first 8 images after."""
    opt = torch.optim.Adam(m.parameters(), LR)
    x = x_all.to(dtype)
    losses = []
    m.train()
    for idx in order:
        xb = x[idx]
        loss = ((m(xb) - xb) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    m.eval()
    with torch.no_grad():
        xs = x[:8]
        scores = ((m(xs) - xs) ** 2).mean((1, 2, 3)).tolist()
    return losses, [float(s) for s in scores]


def run(hidden):
    m = AE(hidden)
    m64 = copy.deepcopy(m).double()
    mp = copy.deepcopy(m)
    gen = torch.Generator().manual_seed(7)
    init = to_medad(m)
    order = batch_order()
    # Eval-mode scores after the first EARLY steps (3 epochs), while the trajectories still agree to rounding.
    m_early = copy.deepcopy(m)
    _, scores_early = train(m_early, order[:EARLY], torch.float32)
    weights_early = to_medad(m_early)  # trained weights and running statistics: the inference path on its own
    losses, scores = train(m, order, torch.float32)
    # The same run in float64: how far float32 rounding alone moves the trajectory with PyTorch's own kernels.
    losses64, _ = train(m64, order, torch.float64)
    # The tolerance's yardstick: the same float32 run from initial weights perturbed by 3e-6 relative noise (about
    # what a different summation order does to one step). How much PyTorch itself amplifies so small a change over
    # 100 steps is what an implementation with other kernels may drift by.
    with torch.no_grad():
        for q in mp.parameters():
            q.mul_(1 + 3e-6 * torch.randn(q.shape, generator=gen))
    mp_early = copy.deepcopy(mp)
    _, scores_early_p = train(mp_early, order[:EARLY], torch.float32)
    losses_p, scores_p = train(mp, order, torch.float32)
    print('hidden', hidden, 'losses', [round(l, 5) for l in losses[:5]], '...', [round(l, 5) for l in losses[-3:]], 'scores', scores[:3])
    return dict(hidden=hidden, init=init, order=order, losses=losses, losses_f64=losses64, scores_after=scores,
                losses_perturbed=losses_p, scores_perturbed=scores_p, scores_early=scores_early,
                scores_early_perturbed=scores_early_p, weights_early=weights_early)


res = dict(
    script='ae-trajectory.py', torch=torch.__version__,
    config=dict(size=SIZE, channels=CH, latent=LATENT, batch=BATCH, steps=STEPS, lr=LR, early=EARLY),
    images=[int(v) for v in u8.flatten().tolist()], runs=[run(0), run(8)])
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ae-trajectory.json'), 'w') as f:
    json.dump(res, f, separators=(',', ':'))
    f.write('\n')
