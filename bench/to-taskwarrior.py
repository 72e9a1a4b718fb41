#!/usr/bin/env python3
"""Converts a baton store into a taskwarrior database, for bench/run.sh.

Usage: bench/to-taskwarrior.py STORE DIR  (STORE holds tickets/; DIR is made
anew and gets DIR/taskrc and DIR/data, which `task rc:DIR/taskrc` uses)

Each ticket becomes one task through `task import` of JSON, taskwarrior's own
way in: the title is the description, owner and customer are UDAs, priority is
H, M or L (urgent and high are both H), tags are tags, and every event after
`created` is an annotation at its time (its text as bench/store.py words it). An
open ticket is a pending task (a waiting one too, tagged +waiting: taskwarrior's
own waiting status hides a task until a date); a resolved or closed ticket is a
completed task that ended at its last status change.
"""
import json
import os
import shutil
import subprocess
import sys

from store import arguments, event_text, is_open, tickets

TASKRC = """# Made by bench/to-taskwarrior.py: no hooks, no questions, no colour.
data.location={data}
confirmation=off
verbose=nothing
color=off
hooks=off
gc=on
search.case.sensitive=no
uda.owner.type=string
uda.owner.label=Owner
uda.customer.type=string
uda.customer.label=Customer
# baton's search: tickets in any status, one line each.
report.search.description=Tasks in any status, one line each
report.search.columns=uuid.short,status.short,owner,description.count
report.search.labels=UUID,St,Owner,Title
report.search.sort=entry-
report.search.filter=
"""
PRIORITY = {"urgent": "H", "high": "H", "normal": "M", "low": "L"}


def stamp(t):
    return t.strftime("%Y%m%dT%H%M%SZ")


def task(t):
    """The task of one baton ticket, as `task import` reads it."""
    events = t["events"]
    out = {
        "uuid": t["id"],
        "description": t["title"],
        "entry": stamp(t["created"]),
        "modified": stamp(t["updated"]),
        "priority": PRIORITY.get(t.get("priority", "normal"), "M"),
        "owner": t["owner"],
        "customer": t.get("customer", ""),
        "annotations": [{"entry": stamp(e["at"]), "description": event_text(e)} for e in events[1:]],
    }
    tags = list(t.get("tags", []))
    if is_open(t["status"]):
        out["status"] = "pending"
        if t["status"] == "waiting":
            tags.append("waiting")
    else:
        out["status"] = "completed"
        ends = [e["at"] for e in events if e["kind"] == "status" and e.get("to") in ("resolved", "closed")]
        out["end"] = stamp(ends[-1] if ends else t["updated"])
    if tags:
        out["tags"] = tags
    if not out["annotations"]:
        del out["annotations"]
    return out


def main():
    store, out = arguments("bench/to-taskwarrior.py STORE DIR", "task", "taskwarrior")
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "data"))
    rc = os.path.join(tmp, "taskrc")
    with open(rc, "w", encoding="utf-8") as f:
        f.write(TASKRC.format(data=os.path.join(out, "data")))
    source = os.path.join(tmp, "import.json")
    count = 0
    with open(source, "w", encoding="utf-8") as f:
        for t in tickets(store):
            f.write(json.dumps(task(t)) + "\n")
            count += 1
    # The data folder is named as it will be after the rename.
    env = dict(os.environ, TASKRC=rc, TASKDATA=os.path.join(tmp, "data"))
    run = subprocess.run(["task", f"rc.data.location={tmp}/data", "import", source], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"error: task import failed:\n{run.stderr or run.stdout}")
    os.remove(source)
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    print(f"{count} tasks in {out}")


main()
