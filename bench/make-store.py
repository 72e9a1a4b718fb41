#!/usr/bin/env python3
"""Builds a benchmark store of N tickets in baton's own format.

The store is what a busy desk has after N / 100 days: a hundred tickets a day,
ending at NOW (the benchmark's BATON_NOW). Each ticket is a copy of a demo ticket
(tickets/ in this repository, written by baton itself) under a fresh id, its
times shifted to its own day, so owners, statuses and histories vary the way the
demo desk does. Tickets older than a few days are copied from resolved or closed
demo tickets, as on a real desk. Some get extra notes (at most 10 events in all,
1 to 2 KB a file), in the exact layout baton writes.

Usage: bench/make-store.py N DIR  (DIR/tickets is created). Deterministic.
"""
import datetime as dt
import glob
import os
import random
import re
import shutil
import sys
import uuid

NOW = dt.datetime(2026, 11, 20, 17, 0, 0, tzinfo=dt.timezone.utc)
PER_DAY = 100
RECENT = dt.timedelta(days=3)
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
WORDS = (
    "invoice export login password reset browser cookie session timeout "
    "shipment refund customer account billing report printer upload download "
    "sync mobile app error page screen settings email address order delivery "
    "tracking label warehouse payment card receipt contract renewal access"
).split()


def parse_time(s):
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def fmt_time(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Source:
    def __init__(self, text):
        self.text = text
        stamps = [parse_time(s) for s in STAMP.findall(text)]
        self.first, self.last = min(stamps), max(stamps)
        self.status = re.search(r'^status = "([a-z]+)"', text, re.M).group(1)
        self.events = text.count("[[events]]")
        created = re.search(r'^by = "([^"]+)"\nkind = "created"', text, re.M)
        self.creator = created.group(1) if created else "ana"


def note(rng, at, by):
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40)))
    return f'\n[[events]]\nat = {fmt_time(at)}\nby = "{by}"\nkind = "note"\ntext = "{words.capitalize()}."\n'


def make(rng, src, created):
    delta = created - src.first
    text = STAMP.sub(lambda m: fmt_time(parse_time(m.group(0)) + delta), src.text)
    text = re.sub(r'^id = "[^"]+"', f'id = "{uuid.UUID(int=rng.getrandbits(128), version=4)}"', text, count=1, flags=re.M)
    # Notes go right after the `created` event, at its time, so the order of
    # events and every state field stay as baton wrote them.
    extra = min(10 - src.events, rng.choice([0, 0, 1, 2, 3, 4]))
    if extra > 0:
        split = text.index("[[events]]", text.index("[[events]]") + 1) if src.events > 1 else len(text)
        notes = "".join(note(rng, created, src.creator) for _ in range(extra))
        head, tail = text[:split], text[split:]
        text = head.rstrip("\n") + "\n" + notes + ("\n" + tail if tail else "")
    return text


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    demo = sorted(f for f in glob.glob(os.path.join(repo, "tickets", "*.toml")) if not f.endswith("baton.toml"))
    sources = [Source(open(f, encoding="utf-8").read()) for f in demo]
    settled = [s for s in sources if s.status in ("resolved", "closed")]
    store = os.path.join(out, "tickets")
    shutil.rmtree(store, ignore_errors=True)
    os.makedirs(store)
    shutil.copy(os.path.join(repo, "tickets", "baton.toml"), store)
    rng = random.Random(7)
    span = dt.timedelta(days=n / PER_DAY)
    for i in range(n):
        created = NOW - span * (1 - (i + rng.random()) / n)
        created = created.replace(microsecond=0)
        src = rng.choice(sources if NOW - created < RECENT else settled)
        # A copy must not reach past now.
        latest = NOW - (src.last - src.first) - dt.timedelta(minutes=rng.randint(1, 90))
        created = min(created, latest)
        text = make(rng, src, created)
        name = re.search(r'^id = "([^"]+)"', text, re.M).group(1)
        with open(os.path.join(store, f"{name}.toml"), "w", encoding="utf-8") as f:
            f.write(text)
    print(f"{n} tickets in {store}")


main()
