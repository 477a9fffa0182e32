#!/usr/bin/env bash
# Training throughput, DJL vs PyTorch-Python (Debian python3-torch) on the CPU, same networks,
# shapes, batch, threads and data: the tabular MLP through driftgate's own trainer loop
# (samples/s), then ResNet-18 (images/s) and the BERT text encoder (tokens/s) training steps.
# Usage (from anywhere):
#   bench/scripts/train-bench.sh [--rows N] [--batch B] [--hidden 64,32] [--epochs E]
#                                [--threads T] [--seed S] [--no-resnet] [--no-bert] [--no-mlp]
#                                [--image-size 32] [--image-batch 16] [--text-length 64]
#                                [--text-batch 16] [--steps 10] [--repeat 1] [--concurrent]
# Each side reports wall-clock rates and rates per second of the training thread's CPU time; on a
# busy machine the CPU-time ratio is the steadier one (run it several times, take the median).
# Installs python3-torch and OpenBLAS (libopenblas0-openmp: Debian's torch uses whichever
# libblas.so.3 is selected, and the reference BLAS would make the peer several times slower)
# with apt-get when missing (needs root).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
ROWS=50000 BATCH=256 HIDDEN=64,32 EPOCHS=3 THREADS=1 SEED=7 RESNET=1 BERT=1 MLP=1
IMAGE_SIZE=32 IMAGE_BATCH=16 TEXT_LENGTH=64 TEXT_BATCH=16 STEPS=10 REPEAT=1 CONCURRENT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --hidden) HIDDEN="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --no-resnet) RESNET=0; shift ;;
    --no-bert) BERT=0; shift ;;
    --no-mlp) MLP=0; shift ;;
    --image-size) IMAGE_SIZE="$2"; shift 2 ;;
    --image-batch) IMAGE_BATCH="$2"; shift 2 ;;
    --text-length) TEXT_LENGTH="$2"; shift 2 ;;
    --text-batch) TEXT_BATCH="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --concurrent) CONCURRENT=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# Debian's torch lives in the system interpreter, not in a pyenv/venv one.
PY=/usr/bin/python3
if ! "$PY" -c 'import torch, numpy' 2>/dev/null || \
  ! ls /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3 >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "python3-torch or OpenBLAS is missing; run as root or:" \
      "apt-get install python3-torch libopenblas0-openmp" >&2
    exit 1
  fi
  echo "installing python3-torch and libopenblas0-openmp ..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch \
    libopenblas0-openmp >&2
fi
mkdir -p bench/target
export OMP_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS"

# One MLP pair: DJL (the trainer's Fitter.fit) and PyTorch-Python on the same data file. With
# --concurrent the Python side starts as soon as the Java side has written the data, so both train
# on the same machine state (the steadier ratio on a shared machine); else one after the other.
mlp_pair() {
  local run="$1"
  local data=bench/target/train-data.bin java_out="bench/target/train-java-$run.json"
  local python_out="bench/target/train-python-$run.json"
  local load_before
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== MLP pair $run/$REPEAT ($([ "$CONCURRENT" = 1 ] && echo concurrent || echo sequential)), load average $load_before =="
  rm -f "$data" "$java_out" "$python_out"
  bench/run train.MlpThroughput --rows "$ROWS" --batch "$BATCH" --hidden "$HIDDEN" \
    --epochs "$EPOCHS" --threads "$THREADS" --seed "$SEED" --data "$data" --out "$java_out" \
    > >(sed -u 's/^/DJL: /') 2>&1 &
  local java_pid=$!
  if [ "$CONCURRENT" = 1 ]; then
    while [ ! -f "$data" ]; do
      if ! kill -0 "$java_pid" 2>/dev/null; then
        wait "$java_pid" || true
        echo "the DJL side ended before writing $data" >&2
        exit 1
      fi
      sleep 0.2
    done
  else
    wait "$java_pid"
  fi
  "$PY" bench/scripts/mlp_throughput.py --data "$data" --batch "$BATCH" --hidden "$HIDDEN" \
    --epochs "$EPOCHS" --threads "$THREADS" --seed "$SEED" --out "$python_out" 2>&1 \
    | sed -u 's/^/PyTorch: /'
  wait "$java_pid"
  export BENCH_SKIP_BUILD=1 # built once per script run
  "$PY" - "$java_out" "$python_out" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    >> bench/target/train-mlp-pairs.tsv <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1]))
