#!/usr/bin/env python3
"""Converts a baton store into a Fossil repository of tickets, for bench/run.sh.

Usage: bench/to-fossil.py STORE REPO  (STORE holds tickets/; REPO is made anew)

Every baton event becomes one ticket-change artifact, exactly as `fossil ticket
add` and `fossil ticket change` write them (D, J, K, U and Z cards), so each
Fossil ticket has the history its baton ticket has. The artifacts go into the
blob table of a new repository in one `fossil sql` transaction, in Fossil's own
compressed form, and `fossil rebuild` then builds every table from them as for
any repository: 100,000 tickets take minutes, where one `fossil ticket add`
process per ticket would take hours (`fossil reconstruct` of loose artifact
files is several times slower too). The ticket table
gets baton's fields (owner, customer, tags) beside Fossil's own, and the
reports bench/run.sh runs with `fossil ticket show NAME` are stored in it.

Fossil's statuses are baton's (open, waiting, resolved, closed). The repository
is made as REPO.tmp and renamed, so a half-made one is never taken for done.
"""
import datetime as dt
import hashlib
import os
import subprocess
import sys

from store import arguments, event_text, tickets

# Fossil's own ticket table with baton's fields added (owner, customer, tags).
TICKET_TABLE = """CREATE TABLE ticket(
  tkt_id INTEGER PRIMARY KEY,
  tkt_uuid TEXT UNIQUE,
  tkt_mtime DATE,
  tkt_ctime DATE,
  type TEXT,
  status TEXT,
  subsystem TEXT,
  priority TEXT,
  severity TEXT,
  foundin TEXT,
  private_contact TEXT,
  resolution TEXT,
  title TEXT,
  comment TEXT,
  owner TEXT,
  customer TEXT,
  tags TEXT
);
CREATE TABLE ticketchng(
  tkt_id INTEGER REFERENCES ticket,
  tkt_rid INTEGER REFERENCES blob,
  tkt_mtime DATE,
  tkt_user TEXT,
  login TEXT,
  username TEXT,
  mimetype TEXT,
  icomment TEXT
);
CREATE INDEX ticketchng_idx1 ON ticketchng(tkt_id, tkt_mtime);
"""
# The reports bench/run.sh runs, by title: baton's list (open and waiting
# tickets, newest first), the month's solved tickets per owner, and a search
# (a LIKE over title and text: Fossil's CLI has no full-text ticket search).
REPORTS = {
    "open": "SELECT substr(tkt_uuid,1,10) AS '#', status, owner, priority, title FROM ticket"
    " WHERE status IN ('open','waiting') ORDER BY tkt_ctime DESC",
    "month": "SELECT owner, count(*) AS solved FROM ticket"
    " WHERE status IN ('resolved','closed') AND tkt_mtime >= julianday('2026-11-01')"
    " AND tkt_mtime < julianday('2026-12-01') GROUP BY owner ORDER BY owner",
    "search-safari": "SELECT substr(tkt_uuid,1,10) AS '#', status, title FROM ticket"
    " WHERE title LIKE '%safari%' OR comment LIKE '%safari%' ORDER BY tkt_ctime DESC",
    "search-invoice": "SELECT substr(tkt_uuid,1,10) AS '#', status, title FROM ticket"
    " WHERE title LIKE '%invoice%' OR comment LIKE '%invoice%' ORDER BY tkt_ctime DESC",
}
ESCAPES = str.maketrans({"\\": "\\\\", " ": "\\s", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\f": "\\f", "\v": "\\v", "\0": "\\0"})


def fossil_value(text):
    """TEXT in the escaped form of a card's value."""
    return str(text).translate(ESCAPES)


def fossil_time(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000")


def artifact(at, fields, uuid, user):
    """A ticket-change artifact: FIELDS is [(name, value)], '+name' appends."""
    cards = [f"D {fossil_time(at)}"]
    cards += sorted(f"J {name} {fossil_value(value)}" for name, value in fields)
    cards += [f"K {uuid}", f"U {fossil_value(user)}"]
    body = "\n".join(cards) + "\n"
    return body + f"Z {hashlib.md5(body.encode()).hexdigest()}\n"


def changes(t):
    """The artifacts of one baton ticket, one per event."""
    uuid = hashlib.sha1(t["id"].encode()).hexdigest()
    for e in t["events"]:
        if e["kind"] == "created":
            fields = [
                ("title", t["title"]),
                ("status", "open"),
                ("owner", e.get("to", e["by"])),
                ("customer", t.get("customer", "")),
                ("priority", t.get("priority", "normal")),
                ("tags", " ".join(t.get("tags", []))),
                ("type", "Incident"),
                ("comment", t.get("description", "")),
            ]
            fields = [(k, v) for k, v in fields if v]
        else:
            fields = [("+comment", "\n\n" + event_text(e))]
            if e["kind"] == "status":
                fields.append(("status", e["to"]))
            elif e["kind"] in ("handoff", "escalated"):
                fields.append(("owner", e["to"]))
            elif e["kind"] == "edited" and e.get("field") in ("title", "priority", "customer"):
                fields.append((e["field"], e["to"]))
        yield artifact(e["at"], fields, uuid, e["by"])


def fossil(*args, cwd=None):
    run = subprocess.run(["fossil", *args], cwd=cwd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"error: fossil {' '.join(args[:2])} failed:\n{run.stderr or run.stdout}")
    return run.stdout


def sql_text(s):
    return "'" + s.replace("'", "''") + "'"


def main():
    store, repo = arguments("bench/to-fossil.py STORE REPO", "fossil", "fossil")
    tmp, script = repo + ".tmp", repo + ".sql"
    for p in (tmp, script):
        if os.path.exists(p):
            os.remove(p)
    os.environ.setdefault("USER", "ana")
    fossil("init", tmp)
    # Everything in one transaction; blob rows as Fossil stores them (its
    # zlib form, named by the SHA3-256 of the text), crosslinked by rebuild.
    count = 0
    with open(script, "w", encoding="utf-8") as f:
        f.write("BEGIN;\n")
        f.write(f"REPLACE INTO config(name, value, mtime) VALUES('ticket-table', {sql_text(TICKET_TABLE)}, now());\n")
        f.write("DELETE FROM reportfmt;\n")
        for title, code in REPORTS.items():
            f.write(
                "INSERT INTO reportfmt(owner, title, mtime, cols, sqlcode) "
                f"VALUES('ana', {sql_text(title)}, now(), '', {sql_text(code)});\n"
            )
        for name in ("ana", "ben", "cora", "dana", "eli"):
            f.write(
                "INSERT OR IGNORE INTO user(login, cap, info, pw) "
                f"VALUES({sql_text(name)}, 'ei', '{name}@example.com', '');\n"
            )
        for t in tickets(store):
            for a in changes(t):
                data = a.encode("utf-8")
                f.write(
                    "INSERT OR IGNORE INTO blob(rcvid, size, uuid, content) VALUES("
                    f"1, {len(data)}, '{hashlib.sha3_256(data).hexdigest()}', compress({sql_text(a)}));\n"
                )
                count += 1
        f.write("COMMIT;\n")
    fossil("sql", "-R", tmp, f".read {script}")
    os.remove(script)
    fossil("rebuild", tmp)
    fossil("user", "default", "ana", "-R", tmp)
    os.replace(tmp, repo)
    print(f"{count} ticket changes in {repo}")


main()
