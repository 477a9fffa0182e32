#!/usr/bin/env bash
# Packs what scripts/gpu-check.sh needs on a GPU machine without network or Maven into
# target/gpu (about 45 MB): the trainer's classes, the DJL jars without the CPU libtorch (the GPU
# machine brings its own CUDA libtorch), a jlink'd Java runtime and an MNIST subset.
# Run after `./mvnw -pl training-jobs/trainer test-compile`.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/target/gpu"
rm -rf "$OUT" && mkdir -p "$OUT/lib"
(cd "$ROOT" && ./mvnw -B -q -pl training-jobs/trainer dependency:build-classpath \
  -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=runtime)
# Only what the training loop needs (no Parquet/Hadoop: GpuSmoke does not read a lake).
tr ':' '\n' < "$OUT/cp.txt" \
  | grep -E '/(api|model-zoo|pytorch-engine|pytorch-jni|gson|jna|commons-compress|commons-io|slf4j-api|slf4j-simple|jackson-[a-z]+|driftgate-core)-[0-9][^/]*\.jar$' \
  | while read -r jar; do cp "$jar" "$OUT/lib/"; done
rm "$OUT/cp.txt"
cp -r "$HERE/target/classes" "$OUT/classes"
cp -r "$HERE/target/test-classes" "$OUT/test-classes"
rm -rf "$OUT/test-classes/mnist"
CP="$(cd "$ROOT" && ./mvnw -B -q -pl training-jobs/trainer dependency:build-classpath \
  -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)"
(cd "$HERE" && java -cp "target/classes:target/test-classes:$CP" io.driftgate.trainer.GpuSmoke \
  export "$OUT/mnist.bin")
jlink --add-modules java.base,java.logging,java.management,java.xml,java.sql,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$OUT/jre"
du -sh "$OUT"
