#!/usr/bin/env bash
# Measures `mirror import` and `mirror export` (records/s, peak RSS via /usr/bin/time -v) on calabro.car and on a
# synthetic repository of N records (default 1,000,000) made with `breakwater synth --largest-tree`.
# Usage: Scripts/bench-mirror.sh [debug|release] [RECORDS]   (the binary must be built; work files in $TMPDIR)
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG="${1:-release}"
RECORDS="${2:-1000000}"
BIN=".build/$CONFIG/breakwater"
[ -x "$BIN" ] || { echo "build first: swift build -c $CONFIG --product breakwater" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
VECTORS="${BREAKWATER_VECTORS:-Tests/Vectors}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/bw-bench-mirror.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

measure() {  # label records command...
    local label="$1" records="$2"; shift 2
    /usr/bin/time -v "$@" >"$WORK/out" 2>"$WORK/time" || { cat "$WORK/time" >&2; exit 1; }
    local seconds rss
    if [ "$records" = auto ]; then
        records=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['records'])" "$WORK/out")
        LAST_RECORDS="$records"
    fi
    seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$WORK/time")
    rss=$(awk -F': ' '/Maximum resident set size/ {print int($2/1024)}' "$WORK/time")
    awk -v l="$label" -v r="$records" -v s="$seconds" -v m="$rss" -v c="$CONFIG" \
        'BEGIN { printf "%-34s %9d records %8.2f s %9.0f records/s  peak RSS %5d MB (%s)\n", l, r, s, r/s, m, c }'
}

# calabro.car is published without its key and the CLI always checks a signature: time it with its commit
# re-signed by a test key (same DID, data, tree and records), written by an opt-in test of the debug build.
mkdir -p "$WORK/fixtures"
BREAKWATER_BENCH_FIXTURES="$WORK/fixtures" swift test --skip-build --filter MirrorBenchFixture >/dev/null
read -r CDID CKEY < "$WORK/fixtures/calabro-resigned.txt"
measure "import calabro.car (re-signed)" auto "$BIN" mirror import "$CDID" "$WORK/fixtures/calabro-resigned.car" --key "$CKEY" --db "$WORK/calabro.sqlite"
measure "export calabro" 4347 "$BIN" mirror export "$CDID" "$WORK/calabro-out.car" --db "$WORK/calabro.sqlite"

"$BIN" synth --out "$WORK/synth" --repos 100 --commits 100 --largest-tree "$RECORDS" --repos-dir "$WORK/cars" >/dev/null
BIG=$(ls -S "$WORK/cars" | head -1)
DID=$(echo "${BIG%.car}" | sed 's/_/:/g')
KEY=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))[sys.argv[2]]['signingKey'])" "$WORK/synth/identities.json" "$DID")
measure "import synthetic ($BIG)" auto "$BIN" mirror import "$DID" "$WORK/cars/$BIG" --key "$KEY" --db "$WORK/big.sqlite"
COUNT="$LAST_RECORDS"
measure "export synthetic" "$COUNT" "$BIN" mirror export "$DID" "$WORK/big-out.car" --db "$WORK/big.sqlite"
measure "re-import synthetic export" auto "$BIN" mirror import "$DID" "$WORK/big-out.car" --key "$KEY" --db "$WORK/big2.sqlite"
cmp -s "$WORK/cars/$BIG" "$WORK/big-out.car" && echo "export is byte-identical to synth's CAR" || echo "export differs in bytes from synth's CAR (block order)"
