#!/usr/bin/env python3
"""Turns what bench/run.sh measured into results.md, printed on stdout.

Usage: bench/results.py OUT_DIR SIZE...  (reads OUT_DIR/machine.tsv and, per
size, OUT_DIR/SIZE/{meta.tsv,baselines.json,cold.json,warm.json,memory.tsv,
trace.txt}). Every ratio is to a baseline timed in the same run on the same
store, since absolute times move with the machine and its load. Ends with
"all targets met" or "N targets missed"; a missed target is reported, not an
error, so the exit status is 0 whenever the files are readable.
"""
import json
import os
import re
import sys

# Ratio ceilings, each to the `cat` baseline of the same size and run.
COLD_MAX = 1.0
WARM_MAX = {"list": 0.2, "list-filtered": 0.2, "escalate": 0.2, "report": 0.5}
SEARCH_MAX = 1.5  # to `grep -rli WORD` for the same word, cold and warm
SHOW_MAX_MS = 10.0  # warm; a cold run must read the folder, so it has the cold ratio
MEMORY_MAX_MB = 200.0
# The targets are set for busy desks; smaller stores are shown for the trend.
TARGETS_FROM = 10_000


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def read_hyperfine(path):
    with open(path, encoding="utf-8") as f:
        return {r["command"]: r for r in json.load(f)["results"]}


def ms(r):
    """Mean ± standard deviation in milliseconds."""
    mean, sd = r["mean"] * 1000, (r["stddev"] or 0) * 1000
    digits = 1 if mean < 10 else 0
    return f"{mean:.{digits}f} ±{sd:.{digits}f}"


def mb(kib):
    return int(kib) * 1024 / 1e6


class Size:
    def __init__(self, out, n):
        d = os.path.join(out, n)
        meta = {row[0]: row[1:] for row in read_tsv(os.path.join(d, "meta.tsv"))}
        self.tickets = int(meta["tickets"][0])
        self.bytes = int(meta["bytes"][0])
        self.disk = int(meta["disk"][0]) * 1024
        self.prefix = meta["prefix"][0]
        self.rare, self.rare_hits = meta["rare"][0], int(meta["rare"][1])
        self.common, self.common_hits = meta["common"][0], int(meta["common"][1])
        self.cold_runs, self.warm_runs = meta["runs"]
        self.base = read_hyperfine(os.path.join(d, "baselines.json"))
        self.cold = read_hyperfine(os.path.join(d, "cold.json"))
        self.warm = read_hyperfine(os.path.join(d, "warm.json"))
        self.memory = {row[0]: (mb(row[1]), mb(row[2])) for row in read_tsv(os.path.join(d, "memory.tsv"))[1:]}
        with open(os.path.join(d, "trace.txt"), encoding="utf-8") as f:
            self.trace = f.read().splitlines()


def rows_for(s):
    """The baton commands: (name, shown as, baseline name for ratios)."""
    return [
        ("list", "baton list", "cat"),
        ("list-filtered", "baton list --owner ben --status open", "cat"),
        (f"search-{s.rare}", f"baton search {s.rare}", f"grep-{s.rare}"),
        (f"search-{s.common}", f"baton search {s.common}", f"grep-{s.common}"),
        ("escalate", "baton escalate --dry-run", "cat"),
        ("report", "baton report --month 2026-11", "cat"),
        ("show", f"baton show {s.prefix}", "cat"),
    ]


