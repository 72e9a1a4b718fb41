//! `baton undo`: a `reverted` event cancels a change; replay, the report,
//! search and `show` follow; merges of clones keep it pointing at its event.

use std::fs;

use crate::common::{ID_A, ID_B, TestEnv, at, event_kinds};

#[test]
fn undoing_a_pass_gives_the_ticket_back_and_names_the_event() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.set_now(&at(0, 30));
    env.baton_as("ana", &["pass", "0b7c", "ben"]).success();
    env.set_now(&at(0, 40));
    let out = env.baton_as("ana", &["undo", "0b7c"]);
    out.success();
    assert_eq!(
        out.stdout,
        "undid event 2 of 0b7c (handoff by ana at 2026-11-02 08:30): passed it to ben\n"
    );
    assert_eq!(env.field(ID_A, "owner"), "ana");
    assert_eq!(
        env.last_event_text(ID_A),
        format!(
            "at = {}\nby = \"ana\"\nkind = \"reverted\"\nevent = 2\nreverts_at = {}\n\
             reverts_by = \"ana\"\nreverts_kind = \"handoff\"\nreverts_sum = \"{}\"\n",
            at(0, 40),
            at(0, 30),
            env.events(ID_A)[2]["reverts_sum"].as_str().unwrap()
        )
    );
    let show = env.baton(&["show", "0b7c"]);
    assert!(
        show.stdout
            .contains("ana  passed it to ben [reverted by ana]\n"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout
            .contains("ana  undid event 2 (handoff by ana at 2026-11-02 08:30)"),
        "{}",
        show.stdout
    );
    assert_eq!(env.baton(&["doctor"]).code, 0, "doctor accepts the event");
}

#[test]
fn undo_without_an_id_finds_your_newest_change_on_any_ticket() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "A", &[], ID_A);
    env.new_ticket_pinned("ben", "B", &[], ID_B);
    env.set_now(&at(1, 0));
    env.baton_as("ana", &["note", "0b7c", "first"]).success();
    env.set_now(&at(2, 0));
    env.baton_as("ana", &["note", "9a1f", "second"]).success();
    env.set_now(&at(3, 0));
    env.baton_as("ben", &["note", "0b7c", "ben's, later"])
        .success();
    let out = env.baton_as("ana", &["undo"]);
    out.success();
    assert!(
        out.stdout.starts_with("undid event 2 of 9a1f (note by ana"),
        "{}",
        out.stdout
    );
    // The next undo goes one further back; ben's note is not ana's to find.
    let out = env.baton_as("ana", &["undo"]);
    assert!(
        out.stdout.starts_with("undid event 2 of 0b7c (note by ana"),
        "{}",
        out.stdout
    );
    let out = env.baton_as("ana", &["undo"]);
    assert!(
        out.stderr.contains("cannot undo event 1 of 0b7c (created)"),
        "{}",
        out.render()
    );
}

#[test]
fn what_cannot_be_undone_is_refused_and_nothing_is_written() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "A", &[], ID_A);
    env.baton_as("ana", &["note", "0b7c", "x"]).success();
    env.baton_as("ana", &["undo", "0b7c"]).success();
    let before = env.store_bytes();
    // (who, arguments after `undo`, exit code, the whole stderr)
    let cases: [(&str, &[&str], i32, &str); 4] = [
        (
            "ana",
            &["0b7c", "--event", "3"],
            1,
            "error: cannot undo event 3 of 0b7c (reverted): an undo cannot be undone\n\
             hint: do the change again with its command (for an undone 'pass', pass it again)\n",
        ),
        (
            "ana",
            &["0b7c", "--event", "2"],
            1,
            "error: event 2 of 0b7c (note) was undone already, by ana at 2026-11-02T08:00:00Z\n",
        ),
        (
            "ana",
            &["0b7c", "--event", "9"],
            2,
            "error: 0b7c has 3 events; there is no event 9\n\
             hint: 'baton show 0b7c' lists them, the first is event 1\n",
        ),
        (
            "ben",
            &["0b7c", "--event", "1"],
            1,
            "error: cannot undo event 1 of 0b7c (created): creating a ticket cannot be undone\n\
             hint: close it instead: 'baton close 0b7c --note \"opened by mistake\"'\n",
        ),
    ];
    for (who, args, code, stderr) in cases {
        let mut all = vec!["undo"];
        all.extend_from_slice(args);
        let out = env.baton_as(who, &all);
        assert_eq!((out.code, out.stderr.as_str()), (code, stderr), "{args:?}");
    }
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn only_the_author_or_the_owner_may_undo() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "A", &[], ID_A);
    env.baton_as("ben", &["note", "0b7c", "ben's"]).success();
    let out = env.baton_as("cora", &["undo", "0b7c"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "error: only ben (who made it) or the owner, ana, can undo event 2 of 0b7c (note)\n\
             hint: ask ben to run 'baton undo 0b7c --event 2'\n"
        )
    );
    let out = env.baton_as("cora", &["--json", "undo", "0b7c"]);
    assert!(
        out.stderr.contains("\"kind\":\"not_owner\""),
        "{}",
        out.stderr
    );
    env.baton_as("ana", &["undo", "0b7c"]).success();
}

