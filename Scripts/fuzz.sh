#!/usr/bin/env bash
# Fuzzes the IPLD readers (strict DAG-CBOR, CAR v1, atproto JSON) with libFuzzer.
#   Scripts/fuzz.sh --ci        bounded run (25 s of fuzzing; the binary is rebuilt only when sources change), used by Scripts/test.sh
#   Scripts/fuzz.sh [SECONDS]   long run (default 3600 s); crashes are written to .build/fuzz/artifacts/
# The harness (Scripts/Fuzz/FuzzIPLD.swift) is compiled together with Sources/IPLD into one
# instrumented binary and linked against the swift-crypto objects of the debug build (built first if
# missing). If libFuzzer cannot be used with this toolchain, a deterministic mutation loop runs instead.
set -euo pipefail
cd "$(dirname "$0")/.."

CI=0
SECONDS_TO_RUN=3600
for arg in "$@"; do
    case "$arg" in
        --ci) CI=1; SECONDS_TO_RUN=25 ;;
        [0-9]*) SECONDS_TO_RUN="$arg" ;;
        -h|--help) sed -n 2,7p "$0"; exit 0 ;;
        *) echo "usage: $0 [--ci] [SECONDS]" >&2; exit 2 ;;
    esac
done

OUT=.build/fuzz
mkdir -p "$OUT/corpus" "$OUT/artifacts"
DEBUG=.build/debug
if [ ! -d "$DEBUG/Crypto.build" ] || [ ! -f "$DEBUG/Modules/Crypto.swiftmodule" ]; then
    echo "==> fuzz: building swift-crypto (debug)"
    swift build --target Crypto >/dev/null
fi

# Seed corpus: small real blocks and CARs from the vectors in Tests/Vectors, plus the codec fixtures.
VECTORS="${BREAKWATER_VECTORS:-Tests/Vectors}"
if [ -d "$VECTORS" ]; then
    find "$VECTORS/ipld-codec-fixtures/fixtures" -name '*.dag-cbor' -size -64k -exec cp {} "$OUT/corpus/" \; 2>/dev/null || true
    find "$VECTORS" \( -name '*.car' -o -name '*.cbor' \) -size -64k -exec cp {} "$OUT/corpus/" \; 2>/dev/null || true
    cp "$VECTORS/interop/data-model/"*.json "$OUT/corpus/" 2>/dev/null || true
fi

SOURCES=$(find Sources/IPLD -name '*.swift' | sort)
CRYPTO_TARGETS=(Crypto CryptoBoringWrapper CCryptoBoringSSL CCryptoBoringSSLShims CXKCP CXKCPShims)
CRYPTO_OBJECTS=()
for target in "${CRYPTO_TARGETS[@]}"; do
    [ -d "$DEBUG/$target.build" ] && while IFS= read -r object; do CRYPTO_OBJECTS+=("$object"); done \
        < <(find "$DEBUG/$target.build" -name '*.o' | sort)
done
MODULE_MAPS=()
for map in $(find .build/checkouts/swift-crypto/Sources -path '*include/module.modulemap' | sort); do
    MODULE_MAPS+=(-Xcc -fmodule-map-file="$map")
done
COMMON=(-parse-as-library -module-name IPLDFuzz -O -I "$DEBUG/Modules" "${MODULE_MAPS[@]}"
        $SOURCES Scripts/Fuzz/FuzzIPLD.swift "${CRYPTO_OBJECTS[@]}" -lstdc++)

# Rebuild the instrumented binary only when a source is newer than it.
fresh() { [ -x "$1" ] && [ -z "$(find Sources/IPLD Scripts/Fuzz -name '*.swift' -newer "$1" | head -1)" ]; }
if fresh "$OUT/fuzz-ipld" || swiftc "${COMMON[@]}" -sanitize=fuzzer,address -o "$OUT/fuzz-ipld" >"$OUT/build.log" 2>&1; then
    echo "==> fuzz: libFuzzer for ${SECONDS_TO_RUN}s (corpus $(ls "$OUT/corpus" | wc -l) files)"
    "$OUT/fuzz-ipld" "$OUT/corpus" \
        -max_total_time="$SECONDS_TO_RUN" -timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=512 -max_len=65536 \
        -artifact_prefix="$OUT/artifacts/" -print_final_stats=1 2>"$OUT/fuzz.log" || {
        tail -40 "$OUT/fuzz.log" >&2
        echo "fuzz: FAILED (crash, hang or memory limit); reproducer in $OUT/artifacts/" >&2
        exit 1
    }
    grep -E 'stat::number_of_executed_units|Done' "$OUT/fuzz.log" | tail -2
    echo "fuzz: OK"
else
    echo "==> fuzz: libFuzzer build failed (see $OUT/build.log); using the deterministic mutation loop"
    fresh "$OUT/fuzz-loop" || swiftc "${COMMON[@]}" -D FUZZ_LOOP -o "$OUT/fuzz-loop" >>"$OUT/build.log" 2>&1 \
        || { tail -20 "$OUT/build.log" >&2; exit 1; }
    ITERATIONS=$(( CI ? 200000 : 20000000 ))
    timeout $(( SECONDS_TO_RUN + 60 )) "$OUT/fuzz-loop" "$ITERATIONS" 1 "$OUT"/corpus/* | tail -1
fi
