#!/usr/bin/env bash
# Fuzzes the readers and the whole verification path with libFuzzer, one target after another:
#   ipld      the DAG-CBOR, CAR v1 and JSON readers (Scripts/Fuzz/FuzzIPLD.swift + Sources/IPLD)
#   frame     one frame through decode + AccountMachine with stored states and fixed keys
#   proof     MST node decoding, partial trees and CommitProof.verify
#   sliceproof  SliceProof against CommitProof on the same commit (traps when they disagree)
#   identity  DID documents and identities files (the one-pass reader against the generic path)
#   car       the CAR slice of a commit
#   decode    the in-place decoders (CAR slice index, commit view) against the generic ones
# (the last seven: Scripts/Fuzz/Verify/*.swift compiled with ATSyntax, IPLD, ATCrypto, ATRepo, ATIdentity and
# FirehoseSync as one module).
#   Scripts/fuzz.sh --ci          bounded run (FUZZ_CI_SECONDS per target, default 14 s; binaries are rebuilt only
#                                 when sources change), used by Scripts/test.sh
#   Scripts/fuzz.sh [SECONDS]     long run (default 3600 s per target); FUZZ_TARGETS="frame proof" picks targets,
#                                 FUZZ_JOBS=N runs N fuzzing processes per target
# Corpora grow in .build/fuzz/corpus-TARGET (seeds: real frames split from Replays/*/frames.bin and vectors from
# Tests/Vectors, in .build/fuzz/seeds-TARGET); crashes are written to .build/fuzz/artifacts/; one line per target
# with executions, peak RSS and corpus size goes to .build/fuzz/summary.txt. Both binaries link the swift-crypto
# objects of the debug build (built first if missing), Debian's libsecp256k1 and the system libcrypto (SHA-256).
# If libFuzzer cannot be used with this toolchain, the IPLD target runs as a deterministic mutation loop instead.
set -euo pipefail
cd "$(dirname "$0")/.."

CI=0
SECONDS_TO_RUN=3600
for arg in "$@"; do
    case "$arg" in
        --ci) CI=1; SECONDS_TO_RUN="${FUZZ_CI_SECONDS:-14}" ;;
        [0-9]*) SECONDS_TO_RUN="$arg" ;;
        -h|--help) sed -n 2,20p "$0"; exit 0 ;;
        *) echo "usage: $0 [--ci] [SECONDS]" >&2; exit 2 ;;
    esac
done
TARGETS=(${FUZZ_TARGETS:-ipld frame proof sliceproof identity car decode})
JOBS="${FUZZ_JOBS:-1}"

OUT=.build/fuzz
mkdir -p "$OUT/artifacts"
DEBUG=$(swift build --show-bin-path)
if [ ! -d "$DEBUG/Crypto.build" ] || [ ! -f "$DEBUG/Modules/Crypto.swiftmodule" ]; then
    echo "==> fuzz: building swift-crypto (debug)"
    swift build --target Crypto >/dev/null
fi
VECTORS="${BREAKWATER_VECTORS:-Tests/Vectors}"

