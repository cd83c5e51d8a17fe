#!/usr/bin/env bash
# Fails, naming each file and line, when a source, test, script or scenario refers to a path outside the repository:
# `../shared` (the vectors live in Tests/Vectors), an absolute path under /work or /home, or a relative path
# that climbs out of the checkout. Run by Scripts/test.sh, so CI enforces it.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
# Files tracked or about to be: sources, tests (not the copied vector data), scripts, replays' metadata.
files=$(git ls-files --cached --others --exclude-standard -- Sources Tests Scripts Replays Package.swift README.md \
    | grep -v '^Tests/Vectors/' | grep -E '\.(swift|sh|py|json|md|txt)$|^Package\.swift$' | grep -v '\.jsonl$' || true)
patterns='\.\./shared|shared/vectors|/work/|/home/[a-z]|\.\./\.\./\.\./\.\./\.\./'
while IFS= read -r file; do
    [ -n "$file" ] || continue
    [ "$file" = "Scripts/check-paths.sh" ] && continue
    if hits=$(grep -nE "$patterns" "$file" 2>/dev/null); then
        while IFS= read -r hit; do echo "outside path in $file:$hit" >&2; done <<<"$hits"
        status=1
    fi
done <<<"$files"
if [ "$status" -ne 0 ]; then
    echo "error: paths outside the repository (see above); the tests must run from a clean clone alone" >&2
fi
exit "$status"
