#!/usr/bin/env bash
# Breakwater demo. Installs system packages if missing, builds, and runs the main job on bundled data.
#
# Today the main job is `breakwater replay` over the bundled recordings in Replays/ (the live
# `serve` + `consume` loop arrives with issues 05/06 and will replace this): every frame is decoded,
# every commit's signature, Sync 1.1 inversion and chain are checked, and a report is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/deps.sh
echo "==> building (release)"
swift build -c release --product breakwater
BIN=.build/release/breakwater
if ! "$BIN" replay --help >/dev/null 2>&1; then
    echo "breakwater replay is not built yet: this demo can only show the inspect tools."
    "$BIN" --help
    exit 0
fi
found=0
for dir in Replays/*/; do
    [ -f "$dir/frames.bin" ] || continue
    found=1
    echo
    echo "==> replaying $dir"
    "$BIN" replay "$dir"
done
if [ "$found" = 0 ]; then
    echo "no recordings under Replays/ yet"
fi
