#!/usr/bin/env python3
"""Builds a benchmark store of N tickets in baton's own format.

The store is what a busy desk has after N / 100 days: a hundred tickets a day,
ending at NOW (the benchmark's BATON_NOW). Each ticket is a copy of a demo ticket
(tickets/ in this repository, written by baton itself) under a fresh id, its
times shifted to its own day, so owners, statuses and histories vary the way the
demo desk does. Tickets older than a few days are copied from resolved or closed
demo tickets, as on a real desk. Some get extra notes (at most 10 events in all,
1 to 2 KB a file), in the exact layout baton writes.

The newest open ticket is the one Jan Kowalski's mail opened
(tests/fixtures/mail/plain.eml): it holds that message's Message-ID, so the
fixture reply-in-reply-to.eml threads to it. DIR/targets.tsv names it and the
tickets the write benchmarks touch, all open: "own ID OWNER" (for the owner's
commands), "take ID" and "mail ID" (see bench/run.sh).

Usage: bench/make-store.py N DIR  (DIR/tickets is created). Deterministic.

Each demo ticket is cut once into literal text and time stamps (as offsets from
its first stamp), so a copy is a join of strings: a million tickets take a few
minutes, mostly the file system's.
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
# The ticket that tests/fixtures/mail/plain.eml opened, for the mail benchmarks.
MAIL_CUSTOMER = "jan.kowalski@example.com"
MAIL_MESSAGE_ID = "CAF=3kT9x1Zq@mail.gmail.com"


def parse_time(s):
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


_days = {}


def fmt_epoch(secs):
    """The stamp of a Unix time, as baton writes it (the day's part cached)."""
    day, rest = divmod(secs, 86400)
    date = _days.get(day)
    if date is None:
        date = _days[day] = dt.datetime.fromtimestamp(day * 86400, dt.timezone.utc).strftime("%Y-%m-%d")
    hours, rest = divmod(rest, 3600)
    return f"{date}T{hours:02}:{rest // 60:02}:{rest % 60:02}Z"


def cut(text, first):
    """TEXT as alternating literal strings and stamp offsets (seconds after FIRST)."""
    parts, at = [], 0
    for m in STAMP.finditer(text):
        parts += [text[at : m.start()], int((parse_time(m.group(0)) - first).total_seconds())]
        at = m.end()
    parts.append(text[at:])
    return parts


def fill(parts, base):
    """The text of cut PARTS with every stamp at BASE (a Unix time) plus its offset."""
    return "".join(p if isinstance(p, str) else fmt_epoch(base + p) for p in parts)


class Source:
    def __init__(self, text):
        stamps = [parse_time(s) for s in STAMP.findall(text)]
        self.first, self.last = min(stamps), max(stamps)
        self.status = re.search(r'^status = "([a-z]+)"', text, re.M).group(1)
        self.owner = re.search(r'^owner = "([^"]+)"', text, re.M).group(1)
        self.events = text.count("[[events]]")
        created = re.search(r'^by = "([^"]+)"\nkind = "created"', text, re.M)
        self.creator = created.group(1) if created else "ana"
        # The id line goes, so that a copy's id can be put in front.
        first_line, rest = text.split("\n", 1)
        assert first_line.startswith('id = "'), "a demo ticket starts with its id"
        # Notes go right after the `created` event, at its time, so the order of
        # events and every state field stay as baton wrote them.
        if self.events > 1:
            split = rest.index("[[events]]", rest.index("[[events]]") + 1)
            head, tail = rest[:split], rest[split:]
        else:
            head, tail = rest, ""
        self.whole = cut(rest, self.first)
        self.head = cut(head.rstrip("\n") + "\n", self.first)
        self.tail = cut("\n" + tail, self.first) if tail else [""]


def note(rng, at, by):
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40)))
    return f'\n[[events]]\nat = {at}\nby = "{by}"\nkind = "note"\ntext = "{words.capitalize()}."\n'


def make(rng, src, created):
    """The text of a copy of SRC created at CREATED (a Unix time), and its id."""
    ident = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    head = f'id = "{ident}"\n'
    extra = min(10 - src.events, rng.choice([0, 0, 1, 2, 3, 4]))
    if extra > 0:
        at = fmt_epoch(created)
        notes = "".join(note(rng, at, src.creator) for _ in range(extra))
        return ident, head + fill(src.head, created) + notes + fill(src.tail, created)
    return ident, head + fill(src.whole, created)


def as_mail_ticket(text):
    """TEXT as the ticket Jan's mail opened: his address, and the message's id."""
    text = re.sub(r'^customer = "[^"]*"', f'customer = "{MAIL_CUSTOMER}"', text, count=1, flags=re.M)
    return re.sub(
        r'^by = "[^"]+"\nkind = "created"\nto = ("[^"]+")\n',
        lambda m: f'by = "baton"\nkind = "created"\nto = {m.group(1)}\nmessage_id = "{MAIL_MESSAGE_ID}"\n',
        text,
        count=1,
        flags=re.M,
    )


def write(path, text):
    """Writes TEXT to PATH with two system calls and a close: a million times."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def main():
    if len(sys.argv) != 3 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 100:
        sys.exit("usage: bench/make-store.py N DIR  (N tickets, at least 100, in DIR/tickets)")
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
    # The three newest open tickets, newest first: (id, owner, text).
    newest = []
    for i in range(n):
        created = NOW - span * (1 - (i + rng.random()) / n)
        created = created.replace(microsecond=0)
        src = rng.choice(sources if NOW - created < RECENT else settled)
        # A copy must not reach past now.
        latest = NOW - (src.last - src.first) - dt.timedelta(minutes=rng.randint(1, 90))
        created = min(created, latest)
        ident, text = make(rng, src, int(created.timestamp()))
        if src.status == "open":
            newest = [(ident, src.owner, text)] + newest[:2]
        write(os.path.join(store, f"{ident}.toml"), text)
    if len(newest) < 3:
        sys.exit(f"error: {n} tickets hold fewer than 3 open ones; make more")
    # Each write benchmark has a ticket of its own: the owner's commands the
    # newest, `take` the next (no demo ticket open is the actor's), Jan's
    # mail the third.
    (own, owner, _), (other, _, _), (mail_id, _, mail_text) = newest
    write(os.path.join(store, f"{mail_id}.toml"), as_mail_ticket(mail_text))
    with open(os.path.join(out, "targets.tsv"), "w", encoding="utf-8") as f:
        f.write(f"own\t{own}\t{owner}\ntake\t{other}\nmail\t{mail_id}\n")
    print(f"{n} tickets in {store}")


main()
