#!/usr/bin/env bash
# Installs the real corpora of the image and text examples from Debian's packages, once:
#   dataset-fashion-mnist  -> /usr/share/datasets/fashion-mnist/*-idx?-ubyte.gz (70,000 images)
#   wordnet-base           -> /usr/share/wordnet/data.{noun,verb,adj,adv} (117,659 glosses)
# Both install offline from the Debian mirror; deploy/scripts/validate.sh (CI) calls this script.
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
echo "datasets: fashion-mnist and wordnet present"
