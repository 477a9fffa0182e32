#!/usr/bin/env bash
# Fetches the npm package vega-datasets (real US flight delays, 2001) into bench/target/vega-datasets
# and unpacks its flights files. Idempotent: does nothing when the pinned version is already there.
# Usage: bench/scripts/fetch-vega-datasets.sh   (prints the path of flights-3m.parquet)
# Env: VEGA_DATASETS_VERSION (default 3.2.1), VEGA_DATASETS_DIR (default bench/target/vega-datasets).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VERSION="${VEGA_DATASETS_VERSION:-3.2.1}"
DEST="${VEGA_DATASETS_DIR:-$ROOT/bench/target/vega-datasets}"
PARQUET="$DEST/package/data/flights-3m.parquet"

if [[ -f "$PARQUET" && -f "$DEST/VERSION" && "$(cat "$DEST/VERSION")" == "$VERSION" ]]; then
  echo "$PARQUET"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is required (npm pack vega-datasets@$VERSION)" >&2; exit 1; }
mkdir -p "$DEST"
cd "$DEST"
rm -rf package "vega-datasets-$VERSION.tgz"
# npm pack downloads the published tarball and checks it against the registry's integrity hash.
TGZ="$(npm pack "vega-datasets@$VERSION" --silent | tail -n 1)"
tar -xzf "$TGZ" --wildcards 'package/package.json' 'package/README.md' 'package/data/flights-*'
rm -f "$TGZ"
echo "$VERSION" > VERSION
echo "$PARQUET"