# ---- Seeds ---------------------------------------------------------------------------------------------------
# split_frames FILE DIR PREFIX MAX: the first MAX frames (under 64 KiB) of a recording, one file each.
split_frames() {
    local file="$1" dir="$2" prefix="$3" max="$4" offset=0 count=0 length
    local size; size=$(stat -c %s "$file")
    while [ "$offset" -lt "$size" ] && [ "$count" -lt "$max" ]; do
        length=$(od -An -tu4 --endian=big -N4 -j "$offset" "$file" | tr -d ' \n')
        [ -n "$length" ] || break
        if [ "$length" -lt 65536 ]; then
            dd if="$file" of="$dir/$prefix-$count" bs=1M iflag=skip_bytes,count_bytes skip=$((offset + 4)) count="$length" status=none
        fi
        offset=$((offset + 4 + length))
        count=$((count + 1))
    done
}
SEEDS_STAMP="$OUT/seeds.stamp"
if [ ! -f "$SEEDS_STAMP" ] || [ -n "$(find Replays "$VECTORS" Scripts/fuzz.sh -newer "$SEEDS_STAMP" -print -quit 2>/dev/null)" ]; then
    echo "==> fuzz: seed corpora from Replays/*/frames.bin and $VECTORS"
    rm -rf "$OUT"/seeds-*
    mkdir -p "$OUT"/seeds-{ipld,frame,proof,sliceproof,identity,car,decode}
    # ipld: small real blocks and CARs, the codec fixtures, data-model JSON.
    if [ -d "$VECTORS" ]; then
        find "$VECTORS/ipld-codec-fixtures/fixtures" -name '*.dag-cbor' -size -64k -exec cp {} "$OUT/seeds-ipld/" \; 2>/dev/null || true
        find "$VECTORS" \( -name '*.car' -o -name '*.cbor' \) -size -64k -exec cp {} "$OUT/seeds-ipld/" \; 2>/dev/null || true
        cp "$VECTORS/interop/data-model/"*.json "$OUT/seeds-ipld/" 2>/dev/null || true
    fi
    # frame, proof, car: real frames of every recording (up to 40 each: every rule scenario whole, the start of
    # the larger ones), plus the small CARs of the vectors for proof and car.
    for recording in Replays/*/; do
        name=$(basename "$recording")
        [ -f "$recording/frames.bin" ] && split_frames "$recording/frames.bin" "$OUT/seeds-frame" "$name" 40
    done
    cp "$OUT"/seeds-frame/* "$OUT/seeds-proof/"
    cp "$OUT"/seeds-frame/* "$OUT/seeds-sliceproof/"
    cp "$OUT"/seeds-frame/* "$OUT/seeds-car/"
    cp "$OUT"/seeds-frame/* "$OUT/seeds-decode/"
    if [ -d "$VECTORS" ]; then
        find "$VECTORS" -name '*.car' -size -64k -exec cp {} "$OUT/seeds-car/" \; 2>/dev/null || true
        find "$VECTORS" -name '*.car' -size -64k -exec cp {} "$OUT/seeds-decode/" \; 2>/dev/null || true
    fi
    # identity: DID documents of the vectors, identities files of the recordings, did:key strings.
    if [ -d "$VECTORS" ]; then
        for doc in $(find "$VECTORS" -name '*.json' -size -64k | xargs grep -l '"verificationMethod"' 2>/dev/null | sort); do
            cp "$doc" "$OUT/seeds-identity/$(echo "$doc" | tr / _)"
        done
        grep -hoE 'did:key:z[1-9A-HJ-NP-Za-km-z]+' "$VECTORS"/interop/crypto/*.json 2>/dev/null | sort -u | head -40 \
            | while read -r key; do printf '%s' "$key" > "$OUT/seeds-identity/didkey-$(printf '%s' "$key" | md5sum | cut -c1-12)"; done
    fi
    for recording in Replays/*/; do
        identities="$recording/identities.json"
        [ -f "$identities" ] && [ "$(stat -c %s "$identities")" -lt 65536 ] && cp "$identities" "$OUT/seeds-identity/$(basename "$recording").json"
    done
    touch "$SEEDS_STAMP"
fi

# ---- Binaries ------------------------------------------------------------------------------------------------
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

# Rebuild an instrumented binary only when one of its sources is newer than it.
fresh() { local binary="$1"; shift; [ -x "$binary" ] && [ -z "$(find "$@" -name '*.swift' -newer "$binary" | head -1)" ]; }

IPLD_COMMON=(-parse-as-library -module-name IPLDFuzz -package-name Breakwater -O -I "$DEBUG/Modules" -I Sources/CLibCryptoSHA256
             "${MODULE_MAPS[@]}" $(find Sources/IPLD -name '*.swift' | sort) Scripts/Fuzz/FuzzIPLD.swift "${CRYPTO_OBJECTS[@]}"
             -lstdc++ -lcrypto)

