#!/usr/bin/env bash
# Times baton on generated stores against reading the same files with cat and
# grep, cold (no cache in tickets/.local/cache) and warm (cache current), its
# write and mail commands, and the same work in Fossil's tickets and in
# taskwarrior on the same data, and checks the results against the targets in
# bench/results.py.
#
# Usage: bench/run.sh [--runs N] [--out DIR] [--list-only] [SIZE...]
#   SIZE         tickets in the store (default: 1000 10000 100000)
#   --runs N     counted runs of every measurement (default: 10, and 3 for cold
#                runs at 100,000 tickets or more)
#   --out DIR    where results.md and hyperfine's JSON go (default: target/bench)
#   --list-only  time only the baselines and `list` (for 1,000,000 tickets)
#
# Stores are kept in target/bench/store-SIZE and made again only when missing
# or when bench/make-store.py or the demo tickets it copies have changed; the
# peers' copies (bench/to-fossil.py, bench/to-taskwarrior.py) in
# target/bench/peers-SIZE likewise. A peer that is not installed is skipped,
# and results.md says so.
#
# Writes change the store, so each run of a write starts from the same state:
# hyperfine's --prepare (untimed) puts back the tickets the writes touch, from
# copies taken when the store was made, and deletes the ticket `new` makes
# (its id is pinned with BATON_ID_SEED). The peers' writes add to a fresh copy
# of their converted database made for each run of this script.
#
# Every command runs without a shell (hyperfine -N), the baselines too, so no
# measurement carries a shell's start-up; the one exception is mail, which
# baton reads on stdin and hyperfine 1.15 cannot give, so those runs are
# `sh -c 'exec baton ... < FILE'` and `sh -c 'exec true < FILE'` is timed beside
# them to show (and take out) what the shell costs. Output goes through a pipe
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
  sed -n '8,13s/^# \{0,1\}//p' "$0"
}

