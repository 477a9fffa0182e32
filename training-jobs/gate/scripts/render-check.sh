#!/usr/bin/env bash
# Renders a gate report in headless Chromium and writes a screenshot.
#   render-check.sh REPORT.html [SCREENSHOT.png]
# Installs Debian's chromium when it is missing and INSTALL_CHROMIUM=1 (needs root / apt).
set -euo pipefail
report=${1:?usage: render-check.sh REPORT.html [SCREENSHOT.png]}
shot=${2:-${report%.html}.png}
bin=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$bin" && "${INSTALL_CHROMIUM:-0}" == 1 ]]; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  bin=$(command -v chromium)
fi
if [[ -z "$bin" ]]; then
  echo "render-check: chromium not found (apt-get install -y chromium, or INSTALL_CHROMIUM=1)" >&2
  exit 3
fi
abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
rm -f "$shot"
timeout 120 "$bin" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --disable-dev-shm-usage \
  --screenshot="$shot" --window-size=1200,1600 "file://$abs" >/dev/null 2>&1 || true
if [[ ! -s "$shot" ]]; then
  echo "render-check: no screenshot written for $report" >&2
  exit 1
fi
echo "render-check: $shot ($(stat -c %s "$shot") bytes)"
