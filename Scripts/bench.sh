#!/usr/bin/env bash
# Breakwater benchmark: one run, one table, written to BENCHMARKS.md.
#
# Builds release, generates (once, cached by parameters under .bench-cache/) a synthetic recording of
# 200,000 commits over 20,000 accounts (90% K-256, the network's op and size mix, one 100,000-record
# tree), then measures on this machine:
#   - the bound: single-core K-256 / P-256 verifications per CPU-second on the recording's own keys,
#     messages and signatures (`breakwater bench signatures`);
#   - `replay` (strict pipeline, real SQLite file) on 1 worker and on all cores, on the mixed recording and on a
#     K-256-only one: CPU-seconds (user + sys) per commit and the ratio to the bound;
#   - heap allocations per commit (a 1-worker replay of the K-256 recording with Scripts/Bench/malloc-count.c
#     preloaded);
#   - the same stream through `serve` + `consume` over loopback;
#   - `consume` into PostgreSQL (a throwaway cluster from Scripts/postgres-test-cluster.sh) as one process and as
#     two partitions (0/2 and 1/2 in parallel on the same database): commits/s, CPU per commit of the consume
#     processes and of the PostgreSQL server (read from /proc), against the SQLite `consume` of the same recording;
#   - peak RSS of each run, database bytes per account;
#   - per-stage cost per commit (`breakwater bench stages`);
#   - `synth` rate, `mirror import` and full verification of calabro.car in records/s.
# Rates per CPU-second are the machine-independent figures (the machine may be shared); wall-clock rates
# are printed beside them.
#
# Environment: BENCH_COMMITS (200000), BENCH_REPOS (20000), BENCH_LARGEST_TREE (100000), BENCH_SEED (8),
# BENCH_K256_COMMITS (100000; the K-256-only recording has a tenth as many accounts),
# BENCH_SKIP_BUILD=1 (use the existing binary), BENCH_BIN (the binary; default .build/release/breakwater),
# BENCH_OUT (BENCHMARKS.md), BENCH_ONLY=postgres (only the SQLite and PostgreSQL `consume` runs and their table, for
# testing this script; the report then holds only that table).
set -euo pipefail
cd "$(dirname "$0")/.."
COMMITS=${BENCH_COMMITS:-200000}
REPOS=${BENCH_REPOS:-20000}
LARGEST=${BENCH_LARGEST_TREE:-100000}
SEED=${BENCH_SEED:-8}
K256_COMMITS=${BENCH_K256_COMMITS:-100000}
OUT=${BENCH_OUT:-BENCHMARKS.md}
CORES=$(nproc)
BIN=${BENCH_BIN:-.build/release/breakwater}
BUILD_NOTE="release build"; [ -z "${BENCH_BIN:-}" ] || BUILD_NOTE="binary $BIN"
VECTORS=${BREAKWATER_VECTORS:-Tests/Vectors}
CALABRO=$VECTORS/shrike/benches/fixtures/calabro.car
STARTED=$(date +%s)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

if [ ! -x /usr/bin/time ]; then
    echo "==> installing GNU time"
    apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] && [ -z "${BENCH_BIN:-}" ]; then
    echo "==> building (release)"
    swift build -c release --product breakwater 2>&1 | tail -n 1
fi

ONLY=${BENCH_ONLY:-}
case "$ONLY" in ""|postgres) ;; *) echo "BENCH_ONLY: only 'postgres' is known" >&2; exit 2 ;; esac
full() { [ -z "$ONLY" ]; }

