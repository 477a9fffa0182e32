#!/usr/bin/env bash
# Training throughput: the tabular MLP through driftgate's DJL trainer vs the same network, data,
# batch size, threads and epochs in PyTorch-Python (Debian python3-torch), then ResNet-18 images/s
# on the CPU for reference. Usage (from anywhere):
#   bench/scripts/train-bench.sh [--rows N] [--batch B] [--hidden 64,32] [--epochs E]
#                                [--threads T] [--seed S] [--no-resnet]
# Installs python3-torch with apt-get when /usr/bin/python3 cannot import torch (needs root).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
ROWS=50000 BATCH=256 HIDDEN=64,32 EPOCHS=3 THREADS=1 SEED=7 RESNET=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --hidden) HIDDEN="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --no-resnet) RESNET=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# Debian's torch lives in the system interpreter, not in a pyenv/venv one.
PY=/usr/bin/python3
if ! "$PY" -c 'import torch, numpy' 2>/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "python3-torch is missing; run as root or: apt-get install python3-torch" >&2
    exit 1
  fi
  echo "installing python3-torch ..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >&2
fi
mkdir -p bench/target
export OMP_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS"

echo "== DJL (driftgate trainer, Fitter.fit) =="
bench/run train.MlpThroughput --rows "$ROWS" --batch "$BATCH" --hidden "$HIDDEN" \
  --epochs "$EPOCHS" --threads "$THREADS" --seed "$SEED" \
  --data bench/target/train-data.bin --out bench/target/train-java.json

echo "== PyTorch-Python =="
"$PY" bench/scripts/mlp_throughput.py --data bench/target/train-data.bin --batch "$BATCH" \
  --hidden "$HIDDEN" --epochs "$EPOCHS" --threads "$THREADS" --seed "$SEED" \
  --out bench/target/train-python.json

"$PY" - <<'PYEOF'
import json
j = json.load(open("bench/target/train-java.json"))
p = json.load(open("bench/target/train-python.json"))
r = j["samples_per_sec"] / p["samples_per_sec"]
rm = j["samples_per_sec_median_epoch"] / p["samples_per_sec_median_epoch"]
print(f"== MLP {j['rows']}x{j['cols']}, hidden {j['hidden']}, batch {j['batch']}, "
      f"{j['threads']} thread(s), {j['epochs']} timed epoch(s) ==")
print(f"DJL {j['djl']} ({j['engine']}): {j['samples_per_sec']:.0f} samples/s "
      f"(median epoch {j['samples_per_sec_median_epoch']:.0f})")
print(f"PyTorch {p['torch']} (Python): {p['samples_per_sec']:.0f} samples/s "
      f"(median epoch {p['samples_per_sec_median_epoch']:.0f})")
print(f"ratio DJL/PyTorch: {r:.2f} over all timed epochs, {rm:.2f} on median epochs "
      f"(target >= 0.8: {'met' if min(r, rm) >= 0.8 else 'NOT met'})")
PYEOF

if [ "$RESNET" = 1 ]; then
  echo "== ResNet-18 on the CPU (reference) =="
  bench/run train.ResNetThroughput --sizes 32,28 --batch 16 --warmup 2 --steps 5 \
    --threads "$THREADS" --seed "$SEED"
fi