root=$(cd "$(dirname "$0")/.." && pwd)
sizes=()
runs=""
out=""
list_only=""
while (($#)); do
  case $1 in
    --runs) (($# >= 2)) || die "--runs needs a number"; runs=$2; shift 2 ;;
    --runs=*) runs=${1#--runs=}; shift ;;
    --out) (($# >= 2)) || die "--out needs a folder"; out=$2; shift 2 ;;
    --out=*) out=${1#--out=}; shift ;;
    --list-only) list_only=1; shift ;;
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
# The stores sit in this repository's target/, but are not part of it: git
# must not find this work tree above them (doctor would check its setup).
export GIT_CEILING_DIRECTORIES=$root/target/bench
# The peers, alike: their own config only, acting as ana, no colour.
export USER=ana FOSSIL_HOME=$out/fossil-home
mkdir -p "$FOSSIL_HOME"
unset TASKRC TASKDATA

# What the stores are made from: the generator and the demo tickets it copies.
generator=$(cat bench/make-store.py tickets/*.toml | sha256sum | cut -d' ' -f1)
# What the peers' copies are made from: the store and the converters.
converters=$( (echo "$generator" && cat bench/store.py bench/to-fossil.py bench/to-taskwarrior.py) |
  sha256sum | cut -d' ' -f1)

# The id `new` and `new --from-mail` give their ticket (BATON_ID_SEED).
readonly NEW_ID=00000000-0000-4000-8000-00000000be7c
# A new customer's mail, and a reply to the ticket make-store.py made for
# tests/fixtures/mail/plain.eml (its In-Reply-To names that message).
readonly MAIL_NEW=$root/tests/fixtures/mail/quoted-printable.eml
readonly MAIL_REPLY=$root/tests/fixtures/mail/reply-in-reply-to.eml

# Every run but the watched ones stamps every file, whatever watchman the
# machine runs.
export BATON_WATCHMAN=off

have_fossil() { command -v fossil >/dev/null; }
have_task() { command -v task >/dev/null; }

# Makes target/bench/store-N unless it is there and made by this generator,
# with copies of the tickets the writes touch in store-N/pristine.
store_for() {
  local n=$1 dir=$root/target/bench/store-$1
  if [[ -d $dir/tickets && $(cat "$dir/generator.sha256" 2>/dev/null) == "$generator" ]]; then
    echo "store-$n: reusing $dir" >&2
  else
    echo "store-$n: generating $n tickets..." >&2
    rm -rf "$dir" "$dir.tmp"
    local start=$SECONDS
    python3 bench/make-store.py "$n" "$dir.tmp" >/dev/null
    echo "$((SECONDS - start))" >"$dir.tmp/generated-in-seconds"
    mkdir "$dir.tmp/pristine"
    cut -f2 "$dir.tmp/targets.tsv" | sed 's|^|tickets/|; s|$|.toml|' |
      (cd "$dir.tmp" && xargs cp -t pristine)
    echo "$generator" >"$dir.tmp/generator.sha256"
    mv "$dir.tmp" "$dir"
  fi
}

# Makes target/bench/peers-N (fossil.fossil, taskwarrior/) from store-N with
# each peer that is installed, unless made from this store already.
peers_for() {
  local n=$1 dir=$root/target/bench/peers-$1 store=$root/target/bench/store-$1 start
  if [[ $(cat "$dir/made-from.sha256" 2>/dev/null) != "$converters" ]]; then
    rm -rf "$dir"
  fi
  mkdir -p "$dir"
  if have_fossil && [[ ! -f $dir/fossil.fossil ]]; then
    echo "peers-$n: converting to Fossil..." >&2
    start=$SECONDS
    nice -n 10 python3 bench/to-fossil.py "$store" "$dir/fossil.fossil" >&2
    echo "$((SECONDS - start))" >"$dir/fossil-seconds"
  fi
  if have_task && [[ ! -d $dir/taskwarrior ]]; then
    echo "peers-$n: converting to taskwarrior..." >&2
    start=$SECONDS
    nice -n 10 python3 bench/to-taskwarrior.py "$store" "$dir/taskwarrior" >&2
    echo "$((SECONDS - start))" >"$dir/taskwarrior-seconds"
  fi
  echo "$converters" >"$dir/made-from.sha256"
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

# The shortest prefix of ID, from 6 characters, that no other ticket shares.
unique_prefix() {
  local id=$1 len
  for ((len = 6; len < ${#id}; len++)); do
    if (($(find tickets -maxdepth 1 -name "${id:0:len}*.toml" | wc -l) == 1)); then
      echo "${id:0:len}"
      return
    fi
  done
  echo "$id"
}

# The untimed commands that put store-N back as it was made: the tickets the
# writes touch copied back, the ticket `new` makes deleted; and the same, then
# the folder left to settle and listed once (see bench_writes). Q is baton.
restore_cmd() {
  echo "sh -c 'cp pristine/*.toml tickets/ && rm -f tickets/$NEW_ID.toml'"
}
relist_cmd() {
  echo "sh -c 'cp pristine/*.toml tickets/ && rm -f tickets/$NEW_ID.toml && sleep 2.1 && exec \"\$0\" list >/dev/null' $1"
}
# `new --from-mail` of MAIL by baton Q, through the shell that gives stdin.
mail_cmd() {
  echo "sh -c 'exec \"\$0\" new --from-mail < \"\$1\"' $2 $(printf %q "$1")"
}

# Times the writes and the mail intake: one process each, every run on the
# same state (see the top of this file).
bench_writes() {
  local n=$1 dir=$2 res=$3 q=$4
  local own owner take mail
  read -r _ own owner < <(grep '^own' "$dir/targets.tsv")
  take=$(awk '$1 == "take" { print $2 }' "$dir/targets.tsv")
  mail=$(awk '$1 == "mail" { print $2 }' "$dir/targets.tsv")
  local p_own p_take
  p_own=$(unique_prefix "$own")
  p_take=$(unique_prefix "$take")
  # The state every run starts from, and is left in at the end.
  local restore
  restore=$(restore_cmd)
  # Deleting the ticket a run made changes the folder behind baton's back,
  # which no desk does between two commands (each write keeps the cached
  # listing current), so before the runs that make a ticket the folder is
  # left to settle and listed once, untimed: they find the listing cached,
  # as after any write.
  local relist
  relist=$(relist_cmd "$q")
  local writes=(
    -n new "$q new 'Printer jams on every page' --customer it@bergmann-bau.example --priority high"
    -n take "$q take $p_take"
    -n pass "$q --as $owner pass $p_own ana --note 'needs a refund approval'"
    -n note "$q --as $owner note $p_own 'Card ending 4421 was charged twice on the 3rd'"
    -n reply "$q --as $owner reply $p_own 'The refund was sent today; expect it within 3 days.'"
    -n wait "$q --as $owner wait $p_own --note 'asked for the order number'"
    -n resolve "$q --as $owner resolve $p_own --note 'refund sent'"
    -n mail-shell "sh -c 'exec \"\$0\" < \"\$1\"' /bin/true $(printf %q "$MAIL_NEW")"
    -n mail-new "$(mail_cmd "$MAIL_NEW" "$q")"
    -n mail-reply "$(mail_cmd "$MAIL_REPLY" "$q")"
  )
  echo "store-$n: baton, writes and mail" >&2
  # One --prepare for each command, in the order of `writes`. The cleanup
  # after each command deletes the ticket `new` and the new customer's mail
  # made, behind baton's back again, so it lets the folder settle and lists
  # it too: otherwise the next command's runs, each within 2 s of the last
  # change, would all read the folder (a listing read from a folder that
  # changed in the last 2 s is not kept; see docs/performance.md).
  local prepares=(-p "$relist")
  local i
  for i in 2 3 4 5 6 7 8; do prepares+=(-p "$restore"); done
  prepares+=(-p "$relist" -p "$restore")
  BATON_ID_SEED=$NEW_ID "${hf[@]}" --warmup 1 --runs "$warm" "${prepares[@]}" --cleanup "$relist" \
    --export-json "$res/writes.json" "${writes[@]}" >&2
  printf 'own\t%s\t%s\ntake\t%s\nmail\t%s\n' "$own" "$owner" "$take" "$mail" >"$res/targets.tsv"
}

# Times the daily reads with a watchman server of the run's own watching the
# store (the optional file watcher, see docs/performance.md): baton then stamps
# only the files watchman names as changed. Skipped without watchman.
bench_watched() {
  local n=$1 res=$2 q=$3 wm=$2/watchman
  mkdir -p "$wm"
  local w=(watchman --sockname "$wm/sock" --statefile "$wm/state" --logfile "$wm/log"
    --pidfile "$wm/pid" --no-pretty)
  echo "store-$n: baton with watchman" >&2
  # The store's own folder is the watched root, not the repository the
  # benchmark's stores sit in.
  echo '{}' >.watchmanconfig
  "${w[@]}" watch-project "$PWD/tickets" >/dev/null
  # An empty BATON_WATCHMAN is no setting: baton asks the socket named.
  local on=(env BATON_WATCHMAN= "WATCHMAN_SOCK=$wm/sock")
  # The first look stamps every file and keeps the stamps for the next; the
  # word index is built again (the memory runs deleted the cache), as the
  # warm runs have it.
  "${on[@]}" "$bin" list >/dev/null
  [[ -n $list_only ]] || "${on[@]}" "$bin" similar "$prefix" >/dev/null
  local named=(-n watched-list "$q list" -n watched-report "$q report --month 2026-11")
  if [[ -z $list_only ]]; then
    named+=(-n watched-escalate "$q escalate --dry-run" -n "watched-search-$RARE" "$q search $RARE")
  fi
  "${on[@]}" "${hf[@]}" --warmup 2 --runs "$warm" --export-json "$res/watched.json" "${named[@]}" >&2
  if [[ -z $list_only ]]; then
    # Mail, on the same state each run, as bench_writes times it.
    local relist
    relist=$(relist_cmd "$q")
    "${on[@]}" BATON_ID_SEED=$NEW_ID "${hf[@]}" --warmup 1 --runs "$warm" \
      --prepare "$relist" --cleanup "$relist" --export-json "$res/watched-mail.json" \
      -n watched-mail-new "$(mail_cmd "$MAIL_NEW" "$q")" \
      -n watched-mail-reply "$(mail_cmd "$MAIL_REPLY" "$q")" >&2
  fi
  "${on[@]}" BATON_TRACE=1 "$bin" list 2>&1 >/dev/null | sed 's/^/watched-list: /' >>"$res/trace.txt"
  # Its peak memory, warm (the same figure in both columns of memory.tsv).
  local f peak
  f=$(mktemp)
  "${on[@]}" /usr/bin/time -f %M -o "$f" "$bin" list >/dev/null
  peak=$(tail -n 1 "$f")
  rm -f "$f"
  printf 'watched-list\t%s\t%s\n' "$peak" "$peak" >>"$res/memory.tsv"
  "${w[@]}" shutdown-server >/dev/null 2>&1 || true
}

# Times Fossil's tickets and taskwarrior on their copies of store-N, as baton
# is timed: no shell, output through a pipe, warm page cache. SHOW_ID is the
# ticket `baton show` reads; the writes touch the ticket of the owner's writes.
bench_peers() {
  local n=$1 dir=$2 res=$3 show_id=$4 peers=$root/target/bench/peers-$1
  local own owner
  read -r _ own owner < <(grep '^own' "$dir/targets.tsv")
  : >"$res/peers.tsv"
  if have_fossil; then
    echo "fossil	$(fossil version | sed -n 's/^This is fossil version \([^ ]*\).*/\1/p')" >>"$res/peers.tsv"
    echo "store-$n: Fossil" >&2
    local repo=$res/fossil.fossil show_tkt own_tkt
    cp "$peers/fossil.fossil" "$repo"
    # to-fossil.py names each ticket by the SHA1 of its baton id.
    show_tkt=$(printf %s "$show_id" | sha1sum | cut -c1-10)
    own_tkt=$(printf %s "$own" | sha1sum | cut -c1-40)
    local qr
    qr=$(printf %q "$repo")
    "${hf[@]}" --warmup 2 --runs "$warm" --export-json "$res/fossil-reads.json" \
      -n fossil-list "fossil ticket show open -R $qr" \
      -n fossil-list-filtered "fossil ticket show open \"owner='ben' AND status='open'\" -R $qr" \
      -n fossil-report "fossil ticket show month -R $qr" \
      -n "fossil-search-$RARE" "fossil ticket show search-$RARE -R $qr" \
      -n "fossil-search-$COMMON" "fossil ticket show search-$COMMON -R $qr" \
      -n fossil-show "fossil ticket history $show_tkt -R $qr" >&2
    # Each run adds one change artifact: a few in 100,000s, on a fresh copy.
    "${hf[@]}" --warmup 1 --runs "$warm" --export-json "$res/fossil-writes.json" \
      -n fossil-change "fossil ticket change $own_tkt +comment ' note by $owner: Card ending 4421 was charged twice' -R $qr" \
      -n fossil-new "fossil ticket add title 'Printer jams on every page' status open owner ana customer it@bergmann-bau.example priority high type Incident -R $qr" >&2
    rm -f "$repo"
  fi
  if have_task; then
    echo "taskwarrior	$(task --version)" >>"$res/peers.tsv"
    echo "store-$n: taskwarrior" >&2
    local tw=$res/taskwarrior
    rm -rf "$tw"
    cp -a "$peers/taskwarrior" "$tw"
    sed -i "s|^data.location=.*|data.location=$tw/data|" "$tw/taskrc"
    local show8=${show_id:0:8} own8=${own:0:8}
    TASKRC=$tw/taskrc "${hf[@]}" --warmup 2 --runs "$warm" --export-json "$res/task-reads.json" \
      -n task-list "task list" \
      -n task-list-filtered "task owner:ben -waiting list" \
      -n "task-search-$RARE" "task /$RARE/ search" \
      -n task-show "task $show8 info" >&2
    # `modify` changes the owner each run; the untimed prepare changes it back.
    TASKRC=$tw/taskrc "${hf[@]}" --warmup 1 --runs "$warm" --export-json "$res/task-modify.json" \
      --prepare "task $own8 modify owner:$owner" \
      -n task-modify "task $own8 modify owner:ana" >&2
    TASKRC=$tw/taskrc "${hf[@]}" --warmup 1 --runs "$warm" --export-json "$res/task-add.json" \
      -n task-add "task add 'Printer jams on every page' owner:ana customer:it@bergmann-bau.example priority:H" >&2
    rm -rf "$tw"
  fi
}

bench_size() {
  local n=$1 dir=$root/target/bench/store-$1 res=$out/$1
  store_for "$n"
  [[ -n $list_only ]] || peers_for "$n"
  rm -rf "$res"
  mkdir -p "$res"
  cd "$dir"
  # A desk that commits to git, set up as `baton init` sets one up: its own
  # repository, with baton's merge driver registered (which a write checks).
  if [[ ! -d .git ]]; then
    git init -q . && "$bin" init >/dev/null
  fi

  settle
  warm_page_cache

  local prefix
  prefix=$(find tickets -maxdepth 1 -name '*.toml' ! -name baton.toml -printf '%f\n' |
    cut -c1-6 | sort | uniq -u | awk "NR == 1")
  [[ -n $prefix ]] || die "no ticket in $dir has a unique 6-character prefix"
  local show_id
  show_id=$(find tickets -maxdepth 1 -name "$prefix*.toml" -printf '%f\n')
  show_id=${show_id%.toml}

  local names=(list list-filtered "search-$RARE" "search-$COMMON" escalate report show similar doctor)
  local argv=(
    "list"
    "list --owner ben --status open"
    "search $RARE"
    "search $COMMON"
    "escalate --dry-run"
    "report --month 2026-11"
    "show $prefix"
    "similar $prefix"
    "doctor"
  )
  if [[ -n $list_only ]]; then
    names=(list)
    argv=(list)
  fi
  local named=() i qbin
  qbin=$(printf '%q' "$bin")
  for i in "${!names[@]}"; do
    named+=(-n "${names[$i]}" "$qbin ${argv[$i]}")
  done
  local hf=(nice -n 10 hyperfine -N --output=pipe --style basic)
  local warm cold
  warm=$(runs_for "$n" warm)
  cold=$(runs_for "$n" cold)

  {
    echo "tickets	$n"
    echo "bytes	$(find tickets -name '*.toml' -printf '%s\n' | awk '{s += $1} END {print s}')"
    echo "disk	$(du -sk --exclude=.local tickets | cut -f1)"
    echo "generated	$(cat generated-in-seconds 2>/dev/null || echo unknown)"
    echo "prefix	$prefix"
    echo "rare	$RARE	$(grep -rli "$RARE" tickets --include='*.toml' | wc -l)"
    echo "common	$COMMON	$(grep -rli "$COMMON" tickets --include='*.toml' | wc -l)"
    echo "runs	$cold	$warm"
    [[ -z $list_only ]] || echo "list-only	yes"
    local peers=$root/target/bench/peers-$n p
    for p in fossil taskwarrior; do
      [[ ! -f $peers/$p-seconds ]] || echo "converted-$p	$(cat "$peers/$p-seconds")	$(du -sk "$peers/$p"* | awk '{s += $1} END {print s}')"
    done
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
  # The word index is built by `similar` (search only narrows by an index
  # that is kept), so one run builds it before the warm searches.
  "$bin" similar "$prefix" >/dev/null
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

  if command -v watchman >/dev/null; then
    bench_watched "$n" "$res" "$qbin"
  fi

  if [[ -z $list_only ]]; then
    bench_writes "$n" "$dir" "$res" "$qbin"
    bench_peers "$n" "$dir" "$res" "$show_id"
  fi
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
  echo "load-end	$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
} >"$out/machine.tsv"

python3 "$root/bench/results.py" "$out" "${sizes[@]}" | tee "$out/results.md"
