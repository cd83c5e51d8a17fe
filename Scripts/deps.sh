#!/usr/bin/env bash
# Installs the Debian packages Breakwater needs, only when some are missing.
# Sourced by the other scripts; safe to run on its own.
set -euo pipefail
BREAKWATER_APT_PACKAGES=(libsecp256k1-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev pkg-config)
missing=()
for pkg in "${BREAKWATER_APT_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "==> installing system packages: ${missing[*]}"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