#[test]
fn an_undone_log_leaves_the_report_and_show() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "A", &["--customer", "acme"], ID_A);
    env.baton_as("ana", &["log", "0b7c", "45m"]).success();
    env.baton_as("ana", &["log", "0b7c", "45m"]).success();
    let hours = |env: &TestEnv| {
        let r = env.baton(&["report", "--month", "2026-11", "--json"]);
        r.json()["totals"]["hours"].as_f64().unwrap()
    };
    assert_eq!(hours(&env), 1.5);
    env.baton_as("ana", &["undo"]).success();
    assert_eq!(hours(&env), 0.75, "the second entry, logged twice, is gone");
    let show = env.baton(&["show", "0b7c"]);
    assert!(
        show.stdout.contains("logged    ana 45m\n"),
        "{}",
        show.stdout
    );
}

#[test]
fn an_undone_resolve_reopens_and_leaves_the_resolutions() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "A", &[], ID_A);
    env.set_now(&at(1, 0));
    env.baton_as("ana", &["resolve", "0b7c"]).success();
    env.baton_as("ana", &["undo"]).success();
    assert_eq!(env.field(ID_A, "status"), "open");
    let r = env.baton(&["report", "--month", "2026-11", "--json"]);
    assert_eq!(r.json()["totals"]["resolved"], 0);
    // The clock counts from the creation, as if the resolve never happened.
    let list = env.baton(&["list", "--json"]);
    assert_eq!(list.json()[0]["due"], at(20, 0));
}

#[test]
fn search_leaves_out_an_undone_note() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "A", &[], ID_A);
    env.baton_as("ana", &["note", "0b7c", "wrong ticket, zebra"])
        .success();
    assert_eq!(
        env.baton(&["search", "zebra", "--format", "id"]).stdout,
        format!("{ID_A}\n")
    );
    env.baton_as("ana", &["undo"]).success();
    assert_eq!(env.baton(&["search", "zebra", "--format", "id"]).stdout, "");
}

#[test]
fn an_undone_reply_still_in_the_outbox_is_never_sent() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "A", &["--customer", "jan@example.com"], ID_A);
    env.baton_as("ana", &["reply", "0b7c", "Your refund is on its way"])
        .success();
    let kinds = || env.baton(&["outbox", "--json"]).json_strings("kind");
    assert_eq!(kinds(), ["ack", "reply"], "no transport: both wait");
    let out = env.baton_as("ana", &["undo", "--json"]);
    out.success();
    assert!(
        out.stderr.contains(
            "the reply on 0b7c still waited in the outbox: it is taken out and will not be sent"
        ),
        "{}",
        out.stderr
    );
    let doc = out.json();
    crate::schema::Schema::load().check("undone_ticket", "undo --json", &doc);
    assert_eq!(doc["undone"]["mailed"], "dropped");
    assert_eq!(
        kinds(),
        ["ack"],
        "the reply's mail is gone, the acknowledgement stays"
    );
    assert_eq!(doc["undone"]["event"], 2);
    assert_eq!(event_kinds(&doc), ["created", "reply", "reverted"]);
    assert_eq!(doc["events"][1]["reverted"]["by"], "ana");
}

#[test]
fn an_undo_merged_from_another_clone_cancels_the_same_event() {
    // Ana's clone passes and then undoes the pass; ben's clone, its clock
    // behind, adds a note dated before the pass. The merge moves the pass
    // down one place; the undo still cancels it, in both directions.
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "A", &[], ID_A);
    env.set_now(&at(1, 0));
    env.baton_as("ana", &["pass", "0b7c", "ben"]).success();
    let base = env.ticket_text(ID_A);
    env.set_now(&at(2, 0));
    env.baton_as("ana", &["undo"]).success();
    let undone = env.ticket_text(ID_A);
    fs::write(env.ticket_path(ID_A), &base).unwrap();
    let noted = base.replace(
        "[[events]]\nat = 2026-11-02T09:00:00Z",
        "[[events]]\nat = 2026-11-02T08:30:00Z\nby = \"ben\"\nkind = \"note\"\ntext = \"early\"\n\n\
         [[events]]\nat = 2026-11-02T09:00:00Z",
    );
    assert_ne!(noted, base);
    let dir = env.root().join("merge");
    fs::create_dir_all(&dir).unwrap();
    for (ours, theirs) in [(&undone, &noted), (&noted, &undone)] {
        fs::write(dir.join("base"), &base).unwrap();
        fs::write(dir.join("ours"), ours).unwrap();
        fs::write(dir.join("theirs"), theirs).unwrap();
        env.baton(&[
            "merge-driver",
            "merge/base",
            "merge/ours",
            "merge/theirs",
            "tickets/x.toml",
        ])
        .success();
        let merged = fs::read_to_string(dir.join("ours")).unwrap();
        fs::write(env.ticket_path(ID_A), &merged).unwrap();
        let doc = env.baton(&["show", "0b7c", "--json"]).json();
        assert_eq!(
            event_kinds(&doc),
            ["created", "note", "handoff", "reverted"]
        );
        assert_eq!(doc["owner"], "ana");
        assert_eq!(doc["events"][2]["reverted"]["by"], "ana");
    }
}
