//! Output fitted to the terminal: on a pseudo-terminal of 60, 80 and 120
//! columns (its size set with `stty`, `COLUMNS` unset, as bash leaves it),
//! with colour on and off, no row of a table or line of a timeline wraps.

use unicode_width::UnicodeWidthChar;

use crate::common::{ID_A, ID_B, ID_C, Run, TestEnv, at, on_sized_terminal};

/// Three tickets with long titles and customers, seen at T0+6h.
fn desk() -> TestEnv {
    let env = TestEnv::team();
    env.set_now(&at(0, 0));
    env.new_ticket_pinned(
        "ana",
        "Refund not received after the double charge on the November invoice",
        &[
            "--customer",
            "accounts-payable@very-long-customer-name.example.com",
            "--priority",
            "high",
        ],
        ID_A,
    );
    env.set_now(&at(1, 0));
    env.new_ticket_pinned(
        "ben",
        "Login fails with a blank page",
        &["--customer", "eva@example.org", "--priority", "urgent"],
        ID_B,
    );
    env.new_ticket_pinned("cora", "Printer", &[], ID_C);
    env.baton_as(
        "ben",
        &[
            "pass",
            "9a1f",
            "cora",
            "--note",
            "needs the admin console, and a long note that goes on and on",
        ],
    )
    .success();
    env.set_now(&at(6, 0));
    env
}

/// Runs on a pseudo-terminal `columns` wide, colour on or off; returns the
/// screen's text with the terminal's line ends made plain.
fn on_terminal(run: Run, columns: u16, color: bool) -> String {
    on_terminal_with(run.env_remove("COLUMNS"), columns, color)
}

/// [`on_terminal`] with the environment as `run` has it; a terminal 0
/// columns wide is one that reports no size.
fn on_terminal_with(run: Run, columns: u16, color: bool) -> String {
    let run = run.env("TERM", "xterm");
    let run = if color {
        run.env_remove("NO_COLOR")
    } else {
        run
    };
    let (text, code) = on_sized_terminal(run, columns, 50);
    assert_eq!(code, 0, "{text}");
    screen_text(&text)
}

/// rexpect hands over the terminal's bytes one char each: they are UTF-8.
fn screen_text(text: &str) -> String {
    let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    String::from_utf8(bytes)
        .expect("UTF-8")
        .replace("\r\n", "\n")
}

/// How many columns a line takes on the screen, colour codes aside.
fn screen_width(line: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in line.chars() {
        match c {
            '\x1b' => in_escape = true,
            c if in_escape => in_escape = !c.is_ascii_alphabetic(),
            c => width += c.width().unwrap_or(0),
        }
    }
    width
}

#[track_caller]
fn assert_fits(text: &str, columns: u16) {
    for line in text.lines() {
        assert!(
            screen_width(line) <= usize::from(columns),
            "a line wider than {columns} columns:\n{line}\n\n{text}"
        );
    }
}

/// Colour codes written out, so a snapshot shows where they are.
fn visible(text: &str) -> String {
    text.replace('\x1b', "␛")
}

#[test]
fn list_fits_60_80_and_120_columns_with_colour_on_and_off() {
    let env = desk();
    for columns in [60, 80, 120] {
        for color in [false, true] {
            let text = on_terminal(env.cmd(&["--as", "ana", "list"]), columns, color);
            assert_fits(&text, columns);
            let name = format!("list_{columns}_{}", if color { "colour" } else { "plain" });
            insta::assert_snapshot!(name, visible(&text));
        }
    }
}

#[test]
fn below_70_columns_list_leaves_out_customer_and_priority() {
    let env = desk();
    let narrow = on_terminal(env.cmd(&["--as", "ana", "list"]), 60, false);
    assert!(
        !narrow.contains("CUSTOMER") && !narrow.contains("PRIORITY"),
        "{narrow}"
    );
    let wide = on_terminal(env.cmd(&["--as", "ana", "list"]), 80, false);
    assert!(
        wide.contains("CUSTOMER") && wide.contains("PRIORITY"),
        "{wide}"
    );
}