WORK=$(mktemp -d)
chmod 755 "$WORK"  # the PostgreSQL cluster runs as the postgres user when this script runs as root
SERVER_PID=""
CLUSTER_STARTED=0
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [ "$CLUSTER_STARTED" = 1 ]; then bash Scripts/postgres-test-cluster.sh stop "$WORK/pg" >/dev/null 2>&1 || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# timed NAME CMD...: runs CMD under GNU time; sets T_WALL, T_CPU (user+sys), T_RSS_MB.
timed() {
    local name=$1; shift
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.time" "$@"
    read -r T_WALL T_USER T_SYS T_RSS_KB < "$WORK/$name.time"
    T_CPU=$(awk -v u="$T_USER" -v s="$T_SYS" 'BEGIN { printf "%.2f", u + s }')
    T_RSS_MB=$(awk -v k="$T_RSS_KB" 'BEGIN { printf "%.0f", k / 1024 }')
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f", a / b; else print 0 }'; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "-" }'; }
fmt() {  # 12345.6 → 12,346
    awk -v a="$1" 'BEGIN { s = sprintf("%.0f", a); n = length(s); o = ""
        for (i = 1; i <= n; i++) { o = o substr(s, i, 1); if ((n - i) % 3 == 0 && i < n && substr(s, i, 1) != "-") o = o "," }
        print o }'
}

# --- The recording (cached) ------------------------------------------------------------------------
REC=.bench-cache/synth-c$COMMITS-r$REPOS-t$LARGEST-s$SEED
if [ ! -f "$REC/frames.bin" ]; then
    echo "==> synth: $COMMITS commits, $REPOS accounts (cached in $REC)"
    rm -rf "$REC.tmp"
    mkdir -p .bench-cache
    timed synth-big "$BIN" synth --out "$REC.tmp" --repos "$REPOS" --commits "$COMMITS" --seed "$SEED" --largest-tree "$LARGEST"
    echo "$T_WALL $T_CPU $T_RSS_MB" > "$REC.tmp/synth.time"
    mv "$REC.tmp" "$REC"
fi
read -r SYNTH_BIG_WALL SYNTH_BIG_CPU SYNTH_BIG_RSS < "$REC/synth.time"
EVENTS=$(grep -c . "$REC/expected.jsonl")
RECORDING_COMMITS=$(grep -c '"type": "commit"' "$REC/expected.jsonl")
read -r ACCOUNTS K256_ACCOUNTS < <(python3 -c "import json; d=json.load(open('$REC/identities.json')); print(len(d), sum(1 for e in d.values() if e['signingKey'].startswith('did:key:zQ3s')))")
RECORDING_MB=$(du -m "$REC/frames.bin" | cut -f1)
echo "    $EVENTS events, $RECORDING_COMMITS commits, $ACCOUNTS accounts ($K256_ACCOUNTS K-256), $RECORDING_MB MB"
KREC=.bench-cache/synth-k256-c$K256_COMMITS-r$((K256_COMMITS / 10))-s$SEED
if full && [ ! -f "$KREC/frames.bin" ]; then
    echo "==> synth: $K256_COMMITS commits, K-256 only (cached in $KREC)"
    rm -rf "$KREC.tmp"
    mkdir -p .bench-cache
    "$BIN" synth --out "$KREC.tmp" --repos $((K256_COMMITS / 10)) --commits "$K256_COMMITS" --seed "$SEED" --curves k256 2>/dev/null
    mv "$KREC.tmp" "$KREC"
fi

if full; then
# --- synth rate (fresh, 20,000 commits with the 100,000-record tree) --------------------------------
echo "==> synth rate"
SYNTH_COMMITS=${BENCH_SYNTH_COMMITS:-20000}
timed synth "$BIN" synth --out "$WORK/synth" --repos $((SYNTH_COMMITS / 10)) --commits "$SYNTH_COMMITS" --seed 3 --largest-tree "$LARGEST" 2>/dev/null
SYNTH_RATE_CPU=$(ratio "$SYNTH_COMMITS" "$T_CPU"); SYNTH_RATE_WALL=$(ratio "$SYNTH_COMMITS" "$T_WALL"); SYNTH_RSS=$T_RSS_MB

# --- The bound ---------------------------------------------------------------------------------------
echo "==> signature bound"
"$BIN" bench signatures "$REC" --seconds 2 > "$WORK/bound.txt"
K256=$(sed -n 's/^k256_per_second=//p' "$WORK/bound.txt")
P256=$(sed -n 's/^p256_per_second=//p' "$WORK/bound.txt")
echo "    K-256 $K256/s, P-256 $P256/s"

