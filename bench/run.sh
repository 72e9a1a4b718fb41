#!/usr/bin/env bash
# Times baton against reading every ticket file once with cat, in one run.
# Usage: bench/run.sh [N]   (default 10000 tickets; needs hyperfine and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
cargo build --release --quiet
bin="$PWD/target/release/baton"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/make-store.py "$n" "$work"
cd "$work"
export BATON_NOW=2026-11-20T17:00:00Z
hyperfine --warmup 2 --runs 10 --export-markdown "$OLDPWD/bench/last-run.md" \
  -n "cat (baseline)" "find tickets -name '*.toml' -exec cat {} + >/dev/null" \
  -n "baton list" "$bin list >/dev/null" \
  -n "baton list --owner ben --status open" "$bin list --owner ben --status open >/dev/null" \
  -n "baton escalate --dry-run" "$bin escalate --dry-run >/dev/null"
echo "peak memory of baton list:"
/usr/bin/time -f "%M KiB" "$bin" list >/dev/null