#[test]
fn a_wide_terminal_gives_the_title_its_whole_width() {
    let env = desk();
    let text = on_terminal(env.cmd(&["--as", "ana", "list"]), 160, false);
    assert!(
        text.contains("Refund not received after the double charge on the November invoice"),
        "at 160 columns the title is whole:\n{text}"
    );
}

#[test]
fn without_a_terminal_size_columns_is_used_and_else_80() {
    let env = desk();
    // Piped output is never cut; the width matters only on a terminal,
    // so these runs are on one that reports no size.
    let run = |columns: Option<&str>| {
        let r = env.cmd(&["--as", "ana", "list"]);
        let r = match columns {
            Some(c) => r.env("COLUMNS", c),
            None => r.env_remove("COLUMNS"),
        };
        on_terminal_with(r, 0, false)
    };
    let widest = |t: &str| t.lines().map(screen_width).max().unwrap_or(0);
    let at_80 = run(None);
    assert!(widest(&at_80) <= 80 && widest(&at_80) > 70, "{at_80}");
    let at_64 = run(Some("64"));
    assert!(widest(&at_64) <= 64, "{at_64}");
    assert!(!at_64.contains("CUSTOMER"), "{at_64}");
}

#[test]
fn search_and_people_fit_60_columns() {
    let env = desk();
    for color in [false, true] {
        let text = on_terminal(env.cmd(&["--as", "ana", "search", "a"]), 60, color);
        assert_fits(&text, 60);
        assert!(text.contains("0b7c"), "{text}");
        let text = on_terminal(env.cmd(&["people"]), 60, color);
        assert_fits(&text, 60);
    }
}

#[test]
fn show_fits_its_timeline_to_the_terminal() {
    let env = desk();
    for columns in [60, 80, 120] {
        for color in [false, true] {
            let text = on_terminal(env.cmd(&["--as", "ana", "show", "9a1f"]), columns, color);
            let timeline = text.split("History").nth(1).expect("a history");
            assert_fits(timeline, columns);
            let name = format!("show_{columns}_{}", if color { "colour" } else { "plain" });
            insta::assert_snapshot!(name, visible(&text));
        }
    }
}

/// Text with its colour codes taken out.
fn uncoloured(text: &str) -> String {
    let mut out = String::new();
    let mut in_escape = false;
    for c in text.chars() {
        match c {
            '\x1b' => in_escape = true,
            c if in_escape => in_escape = !c.is_ascii_alphabetic(),
            c => out.push(c),
        }
    }
    out
}

#[test]
fn show_with_colour_lines_its_values_up_as_without() {
    let env = desk();
    let text = uncoloured(&on_terminal(
        env.cmd(&["--as", "ana", "show", "9a1f"]),
        80,
        true,
    ));
    for label in ["status", "owner", "customer", "priority", "due"] {
        let line = text
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label} line in\n{text}"));
        assert_eq!(&line[9..10], " ", "{line:?}");
        assert_ne!(
            &line[10..11],
            " ",
            "every value starts at column 11: {line:?}"
        );
    }
}

#[test]
fn report_leaves_out_figures_rather_than_wrap_at_60_columns() {
    let env = desk();
    for color in [false, true] {
        let text = on_terminal(env.cmd(&["report"]), 60, color);
        let people = uncoloured(&text);
        let table: String = people
            .lines()
            .skip_while(|l| !l.starts_with("NAME"))
            .take_while(|l| !l.starts_with("RESOLVE and"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            table.contains("RESOLVED") && table.contains("ben"),
            "{text}"
        );
        assert!(!table.contains("RECEIVED"), "{table}");
        assert_fits(&table, 60);
    }
    let wide = on_terminal(env.cmd(&["report"]), 120, false);
    assert!(wide.contains("RECEIVED"), "{wide}");
}
