#!/usr/bin/env python3
"""Builds a benchmark store of N tickets in baton's own format.

Each ticket is a copy of a demo ticket (tickets/ in this repository, written by
baton itself) under a fresh id, so owners, statuses and histories vary the way
the demo desk does. Usage: bench/make-store.py N DIR  (DIR/tickets is created).
"""
import glob
import os
import random
import re
import shutil
import sys
import uuid

n, out = int(sys.argv[1]), sys.argv[2]
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
demo = [f for f in glob.glob(os.path.join(repo, "tickets", "*.toml")) if not f.endswith("baton.toml")]
sources = [open(f, encoding="utf-8").read() for f in sorted(demo)]
store = os.path.join(out, "tickets")
shutil.rmtree(store, ignore_errors=True)
os.makedirs(store)
shutil.copy(os.path.join(repo, "tickets", "baton.toml"), store)
rng = random.Random(7)
for _ in range(n):
    text = rng.choice(sources)
    new = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    text = re.sub(r'^id = "[^"]+"', f'id = "{new}"', text, count=1, flags=re.M)
    with open(os.path.join(store, f"{new}.toml"), "w", encoding="utf-8") as f:
        f.write(text)
print(f"{n} tickets in {store}")
