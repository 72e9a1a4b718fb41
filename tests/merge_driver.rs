//! `baton merge-driver BASE OURS THEIRS PATH` run by hand, as git runs it.

use std::fs;
use std::path::PathBuf;

use baton::core::ticket::Ticket;

use crate::common::{ID_A, TestEnv, at};

/// A ticket's text at three points: the base, after ana's change, after ben's.
fn versions() -> (TestEnv, String, String, String) {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    let base = env.ticket_text(ID_A);
    env.cmd(&["--as", "ana", "pass", ID_A, "ben"])
        .now(&at(1, 0))
        .run()
        .success();
    let ours = env.ticket_text(ID_A);
    fs::write(env.ticket_path(ID_A), &base).unwrap();
    env.cmd(&[
        "--as",
        "cora",
        "edit",
        ID_A,
        "--title",
        "Printer on fire again",
    ])
    .now(&at(2, 0))
    .run()
    .success();
    let theirs = env.ticket_text(ID_A);
    (env, base, ours, theirs)
}

/// Writes the three versions as git would and runs the driver; returns the
/// run and what it left in OURS.
pub(crate) fn drive(
    env: &TestEnv,
    base: &str,
    ours: &str,
    theirs: &str,
) -> (crate::common::Output, String) {
    let dir = env.root().join("merge");
    fs::create_dir_all(&dir).unwrap();
    let files: Vec<PathBuf> = ["base", "ours", "theirs"]
        .iter()
        .map(|n| dir.join(n))
        .collect();
    for (path, text) in files.iter().zip([base, ours, theirs]) {
        fs::write(path, text).unwrap();
    }
    let out = env
        .cmd(&[
            "merge-driver",
            "merge/base",
            "merge/ours",
            "merge/theirs",
            "tickets/x.toml",
        ])
        .run();
    let result = fs::read_to_string(&files[1]).unwrap();
    (out, result)
}

#[test]
fn the_merge_keeps_both_changes_and_is_the_same_either_way() {
    let (env, base, ours, theirs) = versions();
    let (out, one) = drive(&env, &base, &ours, &theirs);
    assert_eq!(out.render(), "[exit 0]", "git prints its own messages");
    let (_, other) = drive(&env, &base, &theirs, &ours);
    assert_eq!(one, other);
    let t = Ticket::parse(&one).unwrap();
    assert_eq!(
        (t.owner.as_str(), t.title.as_str()),
        ("ben", "Printer on fire again")
    );
    assert_eq!(t.events.len(), 3);
    assert_eq!(t.to_toml(), one);
    insta::assert_snapshot!(one.split("[[events]]").next().unwrap(), @r#"
    id = "0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84"
    title = "Printer on fire again"
    status = "open"
    owner = "ben"
    priority = "normal"
    tags = []
    created = 2026-11-02T08:00:00Z
    updated = 2026-11-02T10:00:00Z
    "#);
}

#[test]
fn an_empty_base_means_both_sides_added_the_file() {
    let (env, _, ours, theirs) = versions();
    let (out, merged) = drive(&env, "", &ours, &theirs);
    out.success();
    assert_eq!(Ticket::parse(&merged).unwrap().events.len(), 3);
    // A missing base file is read the same way.
    fs::remove_file(env.root().join("merge/base")).unwrap();
    let out = env
        .cmd(&["merge-driver", "merge/base", "merge/ours", "merge/theirs"])
        .run();
    out.success();
}

#[test]
fn an_unreadable_side_leaves_git_s_line_merge_and_fails() {
    let (env, base, ours, theirs) = versions();
    let broken = theirs.replace("status = \"open\"", "status = \"lost\"");
    let (out, result) = drive(&env, &base, &ours, &broken);
    out.code(1);
    assert!(
        out.stderr.starts_with(
            "error: tickets/x.toml: cannot merge as tickets: their version, line 3, column 10: unknown variant `lost`"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("git's line-by-line merge is in the file"),
        "{}",
        out.stderr
    );
    // Nothing of either side is lost: the lines both changed stand in markers.
    for needle in [
        "<<<<<<< ours:tickets/x.toml",
        "status = \"lost\"",
        "Printer on fire again",
        "to = \"ben\"",
        ">>>>>>> theirs:tickets/x.toml",
    ] {
        assert!(result.contains(needle), "{needle:?} in\n{result}");
    }
}

#[test]
fn the_team_config_merges_key_by_key() {
    let env = TestEnv::solo();
    let base = "[[people]]\nname = \"ana\"\nlevel = 1\n\n[escalation]\nafter = \"20h\"\n";
    let ours = base.replace("level = 1", "level = 2");
    let theirs = base.replace("20h", "8h");
    let dir = env.root().join("m");
    fs::create_dir(&dir).unwrap();
    for (name, text) in [("o", base), ("a", ours.as_str()), ("b", theirs.as_str())] {
        fs::write(dir.join(name), text).unwrap();
    }
    env.cmd(&["merge-driver", "m/o", "m/a", "m/b", "tickets/baton.toml"])
        .run()
        .success();
    assert_eq!(
        fs::read_to_string(dir.join("a")).unwrap(),
        base.replace("level = 1", "level = 2").replace("20h", "8h")
    );
}

#[test]
fn a_team_config_conflict_is_kept_visibly_and_the_store_still_works() {
    let env = TestEnv::solo();
    let config = fs::read_to_string(env.store().join("baton.toml")).unwrap();
    let dir = env.root().join("m");
    fs::create_dir(&dir).unwrap();
    let ours = config.replace("after = \"20h\"", "after = \"10h\"");
    let theirs = config.replace("after = \"20h\"", "after = \"30h\"");
    for (name, text) in [("o", config.as_str()), ("a", &ours), ("b", &theirs)] {
        fs::write(dir.join(name), text).unwrap();
    }
    let out = env
        .cmd(&["merge-driver", "m/o", "m/a", "m/b", "tickets/baton.toml"])
        .run();
    out.success();
    assert!(
        out.stderr.contains("both sides changed escalation.after"),
        "{}",
        out.stderr
    );
    let merged = fs::read_to_string(dir.join("a")).unwrap();
    assert!(merged.contains("after = \"30h\""), "{merged}");
    assert!(
        merged.contains(
            "[[conflict]]\nkey = \"escalation.after\"\nkept = '\"30h\"'\nother = '\"10h\"'\n"
        ),
        "{merged}"
    );
    // The store reads the merged config: every command keeps working.
    fs::write(env.store().join("baton.toml"), &merged).unwrap();
    env.baton(&["list"]).success();
}
