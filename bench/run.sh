#!/usr/bin/env bash
# Times baton on generated stores against reading the same files with cat and
# grep, cold (no cache in tickets/.local/cache) and warm (cache current), and
# checks the results against the targets in bench/results.py.
#
# Usage: bench/run.sh [--runs N] [--out DIR] [SIZE...]
#   SIZE       tickets in the store (default: 1000 10000 100000)
#   --runs N   counted runs of every measurement (default: 10, and 3 for cold
#              runs at 100,000 tickets or more)
#   --out DIR  where results.md and hyperfine's JSON go (default: target/bench)
#
# Stores are kept in target/bench/store-SIZE and made again only when missing
# or when bench/make-store.py or the demo tickets it copies have changed.
#
# Every command runs without a shell (hyperfine -N), the baselines too, so no
# measurement carries a shell's start-up. Output goes through a pipe
# (--output=pipe), not to /dev/null: GNU grep notices /dev/null and skips
# work, so each command, baselines included, pays for its output the same way.
set -euo pipefail

readonly NOW=2026-11-20T17:00:00Z
readonly RARE=safari   # in about 3% of generated tickets
readonly COMMON=invoice  # in about half of them

die() {
  printf 'error: %s\n' "$1" >&2
  [[ -n ${2:-} ]] && printf 'hint: %s\n' "$2" >&2
  exit 2
}

usage() {
  sed -n '6,10s/^# \{0,1\}//p' "$0"
}

