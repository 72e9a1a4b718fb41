use std::fs;

use crate::common::{ID_A, TestEnv};

/// The ids `baton list --json` shows when run in a way.
fn listed(out: &crate::common::Output) -> Vec<String> {
    out.success();
    out.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_store_is_found_from_any_subfolder() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    let deep = env.root().join("src/app/deep");
    fs::create_dir_all(&deep).unwrap();
    for dir in [
        env.root().to_path_buf(),
        deep,
        env.store(),
        env.store().join(".local"),
    ] {
        let out = env.cmd(&["list", "--json"]).cwd(&dir).run();
        assert_eq!(listed(&out), [ID_A], "from {}", dir.display());
    }
}

#[test]
fn commands_in_a_subfolder_write_to_the_found_store() {
    let env = TestEnv::team();
    let deep = env.root().join("a/b");
    fs::create_dir_all(&deep).unwrap();
    let out = env
        .cmd(&["--as", "ben", "new", "From below"])
        .cwd(&deep)
        .run();
    out.success();
    assert_eq!(env.ticket_ids(), [out.stdout.trim()]);
    assert!(!deep.join("tickets").exists());
}

#[test]
fn store_flag_and_variable_override_discovery() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "In the usual store", &[], ID_A);
    // A second store elsewhere, for a team of one.
    let other = env.root().join("elsewhere/desk");
    env.baton(&["init", "--name", "zoe", "--store", "elsewhere/desk"])
        .success();
    let zoe = env
        .cmd(&["new", "In the other store", "--store", "elsewhere/desk"])
        .run();
    zoe.success();
    let zoe_id = zoe.stdout.trim().to_string();
    assert!(other.join(format!("{zoe_id}.toml")).is_file());

    let by_flag = env.baton(&["list", "--json", "--store", other.to_str().unwrap()]);
    assert_eq!(listed(&by_flag), [zoe_id.as_str()]);
    let by_variable = env
        .cmd(&["list", "--json"])
        .env("BATON_STORE", &other)
        .run();
    assert_eq!(listed(&by_variable), [zoe_id.as_str()]);
    let relative = env
        .cmd(&["list", "--json"])
        .env("BATON_STORE", "elsewhere/desk")
        .run();
    assert_eq!(listed(&relative), [zoe_id]);
    let flag_wins = env
        .cmd(&["list", "--json", "--store", "tickets"])
        .env("BATON_STORE", &other)
        .run();
    assert_eq!(listed(&flag_wins), [ID_A]);
    let plain = env.baton(&["list", "--json"]);
    assert_eq!(listed(&plain), [ID_A]);
}

#[test]
fn a_store_flag_pointing_at_no_store_is_an_error() {
    let env = TestEnv::team();
    fs::create_dir_all(env.root().join("empty")).unwrap();
    for dir in ["empty", "missing"] {
        let out = env.baton(&["list", "--store", dir]);
        out.code(1);
        assert_eq!(
            out.stderr,
            format!(
                "error: no baton store at {dir} (no baton.toml there)\n\
                 hint: run 'baton init' to create one, or point --store at the tickets folder\n"
            )
        );
    }
}

#[test]
fn a_tickets_folder_without_a_config_is_not_a_store() {
    let env = TestEnv::empty();
    fs::create_dir_all(env.root().join("tickets")).unwrap();
    let out = env.baton(&["list"]);
    out.code(1);
    assert!(out.stderr.contains("no baton store in"), "{}", out.stderr);
}

#[test]
fn init_creates_the_store_that_baton_store_names() {
    let env = TestEnv::empty();
    env.cmd(&["init", "--name", "ana"])
        .env("BATON_STORE", "desk")
        .run()
        .success();
    assert!(env.root().join("desk/baton.toml").is_file());
    let out = env
        .cmd(&["new", "Here"])
        .env("BATON_STORE", env.root().join("desk"))
        .run();
    out.success();
    assert!(
        env.root()
            .join(format!("desk/{}.toml", out.stdout.trim()))
            .is_file()
    );
}