p = json.load(open(sys.argv[2]))
r = j["samples_per_sec"] / p["samples_per_sec"]
rm = j["samples_per_sec_median_epoch"] / p["samples_per_sec_median_epoch"]
rc = j["samples_per_cpu_sec"] / p["samples_per_cpu_sec"]
jw, pw = sum(j["epoch_millis"][1:]) / 1000, sum(p["epoch_millis"][1:]) / 1000
print(f"== MLP {j['rows']}x{j['cols']}, hidden {j['hidden']}, batch {j['batch']}, "
      f"{j['threads']} thread(s), {j['epochs']} timed epoch(s) ==", file=sys.stderr)
print(f"DJL {j['djl']} ({j['engine']}): {j['samples_per_sec']:.0f} samples/s "
      f"(median epoch {j['samples_per_sec_median_epoch']:.0f}; {j['samples_per_cpu_sec']:.0f} per "
      f"thread-CPU s; timed {jw:.1f} s)", file=sys.stderr)
print(f"PyTorch {p['torch']} (Python): {p['samples_per_sec']:.0f} samples/s "
      f"(median epoch {p['samples_per_sec_median_epoch']:.0f}; {p['samples_per_cpu_sec']:.0f} per "
      f"thread-CPU s; timed {pw:.1f} s; BLAS {p.get('blas')})", file=sys.stderr)
print(f"ratio DJL/PyTorch: {r:.2f} over all timed epochs, {rm:.2f} on median epochs, "
      f"{rc:.2f} per thread-CPU second; load average {sys.argv[3]} -> {sys.argv[4]}",
      file=sys.stderr)
if min(jw, pw) < 5:
    print(f"note: a side ran {min(jw, pw):.1f} s (< 5 s); use more --rows or --epochs",
          file=sys.stderr)
print(f"{r:.4f}\t{rm:.4f}\t{rc:.4f}\t{jw:.2f}\t{pw:.2f}\t{sys.argv[3]}\t{sys.argv[4]}")
PYEOF
}

if [ "$MLP" = 1 ]; then
  rm -f bench/target/train-mlp-pairs.tsv
  for run in $(seq 1 "$REPEAT"); do
    mlp_pair "$run"
  done
  if [ "$REPEAT" -gt 1 ]; then
    "$PY" - <<'PYEOF'
import statistics
rows = [line.split("\t") for line in open("bench/target/train-mlp-pairs.tsv")]
for i, name in enumerate(["over all timed epochs", "on median epochs", "per thread-CPU second"]):
    v = [float(r[i]) for r in rows]
    print(f"MLP ratio DJL/PyTorch {name}: median {statistics.median(v):.2f} of "
          + ", ".join(f"{x:.2f}" for x in v))
PYEOF
  fi
fi

# ResNet-18 images/s and BERT-encoder tokens/s, one side then the other, same arguments.
model_pair() {
  local model="$1"; shift
  echo "== $model: DJL =="
  bench/run train.ModelThroughput --model "$model" "$@" --out "bench/target/$model-java.json"
  echo "== $model: PyTorch-Python =="
  "$PY" bench/scripts/model_throughput.py --model "$model" "$@" \
    --out "bench/target/$model-python.json"
  "$PY" - "$model" <<'PYEOF'
import json, sys
m = sys.argv[1]
j = json.load(open(f"bench/target/{m}-java.json"))
p = json.load(open(f"bench/target/{m}-python.json"))
print(f"== {m}: DJL {j['per_sec']:.1f} vs PyTorch {p['per_sec']:.1f} {j['unit']}/s: ratio "
      f"{j['per_sec'] / p['per_sec']:.2f} wall, {j['per_cpu_sec'] / p['per_cpu_sec']:.2f} per "
      f"thread-CPU second ==")
PYEOF
}
if [ "$RESNET" = 1 ]; then
  model_pair resnet18 --size "$IMAGE_SIZE" --batch "$IMAGE_BATCH" --warmup 2 --steps "$STEPS" \
    --threads "$THREADS" --seed "$SEED"
fi
if [ "$BERT" = 1 ]; then
  model_pair bert --length "$TEXT_LENGTH" --batch "$TEXT_BATCH" --warmup 2 --steps "$STEPS" \
    --threads "$THREADS" --seed "$SEED"
fi
