//! Text for people: ticket text made safe for a terminal, local times, short
//! spans of time, the due column, and colours.

use std::borrow::Cow;
use std::fmt::Write;

use chrono::{DateTime, Duration, Utc};

use crate::core::clock::Deadline;
use crate::core::ticket::{Priority, Status};
use crate::ctx::LocalZone;

/// Characters that must never reach a terminal as they are: C0 and C1
/// controls (escape sequences, carriage returns), every Unicode bidirectional
/// control (the marks, embeddings, overrides and isolates that make text
/// display in a different order than it reads), and the line and paragraph
/// separators that some terminals break lines at.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let keep = |c: char| keep_newlines && (c == '\n' || c == '\t');
    if !text.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if keep(c) || !is_unsafe(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// Ticket text for one line of output: every control character escaped.
pub fn clean_line(text: &str) -> Cow<'_, str> {
    escape(text, true)
        .into_owned()
        .replace(['\n', '\t'], " ")
        .into()
}

/// Ticket text for a block of output: newlines and tabs kept, the rest escaped.
pub fn clean_block(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

/// A time in the reader's time zone, to the minute.
pub fn local(t: DateTime<Utc>, zone: LocalZone) -> String {
    zone.local(t).format("%Y-%m-%d %H:%M").to_string()
}

/// A span of time, short: `45m`, `3h`, `3h20m`, `2d4h`.
pub fn span(d: Duration) -> String {
    let minutes = d.num_minutes().abs();
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours, mins) {
        (0, 0, 0) => "<1m".to_string(),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h{m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d{h}h"),
    }
}

/// The due column, in words that cannot be misread: `in 3h`, `overdue 2h`,
/// `19h58m left, paused` (the clock stopped with that much to go, not
/// paused for that long), `overdue 12h, at the top` (escalation has gone as
/// far as the rule lets it), or `-`.
pub fn due(deadline: Option<&Deadline>, now: DateTime<Utc>) -> String {
    match deadline {
        None => "-".to_string(),
        Some(d) if d.is_overdue(now) && d.exhausted => {
            format!("overdue {}, at the top", span(now - d.at))
        }
        Some(d) if d.is_overdue(now) => format!("overdue {}", span(now - d.at)),
        Some(d) if d.paused => format!("{} left, paused", span(d.remaining(now))),
        Some(d) => format!("in {}", span(d.at - now)),
    }
}

/// The due column with the ticket's open promise: the promise instead of
/// the deadline when it comes first (or there is no running deadline), as
/// `promised in 3h` or `promise broken 2h`; else the deadline.
pub fn due_or_promise(
    deadline: Option<&Deadline>,
    promise: Option<&crate::core::promise::Promise>,
    now: DateTime<Utc>,
) -> String {
    let Some(p) = promise else {
        return due(deadline, now);
    };
    let sooner = match deadline {
        None => true,
        Some(d) => d.paused || p.due < d.at,
    };
    match (p.is_broken(now), sooner) {
        (true, _) => format!("promise broken {}", span(now - p.due)),
        (false, true) => format!("promised in {}", span(p.due - now)),
        (false, false) => due(deadline, now),
    }
}

/// A wait with a time to come back, as `show` and `wait --until` give it:
/// `waiting until 2026-11-03 09:00 (in 3h)`, or `(passed 5m ago)` while the
/// sweep has yet to reopen it.
pub fn waiting_until(until: DateTime<Utc>, zone: LocalZone, now: DateTime<Utc>) -> String {
    let when = if until > now {
        format!("in {}", span(until - now))
    } else {
        format!("passed {} ago", span(now - until))
    };
    format!("waiting until {} ({when})", local(until, zone))
}

/// The due column of a ticket waiting until a time (its status column says
/// it waits): `reopens in 3h`, or `reopen overdue 5m` while the sweep has yet
/// to reopen it. As short as the column's other texts, so that a table at 80
/// columns keeps room for the title; `show` and `--json` give the time.
pub fn until(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if until > now {
        format!("reopens in {}", span(until - now))
    } else {
        format!("reopen overdue {}", span(now - until))
    }
}

/// The open promise as `show` gives it: `promised Fri 2026-11-06 17:00 (in
/// 3h) by ana` or `BROKEN since Fri 2026-11-06 17:00 (2h ago), promised by
/// ana`, with its note.
pub fn promise(p: &crate::core::promise::Promise, zone: LocalZone, now: DateTime<Utc>) -> String {
    let when = format!("{} {}", zone.local(p.due).format("%a"), local(p.due, zone));
    let by = clean_line(&p.by);
    let mut s = if p.is_broken(now) {
        format!(
            "BROKEN since {when} ({} ago), promised by {by}",
            span(now - p.due)
        )
    } else {
        format!("promised {when} (in {}) by {by}", span(p.due - now))
    };
    if let Some(n) = &p.note {
        s.push_str(&format!(": {}", clean_line(n)));
    }
    if p.delay_sent {
        s.push_str(" (the customer was told it will be late)");
    }
    s
}

/// An error or warning as printed on stderr: `error: …` and `hint: …`, the
/// labels coloured when `color` is on.
pub fn problem(err: &crate::error::Error, label: &str, color: bool) -> String {
    let paint = |text: &str, c: Color| {
        if color {
            c.paint(text)
        } else {
            text.to_string()
        }
    };
    let label_color = if label == "error" {
        Color::Red
    } else {
        Color::Yellow
    };
    // A message may list things a line each (the candidates of an
    // ambiguous id); each line is cleaned on its own.
    let message: Vec<_> = err.message.lines().map(clean_line).collect();
    let mut s = format!(
        "{} {}",
        paint(&format!("{label}:"), label_color),
        message.join("\n")
    );
    if let Some(h) = &err.hint {
        let _ = write!(s, "\n{} {}", paint("hint:", Color::Cyan), clean_line(h));
    }
    s
}

/// The colour of a status wherever it is shown.
pub fn status_color(s: Status) -> Color {
    match s {
        Status::Open => Color::Green,
        Status::Waiting => Color::Yellow,
        Status::Resolved => Color::Blue,
        Status::Closed => Color::Dim,
    }
}

/// The colour of a priority; `None` for the unremarkable ones.
pub fn priority_color(p: Priority) -> Option<Color> {
    match p {
        Priority::Urgent => Some(Color::Red),
        Priority::High => Some(Color::Yellow),
        Priority::Normal | Priority::Low => None,
    }
}

/// The few colours baton uses.
#[derive(Debug, Clone, Copy)]
pub enum Color {
    Red,
    Yellow,
    Green,
    Blue,
    Cyan,
    Dim,
    Bold,
}

impl Color {
    /// The same colour for a table cell (attributes map to white).
    pub fn cell(self) -> comfy_table::Color {
        match self {
            Color::Red => comfy_table::Color::Red,
            Color::Yellow => comfy_table::Color::Yellow,
            Color::Green => comfy_table::Color::Green,
            Color::Blue => comfy_table::Color::Blue,
            Color::Cyan => comfy_table::Color::Cyan,
            Color::Dim | Color::Bold => comfy_table::Color::Reset,
        }
    }

    pub fn paint(self, text: &str) -> String {
        let code = match self {
            Color::Red => "31",
            Color::Yellow => "33",
            Color::Green => "32",
            Color::Blue => "34",
            Color::Cyan => "36",
            Color::Dim => "2",
            Color::Bold => "1",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bidi_control_and_every_c0_and_c1_control_is_escaped() {
        let bidi = [
            '\u{061c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}',
            '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ];
        let controls = (0u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32);
        for c in bidi
            .into_iter()
            .chain(controls)
            .chain(['\u{2028}', '\u{2029}'])
        {
            let shown = clean_line(&format!("a{c}b")).into_owned();
            assert!(!shown.contains(c), "{:?} passed raw: {shown:?}", c);
            assert!(shown.starts_with('a') && shown.ends_with('b'), "{shown:?}");
        }
        assert_eq!(clean_line("Müller – ok ✓"), "Müller – ok ✓");
    }

    #[test]
    fn escape_sequences_and_bidi_overrides_are_shown_not_run() {
        let title = "Hi\x1b]0;pwned\x07 \x1b[31mred\r\u{202e}txt\u{9b}";
        assert_eq!(
            clean_line(title),
            "Hi\\e]0;pwned\\u{7} \\e[31mred\\r\\u{202e}txt\\u{9b}"
        );
    }

    #[test]
    fn blocks_keep_their_lines() {
        assert_eq!(clean_block("a\nb\tc\x1b"), "a\nb\tc\\e");
        assert_eq!(clean_line("a\nb"), "a b");
    }

    #[test]
    fn the_due_column_says_what_its_time_means() {
        let now: DateTime<Utc> = "2026-11-02T08:00:00Z".parse().unwrap();
        let deadline = |hours: i64, paused: bool, exhausted: bool| Deadline {
            start: now,
            at: now + Duration::hours(hours),
            paused,
            waited: Duration::zero(),
            escalations: u32::from(exhausted),
            exhausted,
        };
        let cases = [
            (deadline(3, false, false), "in 3h"),
            (deadline(-2, false, false), "overdue 2h"),
            (deadline(19, true, false), "19h left, paused"),
            (deadline(-12, false, true), "overdue 12h, at the top"),
            (deadline(-1, true, false), "overdue 1h"),
        ];
        for (d, want) in cases {
            assert_eq!(due(Some(&d), now), want);
        }
        assert_eq!(due(None, now), "-");
    }

    #[test]
    fn spans_are_short() {
        let cases = [
            (0, "<1m"),
            (45, "45m"),
            (180, "3h"),
            (200, "3h20m"),
            (1440 * 2 + 240, "2d4h"),
            (1440, "1d"),
        ];
        for (m, s) in cases {
            assert_eq!(span(Duration::minutes(m)), s);
        }
    }
}