# The verification modules as one module: each source copied under a unique name, its imports of the other five
# modules removed (they are one module here; `package` and `internal` symbols are visible across them).
VERIFY_MODULES=(ATSyntax IPLD ATCrypto ATRepo ATIdentity FirehoseSync)
VERIFY_SOURCE_DIRS=()
for module in "${VERIFY_MODULES[@]}"; do VERIFY_SOURCE_DIRS+=("Sources/$module"); done
build_verify() {
    local src="$OUT/verify-src"
    rm -rf "$src"
    mkdir -p "$src"
    local pattern; pattern="^(public |package |internal |@preconcurrency )*import ($(IFS='|'; echo "${VERIFY_MODULES[*]}"))$"
    for module in "${VERIFY_MODULES[@]}"; do
        while IFS= read -r file; do
            local name="${file#Sources/}"
            grep -vE "$pattern" "$file" > "$src/${name//\//_}"
        done < <(find "Sources/$module" -name '*.swift' | sort)
    done
    swiftc -parse-as-library -module-name VerifyFuzz -package-name Breakwater -O -sanitize=fuzzer,address \
        -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility \
        -I "$DEBUG/Modules" -I Sources/CSecp256k1 -I Sources/CLibCryptoSHA256 "${MODULE_MAPS[@]}" \
        "$src"/*.swift Scripts/Fuzz/Verify/*.swift "${CRYPTO_OBJECTS[@]}" -lstdc++ -lsecp256k1 -lcrypto \
        -o "$OUT/fuzz-verify"
}

NEED_VERIFY=0
for target in "${TARGETS[@]}"; do [ "$target" != ipld ] && NEED_VERIFY=1; done
if [ "$NEED_VERIFY" = 1 ] && ! fresh "$OUT/fuzz-verify" "${VERIFY_SOURCE_DIRS[@]}" Scripts/Fuzz/Verify; then
    echo "==> fuzz: building the verification fuzz binary (several minutes the first time)"
    build_verify >"$OUT/build-verify.log" 2>&1 || { tail -40 "$OUT/build-verify.log" >&2; echo "fuzz: build of fuzz-verify FAILED" >&2; exit 1; }
fi

# ---- Runs ----------------------------------------------------------------------------------------------------
: > "$OUT/summary.txt"
run_target() {
    local target="$1" binary="$2"
    local corpus="$OUT/corpus-$target" log="$OUT/fuzz-$target.log"
    mkdir -p "$corpus"
    local flags=(-max_total_time="$SECONDS_TO_RUN" -timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=512 -max_len=65536
                 -artifact_prefix="$OUT/artifacts/$target-" -print_final_stats=1)
    if [ "$JOBS" -gt 1 ]; then flags+=(-jobs="$JOBS" -workers="$JOBS"); fi
    echo "==> fuzz: $target for ${SECONDS_TO_RUN}s (corpus $(ls "$corpus" | wc -l) + $(ls "$OUT/seeds-$target" | wc -l) seeds)"
    if ! BREAKWATER_FUZZ_TARGET="$target" "$binary" "$corpus" "$OUT/seeds-$target" "${flags[@]}" >"$log" 2>&1; then
        tail -40 "$log" >&2
        [ "$JOBS" -gt 1 ] && tail -40 fuzz-*.log >&2 2>/dev/null
        echo "fuzz: $target FAILED (crash, trap, hang or memory limit); reproducer in $OUT/artifacts/" >&2
        return 1
    fi
    local logs=("$log"); [ "$JOBS" -gt 1 ] && logs=(fuzz-*.log)
    local executions rss
    executions=$(grep -h 'stat::number_of_executed_units' "${logs[@]}" | awk '{s += $2} END {print s + 0}')
    rss=$(grep -h 'stat::peak_rss_mb' "${logs[@]}" | awk '{if ($2 > m) m = $2} END {print m + 0}')
    local done; done=$(grep -h 'DONE' "${logs[@]}" | tail -1 | grep -oE 'cov: [0-9]+|corp: [0-9]+/[0-9]+[a-zA-Z]+' | tr '\n' ' ')
    printf '%-9s executions %10d  peak RSS %5d MB  corpus %5d files  %s crashes 0\n' \
        "$target" "$executions" "$rss" "$(ls "$corpus" | wc -l)" "$done" | tee -a "$OUT/summary.txt"
    if [ "$JOBS" -gt 1 ]; then cat fuzz-*.log >> "$log"; rm -f fuzz-*.log; fi
}

status=0
for target in "${TARGETS[@]}"; do
    if [ "$target" = ipld ]; then
        if fresh "$OUT/fuzz-ipld" Sources/IPLD Scripts/Fuzz/FuzzIPLD.swift \
            || swiftc "${IPLD_COMMON[@]}" -sanitize=fuzzer,address -o "$OUT/fuzz-ipld" >"$OUT/build.log" 2>&1; then
            run_target ipld "$OUT/fuzz-ipld" || status=1
        else
            echo "==> fuzz: libFuzzer build failed (see $OUT/build.log); using the deterministic mutation loop"
            fresh "$OUT/fuzz-loop" Sources/IPLD Scripts/Fuzz/FuzzIPLD.swift \
                || swiftc "${IPLD_COMMON[@]}" -D FUZZ_LOOP -o "$OUT/fuzz-loop" >>"$OUT/build.log" 2>&1 \
                || { tail -20 "$OUT/build.log" >&2; exit 1; }
            ITERATIONS=$(( CI ? 200000 : 20000000 ))
            timeout $(( SECONDS_TO_RUN + 60 )) "$OUT/fuzz-loop" "$ITERATIONS" 1 "$OUT"/seeds-ipld/* | tail -1
        fi
    else
        run_target "$target" "$OUT/fuzz-verify" || status=1
    fi
done
[ "$status" = 0 ] && echo "fuzz: OK" || echo "fuzz: FAILED" >&2
exit "$status"
