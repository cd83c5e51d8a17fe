#!/usr/bin/env bash
# Builds Breakwater and runs the whole test suite. Exits non-zero on any failure.
# Installs its own system packages when missing. Usage: Scripts/test.sh [extra swift test args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/deps.sh
echo "==> no path outside the repository"
bash Scripts/check-paths.sh
echo "==> swift build"
swift build --build-tests --explicit-target-dependency-import-check error
if [ -z "${BREAKWATER_TEST_POSTGRES:-}" ]; then
    echo "==> PostgreSQL test cluster"
    pg_dir="$(mktemp -d)"
    trap 'bash Scripts/postgres-test-cluster.sh stop "$pg_dir"' EXIT
    BREAKWATER_TEST_POSTGRES="$(bash Scripts/postgres-test-cluster.sh start "$pg_dir")"
    export BREAKWATER_TEST_POSTGRES
fi
echo "==> swift test (PostgreSQL at $BREAKWATER_TEST_POSTGRES)"
# Serially: many suites run real processes, sockets and timeouts; on 2 cores, running them all at once starves
# the timers they measure (the whole suite takes about 2.5 minutes this way).
swift test --skip-build --no-parallel "$@"
if [ -x Scripts/fuzz.sh ]; then
    echo "==> short fuzz run"
    Scripts/fuzz.sh --ci
fi
