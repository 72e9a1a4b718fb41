//! The team's message templates (`[templates]` in `baton.toml`): text with
//! `{name}` placeholders, checked when the config is read and filled in when a
//! customer is told something. `{{` and `}}` stand for literal braces.

/// Every placeholder a template may use, with what it stands for.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("id", "the ticket's short id, as in [#0b7c]"),
    ("full_id", "the ticket's full id"),
    ("title", "the title"),
    ("owner", "who owns the ticket"),
    ("status", "open, waiting, resolved or closed"),
    (
        "deadline",
        "when the ticket is due (the escalation deadline), in UTC",
    ),
    (
        "first_response",
        "when the first answer is due ([sla] first_response), in UTC",
    ),
    ("customer", "the customer"),
    (
        "name",
        "the customer's name as their mail gave it (empty when none)",
    ),
    ("priority", "low, normal, high or urgent"),
    ("note", "the remark on a status change (empty when none)"),
    (
        "promise",
        "the time promised to the customer, in UTC (empty when none)",
    ),
    (
        "missing",
        "one sentence asking for the [checklist] facts the customer's text lacks (empty when none)",
    ),
];

/// The delay notice's subject when `[templates] delay_subject` is not set.
pub const DELAY_SUBJECT: &str = "[#{id}] {title}";

/// The survey's subject when `[templates] survey_subject` is not set.
pub const SURVEY_SUBJECT: &str = "[#{id}] {title}";

/// The acknowledgement's subject when `[templates] ack_subject` is not set.
pub const ACK_SUBJECT: &str = "[#{id}] {title}";

/// The acknowledgement when `[templates] ack` is not set.
pub const ACK: &str = "Hello,

thank you for writing to us. We have filed your message

    {title}

as ticket #{id}. {owner} is looking after it, and you can expect
an answer by {deadline}.
{missing}

When you write to us about it again, please keep [#{id}] in the subject.
";

/// The status notice's subject when `[templates] status_subject` is not set.
pub const STATUS_SUBJECT: &str = "[#{id}] {title} ({status})";

/// The status notice when `[templates] status` is not set.
pub const STATUS: &str = "Hello,

your ticket #{id} \"{title}\" is now {status}.
{note}

When you write to us about it again, please keep [#{id}] in the subject.
";

enum Piece<'a> {
    Text(&'a str),
    Brace(char),
    Var(&'a str),
}

/// Splits a template into literal text and placeholders; the error is the
/// byte offset of the problem and what it is.
fn pieces(template: &str) -> Result<Vec<Piece<'_>>, (usize, String)> {
    let mut out = Vec::new();
    let mut rest = template;
    let mut offset = 0;
    while let Some(pos) = rest.find(['{', '}']) {
        if pos > 0 {
            out.push(Piece::Text(&rest[..pos]));
        }
        let brace = rest.as_bytes()[pos] as char;
        let after = &rest[pos + 1..];
        if after.starts_with(brace) {
            out.push(Piece::Brace(brace));
            offset += pos + 2;
            rest = &after[1..];
            continue;
        }
        if brace == '}' {
            return Err((
                offset + pos,
                "a '}' without its '{' (write '}}' for a brace)".into(),
            ));
        }
        let Some(end) = after.find('}') else {
            return Err((
                offset + pos,
                "a '{' without its '}' (write '{{' for a brace)".into(),
            ));
        };
        let name = &after[..end];
        if !PLACEHOLDERS.iter().any(|(n, _)| *n == name) {
            let known: Vec<String> = PLACEHOLDERS
                .iter()
                .map(|(n, _)| format!("{{{n}}}"))
                .collect();
            return Err((
                offset + pos,
                format!(
                    "unknown placeholder '{{{}}}'; expected one of {}",
                    name.escape_debug(),
                    known.join(", ")
                ),
            ));
        }
        out.push(Piece::Var(name));
        offset += pos + 1 + end + 1;
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

/// Checks a template: braces balanced, every placeholder known.
pub fn check(template: &str) -> Result<(), (usize, String)> {
    pieces(template).map(|_| ())
}

/// Fills in a template. A line made only of placeholders that are all empty
/// (such as `{note}` when there is no note) is left out, so optional parts
/// leave no blank line behind.
pub fn render(template: &str, value: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    for line in template.split_inclusive('\n') {
        let Ok(pieces) = pieces(line) else {
            // Checked when the config was read; a template built otherwise
            // is shown as it is rather than lost.
            out.push_str(line);
            continue;
        };
        let mut rendered = String::new();
        let mut only_vars = true;
        let mut any_var = false;
        for piece in pieces {
            match piece {
                Piece::Text(t) => {
                    if !t.trim().is_empty() {
                        only_vars = false;
                    }
                    rendered.push_str(t);
                }
                Piece::Brace(c) => {
                    only_vars = false;
                    rendered.push(c);
                }
                Piece::Var(name) => {
                    any_var = true;
                    rendered.push_str(&value(name));
                }
            }
        }
        if any_var && only_vars && rendered.trim().is_empty() {
            continue;
        }
        out.push_str(&rendered);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(name: &str) -> String {
        match name {
            "id" => "0b7c".into(),
            "title" => "Refund".into(),
            _ => String::new(),
        }
    }

    #[test]
    fn placeholders_are_filled_and_braces_escaped() {
        assert_eq!(
            render("[#{id}] {title} {{literal}}", values),
            "[#0b7c] Refund {literal}"
        );
    }

    #[test]
    fn a_line_of_empty_placeholders_is_left_out() {
        assert_eq!(render("a\n{note}\nb {note}\n", values), "a\nb \n");
    }

    #[test]
    fn bad_templates_say_where_and_why() {
        let cases = [
            ("x {nope} y", 2, "unknown placeholder '{nope}'"),
            ("x {id", 2, "without its '}'"),
            ("x }", 2, "without its '{'"),
            ("{{ {title}} }", 10, "without its '{'"),
        ];
        for (text, at, needle) in cases {
            let (pos, message) = check(text).unwrap_err();
            assert_eq!(pos, at, "{text}");
            assert!(message.contains(needle), "{text}: {message}");
        }
    }

    #[test]
    fn the_defaults_are_valid() {
        for t in [ACK, ACK_SUBJECT, STATUS, STATUS_SUBJECT] {
            check(t).unwrap();
        }
    }
}
