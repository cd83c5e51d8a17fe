#!/usr/bin/env bash
# Renders an audit report in headless Chromium and writes a PNG screenshot.
#
#   Scripts/report-screenshot.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
#
# Without REPORT.html it makes one: a synth recording with faults on two of six PDS hosts, replayed into a
# temporary database, then `breakwater audit report --html`. Needs Debian's `chromium` package
# (`apt-get install -y chromium`; installed here when missing). BREAKWATER_BIN picks the binary
# (default .build/debug/breakwater). Prints the PNG path.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BREAKWATER_BIN:-.build/debug/breakwater}
REPORT=${1:-}
OUT=${2:-.build/audit-report.png}
SIZE=${3:-1280x2400}

if ! command -v chromium >/dev/null 2>&1; then
    echo "==> installing chromium" >&2
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -z "$REPORT" ]; then
    [ -x "$BIN" ] || { echo "no breakwater binary at $BIN (swift build first)" >&2; exit 1; }
    "$BIN" synth --out "$WORK/rec" --repos 40 --commits 600 --seed 2026 --faults 0.08 --hosts 6 --fault-hosts 2 \
        --largest-tree 20 2>/dev/null
    "$BIN" replay "$WORK/rec" --db "$WORK/audit.sqlite" >/dev/null
    REPORT="$WORK/report.html"
    "$BIN" audit report --db "$WORK/audit.sqlite" --html "$REPORT" >/dev/null
fi
mkdir -p "$(dirname "$OUT")"
OUT_ABS="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-dev-shm-usage \
    --user-data-dir="$WORK/profile" --window-size="${SIZE/x/,}" --screenshot="$OUT_ABS" "file://$(cd "$(dirname "$REPORT")" && pwd)/$(basename "$REPORT")" \
    >"$WORK/chromium.log" 2>&1 || { cat "$WORK/chromium.log" >&2; exit 1; }
[ -s "$OUT_ABS" ] || { echo "no screenshot written" >&2; cat "$WORK/chromium.log" >&2; exit 1; }
echo "$OUT_ABS"
