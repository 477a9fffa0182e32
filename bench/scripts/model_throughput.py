#!/usr/bin/env python3
"""PyTorch-Python twins of io.driftgate.bench.train.ModelThroughput: ResNet-18 images/s and the
BERT encoder's tokens/s, training steps (forward, loss, backward, SGD momentum step, loss read
back) on the CPU with the same shapes, batch, threads and seeded random inputs as the DJL side.

The networks mirror what driftgate builds with DJL, layer for layer:
- resnet18: ModelFactory.resnet18 (DJL ResNetV1 basic units [2, 2, 2, 2], 64-512 filters; under
  32 pixels a bare 3x3 stem without down-sampling, else 7x7/2 conv-BN-ReLU-maxpool), global average
  pool, linear head; softmax cross-entropy over 10 classes.
- bert: trainer.text.BertClassifier (DJL BertBlock: token + type + position embeddings, BatchNorm
  over the embedding axis, dropout 0.1; per block scaled dot-product self-attention with Q/K/V and
  output projections, dropout, residual, BatchNorm, GELU feed-forward of 4x width, dropout, the
  block input added again, BatchNorm; DJL's pooler on position 1 is computed as DJL does), mean over
  the non-padding positions, linear head; softmax cross-entropy.
Timed: `steps` steps after `warmup`, wall clock and the training thread's CPU time.
"""
import argparse
import json
import math
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F


class Unit(nn.Module):
    def __init__(self, cin, cout, stride, dim_match):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout, eps=1e-5),
            nn.ReLU(), nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout, eps=1e-5))
        self.short = nn.Identity() if dim_match else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout, eps=1e-5))

    def forward(self, x):
        return F.relu(self.body(x) + self.short(x))


def resnet18(channels, size, classes):
    filters = [64, 128, 256, 512]
    layers = []
    if size < 32:
        layers.append(nn.Conv2d(channels, 64, 3, 1, 1, bias=False))
    else:
        layers += [nn.Conv2d(channels, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                   nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for stage, f in enumerate(filters):
        stride = 1 if stage == 0 else 2
        layers.append(Unit(cin, f, stride, stage == 0))
        layers.append(Unit(f, f, 1, True))
        cin = f
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, classes)]
    return nn.Sequential(*layers)


class AxisNorm(nn.Module):
    """DJL BatchNorm(axis 2) on (B, L, E): statistics per embedding feature."""

    def __init__(self, e):
        super().__init__()
        self.bn = nn.BatchNorm1d(e, eps=1e-5, momentum=0.1)

    def forward(self, x):
        return self.bn(x.transpose(1, 2)).transpose(1, 2)


class EncoderBlock(nn.Module):
    def __init__(self, e, heads, hidden, p):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(e, e) for _ in range(4))
        self.drop_probs, self.drop_att, self.drop_ff = nn.Dropout(p), nn.Dropout(p), nn.Dropout(p)
        self.norm1, self.norm2 = AxisNorm(e), AxisNorm(e)
        self.ff1, self.ff2 = nn.Linear(e, hidden), nn.Linear(hidden, e)

    def forward(self, x, offset):
        b, l, e = x.shape
        h = e // self.heads

        def split(t):
            return t.reshape(b, l, self.heads, h).transpose(1, 2)

        scores = split(self.q(x)) @ split(self.k(x)).transpose(2, 3) * (1 / math.sqrt(h))
        probs = self.drop_probs(torch.softmax(scores + offset, dim=-1))
        att = self.o((probs @ split(self.v(x))).transpose(1, 2).reshape(b, l, e))
        n = self.norm1(self.drop_att(att) + x)
        ff = self.drop_ff(self.ff2(F.gelu(self.ff1(n))))
        return self.norm2(ff + x)  # DJL adds the block input, not n


class Bert(nn.Module):
    def __init__(self, vocab, length, e, layers, heads, outputs, p=0.1):
        super().__init__()
        self.tok, self.typ = nn.Embedding(vocab, e), nn.Embedding(2, e)
        self.pos = nn.Parameter(torch.randn(length, e) * 0.02)
        self.norm, self.drop = AxisNorm(e), nn.Dropout(p)
        self.blocks = nn.ModuleList(EncoderBlock(e, heads, 4 * e, p) for _ in range(layers))
        self.pooler = nn.Linear(e, e)
        self.head = nn.Linear(e, outputs)

    def forward(self, ids):
        mask = ids.ne(0)
        x = self.drop(self.norm(self.tok(ids) + self.typ(torch.zeros_like(ids)) + self.pos))
        m = mask.float()
        offset = ((m[:, None, :] * m[:, :, None]) * -1 + 1).mul(-100000.0)[:, None]
        for blk in self.blocks:
            x = blk(x, offset)
        torch.tanh(self.pooler(x[:, 1, :]))  # DJL's pooled output: computed, unused
        w = m.unsqueeze(2)
        return self.head((x * w).sum(1) / w.sum(1).clamp(min=1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["resnet18", "bert"], required=True)
    ap.add_argument("--size", type=int, default=32, help="resnet18: image side")
    ap.add_argument("--channels", type=int, default=3)
    ap.add_argument("--length", type=int, default=64, help="bert: tokens per sample")
    ap.add_argument("--vocab", type=int, default=2000)
    ap.add_argument("--embedding", type=int, default=128)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(a.seed)
    classes = 10 if a.model == "resnet18" else 2
    if a.model == "resnet18":
        model = resnet18(a.channels, a.size, classes)
        x = torch.randn(a.batch, a.channels, a.size, a.size)
        unit, per_sample = "images", 1
    else:
        model = Bert(a.vocab, a.length, a.embedding, a.layers, a.heads, classes)
        x = torch.randint(1, a.vocab, (a.batch, a.length))
        x[a.batch // 2:, a.length * 3 // 4:] = 0  # half the rows padded, as real text is
        unit, per_sample = "tokens", a.length
    y = torch.randint(0, classes, (a.batch,))
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    wall = cpu = 0.0
    last = float("nan")
    for step in range(a.warmup + a.steps):
        if step == a.warmup:
            wall, cpu = time.perf_counter(), time.thread_time()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        last = loss.item()
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    done = a.batch * per_sample * a.steps
    res = {"side": "pytorch", "torch": torch.__version__, "model": a.model, "batch": a.batch,
           "threads": a.threads, "steps": a.steps, "unit": unit, "per_sec": done / wall,
           "per_cpu_sec": done / cpu, "wall_sec": wall, "last_loss": last}
    res.update({"size": a.size, "channels": a.channels} if a.model == "resnet18" else
               {"length": a.length, "vocab": a.vocab, "embedding": a.embedding,
                "layers": a.layers, "heads": a.heads})
    print(f"PyTorch {torch.__version__} {a.model}: {res['per_sec']:.1f} {unit}/s "
          f"({a.steps} steps in {wall:.2f} s; per thread-CPU second {res['per_cpu_sec']:.1f}), "
          f"last loss {last:.3f}")
    if a.out:
        with open(a.out, "w") as f:
            json.dump(res, f)
            f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
