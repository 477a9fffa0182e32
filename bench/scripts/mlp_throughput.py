#!/usr/bin/env python3
"""PyTorch-Python twin of io.driftgate.bench.train.MlpThroughput.

Same network (Linear(in,h1)-ReLU-...-Linear(hk,1)), loss (BCEWithLogits, mean), optimizer (SGD
momentum 0.9, lr 0.05), batch size, threads, epochs and data (the raw file the Java side wrote),
and the same loop shape as the trainer's Fitter: a seeded shuffle per epoch, a gather of each
mini-batch, forward, backward, step, and the batch loss read back to the host (loss.item()).
A trailing batch of one row is skipped, as the Fitter does. One warm-up epoch, then the timed ones.
Besides wall time, each epoch's CPU time of the training thread is recorded (time.thread_time):
with one thread it is the epoch's compute, less sensitive than wall time to a busy machine.
"""
import argparse
import json
import struct
import sys
import time

import numpy as np
import torch

MAGIC = 0x42544744


def load(path):
    with open(path, "rb") as f:
        magic, rows, cols = struct.unpack("<iii", f.read(12))
        if magic != MAGIC:
            sys.exit(f"{path}: not a driftgate bench data file")
        data = np.fromfile(f, dtype="<f4", count=rows * cols + rows)
    x = data[: rows * cols].reshape(rows, cols)
    y = data[rows * cols :].reshape(rows, 1)
    return torch.from_numpy(x.copy()), torch.from_numpy(y.copy())


def blas():
    """The BLAS library this process mapped (Debian's torch links whichever libblas.so.3 the
    alternatives system points at: the reference one is several times slower than OpenBLAS)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower()}
        return ",".join(sorted(l.rsplit("/", 2)[-2] + "/" + l.rsplit("/", 1)[-1] for l in libs))
    except OSError:
        return "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="bench/target/train-data.bin")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--hidden", default="64,32")
    ap.add_argument("--epochs", type=int, default=3, help="timed epochs after one warm-up")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default="bench/target/train-python.json")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(a.seed)
    x, y = load(a.data)
    rows, cols = x.shape
    layers, width = [], cols
    for h in [int(v) for v in a.hidden.split(",") if v.strip()]:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, 1))
    model = torch.nn.Sequential(*layers)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    gen = torch.Generator().manual_seed(a.seed)

    millis, cpu_millis, losses = [], [], []
    for epoch in range(1 + a.epochs):
        start = time.perf_counter()
        cpu_start = time.thread_time()
        order = torch.randperm(rows, generator=gen)
        total, seen = 0.0, 0
        for lo in range(0, rows, a.batch):
            idx = order[lo : lo + a.batch]
            if len(idx) < 2:
                continue
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            seen += len(idx)
        millis.append((time.perf_counter() - start) * 1000)
        cpu_millis.append((time.thread_time() - cpu_start) * 1000)
        losses.append(total / seen)
        print(f"epoch {epoch + 1}: {millis[-1]:.0f} ms (thread CPU {cpu_millis[-1]:.0f} ms), "
              f"train loss {losses[-1]:.4f}"
              + (" (warm-up)" if epoch == 0 else ""))
    timed = sum(millis[1:]) / 1000
    sps = seen * a.epochs / timed
    sps_median = seen / (float(np.median(millis[1:])) / 1000)
    sps_cpu = seen * a.epochs / (sum(cpu_millis[1:]) / 1000)
    print(f"PyTorch {torch.__version__} (Python {sys.version.split()[0]}), {a.threads} thread(s): "
          f"{sps:.0f} samples/s over {a.epochs} epoch(s) ({timed:.2f} s); "
          f"median epoch: {sps_median:.0f} samples/s; per thread-CPU second: {sps_cpu:.0f} samples/s; "
          f"BLAS: {blas()}")
    with open(a.out, "w") as f:
        json.dump({"side": "pytorch", "torch": torch.__version__, "rows": rows, "cols": cols,
                   "batch": a.batch, "hidden": a.hidden, "epochs": a.epochs,
                   "threads": a.threads, "seed": a.seed, "epoch_millis": millis,
                   "train_loss": losses, "samples_per_sec": sps,
                   "samples_per_sec_median_epoch": sps_median, "epoch_cpu_millis": cpu_millis,
                   "samples_per_cpu_sec": sps_cpu, "blas": blas()}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
