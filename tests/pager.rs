//! Output longer than the screen goes through the pager at a terminal, and
//! only there: never piped, never with `--no-pager`, never under `--json`,
//! never when it fits.

use std::fs;

use crate::common::{TestEnv, on_sized_terminal};

/// A desk with 30 open tickets, and a pager that keeps what it was given
/// in `paged` and says so on the screen.
fn desk() -> (TestEnv, String) {
    let env = TestEnv::solo();
    for n in 0..30 {
        env.new_ticket("ana", &format!("Ticket number {n}"));
    }
    let pager = format!("cat > {}/paged; echo PAGED", env.root().display());
    (env, pager)
}

fn paged(env: &TestEnv) -> Option<String> {
    fs::read_to_string(env.root().join("paged")).ok()
}

#[test]
fn a_list_longer_than_the_screen_goes_through_batons_pager() {
    let (env, pager) = desk();
    let run = env.cmd(&["list"]).env("BATON_PAGER", &pager);
    let (screen, code) = on_sized_terminal(run, 100, 20);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("PAGED"), "{screen}");
    assert!(
        !screen.contains("Ticket number"),
        "the pager had it all: {screen}"
    );
    let text = paged(&env).expect("the pager ran");
    assert_eq!(
        text.lines().count(),
        32,
        "the header, its rule and every row:\n{text}"
    );
    let piped = env.baton(&["list"]);
    let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with('─')).collect();
    assert_eq!(
        format!("{}\n", rows.join("\n")),
        piped.stdout,
        "the pager gets the terminal's table (a rule under the header), else what a pipe gets"
    );
}

#[test]
fn pager_falls_back_to_pager_and_is_skipped_when_it_fits() {
    let (env, pager) = desk();
    let run = env.cmd(&["list"]).env("PAGER", &pager);
    let (screen, _) = on_sized_terminal(run, 100, 20);
    assert!(
        screen.contains("PAGED"),
        "$PAGER is used without $BATON_PAGER: {screen}"
    );

    fs::remove_file(env.root().join("paged")).unwrap();
    let run = env.cmd(&["list"]).env("BATON_PAGER", &pager);
    let (screen, code) = on_sized_terminal(run, 100, 60);
    assert_eq!(code, 0);
    assert!(screen.contains("Ticket number 29"), "{screen}");
    assert_eq!(paged(&env), None, "32 lines fit on 60 rows");
}

#[test]
fn no_pager_flag_json_and_pipes_write_as_is() {
    let (env, pager) = desk();
    for args in [
        &["list", "--no-pager"][..],
        &["list", "--json"],
        &["--no-pager", "show", "0000"],
    ] {
        let run = env.cmd(args).env("BATON_PAGER", &pager);
        let (screen, _) = on_sized_terminal(run, 100, 10);
        assert!(!screen.contains("PAGED"), "{args:?}: {screen}");
    }
    assert_eq!(paged(&env), None);
    let piped = env.cmd(&["list"]).env("BATON_PAGER", &pager).run();
    piped.success();
    assert!(piped.stdout.contains("Ticket number 0"));
    assert_eq!(paged(&env), None, "never when piped");
}

#[test]
fn a_pager_that_cannot_start_leaves_the_text_on_the_screen() {
    let (env, _) = desk();
    let run = env
        .cmd(&["list"])
        .env("BATON_PAGER", "no-such-pager-here -R");
    let (screen, code) = on_sized_terminal(run, 100, 10);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Ticket number 29"), "{screen}");
}
