#!/usr/bin/env bash
# Breakwater cluster demo: partitions and a standby on PostgreSQL, on this machine (Docs/CONTRACT.md §6).
#
# Starts a throwaway PostgreSQL cluster (Scripts/postgres-test-cluster.sh: Debian's postgresql, a temporary folder,
# a free loopback port), serves the bundled demo recording (Replays/demo) as a relay at a steady rate, and runs three
# `breakwater consume` processes on the one database: partition 0/2, partition 1/2, and a standby for partition 0/2.
# Halfway through it kills the active partition-0 process with SIGKILL, shows the standby taking over once the lease
# expires, waits until every event is stored exactly once, and prints the final `breakwater status` (cursors per
# partition, leases with holder and epoch). Everything is removed at the end.
# BREAKWATER_BIN: an already-built binary (else a release build). BREAKWATER_LEASE_TTL: the lease's time to live (3s).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${BREAKWATER_BIN:-}" ]; then
    BIN=$BREAKWATER_BIN
else
    bash Scripts/deps.sh
    echo "==> building (release)"
    swift build -c release --product breakwater
    BIN=.build/release/breakwater
fi
DEMO=Replays/demo
TTL=${BREAKWATER_LEASE_TTL:-3s}
COUNT=$(grep -c . "$DEMO/expected.jsonl")

WORK=$(mktemp -d)
chmod 755 "$WORK"  # the cluster runs as the postgres user when this script runs as root
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    bash Scripts/postgres-test-cluster.sh stop "$WORK/pg" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "==> starting a throwaway PostgreSQL"
DB=$(bash Scripts/postgres-test-cluster.sh start "$WORK/pg")
echo "    $DB"

echo "==> serving $DEMO ($COUNT events, 100 events/s) as a relay"
"$BIN" serve "$DEMO" --port 0 --rate 100 >"$WORK/serve.out" 2>"$WORK/serve.log" &
PIDS+=($!)
URL=""
for _ in $(seq 1 200); do
    URL=$(sed -n 's/^listening on //p' "$WORK/serve.out" | head -n 1)
    [ -n "$URL" ] && break
    sleep 0.1
done
[ -n "$URL" ] || { cat "$WORK/serve.log" >&2; echo "serve did not start" >&2; exit 1; }
echo "    $URL"

consume() {  # consume NAME ARGS…: one process, its stderr in $WORK/NAME.err
    local name=$1
    shift
    "$BIN" consume --relay "$URL" --plc "${URL/ws:/http:}" --identities "$DEMO/identities.json" --db "$DB" \
        --lease-ttl "$TTL" --progress 2 --resync-concurrency 0 --events "$WORK/$name.jsonl" "$@" 2>"$WORK/$name.err" >/dev/null &
    PIDS+=($!)
    echo $! >"$WORK/$name.pid"
}
show() { grep -E '^(lease|standby|error|consume):' "$WORK/$1.err" | sed "s/^/    [$1] /" || true; }

echo "==> partition 0/2, partition 1/2, and a standby for partition 0/2"
consume p0 --partition 0/2
consume p1 --partition 1/2
sleep 1
consume standby0 --partition 0/2 --standby
sleep 1
show p0; show p1; show standby0

HALF=$((COUNT / 2 / 100))
sleep "$HALF"
echo "==> SIGKILL of the active partition-0 process (pid $(cat "$WORK/p0.pid")) halfway"
kill -KILL "$(cat "$WORK/p0.pid")"
wait "$(cat "$WORK/p0.pid")" 2>/dev/null || true
KILLED=$(date +%s.%N)
for _ in $(seq 1 300); do
    grep -q "took over" "$WORK/standby0.err" && break
    sleep 0.1
done
TOOK=$(date +%s.%N)
show standby0
grep -q "took over" "$WORK/standby0.err" || { echo "the standby did not take over" >&2; exit 1; }
awk -v a="$KILLED" -v b="$TOOK" -v ttl="$TTL" 'BEGIN { printf "    takeover %.1f s after the kill (lease time to live %s)\n", b - a, ttl }'

echo "==> waiting until every event is stored once"
stored() { "$BIN" status --db "$DB" --json | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["outcomes"].values()))'; }
for _ in $(seq 1 600); do
    [ "$(stored)" -ge "$COUNT" ] && break
    sleep 0.2
done
echo "    $(stored) of $COUNT events stored"

echo
echo "==> breakwater status"
"$BIN" status --db "$DB" --limit 3
