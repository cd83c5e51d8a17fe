#!/usr/bin/env bash
# Breakwater demo: the live service end to end on this machine.
#
# Installs system packages if missing, builds the release binary, serves the bundled demo recording (Replays/demo: a
# deterministic synthetic recording with labelled faults, and each account's final repository CAR in
# Replays/demo/repos) on a free loopback port as a relay (`breakwater serve --repos`, so a chain break can resync),
# verifies it live over a WebSocket (`breakwater consume`) into a temporary database, prints `breakwater status`
# (what was verified and what was caught), checks every outcome against Replays/demo/expected.jsonl, and writes the
# audit report (`breakwater audit report --html`) to $BREAKWATER_REPORT (default .build/demo-report.html), printing
# its path.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/deps.sh
if [ -n "${BREAKWATER_BIN:-}" ]; then
    BIN=$BREAKWATER_BIN  # an already-built binary (e.g. .build/debug/breakwater)
else
    echo "==> building (release)"
    swift build -c release --product breakwater
    BIN=.build/release/breakwater
fi
DEMO=Replays/demo
if [ ! -f "$DEMO/frames.bin" ] || [ ! -d "$DEMO/repos" ]; then
    # The bundled copy was made exactly so (synth keeps real record bytes only with --repos-dir).
    echo "==> creating $DEMO with breakwater synth"
    "$BIN" synth --out "$DEMO" --repos 30 --commits 850 --seed 2026 --faults 0.05 --largest-tree 20 --repos-dir "$DEMO/repos"
fi
COUNT=$(grep -c . "$DEMO/expected.jsonl")

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "==> serving $DEMO ($COUNT events) as a relay"
"$BIN" serve "$DEMO" --repos "$DEMO/repos" --port 0 >"$WORK/serve.out" 2>"$WORK/serve.log" &
SERVER_PID=$!
URL=""
for _ in $(seq 1 200); do
    URL=$(sed -n 's/^listening on //p' "$WORK/serve.out" | head -n 1)
    [ -n "$URL" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; echo "serve failed" >&2; exit 1; }
    sleep 0.1
done
[ -n "$URL" ] || { echo "serve did not start" >&2; exit 1; }
echo "    $URL"

echo "==> consuming $URL"
"$BIN" consume --relay "$URL" --plc "${URL/ws:/http:}" --identities "$DEMO/identities.json" --db "$WORK/demo.sqlite" \
    --max-events "$COUNT" --events "$WORK/events.jsonl" --progress 1

echo
echo "==> breakwater status"
"$BIN" status --db "$WORK/demo.sqlite"

echo
echo "==> comparing with the recording's expected.jsonl"
# Compare the fields that do not depend on the connection: seq, type, did, rev, outcome, reason.
strip() { sed -e 's/^{"i": [0-9]*, //' -e 's/, "detail": .*}$/}/' "$1"; }
if diff <(strip "$DEMO/expected.jsonl") <(strip "$WORK/events.jsonl") >"$WORK/diff.txt"; then
    echo "all $COUNT outcomes match expected.jsonl"
else
    echo "outcomes differ from expected.jsonl:"
    head -n 40 "$WORK/diff.txt"
    exit 1
fi

echo
echo "==> breakwater audit report"
REPORT=${BREAKWATER_REPORT:-.build/demo-report.html}
mkdir -p "$(dirname "$REPORT")"
"$BIN" audit report --db "$WORK/demo.sqlite" --accounts 5
"$BIN" audit report --db "$WORK/demo.sqlite" --html "$REPORT" >/dev/null
echo "audit report: $(cd "$(dirname "$REPORT")" && pwd)/$(basename "$REPORT")"
