#!/usr/bin/env bash
# Writes Tests/Golden/outcomes.tsv: for every bundled recording (Replays/*) and a set of synthetic recordings with
# faults and quirks, the number of outcome lines `breakwater replay --events -` prints and the SHA-256 of those lines
# (detail text included). DifferentialOutcomeTests replays the same cases with the current build and compares, so a
# refactor that changes any outcome line fails. Run this only at a commit whose outcomes are the reference:
#   Scripts/make-golden-outcomes.sh [path/to/breakwater]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/breakwater}
[ -x "$binary" ] || { echo "build first: $binary not found" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
out=Tests/Golden/outcomes.tsv
# name <TAB> recording (a Replays folder, or "synth:" and synth arguments) <TAB> replay arguments <TAB> lines <TAB> sha256
{
    printf '# name\trecording\treplay-arguments\tlines\tsha256 (written by Scripts/make-golden-outcomes.sh at %s)\n' \
        "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    case_line() { # name recording-spec folder replay-args...
        local name=$1 spec=$2 folder=$3; shift 3
        local lines sum
        "$binary" replay "$folder" --events "$scratch/events.jsonl" "$@" >/dev/null 2>&1
        lines=$(wc -l <"$scratch/events.jsonl" | tr -d ' ')
        sum=$(sha256sum "$scratch/events.jsonl" | cut -d' ' -f1)
        printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$spec" "$*" "$lines" "$sum"
    }
    for dir in Replays/*/; do
        dir=${dir%/}
        case_line "$(basename "$dir")" "$dir" "$dir" --policy strict
    done
    case_line demo-relay Replays/demo Replays/demo --policy relay
    n=0
    while IFS= read -r synth; do
        [ -z "$synth" ] && continue
        n=$((n + 1))
        # shellcheck disable=SC2086
        "$binary" synth --out "$scratch/synth$n" --progress 0 $synth >/dev/null 2>&1
        for policy in strict relay; do
            case_line "synth$n-$policy" "synth:$synth" "$scratch/synth$n" --policy "$policy" --workers 2
        done
    done <<'CASES'
--repos 40 --commits 1500 --seed 7 --faults 0.3
--repos 20 --commits 600 --seed 11 --quirks 0.5
--repos 120 --commits 800 --seed 3 --faults 0.1 --quirks 0.1 --largest-tree 2000
--repos 8 --commits 400 --seed 5 --curves p256 --faults 0.2 --fault-hosts 1
CASES
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out ($(grep -vc '^#' "$out") cases)"