root=$(cd "$(dirname "$0")/.." && pwd)
sizes=()
runs=""
out=""
while (($#)); do
  case $1 in
    --runs) (($# >= 2)) || die "--runs needs a number"; runs=$2; shift 2 ;;
    --runs=*) runs=${1#--runs=}; shift ;;
    --out) (($# >= 2)) || die "--out needs a folder"; out=$2; shift 2 ;;
    --out=*) out=${1#--out=}; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown option '$1'" "bash bench/run.sh --help lists the options" ;;
    *) sizes+=("$1"); shift ;;
  esac
done
((${#sizes[@]})) || sizes=(1000 10000 100000)
for n in "${sizes[@]}"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a number of tickets" "give sizes such as: bash bench/run.sh 1000 10000"
done
if [[ -n $runs && ! $runs =~ ^[1-9][0-9]*$ ]]; then
  die "'$runs' is not a number of runs" "use --runs 5, say"
fi
out=${out:-$root/target/bench}
mkdir -p "$out"
out=$(cd "$out" && pwd)

command -v hyperfine >/dev/null ||
  die "hyperfine is not installed" "apt-get install hyperfine, brew install hyperfine or cargo install hyperfine"
[[ -x /usr/bin/time ]] ||
  die "/usr/bin/time (GNU time) is not installed; it measures peak memory" "apt-get install time"
command -v python3 >/dev/null || die "python3 is not installed" "apt-get install python3"
command -v cargo >/dev/null || die "cargo is not installed" "see https://rustup.rs"

cd "$root"
echo "building baton (release)..." >&2
cargo build --release --quiet
target=${CARGO_TARGET_DIR:-target}
bin=$(cd "$target/release" && pwd)/baton

# The run must not depend on who runs it or where: no other store, no trace
# output, a fixed clock, and a fixed identity so no command asks git for one.
unset BATON_STORE BATON_TRACE BATON_COLOR
export BATON_NOW=$NOW BATON_USER=ana NO_COLOR=1

# What the stores are made from: the generator and the demo tickets it copies.
generator=$(cat bench/make-store.py tickets/*.toml | sha256sum | cut -d' ' -f1)

# Makes target/bench/store-N unless it is there and made by this generator.
store_for() {
  local n=$1 dir=$root/target/bench/store-$1
  if [[ -d $dir/tickets && $(cat "$dir/generator.sha256" 2>/dev/null) == "$generator" ]]; then
    echo "store-$n: reusing $dir" >&2
  else
    echo "store-$n: generating $n tickets..." >&2
    rm -rf "$dir" "$dir.tmp"
    python3 bench/make-store.py "$n" "$dir.tmp" >/dev/null
    echo "$generator" >"$dir.tmp/generator.sha256"
    mv "$dir.tmp" "$dir"
  fi
}

# Reads every ticket file once so all measurements start from a warm page cache.
warm_page_cache() {
  find tickets -name '*.toml' -exec cat {} + >/dev/null
}

# Counted runs: --runs, else 10, and 3 for the slow cold runs of a huge store.
runs_for() {
  local n=$1 kind=$2
  if [[ -n $runs ]]; then
    echo "$runs"
  elif [[ $kind == cold ]] && ((n >= 100000)); then
    echo 3
  else
    echo 10
  fi
}

# The peak RSS in KiB of one run of baton ARGS....
peak_kib() {
  local f
  f=$(mktemp)
  /usr/bin/time -f %M -o "$f" "$bin" "$@" >/dev/null
  tail -n 1 "$f"
  rm -f "$f"
}

# baton caches only what has been still for 2 s, and its first cache write
# makes tickets/.local, which changes the folder once more; so a new store is
# left to settle until a run can cache it all, or warm runs would not be warm.
settle() {
  local age _
  for _ in 1 2 3; do
    age=$(($(date +%s) - $(stat -c %Y tickets)))
    if [[ -d tickets/.local/cache ]] && ((age >= 3)); then
      return
    fi
    ((age >= 3)) || sleep $((3 - age))
    "$bin" list >/dev/null
  done
}

bench_size() {
  local n=$1 dir=$root/target/bench/store-$1 res=$out/$1
  store_for "$n"
  mkdir -p "$res"
  cd "$dir"

  settle
  warm_page_cache

  local prefix
  prefix=$(find tickets -maxdepth 1 -name '*.toml' ! -name baton.toml -printf '%f\n' |
    cut -c1-6 | sort | uniq -u | awk "NR == 1")
  [[ -n $prefix ]] || die "no ticket in $dir has a unique 6-character prefix"

  local names=(list list-filtered "search-$RARE" "search-$COMMON" escalate report show)
  local argv=(
    "list"
    "list --owner ben --status open"
    "search $RARE"
    "search $COMMON"
    "escalate --dry-run"
    "report --month 2026-11"
    "show $prefix"
  )
  local named=() i qbin
  qbin=$(printf '%q' "$bin")
  for i in "${!names[@]}"; do
    named+=(-n "${names[$i]}" "$qbin ${argv[$i]}")
  done
  local hf=(hyperfine -N --output=pipe --style basic)
  local warm cold
  warm=$(runs_for "$n" warm)
  cold=$(runs_for "$n" cold)

  {
    echo "tickets	$n"
    echo "bytes	$(find tickets -name '*.toml' -printf '%s\n' | awk '{s += $1} END {print s}')"
    echo "disk	$(du -sk --exclude=.local tickets | cut -f1)"
    echo "prefix	$prefix"
    echo "rare	$RARE	$(grep -rli "$RARE" tickets --include='*.toml' | wc -l)"
    echo "common	$COMMON	$(grep -rli "$COMMON" tickets --include='*.toml' | wc -l)"
    echo "runs	$cold	$warm"
  } >"$res/meta.tsv"

  # Baselines, on the ticket files alone: no cache folder for grep to read.
  echo "store-$n: baselines" >&2
  rm -rf tickets/.local/cache
  "${hf[@]}" --warmup 2 --runs "$warm" --export-json "$res/baselines.json" \
    -n cat "find tickets -name '*.toml' -exec cat {} +" \
    -n "grep-$RARE" "grep -rli $RARE tickets" \
    -n "grep-$COMMON" "grep -rli $COMMON tickets" >&2

  echo "store-$n: baton, cold" >&2
  "${hf[@]}" --runs "$cold" --prepare "rm -rf tickets/.local/cache" \
    --export-json "$res/cold.json" "${named[@]}" >&2

  # The last cold run left the cache current; the warm-up runs keep it so.
  echo "store-$n: baton, warm" >&2
  "${hf[@]}" --warmup 2 --runs "$warm" --export-json "$res/warm.json" "${named[@]}" >&2

  # What each warm run took from the cache, to show the cache was current.
  : >"$res/trace.txt"
  for i in "${!names[@]}"; do
    read -ra args <<<"${argv[$i]}"
    BATON_TRACE=1 "$bin" "${args[@]}" 2>&1 >/dev/null |
      sed "s/^/${names[$i]}: /" >>"$res/trace.txt"
  done

  echo "store-$n: peak memory" >&2
  echo "command	cold_kib	warm_kib" >"$res/memory.tsv"
  local c w
  for i in "${!names[@]}"; do
    read -ra args <<<"${argv[$i]}"
    rm -rf tickets/.local/cache
    c=$(peak_kib "${args[@]}")
    w=$(peak_kib "${args[@]}")
    printf '%s\t%s\t%s\n' "${names[$i]}" "$c" "$w" >>"$res/memory.tsv"
  done
  cd "$root"
}

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
for n in "${sizes[@]}"; do
  bench_size "$n"
done

rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ $rev != unknown && -n $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  rev="$rev (with uncommitted changes)"
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
{
  echo "date	$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "rev	$rev"
  echo "nproc	$(nproc)"
  echo "cpu	${cpu:-$(uname -m)}"
  echo "kernel	$(uname -sr)"
  echo "hyperfine	$(hyperfine --version | cut -d' ' -f2)"
  echo "load	$load"
} >"$out/machine.tsv"

python3 "$root/bench/results.py" "$out" "${sizes[@]}" | tee "$out/results.md"