# --- replay ------------------------------------------------------------------------------------------
replay() {  # replay NAME WORKERS
    rm -f "$WORK/$1.sqlite"*
    timed "$1" "$BIN" replay "$REC" --workers "$2" --db "$WORK/$1.sqlite" --json > "$WORK/$1.json"
    python3 -c "import json,sys; d=json.load(open('$WORK/$1.json')); print(d['commits'], d.get('outcomes',{}).get('verified',0))" > "$WORK/$1.counts"
    read -r R_COMMITS R_VERIFIED < "$WORK/$1.counts"
}
echo "==> replay, 1 worker"
replay replay1 1
R1_COMMITS=$R_COMMITS; R1_WALL=$T_WALL; R1_CPU=$T_CPU; R1_RSS=$T_RSS_MB
R1_RATE_CPU=$(ratio "$R1_COMMITS" "$R1_CPU"); R1_RATE_WALL=$(ratio "$R1_COMMITS" "$R1_WALL")
DB_BYTES=$(stat -c %s "$WORK/replay1.sqlite")
DB_PER_ACCOUNT=$(ratio "$DB_BYTES" "$ACCOUNTS")
echo "    $R1_RATE_CPU commits/CPU-s, $R1_RATE_WALL commits/s wall, $R1_RSS MB, $DB_PER_ACCOUNT B/account"
echo "==> replay, $CORES workers"
replay replayN "$CORES"
RN_WALL=$T_WALL; RN_CPU=$T_CPU; RN_RSS=$T_RSS_MB
RN_RATE_CPU=$(ratio "$R_COMMITS" "$RN_CPU"); RN_RATE_WALL=$(ratio "$R_COMMITS" "$RN_WALL")
echo "    $RN_RATE_WALL commits/s wall ($(awk -v a="$RN_RATE_WALL" -v b="$R1_RATE_WALL" 'BEGIN { printf "%.2f", a / b }')x one worker)"

echo "==> replay of the K-256-only recording, 1 worker"
REC_MIXED=$REC
REC=$KREC
replay replayK 1
RK_COMMITS=$R_COMMITS; RK_CPU=$T_CPU; RK_WALL=$T_WALL; RK_RSS=$T_RSS_MB
RK_RATE_CPU=$(ratio "$RK_COMMITS" "$RK_CPU"); RK_RATE_WALL=$(ratio "$RK_COMMITS" "$RK_WALL")
echo "    $RK_RATE_CPU commits/CPU-s, $RK_RATE_WALL commits/s wall"
echo "==> heap allocations per commit (K-256 recording, 1 worker, malloc counter preloaded)"
gcc -O2 -shared -fPIC -o "$WORK/malloc-count.so" Scripts/Bench/malloc-count.c -ldl
rm -f "$WORK/alloc.sqlite"*
BREAKWATER_MALLOC_COUNT_OUT="$WORK/alloc.txt" LD_PRELOAD="$WORK/malloc-count.so" \
    "$BIN" replay "$KREC" --workers 1 --db "$WORK/alloc.sqlite" --json > "$WORK/alloc.json"
ALLOCS=$(sed -n 's/^allocations=//p' "$WORK/alloc.txt")
ALLOCS_PER_COMMIT=$(awk -v a="$ALLOCS" -v n="$RK_COMMITS" 'BEGIN { printf "%.1f", a / n }')
echo "    $ALLOCS allocations, $ALLOCS_PER_COMMIT per commit"
REC=$REC_MIXED
fi

