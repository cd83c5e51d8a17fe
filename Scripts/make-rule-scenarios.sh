#!/usr/bin/env bash
# Regenerates Replays/rule-<reason>/: one small deterministic scenario per reason code of Docs/CONTRACT.md §4,
# each made by `breakwater synth` with only that fault kind enabled (expected.jsonl labels every event).
# The output is committed; tests replay it and compare with expected.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product breakwater >/dev/null
BIN="$(swift build --show-bin-path)/breakwater"
kinds="malformed-frame malformed-event oversize invalid-op duplicate-path deprecated-flag future-rev malformed-car
block-cid-mismatch car-root-mismatch invalid-commit field-mismatch bad-signature op-mismatch missing-record-block
missing-proof-block malformed-mst inversion-mismatch chain-break stale-rev account-inactive repo-desynchronized
unknown-type legacy-commit identity-unavailable"
for kind in $kinds; do
    out="Replays/rule-$kind"
    rm -rf "$out"
    "$BIN" synth --out "$out" --repos 2 --commits 5 --seed 42 --curves k256 --faults 0.5 --fault-kinds "$kind" 2>/dev/null
    if ! grep -q "\"reason\": \"$kind\"" "$out/expected.jsonl"; then
        echo "no $kind fault was drawn for $out" >&2
        exit 1
    fi
    printf '{\n  "policy": "strict",\n  "source": "breakwater synth --repos 2 --commits 5 --seed 42 --curves k256 --faults 0.5 --fault-kinds %s"\n}\n' "$kind" > "$out/scenario.json"
done
# Every conformance warning on valid commits (`--quirk-kinds`, all by default): each commit stays verified.
out="Replays/rule-quirks"
rm -rf "$out"
"$BIN" synth --out "$out" --repos 4 --commits 120 --seed 2 --curves k256 --quirks 0.5 2>/dev/null
for code in since-empty time-nonstandard time-missing time-unreadable blobs-absent rebase-absent too-big-absent \
    delete-create-same-path inversion-order-reverse inversion-order-listed; do
    if ! grep -q "\"$code\"" "$out/expected.jsonl"; then
        echo "no $code quirk was drawn for $out" >&2
        exit 1
    fi
done
printf '{\n  "policy": "strict",\n  "source": "breakwater synth --repos 4 --commits 120 --seed 2 --curves k256 --quirks 0.5"\n}\n' > "$out/scenario.json"
echo "wrote $(echo $kinds | wc -w) rule scenarios and rule-quirks"
