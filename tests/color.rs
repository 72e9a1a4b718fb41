//! Colour: only when asked for or on a terminal, never with `NO_COLOR` or
//! `--color never`, never in JSON. (On a real terminal: see `terminal`.)

use crate::common::{ID_A, TestEnv, at};

/// A store whose list, show and escalation sweep have something to colour:
/// an urgent ticket past its deadline, and one about to be.
fn colourful() -> TestEnv {
    let env = TestEnv::team();
    env.new_ticket_pinned(
        "ana",
        "Refund not received",
        &["--priority", "urgent"],
        ID_A,
    );
    env.set_now(&at(2, 0));
    env.new_ticket("ana", "Later");
    env.set_now(&at(21, 0));
    env
}

/// The human output (stdout and stderr) of list, show and escalate --dry-run.
fn outputs(env: &TestEnv, flags: &[&str], no_color: bool) -> Vec<String> {
    [
        &["list"][..],
        &["show", "0b7c"][..],
        &["escalate", "--dry-run", "--warn", "2h"][..],
    ]
    .iter()
    .map(|args| {
        let mut all = flags.to_vec();
        all.extend_from_slice(args);
        let mut run = env.cmd(&all);
        if !no_color {
            run = run.env_remove("NO_COLOR");
        }
        let out = run.run();
        out.success();
        assert!(!out.stdout.is_empty(), "{all:?} printed nothing");
        format!("{}{}", out.stdout, out.stderr)
    })
    .collect()
}

#[test]
fn color_always_colours_status_priority_and_overdue_times() {
    let env = colourful();
    let [list, show, sweep] =
        <[String; 3]>::try_from(outputs(&env, &["--color", "always"], false)).unwrap();
    assert!(
        list.contains("\x1b[38;5;9murgent") || list.contains("\x1b[31murgent"),
        "{list:?}"
    );
    assert!(show.contains("\x1b[32mopen\x1b[0m"), "{show:?}");
    assert!(show.contains("\x1b[31murgent\x1b[0m"), "{show:?}");
    assert!(
        show.contains("\x1b[31m2026-11-03 04:00 (overdue 1h)\x1b[0m"),
        "{show:?}"
    );
    assert!(sweep.contains("\x1b[31mwould escalate\x1b[0m"), "{sweep:?}");
    assert!(sweep.contains("\x1b[33mdue in 1h\x1b[0m"), "{sweep:?}");
}

#[test]
fn piped_output_no_color_and_color_never_have_no_escape_sequences() {
    let env = colourful();
    for (flags, no_color) in [
        (&[][..], false),
        (&[][..], true),
        (&["--color", "never"][..], false),
        (&["--json", "--color", "always"][..], false),
    ] {
        for out in outputs(&env, flags, no_color) {
            assert!(
                !out.contains('\x1b'),
                "{flags:?} NO_COLOR={no_color}: {out:?}"
            );
        }
    }
}

#[test]
fn errors_are_coloured_only_when_asked() {
    let env = TestEnv::team();
    let out = env.cmd(&["--color", "always", "show", "0b7c"]).run();
    assert_eq!(
        out.stderr,
        "\x1b[31merror:\x1b[0m no ticket matches '0b7c'\n\x1b[36mhint:\x1b[0m 'baton list --all' shows every ticket\n"
    );
    let out = env.cmd(&["show", "0b7c"]).env_remove("NO_COLOR").run();
    assert!(!out.stderr.contains('\x1b'), "{:?}", out.stderr);
}

#[test]
fn help_follows_the_color_flag() {
    let env = TestEnv::empty();
    let out = env.cmd(&["--color", "always", "list", "--help"]).run();
    assert!(out.stdout.contains('\x1b'), "{:?}", out.stdout);
    let out = env
        .cmd(&["list", "--help", "--color=never"])
        .env_remove("NO_COLOR")
        .run();
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
}
