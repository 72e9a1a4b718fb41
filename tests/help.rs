//! Help that teaches: every command's `--help` (snapshotted, so a change to
//! any of them shows in review), examples in each, suggestions for typos, and
//! the manual pages made from the same definitions.

use baton::cli::Cli;
use clap::CommandFactory;

use crate::common::{ID_A, TestEnv};

/// The path of every command and subcommand, found from the definitions, so a
/// command added later is covered without touching this file.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands() {
            if sub.get_name() == "help" || sub.is_hide_set() {
                continue;
            }
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_string());
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, &[], &mut out);
    out
}

#[test]
fn every_command_s_help_is_as_snapshotted() {
    let env = TestEnv::empty();
    let mut paths = command_paths();
    paths.insert(0, Vec::new());
    for path in paths {
        let mut args = path.clone();
        args.push("--help".to_string());
        let out = env.baton(&args);
        out.success();
        let name = std::iter::once("baton".to_string())
            .chain(path)
            .collect::<Vec<_>>()
            .join("-");
        insta::assert_snapshot!(name, out.stdout);
    }
}

#[test]
fn every_command_has_a_purpose_and_examples() {
    let mut root = Cli::command();
    root.build();
    let mut missing = Vec::new();
    for path in command_paths() {
        let mut cmd = &mut root;
        for name in &path {
            cmd = cmd.find_subcommand_mut(name).unwrap();
        }
        let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
        let help = cmd.render_long_help().to_string();
        let runs_it = help
            .split_once("\nExamples:\n  ")
            .is_some_and(|(_, examples)| examples.contains(&format!("baton {}", path.join(" "))));
        if about.is_empty() || about.contains('\n') || !runs_it {
            missing.push(path.join(" "));
        }
    }
    assert!(
        missing.is_empty(),
        "these commands need a one-line doc comment and an `Examples:` section in \
         after_help that runs them: {missing:?}"
    );
}

#[test]
fn a_mistyped_command_or_flag_suggests_the_closest() {
    let env = TestEnv::empty();
    let out = env.baton(&["lsit"]);
    out.code(2);
    assert!(
        out.stderr
            .contains("tip: a similar subcommand exists: 'list'"),
        "{}",
        out.stderr
    );
    let out = env.baton(&["new", "x", "--prority", "high"]);
    out.code(2);
    assert!(
        out.stderr
            .contains("tip: a similar argument exists: '--priority'"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_mistyped_person_suggests_the_closest_name() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let out = env.baton_as("ana", &["pass", "0b7c", "bne"]);
    insta::assert_snapshot!(out.render(), @r"
    ------- stderr -------
    error: 'bne' is not on the team (the team: ana, ben, cora)
    hint: did you mean 'ben'?
    [exit 1]
    ");
    let out = env.baton_as("Cora", &["list", "--mine"]);
    insta::assert_snapshot!(out.render(), @r"
    ------- stderr -------
    error: 'Cora' is not on the team (the team: ana, ben, cora) (you are acting as 'Cora', from --as)
    hint: did you mean 'cora'? pass --as cora or set BATON_USER=cora
    [exit 1]
    ");
}

#[test]
fn man_writes_a_page_for_every_command() {
    let env = TestEnv::empty();
    let out = env.baton(&["man", "pages"]);
    out.success();
    let mut expected: Vec<String> = command_paths()
        .iter()
        .map(|p| format!("baton-{}.1", p.join("-")))
        .collect();
    expected.push("baton.1".to_string());
    expected.sort();
    let mut written: Vec<String> = std::fs::read_dir(env.root().join("pages"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    assert_eq!(written, expected);
    assert!(
        out.stdout
            .starts_with(&format!("wrote {} manual pages to ", expected.len()))
    );

    let pass = std::fs::read_to_string(env.root().join("pages/baton-pass.1")).unwrap();
    assert!(pass.contains(".TH baton-pass 1"), "{pass}");
    assert!(
        pass.contains(
            ".SH EXAMPLES\n.nf\n  baton pass 0b7c ben \\-\\-note \"needs a refund approval\"\n"
        ),
        "{pass}"
    );
}

#[test]
fn man_without_a_folder_prints_the_main_page() {
    let env = TestEnv::empty();
    let out = env.baton(&["man"]);
    out.success();
    assert!(out.stdout.contains(".TH baton 1"), "{}", out.stdout);
    assert!(out.stdout.contains("baton\\-pass(1)"), "{}", out.stdout);
    assert_eq!(out.stderr, "");
}

#[test]
fn man_json_names_the_folder_and_the_pages() {
    let env = TestEnv::empty();
    let out = env.baton(&["man", "pages", "--json"]);
    out.success();
    let doc = out.json();
    assert_eq!(
        crate::common::keys(&doc),
        ["dir", "pages"],
        "{}",
        out.stdout
    );
    assert_eq!(doc["dir"], env.root().join("pages").display().to_string());
    assert_eq!(doc["pages"][0], "baton.1");
    assert_eq!(doc["pages"][1], "baton-init.1");
}
