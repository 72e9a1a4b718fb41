//! The environment baton reads: an empty variable counts as unset (so
//! `BATON_STORE=` in a shell profile is no store, not an error), and a
//! `BATON_NOW` outside the years a ticket file can carry is refused.

use std::fs;

use chrono::{DateTime, Utc};

use crate::common::{ID_A, TestEnv};

/// The ids `baton list --json` shows.
fn listed(out: &crate::common::Output) -> Vec<String> {
    out.success();
    out.json_strings("id")
}

#[test]
fn an_empty_baton_store_counts_as_unset() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "In the usual store", &[], ID_A);
    let list = env.cmd(&["list", "--json"]).env("BATON_STORE", "").run();
    assert_eq!(listed(&list), [ID_A], "the store above is found");

    let completed = env
        .cmd(&["--", "baton", "show", "0b"])
        .env("BATON_STORE", "")
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .env("_CLAP_IFS", "\n")
        .run();
    completed.success();
    assert_eq!(completed.stdout.trim(), "0b7c", "completion finds it too");

    let fresh = TestEnv::empty();
    fresh
        .cmd(&["init", "--name", "ana"])
        .env("BATON_STORE", "")
        .run()
        .success();
    assert!(
        fresh.store().join("baton.toml").is_file(),
        "init makes ./tickets"
    );
}

/// Who owns the ticket `baton new` opens with `key` set to the empty string.
fn creator_with_empty(env: &TestEnv, key: &str) -> String {
    let out = env.cmd(&["new", "Who am I?"]).env(key, "").run();
    out.success();
    env.field(out.stdout.trim(), "owner")
}

#[test]
fn an_empty_baton_user_counts_as_unset() {
    let env = TestEnv::team();
    fs::write(env.user_config_path(), "name = \"cora\"\n").unwrap();
    assert_eq!(
        creator_with_empty(&env, "BATON_USER"),
        "cora",
        "the next source names the actor"
    );
    assert_eq!(creator_with_empty(&TestEnv::solo(), "BATON_USER"), "ana");
}

#[test]
fn an_empty_baton_config_counts_as_unset() {
    let env = TestEnv::team();
    let home_config = env.root().join(".config/baton/config.toml");
    fs::create_dir_all(home_config.parent().unwrap()).unwrap();
    fs::write(&home_config, "name = \"ben\"\n").unwrap();
    assert_eq!(
        creator_with_empty(&env, "BATON_CONFIG"),
        "ben",
        "the default user config is read"
    );
}

#[test]
fn an_empty_baton_now_leaves_the_system_clock() {
    let env = TestEnv::team();
    let out = env
        .cmd(&["--as", "ana", "new", "On the real clock", "--json"])
        .env("BATON_NOW", "")
        .run();
    out.success();
    let created: DateTime<Utc> = out.json()["created"].as_str().unwrap().parse().unwrap();
    #[allow(clippy::disallowed_methods)] // the test compares with the real clock
    let now = chrono::Utc::now();
    let off = (now - created).num_seconds().abs();
    assert!(off < 300, "created {created}, {off}s from the real clock");
}

#[test]
fn an_empty_baton_id_seed_leaves_ids_random() {
    let env = TestEnv::team();
    let out = env
        .cmd(&["--as", "ana", "new", "Random id"])
        .env("BATON_ID_SEED", "")
        .run();
    out.success();
    let id = uuid::Uuid::try_parse(out.stdout.trim()).unwrap();
    assert_eq!(id.get_version_num(), 4, "{id} is a random id");
}

#[test]
fn an_empty_baton_trace_traces_nothing() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Cached", &[], ID_A);
    let traced = env.cmd(&["list"]).env("BATON_TRACE", "1").run();
    traced.success();
    assert!(traced.stderr.contains("trace: "), "{}", traced.stderr);
    let quiet = env.cmd(&["list"]).env("BATON_TRACE", "").run();
    quiet.success();
    assert!(!quiet.stderr.contains("trace: "), "{}", quiet.stderr);
}

#[test]
fn empty_variables_do_not_reach_hooks() {
    let env = TestEnv::solo();
    let hooks = env.store().join(".local/hooks");
    fs::create_dir_all(&hooks).unwrap();
    let seen = env.root().join("seen");
    let hook = hooks.join("created");
    fs::write(
        &hook,
        format!(
            "#!/bin/sh\nif [ \"${{BATON_USER+set}}\" = set ]; then echo set; else echo unset; fi > '{}'\n",
            seen.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    }
    env.cmd(&["new", "Hooked"])
        .env("BATON_USER", "")
        .run()
        .success();
    assert_eq!(fs::read_to_string(&seen).unwrap(), "unset\n");
}

#[test]
fn a_baton_now_outside_1970_to_9999_is_a_usage_error() {
    let env = TestEnv::team();
    // The last two are in range as written, but not in UTC.
    for now in [
        "0000-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",
        "1970-01-01T00:30:00+01:00",
        "9999-12-31T23:30:00-01:00",
    ] {
        let out = env.cmd(&["--as", "ana", "new", "x"]).now(now).run();
        out.code(2);
        assert_eq!(
            out.stderr,
            format!(
                "error: BATON_NOW='{now}' is outside the years baton accepts (1970 to 9999, in UTC)\n\
                 hint: use a time from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z, or unset it\n"
            ),
        );
        assert!(env.ticket_ids().is_empty(), "{now}: nothing written");
    }
    for now in ["1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z"] {
        env.cmd(&["--as", "ana", "new", "x"])
            .now(now)
            .run()
            .success();
    }
    assert_eq!(env.ticket_ids().len(), 2);
}

/// `VISUAL=` (as a profile that clears it leaves it) defers to `EDITOR`.
#[cfg(unix)]
#[test]
fn an_empty_visual_defers_to_editor() {
    use std::os::unix::fs::PermissionsExt;

    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let editor = env.root().join("editor");
    fs::write(
        &editor,
        "#!/bin/sh\nprintf 'Checked the logs.\\n' > \"$1\"\n",
    )
    .unwrap();
    fs::set_permissions(&editor, fs::Permissions::from_mode(0o755)).unwrap();
    let p = env
        .cmd(&["--as", "ana", "note", "0b7c"])
        .env("VISUAL", "")
        .env("EDITOR", &editor)
        .pty();
    let (rest, code) = crate::common::finish(p);
    assert_eq!(code, 0, "{rest}");
    let events = env.events(ID_A);
    let note = events.last().unwrap();
    assert_eq!(note["kind"].as_str(), Some("note"));
    assert_eq!(note["text"].as_str(), Some("Checked the logs."), "{note:?}");
}