/// Gives a folder and everything in it to another user (uid 65534, "nobody"),
/// which only root can do. `false` (with the reason printed) when the tests
/// do not run as root.
#[cfg(unix)]
fn give_away(dir: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // What a new file's owner is tells who the tests run as.
    let probe = tempfile::tempdir().unwrap();
    if fs::metadata(probe.path()).unwrap().uid() != 0 {
        eprintln!("skipped: only root can give a folder to another user to test this");
        return false;
    }
    fn walk(dir: &std::path::Path) {
        std::os::unix::fs::lchown(dir, Some(65534), Some(65534)).unwrap();
        if fs::symlink_metadata(dir).unwrap().is_dir() {
            for entry in fs::read_dir(dir).unwrap() {
                walk(&entry.unwrap().path());
            }
        }
    }
    walk(dir);
    true
}

#[cfg(unix)]
#[test]
fn the_walk_up_never_takes_a_store_in_a_folder_of_another_user() {
    use std::os::unix::fs::PermissionsExt;
    // A shared, world-writable folder (like /tmp) where someone else keeps a
    // store; you work in a folder of your own below it, with no store.
    let env = TestEnv::empty();
    let shared = env.root().join("shared");
    env.baton(&["init", "--name", "eve", "--store", "shared/tickets"])
        .success();
    if !give_away(&shared) {
        return;
    }
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o1777)).unwrap();
    let mine = shared.join("mine/deep");
    fs::create_dir_all(&mine).unwrap();
    let theirs = shared.join("tickets");
    let out = env.cmd(&["list"]).cwd(&mine).run();
    out.code(1);
    assert_eq!(
        out.stderr,
        format!(
            "error: no baton store of yours in {} or any folder above it: the one at {} is in {}, which belongs to another user\n\
             hint: to use it all the same, pass --store {} (or set BATON_STORE); to make your own, run 'baton init'\n",
            mine.display(),
            theirs.display(),
            shared.display(),
            theirs.display()
        )
    );
    // Named explicitly, it opens.
    env.cmd(&["list", "--json", "--store", theirs.to_str().unwrap()])
        .cwd(&mine)
        .run()
        .success();
    env.cmd(&["list", "--json"])
        .cwd(&mine)
        .env("BATON_STORE", &theirs)
        .run()
        .success();

    // Someone else's store in a folder of yours is refused the same way.
    let env = TestEnv::empty();
    env.baton(&["init", "--name", "eve"]).success();
    assert!(give_away(&env.store()));
    let out = env.baton(&["list"]);
    out.code(1);
    assert!(
        out.stderr.contains(&format!(
            "the one at {} belongs to another user",
            env.store().display()
        )),
        "{}",
        out.stderr
    );
    // From inside it, too.
    let out = env.cmd(&["list"]).cwd(env.store()).run();
    out.code(1);
    assert!(
        out.stderr.contains("belongs to another user"),
        "{}",
        out.stderr
    );
}

#[cfg(unix)]
#[test]
fn hooks_of_a_store_another_user_owns_never_run() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::empty();
    env.baton(&["init", "--name", "eve"]).success();
    let hook = env.store().join(".local/hooks/created");
    fs::create_dir_all(hook.parent().unwrap()).unwrap();
    let ran = env.root().join("ran");
    fs::write(&hook, format!("#!/bin/sh\ntouch '{}'\n", ran.display())).unwrap();
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    if !give_away(&env.store()) {
        return;
    }
    // Opened by name, the store works, but its programs are not the caller's.
    let out = env.baton(&["--store", "tickets", "--as", "eve", "new", "Refund"]);
    out.success();
    assert!(!ran.exists(), "the hook ran: {}", out.stderr);
    assert!(
        out.stderr
            .contains("warning: hook tickets/.local/hooks/created is in a store another user owns"),
        "{}",
        out.stderr
    );
}
