#!/usr/bin/env bash
# GPU check of the GPU trainer image's libtorch (issue 14), for a machine with an NVIDIA GPU and
# driver: trains the tabular MLP, a CNN and ResNet-18 (GpuSmoke) with the CUDA libtorch the image
# bakes in, and prints the device DJL uses and the throughput (rows/s, images/s). It fails when DJL
# sees no GPU (DRIFTGATE_GPUS_REQUIRED=1, the trainer's GpuGuard), exactly as a training pod that
# requested nvidia.com/gpu would; it never falls back to the CPU. Not part of CI (no GPU there).
#   Inside the GPU trainer image: libtorch at /opt/libtorch/lib (PYTORCH_LIBRARY_PATH).
#   Elsewhere: deploy/scripts/fetch-libtorch.sh first (target/libtorch/lib, checksum-pinned in
#   deploy/libtorch/cu128.lock), and training-jobs/trainer/scripts/gpu-bundle.sh for the classes.
#   deploy/scripts/gpu-check.sh [BUNDLE_DIR]   (default training-jobs/trainer/target/gpu)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUNDLE="${1:-$ROOT/training-jobs/trainer/target/gpu}"

if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L; then
  echo "gpu-check: no NVIDIA GPU or driver on this machine (nvidia-smi); nothing to check" >&2
  exit 2
fi

libtorch="${PYTORCH_LIBRARY_PATH:-}"
if [[ -z "$libtorch" ]]; then
  for dir in /opt/libtorch/lib "$ROOT/target/libtorch/lib"; do
    if [[ -f "$dir/libtorch_cuda.so" ]]; then libtorch="$dir"; break; fi
  done
fi
if [[ -z "$libtorch" || ! -f "$libtorch/libtorch_cuda.so" ]]; then
  echo "gpu-check: no CUDA libtorch (libtorch_cuda.so) in /opt/libtorch/lib or target/libtorch/lib:" \
    "run deploy/scripts/fetch-libtorch.sh" >&2
  exit 3
fi
if [[ ! -d "$BUNDLE/classes" || ! -f "$BUNDLE/mnist.bin" ]]; then
  echo "gpu-check: no bundle at $BUNDLE: run training-jobs/trainer/scripts/gpu-bundle.sh" >&2
  exit 3
fi

# The image's settings: DJL 0.36 with PyTorch 2.7.1 cu128 from the baked directory, offline.
export PYTORCH_LIBRARY_PATH="$libtorch" PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128
export DRIFTGATE_GPUS_REQUIRED=1
export LD_LIBRARY_PATH="$libtorch:/usr/local/nvidia/lib64:${LD_LIBRARY_PATH:-}"
java_bin="$(command -v java || echo "$BUNDLE/jre/bin/java")"
echo "gpu-check: libtorch $libtorch; $("$java_bin" -version 2>&1 | head -1)"
exec "$java_bin" -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
  -cp "$BUNDLE/classes:$BUNDLE/test-classes:$BUNDLE/lib/*" io.driftgate.trainer.GpuSmoke run \
  "$BUNDLE/mnist.bin" "${GPU_CHECK_MODE:-full}"