def table(s):
    """The markdown for one size and the number of targets it missed."""
    pct = lambda hits: f"{100 * hits / s.tickets:.1f}%"
    lines = [
        f"## {s.tickets:,} tickets",
        "",
        f"{s.bytes / 1e6:.1f} MB of ticket files ({s.disk / 1e6:.0f} MB on disk). Cold: {s.cold_runs} runs, each after "
        f"deleting the cache; warm: 2 warm-up runs, then {s.warm_runs}. "
        f"`{s.rare}` is in {s.rare_hits:,} tickets ({pct(s.rare_hits)}), "
        f"`{s.common}` in {s.common_hits:,} ({pct(s.common_hits)}).",
        "",
        "| command | cold ms | warm ms | cold/cat | warm/cat | target | result | peak MB cold / warm |",
        "|---|--:|--:|--:|--:|---|---|--:|",
    ]
    cat = s.base["cat"]["mean"]
    shown = {
        "cat": "find tickets -name '*.toml' -exec cat {} +",
        f"grep-{s.rare}": f"grep -rli {s.rare} tickets",
        f"grep-{s.common}": f"grep -rli {s.common} tickets",
    }
    for name, text in shown.items():
        r = s.base[name]
        ratio = f"{r['mean'] / cat:.2f}"
        lines.append(f"| `{text}` (baseline) | {ms(r)} | {ms(r)} | {ratio} | {ratio} | | | |")

    missed = 0
    for name, text, against in rows_for(s):
        cold, warm = s.cold[name], s.warm[name]
        base = s.base[against]["mean"]
        cold_ratio, warm_ratio = cold["mean"] / base, warm["mean"] / base
        suffix = "" if against == "cat" else " (grep)"
        checks = []  # (what, met)
        if name.startswith("search-"):
            target = f"≤ {SEARCH_MAX} × grep, cold and warm"
            checks += [("cold", cold_ratio <= SEARCH_MAX), ("warm", warm_ratio <= SEARCH_MAX)]
        else:
            target = f"cold ≤ {COLD_MAX}"
            checks.append(("cold", cold_ratio <= COLD_MAX))
            if name in WARM_MAX:
                target += f", warm ≤ {WARM_MAX[name]}"
                checks.append(("warm", warm_ratio <= WARM_MAX[name]))
            if name == "show":
                target += f", warm < {SHOW_MAX_MS:g} ms"
                checks.append(("warm ms", warm["mean"] * 1000 < SHOW_MAX_MS))
        mem_cold, mem_warm = s.memory[name]
        target += f"; < {MEMORY_MAX_MB:g} MB"
        checks.append(("memory", max(mem_cold, mem_warm) < MEMORY_MAX_MB))
        if s.tickets < TARGETS_FROM:
            target, checks = "(none below 10,000)", []
        failed = [what for what, met in checks if not met]
        missed += len(failed)
        result = ("PASS" if not failed else f"FAIL ({', '.join(failed)})") if checks else ""
        lines.append(
            f"| `{text}` | {ms(cold)} | {ms(warm)} | {cold_ratio:.2f}{suffix} | {warm_ratio:.2f}{suffix} "
            f"| {target} | {result} | {mem_cold:.0f} / {mem_warm:.0f} |"
        )

    lines += [
        "",
        "Ratios are to `cat` of this size, timed in the same run; for `search`, to the "
        "`grep` for the same word. Baselines have no cache: their one measurement fills "
        f"both columns. Every baton command must also peak below {MEMORY_MAX_MB:g} MB.",
    ]
    # A warm run that read the folder or any ticket file did not find the
    # cache current, and its figures are not warm ones.
    stale = [
        line for line in s.trace
        if "read the folder" in line or re.search(r", [1-9]\d* read from files", line)
    ]
    if stale:
        lines += ["", "Warning: a warm run did not find the cache current:", ""]
        lines += [f"    {line}" for line in stale]
    return lines, missed


def main():
    out, sizes = sys.argv[1], sys.argv[2:]
    machine = dict(read_tsv(os.path.join(out, "machine.tsv")))
    lines = [
        "# baton benchmark",
        "",
        f"- date: {machine['date']}",
        f"- baton: {machine['rev']}, release build",
        f"- machine: {machine['nproc']} CPUs, {machine['cpu']}, {machine['kernel']}",
        f"- hyperfine {machine['hyperfine']}; load average at start: {machine['load']}",
        "",
        "Each store is `bench/make-store.py N`, a hundred tickets a day up to "
        "`BATON_NOW=2026-11-20T17:00:00Z`, which every run uses. Commands run from the "
        "store's parent without a shell (`hyperfine -N`), baselines included, their output "
        "read through a pipe, after one untimed pass that reads every file into the page "
        "cache. Cold runs delete `tickets/.local/cache` first (untimed); warm runs find it "
        "current. Peak memory is the maximum RSS from `/usr/bin/time`, in MB (10^6 bytes).",
        "",
    ]
    missed = 0
    for n in sizes:
        part, m = table(Size(out, n))
        lines += part + [""]
        missed += m
    lines.append("all targets met" if missed == 0 else f"{missed} target{'s' if missed > 1 else ''} missed")
    print("\n".join(lines))


main()
