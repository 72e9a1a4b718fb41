"""Reads a baton store for the converters to peer trackers (bench/to-*.py).

Each ticket comes back as the dict Python's TOML reader makes of its file, in
the order of the file names, so a conversion is as deterministic as the store.
What a peer cannot hold as a field (a reply, a rating, logged time) becomes a
line of text in the order it happened, through `event_text`.
"""
import os
import shutil
import sys
import tomllib


def arguments(usage, program, package):
    """The store and the output path a converter was given, once PROGRAM is installed."""
    if len(sys.argv) != 3:
        sys.exit(f"usage: {usage}")
    if shutil.which(program) is None:
        sys.exit(f"error: {program} is not installed\nhint: apt-get install {package}")
    return sys.argv[1], os.path.abspath(sys.argv[2])


def tickets(store):
    """Every ticket of STORE (a folder holding tickets/), parsed, by file name."""
    folder = os.path.join(store, "tickets")
    if not os.path.isdir(folder):
        sys.exit(f"error: {folder} is not a folder\nhint: give the folder that holds tickets/, such as target/bench/store-1000")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".toml") or name == "baton.toml":
            continue
        path = os.path.join(folder, name)
        try:
            with open(path, "rb") as f:
                yield tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as e:
            sys.exit(f"error: {path}: {e}\nhint: convert a store made by bench/make-store.py, or run 'baton doctor' on it")


def event_text(e):
    """One line saying what event E did, for a peer's free text (None: nothing to say)."""
    kind, by = e["kind"], e["by"]
    said = {
        "created": None,
        "note": f"note by {by}: {e.get('text', '')}",
        "reply": f"reply by {by}: {e.get('text', '')}",
        "customer": f"customer wrote: {e.get('text', '')}",
        "status": f"{by} set it {e.get('to')}" + (f": {e['note']}" if e.get("note") else ""),
        "handoff": f"{by} passed it from {e.get('from')} to {e.get('to')}" + (f": {e['note']}" if e.get("note") else ""),
        "escalated": f"escalated from {e.get('from')} to {e.get('to')}",
        "edited": f"{by} changed the {e.get('field')} to {e.get('to')}",
        "rated": f"rated {e.get('score')} of 5",
        "time": f"{by} logged {e.get('minutes')} minutes",
    }
    return said.get(kind, f"{by}: {kind}")


def is_open(status):
    """Whether a baton status counts as not done (open or waiting)."""
    return status in ("open", "waiting")
