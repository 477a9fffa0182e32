#!/usr/bin/env bash
# Downloads the CUDA libtorch that the GPU trainer image bakes in (deploy/libtorch/cu128.lock:
# PyTorch 2.7.1 cu128, the build DJL 0.36 loads), verifies its SHA-256 against the pin and unpacks
# its lib/ into OUT (default target/libtorch/lib, what `-Plibtorch` puts at /opt/libtorch/lib).
# LIBTORCH_SHA256 in the environment may only repeat the pin (or stand in for a missing one).
#   deploy/scripts/fetch-libtorch.sh [OUT]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCK="$ROOT/deploy/libtorch/cu128.lock"
OUT="${1:-$ROOT/target/libtorch/lib}"

url="$(sed -n 's/^url=//p' "$LOCK")"
pinned="$(sed -n 's/^sha256=//p' "$LOCK")"
sha="${LIBTORCH_SHA256:-$pinned}"
if [[ "$pinned" =~ ^[0-9a-f]{64}$ && "$sha" != "$pinned" ]]; then
  echo "fetch-libtorch: LIBTORCH_SHA256 differs from the pin in deploy/libtorch/cu128.lock;" \
    "change the lock file (url and sha256 together) instead" >&2
  exit 1
fi
if [[ ! "$sha" =~ ^[0-9a-f]{64}$ ]]; then
  echo "fetch-libtorch: no SHA-256 pinned for $url (deploy/libtorch/cu128.lock sha256=, or" \
    "LIBTORCH_SHA256): refusing to bake an unverified libtorch" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
curl --fail --location --retry 3 --silent --show-error -o "$work/libtorch.zip" "$url"
echo "$sha  $work/libtorch.zip" | sha256sum --check --strict -
unzip -q "$work/libtorch.zip" 'libtorch/lib/*' -d "$work"
mkdir -p "$OUT"
cp -a "$work/libtorch/lib/." "$OUT/"
for lib in libtorch.so libtorch_cuda.so libc10_cuda.so; do
  [[ -f "$OUT/$lib" ]] || { echo "fetch-libtorch: $lib missing from the archive" >&2; exit 1; }
done
echo "fetch-libtorch: $(find "$OUT" -maxdepth 1 -name '*.so*' | wc -l) libraries in $OUT"
