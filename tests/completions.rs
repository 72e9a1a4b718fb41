//! Tab completion: the scripts `baton completions` prints, the candidates the
//! shell gets back for ticket ids and names, and bash completing an id on TAB.

use std::path::Path;
use std::process::Command;

use crate::common::{ID_A, ID_B, TestEnv};

/// What baton offers a bash that asks to complete the last of `words`.
fn complete(env: &TestEnv, words: &[&str]) -> Vec<String> {
    let mut args = vec!["--"];
    args.extend_from_slice(words);
    let out = env
        .cmd(&args)
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_IFS", "\n")
        .run();
    out.success();
    out.stdout.lines().map(str::to_string).collect()
}

#[test]
fn ticket_ids_complete_to_their_shortest_unique_prefix() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.new_ticket_pinned("ana", "Login fails", &[], ID_B);
    env.copy_ticket(ID_A, "0b7c9999-0000-4000-8000-000000000000");
    assert_eq!(complete(&env, &["baton", "show", "9"]), ["9a1f"]);
    assert_eq!(
        complete(&env, &["baton", "show", "0b"]),
        ["0b7c6", "0b7c9"],
        "close ids get longer prefixes"
    );
    assert_eq!(
        complete(&env, &["baton", "pass", "0B7C6F"]),
        [ID_A],
        "past the short prefix, the full id"
    );
    let all = complete(&env, &["baton", "close", ""]);
    let ids: Vec<&String> = all.iter().filter(|c| !c.starts_with('-')).collect();
    assert_eq!(ids, ["0b7c6", "0b7c9", "9a1f"], "and the flags: {all:?}");
    for command in ["take", "reply", "note", "wait", "resolve", "reopen", "edit"] {
        assert_eq!(
            complete(&env, &["baton", command, "9a"]),
            ["9a1f"],
            "{command}"
        );
    }
}

#[test]
fn names_priorities_and_statuses_complete() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let after_id = complete(&env, &["baton", "pass", "0b7c", ""]);
    for name in ["ana", "ben", "cora"] {
        assert!(after_id.contains(&name.to_string()), "{after_id:?}");
    }
    assert_eq!(complete(&env, &["baton", "--as", "c"]), ["cora"]);
    assert_eq!(complete(&env, &["baton", "list", "--owner", "b"]), ["ben"]);
    assert_eq!(complete(&env, &["baton", "new", "-o", "a"]), ["ana"]);
    assert_eq!(
        complete(&env, &["baton", "new", "x", "--priority", ""]),
        ["low", "normal", "high", "urgent"]
    );
    assert_eq!(
        complete(&env, &["baton", "list", "--status", "open,w"]),
        ["open,waiting"]
    );
    assert_eq!(complete(&env, &["baton", "esc"]), ["escalate"]);
}

#[test]
fn outside_a_store_only_ids_and_names_are_missing() {
    let env = TestEnv::empty();
    let not_flags = |words: &[&str]| -> Vec<String> {
        let all = complete(&env, words);
        all.into_iter().filter(|c| !c.starts_with('-')).collect()
    };
    assert_eq!(not_flags(&["baton", "show", ""]), Vec::<String>::new());
    assert_eq!(complete(&env, &["baton", "--as", ""]), Vec::<String>::new());
    assert_eq!(complete(&env, &["baton", "sh"]), ["show"]);
}

#[test]
fn every_shell_gets_a_script_that_calls_baton_back() {
    let env = TestEnv::empty();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = env.baton(&["completions", shell]);
        out.success();
        assert!(out.stdout.contains("COMPLETE"), "{shell}: {}", out.stdout);
        assert!(out.stdout.contains("baton"), "{shell}: {}", out.stdout);
        assert_eq!(out.stderr, "", "{shell}");
    }
    let out = env.baton(&["completions", "tcsh"]);
    out.code(2);
    assert!(
        out.stderr
            .contains("[possible values: bash, zsh, fish, powershell, elvish]")
    );
}

#[test]
fn the_bash_script_calls_baton_by_the_path_it_was_run_from() {
    let env = TestEnv::empty();
    let out = env.baton(&["completions", "bash"]);
    let exe = env!("CARGO_BIN_EXE_baton");
    assert!(
        out.stdout
            .contains(&format!("\"{exe}\" -- \"${{words[@]}}\"")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("complete -o nospace -o bashdefault -o nosort -F _clap_complete_baton baton")
    );
}

#[cfg(unix)]
#[test]
fn bash_completes_a_ticket_id_on_tab() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.new_ticket_pinned("ana", "Login fails", &[], ID_B);
    let bin = Path::new(env!("CARGO_BIN_EXE_baton")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        crate::common::host_path().to_string_lossy()
    );
    let mut bash = Command::new("bash");
    bash.args(["--norc", "--noprofile", "-i"])
        .env_clear()
        .env("PATH", path)
        .env("HOME", env.root())
        .env("TERM", "xterm")
        .env("PS1", "ready> ")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env("BATON_NOW", crate::common::T0)
        .env("BATON_USER", "ana")
        .current_dir(env.root());
    let options = rexpect::reader::Options::new().timeout_ms(Some(15_000));
    let mut p = rexpect::session::spawn_with_options(bash, options).unwrap();
    p.exp_string("ready> ").unwrap();
    p.send_line("source <(baton completions bash)").unwrap();
    p.exp_string("ready> ").unwrap();
    // "0b" alone is too short to name a ticket; TAB makes it 0b7c.
    p.send("baton show 0b\t").unwrap();
    p.send_line("").unwrap();
    let shown = p.exp_string("ready> ").unwrap();
    assert!(shown.contains("0b7c  Refund not received"), "{shown}");
    p.send_line("exit").unwrap();
    let (_, code) = crate::common::finish(p);
    assert_eq!(code, 0);
}
