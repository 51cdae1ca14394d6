#!/usr/bin/env bash
# Renders the quickstart's pages in headless Chromium and saves screenshots, so a person can look at what the
# project shows without a browser window. Needs Debian's chromium (apt-get install chromium).
# Usage: tools/render-reports.sh [OUT_DIR]   (default: runs/screenshots)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/runs/screenshots}"
chrome="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "$chrome" ]]; then
  echo "render-reports: needs chromium (Debian: apt-get install chromium)" >&2
  exit 1
fi
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/bin/asynclm" quickstart --fast --out "$work/quickstart" >/dev/null 2>&1

shoot() { # page, png, height
  "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" --window-size="1100,$3" \
    --screenshot="$2" "file://$1" 2>/dev/null
  if [[ ! -s "$2" ]]; then
    echo "render-reports: no screenshot of $1" >&2
    exit 1
  fi
  echo "$2"
}
shoot "$work/quickstart/index.html" "$out/index.png" 700
shoot "$work/quickstart/latency/report.html" "$out/latency-report.png" 2600
