#!/usr/bin/env bash
# Device check, run from the repository root on a GPU machine with the bundle from
# scripts/gpu-bundle.sh: prints what the machine has, then trains the MLP, CNN and ResNet-18
# (GpuSmoke) on every GPU DJL finds, using a CUDA libtorch already installed there (the PyTorch
# of a Python install). Set PYTORCH_LIBRARY_PATH (+ PYTORCH_VERSION, PYTORCH_FLAVOR) to choose
# another one. The device tool copies the main checkout: build the bundle there.
set -uo pipefail
B=training-jobs/trainer/target/gpu
nvidia-smi -L || true
JAVA="$(command -v java || echo "$B/jre/bin/java")"
"$JAVA" -version 2>&1 | head -1
if [[ -z "${PYTORCH_LIBRARY_PATH:-}" ]]; then
  for py in python3 python; do
    command -v "$py" >/dev/null || continue
    info="$("$py" -c 'import torch, os; print(os.path.dirname(torch.__file__) + "/lib", torch.__version__, torch.version.cuda)' 2>/dev/null)" || continue
    echo "python torch: $info"
    export PYTORCH_LIBRARY_PATH="${info%% *}"
    v="$(echo "$info" | awk '{print $2}')"
    export PYTORCH_VERSION="${v%%+*}"
    c="$(echo "$info" | awk '{print $3}')"
    export PYTORCH_FLAVOR="cu${c//./}"
    break
  done
fi
if [[ -z "${PYTORCH_LIBRARY_PATH:-}" ]]; then
  echo "no CUDA libtorch found (no python torch); looking for libtorch_cuda.so:"
  find / -xdev -name 'libtorch_cuda.so' 2>/dev/null | head -5
  exit 3
fi
# DJL 0.36's JNI (pytorch-jni 2.7.1-0.36.0, flavors cpu and cu128) only loads libtorch 2.7.1.
if [[ "$PYTORCH_VERSION" != "2.7.1" ]]; then
  echo "libtorch $PYTORCH_VERSION ($PYTORCH_FLAVOR) found; DJL 0.36 needs 2.7.1 (cu128): install" \
    "torch==2.7.1+cu128 or ship ai.djl.pytorch:pytorch-native-cu128:2.7.1 in the image" >&2
  exit 4
fi
echo "PYTORCH_LIBRARY_PATH=$PYTORCH_LIBRARY_PATH PYTORCH_VERSION=$PYTORCH_VERSION PYTORCH_FLAVOR=$PYTORCH_FLAVOR"
export LD_LIBRARY_PATH="$PYTORCH_LIBRARY_PATH:${LD_LIBRARY_PATH:-}"
exec "$JAVA" -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
  -cp "$B/classes:$B/test-classes:$B/lib/*" io.driftgate.trainer.GpuSmoke run "$B/mnist.bin"
