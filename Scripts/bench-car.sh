#!/usr/bin/env bash
# Times full CAR decoding (parse + SHA-256 of every block + strict DAG-CBOR decode of every block)
# in a release build. Usage: Scripts/bench-car.sh [FILE.car] [ROUNDS]  (default: calabro.car, 20 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
FILE="${1:-${BREAKWATER_VECTORS:-Tests/Vectors}/shrike/benches/fixtures/calabro.car}"
ROUNDS="${2:-20}"
REL=.build/release
swift build -c release --target IPLD >/dev/null
OBJECTS=()
for target in IPLD Crypto CryptoBoringWrapper CCryptoBoringSSL CCryptoBoringSSLShims CXKCP CXKCPShims; do
    [ -d "$REL/$target.build" ] && while IFS= read -r object; do OBJECTS+=("$object"); done < <(find "$REL/$target.build" -name '*.o' | sort)
done
MODULE_MAPS=()
for map in $(find .build/checkouts/swift-crypto/Sources -path '*include/module.modulemap' | sort); do
    MODULE_MAPS+=(-Xcc -fmodule-map-file="$map")
done
mkdir -p .build/bench
swiftc -O -parse-as-library -I "$REL/Modules" "${MODULE_MAPS[@]}" Scripts/Bench/CARDecodeBench.swift "${OBJECTS[@]}" -lstdc++ \
    -o .build/bench/car-decode-bench
.build/bench/car-decode-bench "$FILE" "$ROUNDS"