# --- serve + consume over loopback -------------------------------------------------------------------
echo "==> serve + consume"
"$BIN" serve "$REC" --port 0 >"$WORK/serve.out" 2>"$WORK/serve.log" &
SERVER_PID=$!
URL=""
for _ in $(seq 1 300); do
    URL=$(sed -n 's/^listening on //p' "$WORK/serve.out" | head -n 1)
    [ -n "$URL" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$URL" ] || { echo "serve did not start" >&2; exit 1; }
consume() {  # consume NAME WORKERS
    timed "$1" "$BIN" consume --relay "$URL" --plc "${URL/ws:/http:}" --identities "$REC/identities.json" \
        --db "$WORK/$1.sqlite" --max-events "$EVENTS" --workers "$2" --progress 0 > "$WORK/$1.out" 2>"$WORK/$1.err"
    C_COMMITS=$(awk '$1 == "commits" { gsub(",", "", $2); print $2 }' "$WORK/$1.out")
}
consume consume1 1
C1_COMMITS=$C_COMMITS; C1_CPU=$T_CPU
C1_RATE_CPU=$(ratio "$C_COMMITS" "$T_CPU"); C1_RATE_WALL=$(ratio "$C_COMMITS" "$T_WALL"); C1_RSS=$T_RSS_MB
echo "    1 worker $C1_RATE_WALL commits/s wall"
if full; then
    consume consumeN "$CORES"
    CN_RATE_CPU=$(ratio "$C_COMMITS" "$T_CPU"); CN_RATE_WALL=$(ratio "$C_COMMITS" "$T_WALL"); CN_RSS=$T_RSS_MB
    echo "    $CORES workers $CN_RATE_WALL commits/s wall"
fi

# --- consume into PostgreSQL: one process, then two partitions on one database ----------------------
# Each process reads the whole stream (frames of other partitions are read header-only and skipped; they count
# towards --max-events), so every run ends after the recording's last event. Each run gets a fresh database.
echo "==> consume into PostgreSQL (throwaway cluster)"
PG_URL=$(bash Scripts/postgres-test-cluster.sh start "$WORK/pg" 2>"$WORK/pg-start.log") \
    || { cat "$WORK/pg-start.log" >&2; exit 1; }
CLUSTER_STARTED=1
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_BASE=${PG_URL%/*}
PG_MAIN=$(head -n 1 "$WORK/pg/data/postmaster.pid")
TICKS=$(getconf CLK_TCK)
# server_cpu: CPU-seconds (user + sys) used so far by the PostgreSQL server: the postmaster with its reaped
# children (the connection backends that ended) and every live child process.
server_cpu() {
    local total pid stat
    read -r -a stat < <(sed 's/^.*) //' "/proc/$PG_MAIN/stat")
    total=$(( stat[11] + stat[12] + stat[13] + stat[14] ))  # utime stime cutime cstime (fields 14-17)
    for pid in $(cat "/proc/$PG_MAIN/task/$PG_MAIN/children" 2>/dev/null); do
        read -r -a stat < <(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
        [ "${#stat[@]}" -gt 12 ] || continue
        total=$(( total + stat[11] + stat[12] ))
    done
    awk -v t="$total" -v h="$TICKS" 'BEGIN { printf "%.2f", t / h }'
}
# pg_consume NAME PARTITION... ("-" for none): runs one `consume` per partition in parallel into a fresh
# database; sets P_COMMITS (summed), P_WALL, P_CPU (the consume processes, summed), P_SERVER_CPU, P_RSS_MB (largest).
pg_consume() {
    local name=$1; shift
    local db="$PG_BASE/bench_$name" part i=0 pids=() before after started ended
    "$PG_BIN/psql" "$PG_URL" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE bench_$name" >/dev/null
    before=$(server_cpu); started=$(date +%s.%N)
    for part in "$@"; do
        local options=(); [ "$part" = - ] || options=(--partition "$part")
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name-$i.time" "$BIN" consume --relay "$URL" --plc "${URL/ws:/http:}" \
            --identities "$REC/identities.json" --db "$db" "${options[@]}" --max-events "$EVENTS" --workers 1 \
            --progress 0 > "$WORK/$name-$i.out" 2>"$WORK/$name-$i.err" &
        pids+=($!); i=$((i + 1))
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || { echo "consume $name #$i failed:" >&2; cat "$WORK/$name-$i.err" >&2; exit 1; }
    done
    ended=$(date +%s.%N)
    sleep 1  # the backends of the closed connections end and are reaped
    after=$(server_cpu)
    P_COMMITS=0; P_CPU=0; P_RSS_MB=0
    for i in "${!pids[@]}"; do
        local commits wall user sys rss
        commits=$(awk '$1 == "commits" { gsub(",", "", $2); print $2 }' "$WORK/$name-$i.out")
        read -r wall user sys rss < "$WORK/$name-$i.time"
        P_COMMITS=$(( P_COMMITS + commits ))
        P_CPU=$(awk -v a="$P_CPU" -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", a + u + s }')
        P_RSS_MB=$(awk -v a="$P_RSS_MB" -v k="$rss" 'BEGIN { m = k / 1024; printf "%.0f", (m > a ? m : a) }')
    done
    P_WALL=$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }')
    P_SERVER_CPU=$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2f", b - a }')
}
us_per() { awk -v c="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", 1e6 * c / n; else print "-" }'; }
extra() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%+.0f%%", 100 * (a - b) / b; else print "-" }'; }
C1_US=$(us_per "$C1_CPU" "$C1_COMMITS")
pg_consume p1 -
PG1_COMMITS=$P_COMMITS; PG1_RSS=$P_RSS_MB
PG1_US=$(us_per "$P_CPU" "$P_COMMITS"); PG1_SERVER_US=$(us_per "$P_SERVER_CPU" "$P_COMMITS")
PG1_TOTAL_US=$(awk -v a="$PG1_US" -v b="$PG1_SERVER_US" 'BEGIN { printf "%.1f", a + b }')
PG1_RATE_WALL=$(ratio "$P_COMMITS" "$P_WALL")
echo "    1 process: $PG1_RATE_WALL commits/s wall, $PG1_US µs CPU per commit + $PG1_SERVER_US µs in the server (SQLite: $C1_US µs)"
pg_consume p2 0/2 1/2
PG2_COMMITS=$P_COMMITS; PG2_RSS=$P_RSS_MB
PG2_US=$(us_per "$P_CPU" "$P_COMMITS"); PG2_SERVER_US=$(us_per "$P_SERVER_CPU" "$P_COMMITS")
PG2_TOTAL_US=$(awk -v a="$PG2_US" -v b="$PG2_SERVER_US" 'BEGIN { printf "%.1f", a + b }')
PG2_RATE_WALL=$(ratio "$P_COMMITS" "$P_WALL")
echo "    2 partitions: $PG2_RATE_WALL commits/s wall, $PG2_US µs CPU per commit + $PG2_SERVER_US µs in the server"
for run in "1 process:$PG1_COMMITS" "2 partitions:$PG2_COMMITS"; do
    [ "${run#*:}" = "$C1_COMMITS" ] || echo "    warning: PostgreSQL, ${run%%:*}: ${run#*:} commits stored, SQLite $C1_COMMITS" >&2
done
PG_VERSION=$("$PG_BIN/postgres" --version | awk '{ print $3 }')
bash Scripts/postgres-test-cluster.sh stop "$WORK/pg" >/dev/null 2>&1 || true; CLUSTER_STARTED=0
kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
PG_EXTRA_TOTAL=$(extra "$PG1_TOTAL_US" "$C1_US")
PG_EXTRA_CONSUME=$(extra "$PG1_US" "$C1_US")
PG_TABLE=$(cat <<EOF
\`consume\` into PostgreSQL $PG_VERSION (a throwaway cluster on this machine: loopback, \`fsync=off\`), 1 worker per
process, against the 1-worker SQLite \`consume\` of the same recording. CPU per commit: user + sys of the \`consume\`
processes (summed) ÷ commits stored; the server's CPU (postmaster, backends and background processes, read from /proc)
is shown apart and in the total:

| run | commits | wall clock | consume CPU per commit | server CPU per commit | total CPU per commit | extra vs SQLite (consume / total) | peak RSS |
|---|---|---|---|---|---|---|---|
| SQLite, 1 process | $C1_COMMITS | $(fmt "$C1_RATE_WALL") commits/s | $C1_US µs | – | $C1_US µs | – | $C1_RSS MB |
| PostgreSQL, 1 process | $PG1_COMMITS | $(fmt "$PG1_RATE_WALL") commits/s | $PG1_US µs | $PG1_SERVER_US µs | $PG1_TOTAL_US µs | $PG_EXTRA_CONSUME / $PG_EXTRA_TOTAL | $PG1_RSS MB |
| PostgreSQL, 2 partitions (0/2 and 1/2 at once, one database) | $PG2_COMMITS | $(fmt "$PG2_RATE_WALL") commits/s | $PG2_US µs | $PG2_SERVER_US µs | $PG2_TOTAL_US µs | $(extra "$PG2_US" "$C1_US") / $(extra "$PG2_TOTAL_US" "$C1_US") | $PG2_RSS MB (largest) |
EOF
)

if full; then
# --- per-stage cost ----------------------------------------------------------------------------------
STAGE_COMMITS=${BENCH_STAGE_COMMITS:-50000}
echo "==> per-stage cost (first $STAGE_COMMITS commits)"
"$BIN" bench stages "$REC" --limit "$STAGE_COMMITS" --db "$WORK/stages.sqlite" > "$WORK/stages.txt"
stage() { sed -n "s/^$1_us=//p" "$WORK/stages.txt"; }
S_DECODE=$(stage decode); S_CAR=$(stage car); S_SIG=$(stage signature); S_PROOF=$(stage proof); S_STORE=$(stage store)
S_TOTAL=$(awk -v a="$S_DECODE" -v b="$S_CAR" -v c="$S_SIG" -v d="$S_PROOF" -v e="$S_STORE" 'BEGIN { printf "%.2f", a + b + c + d + e }')
R1_US=$(awk -v c="$R1_CPU" -v n="$R1_COMMITS" 'BEGIN { printf "%.2f", 1e6 * c / n }')
S_OTHER=$(awk -v r="$R1_US" -v t="$S_TOTAL" 'BEGIN { printf "%.2f", r - t }')

# --- mirror import and full verification -------------------------------------------------------------
echo "==> mirror import (synth repository) and calabro.car verification"
"$BIN" synth --out "$WORK/mirror-src" --repos 100 --commits 100 --seed 5 --curves k256 --largest-tree 20000 \
    --repos-dir "$WORK/mirror-repos" 2>/dev/null
BIG_CAR=$(ls -S "$WORK/mirror-repos" | head -n 1)
BIG_DID=$(echo "${BIG_CAR%.car}" | sed 's/_/:/g')
timed mirror "$BIN" mirror import "$BIG_DID" "$WORK/mirror-repos/$BIG_CAR" --identities "$WORK/mirror-src/identities.json" \
    --db "$WORK/mirror.sqlite" > "$WORK/mirror.json"
MIRROR_RECORDS=$(python3 -c "import json; d=json.load(open('$WORK/mirror.json')); print(d.get('records', d.get('recordCount', 0)))")
MIRROR_RATE=$(ratio "$MIRROR_RECORDS" "$T_CPU"); MIRROR_RSS=$T_RSS_MB
CALABRO_ROW="| full verification of calabro.car (hashes, nodes, rebuild; no key published) | – | – | – | – |"
if [ -f "$CALABRO" ]; then
    timed calabro "$BIN" inspect car --verify "$CALABRO" > "$WORK/calabro.json"
    CALABRO_RECORDS=$(python3 -c "import json; print(json.load(open('$WORK/calabro.json'))['records'])")
    CALABRO_ROW="| full verification of calabro.car, $CALABRO_RECORDS records (hashes, nodes, rebuild; no key is published) | $(fmt "$(ratio "$CALABRO_RECORDS" "$T_CPU")") records/CPU-s | $(fmt "$(ratio "$CALABRO_RECORDS" "$T_WALL")") records/s | – | $T_RSS_MB MB |"
fi

fi

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$(( $(date +%s) - STARTED ))
if full; then
K256_US=$(awk -v b="$K256" 'BEGIN { printf "%.1f", 1e6 / b }')
RK_US=$(awk -v c="$RK_CPU" -v n="$RK_COMMITS" 'BEGIN { printf "%.1f", 1e6 * c / n }')
R1_US_SHORT=$(awk -v c="$R1_CPU" -v n="$R1_COMMITS" 'BEGIN { printf "%.1f", 1e6 * c / n }')
SCALING=$(awk -v a="$RN_RATE_WALL" -v b="$R1_RATE_WALL" 'BEGIN { printf "%.2f", a / b }')
LIVE_VS_REPLAY=$(percent "$C1_RATE_CPU" "$R1_RATE_CPU")
fi
PG_TARGET="| PostgreSQL consume: extra CPU per commit vs SQLite (1 process; consume + server, consume alone) | $PG_EXTRA_TOTAL, $PG_EXTRA_CONSUME | ≤ 25% |"

# --- Report ------------------------------------------------------------------------------------------
if full; then
TABLE=$(cat <<EOF
Against the targets (1 worker unless said; CPU = user + sys of the whole process):

| figure | measured | target |
|---|---|---|
| one K-256 verification (the bound) | $K256_US µs | – |
| K-256-only recording: CPU per commit | $RK_US µs ($(percent "$RK_RATE_CPU" "$K256") of the bound per CPU-second) | ≤ 56 µs (≥ 75%) |
| mixed recording (10% P-256): CPU per commit | $R1_US_SHORT µs ($(percent "$R1_RATE_CPU" "$K256") of the bound per CPU-second) | – |
| cores used by 1 worker (CPU ÷ wall) | $(awk -v c="$R1_CPU" -v w="$R1_WALL" 'BEGIN { printf "%.2f", c / w }') | ≈ 1 |
| $CORES workers vs 1, wall clock | ${SCALING}× | ≥ 1.8× |
| \`consume\` vs \`replay\` per CPU-second | $LIVE_VS_REPLAY | ≥ 90% |
| peak RSS, 1-worker replay of $R1_COMMITS commits | $R1_RSS MB | ≤ 200 MB |
| heap allocations per commit (K-256 recording) | $ALLOCS_PER_COMMIT | < 15 |
$PG_TARGET

| what | per CPU-second | wall clock | vs K-256 bound | peak RSS |
|---|---|---|---|---|
| **bound**: K-256 verifications, one core | $(fmt "$K256")/s | – | 100% | – |
| **bound**: P-256 verifications, one core | $(fmt "$P256")/s | – | – | – |
| \`replay\`, 1 worker (commits) | $(fmt "$R1_RATE_CPU")/s | $(fmt "$R1_RATE_WALL")/s | $(percent "$R1_RATE_CPU" "$K256") | $R1_RSS MB |
| \`replay\` of the K-256-only recording ($RK_COMMITS commits), 1 worker | $(fmt "$RK_RATE_CPU")/s | $(fmt "$RK_RATE_WALL")/s | $(percent "$RK_RATE_CPU" "$K256") | $RK_RSS MB |
| \`replay\`, $CORES workers (commits) | $(fmt "$RN_RATE_CPU")/s | $(fmt "$RN_RATE_WALL")/s ($(awk -v a="$RN_RATE_WALL" -v b="$R1_RATE_WALL" 'BEGIN { printf "%.2f", a / b }')× 1 worker) | $(percent "$RN_RATE_WALL" "$K256") | $RN_RSS MB |
| \`serve\` + \`consume\`, 1 worker (commits) | $(fmt "$C1_RATE_CPU")/s | $(fmt "$C1_RATE_WALL")/s | $(percent "$C1_RATE_CPU" "$K256") | $C1_RSS MB |
| \`serve\` + \`consume\`, $CORES workers (commits) | $(fmt "$CN_RATE_CPU")/s | $(fmt "$CN_RATE_WALL")/s | $(percent "$CN_RATE_WALL" "$K256") | $CN_RSS MB |
| \`synth\` ($SYNTH_COMMITS commits, $((SYNTH_COMMITS / 10)) accounts, one $LARGEST-record tree) | $(fmt "$SYNTH_RATE_CPU") commits/s | $(fmt "$SYNTH_RATE_WALL") commits/s | – | $SYNTH_RSS MB |
| \`synth\` of the recording ($COMMITS commits, $REPOS accounts; when it was cached) | $(fmt "$(ratio "$COMMITS" "$SYNTH_BIG_CPU")") commits/s | $(fmt "$(ratio "$COMMITS" "$SYNTH_BIG_WALL")") commits/s | – | $SYNTH_BIG_RSS MB |
| \`mirror import\`, synth repository of $MIRROR_RECORDS records | $(fmt "$MIRROR_RATE") records/s | – | – | $MIRROR_RSS MB |
$CALABRO_ROW

Database at rest after the 1-worker replay: $(fmt "$DB_BYTES") bytes for $ACCOUNTS accounts = **$DB_PER_ACCOUNT bytes per account**.

Per-stage cost per commit (one thread, CPU time, first $STAGE_COMMITS commits of the recording):

| stage | µs per commit | share of 1-worker replay |
|---|---|---|
| frame decode and envelope checks | $S_DECODE | $(percent "$S_DECODE" "$R1_US") |
| CAR parse, every block hashed | $S_CAR | $(percent "$S_CAR" "$R1_US") |
| commit decode + signature (ECDSA over SHA-256) | $S_SIG | $(percent "$S_SIG" "$R1_US") |
| forward check + inversion (MST load, ops, root) | $S_PROOF | $(percent "$S_PROOF" "$R1_US") |
| store (SQLite batch of states and outcomes) | $S_STORE | $(percent "$S_STORE" "$R1_US") |
| pipeline (channels, state cache, ordering, other events) | $S_OTHER | $(percent "$S_OTHER" "$R1_US") |
| **1-worker replay, per commit** | **$R1_US** | 100% |

$PG_TABLE
EOF
)
else
TABLE=$(printf '%s\n\n%s\n%s\n%s\n\n%s' "Against the target (BENCH_ONLY=$ONLY: only the \`consume\` runs):" \
    "| figure | measured | target |" "|---|---|---|" "$PG_TARGET" "$PG_TABLE")
fi
echo
echo "$TABLE"
CPU_MODEL=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
# Hand-written analysis (profiles) below the marker heading is kept across runs.
NOTES=""
if [ -f "$OUT" ]; then NOTES=$(sed -n '/^## Where the time goes/,$p' "$OUT"); fi
{
    echo "# Benchmarks"
    echo
    echo "Measured by \`Scripts/bench.sh\` on $(date -u +%Y-%m-%d) in $ELAPSED s ($BUILD_NOTE)."
    echo
    echo "- Machine: $CPU_MODEL, $CORES cores ($(lscpu | sed -n 's/^Thread(s) per core: *//p') thread(s) per core), $(free -g | awk '/^Mem:/ { print $2 }') GB RAM, Linux $(uname -r)"
    echo "- Toolchain: $(swift --version 2>/dev/null | head -n 1)"
    echo "- Load average before / after: $LOAD_BEFORE / $LOAD_AFTER (the machine is shared: wall-clock figures"
    echo "  depend on the neighbours; per-CPU-second figures much less)"
    echo "- Recording: \`synth --repos $REPOS --commits $COMMITS --seed $SEED --largest-tree $LARGEST\`: $EVENTS events,"
    echo "  $RECORDING_COMMITS commits, $ACCOUNTS accounts ($K256_ACCOUNTS K-256), $RECORDING_MB MB; K-256-only recording:"
    echo "  \`synth --repos $((K256_COMMITS / 10)) --commits $K256_COMMITS --seed $SEED --curves k256\`"
    echo
    echo "$TABLE"
    echo
    echo "\`lscpu\`:"
    echo
    echo '```'
    lscpu | grep -E '^(Architecture|CPU\(s\)|Model name|Thread|Core|Socket|CPU max MHz|CPU MHz|L1d|L2|L3|Flags)' | cut -c1-200
    echo '```'
    if [ -n "$NOTES" ]; then echo; echo "$NOTES"; fi
} > "$OUT"
echo
echo "wrote $OUT ($ELAPSED s)"
