//! A ticket's content fields as a small TOML document that a person edits in
//! their editor: written with comments that explain each field, and read back
//! into an [`Edit`] (for an existing ticket) or a [`Draft`] (for a new one).

use std::fmt::Write;

use serde::Deserialize;
use toml::Spanned;

use super::action::{Draft, Edit};
use super::ticket::{ParseError, Priority, Ticket, line_col, parse_error};

/// The content fields, as shown in and read from the document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fields {
    pub title: String,
    pub customer: String,
    pub priority: Priority,
    pub tags: Vec<String>,
    pub description: String,
}

impl Fields {
    /// A ticket's current content.
    pub fn of(t: &Ticket) -> Fields {
        Fields {
            title: t.title.clone(),
            customer: t.customer.clone(),
            priority: t.priority,
            tags: t.tags.clone(),
            description: t.description.clone(),
        }
    }

    /// A new ticket with this content, owned by `owner` (the creator when `None`).
    pub fn into_draft(self, owner: Option<String>) -> Draft {
        Draft {
            title: self.title,
            customer: self.customer,
            description: self.description,
            priority: self.priority,
            tags: self.tags,
            owner,
        }
    }

    /// The edit that turns `before` into these fields: only what the person
    /// changed, so that applied to a ticket someone changed in the meantime,
    /// it keeps their changes to other fields (and to other tags).
    pub fn changes_from(self, before: &Ticket) -> Edit {
        let differs = |a: &str, b: &str| a.trim() != b.trim();
        Edit {
            title: differs(&self.title, &before.title).then_some(self.title),
            customer: differs(&self.customer, &before.customer).then_some(self.customer),
            priority: (self.priority != before.priority).then_some(self.priority),
            description: (self.description.trim_end() != before.description.trim_end())
                .then_some(self.description),
            add_tags: self
                .tags
                .iter()
                .filter(|t| !before.tags.contains(t))
                .cloned()
                .collect(),
            remove_tags: before
                .tags
                .iter()
                .filter(|t| !self.tags.contains(t))
                .cloned()
                .collect(),
        }
    }
}

/// The explanation under the heading of every document.
const GUIDE: &str = "\
# Save and close the editor to apply. To cancel, leave it unchanged or delete
# everything. Lines starting with '#' are comments.
#
# title        one line
# customer     who reported it, usually an e-mail address (\"\" for nobody)
# priority     \"low\", \"normal\", \"high\" or \"urgent\"
# tags         words without spaces or commas, such as [\"billing\", \"vip\"]
# description  the full text, between the triple quotes
";

/// The document for `fields`, under a comment `heading` (one line, no `#`).
pub fn render(heading: &str, fields: &Fields) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {heading}");
    s.push_str(GUIDE);
    s.push('\n');
    let _ = writeln!(s, "title = {}", basic(&fields.title));
    let _ = writeln!(s, "customer = {}", basic(&fields.customer));
    let _ = writeln!(s, "priority = {}", basic(fields.priority.as_str()));
    let tags: Vec<String> = fields.tags.iter().map(|t| basic(t)).collect();
    let _ = writeln!(s, "tags = [{}]", tags.join(", "));
    let _ = writeln!(
        s,
        "description = \"\"\"\n{}\n\"\"\"",
        multiline(fields.description.trim_end())
    );
    s
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    title: Option<Spanned<String>>,
    #[serde(default)]
    customer: String,
    priority: Option<Spanned<String>>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    description: String,
}

fn at(text: &str, span: std::ops::Range<usize>, message: String) -> ParseError {
    let (line, column) = line_col(text, span.start);
    ParseError {
        message,
        line: Some(line),
        column: Some(column),
    }
}

fn missing(key: &str, example: &str) -> ParseError {
    ParseError {
        message: format!("the {key} is missing; add a line such as {key} = {example}"),
        line: None,
        column: None,
    }
}

/// Reads a document back. A missing customer, tag list or description means
/// none; the title and the priority must be there.
pub fn parse(text: &str) -> Result<Fields, ParseError> {
    let raw: Raw = toml::from_str(text).map_err(|e| parse_error(text, &e))?;
    let title = raw
        .title
        .ok_or_else(|| missing("title", "\"Refund not received\""))?;
    let priority = raw
        .priority
        .ok_or_else(|| missing("priority", "\"normal\""))?;
    let span = priority.span();
    let priority = priority.into_inner();
    let priority = super::typed::priority(&priority).map_err(|m| at(text, span, m))?;
    Ok(Fields {
        title: title.into_inner(),
        customer: raw.customer,
        priority,
        tags: raw.tags,
        description: trim_blank_lines(&raw.description),
    })
}

/// Text without blank lines at its start and whitespace at its end (what is
/// left around the text typed between the triple quotes).
fn trim_blank_lines(text: &str) -> String {
    let text = text.trim_end();
    let start = text
        .char_indices()
        .take_while(|(_, c)| c.is_whitespace())
        .filter(|(_, c)| *c == '\n')
        .last()
        .map_or(0, |(i, _)| i + 1);
    text[start..].to_string()
}

/// Whether a saved document says nothing at all: only comments and blanks.
pub fn is_blank(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with('#'))
}

/// A TOML basic string: quoted, with backslashes, quotes and control
/// characters escaped.
fn basic(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The inside of a TOML multi-line basic string: newlines and tabs as they
/// are, backslashes and other control characters escaped, and no run of three
/// quotes that would end the string early.
fn multiline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut quotes = 0;
    for c in s.chars() {
        match c {
            '"' if quotes == 2 => {
                out.push_str("\\\"");
                quotes = 0;
                continue;
            }
            '"' => {
                out.push('"');
                quotes += 1;
                continue;
            }
            '\\' => out.push_str("\\\\"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
        quotes = 0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Fields {
        Fields {
            title: "Refund \"double\" charge \\ \u{1b}[31m".into(),
            customer: "jan@example.com".into(),
            priority: Priority::High,
            tags: vec!["billing".into(), "vip".into()],
            description: "Charged twice.\n\"\"\"quoted\"\"\" \\n\tend \u{7}\n\n".into(),
        }
    }

    #[test]
    fn a_rendered_document_reads_back_as_the_same_fields() {
        let fields = sample();
        let text = render("Editing ticket 0b7c", &fields);
        let back = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(
            back,
            Fields {
                description: fields.description.trim_end().to_string(),
                ..fields
            }
        );
        assert!(!text.contains('\u{1b}'), "no raw escape reaches the editor");
    }

    #[test]
    fn the_document_reads_as_a_person_expects() {
        let fields = Fields {
            title: "Printer on fire".into(),
            description: "It smokes.\nSecond floor.".into(),
            ..Fields::default()
        };
        let text = render("A new ticket", &fields);
        assert!(
            text.starts_with("# A new ticket\n# Save and close"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "title = \"Printer on fire\"\ncustomer = \"\"\npriority = \"normal\"\ntags = []\n\
                 description = \"\"\"\nIt smokes.\nSecond floor.\n\"\"\"\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn mistakes_are_named_with_their_line() {
        let cases = [
            (
                "title = \"x\"\npriority = \"hihg\"\n",
                "line 2, column 12: unknown priority 'hihg'",
            ),
            ("priority = \"low\"\n", "the title is missing"),
            ("title = \"x\"\n", "the priority is missing"),
            (
                "title = \"x\"\npriority = \"low\"\nowner = \"ben\"\n",
                "line 3, column 1: unknown field `owner`",
            ),
            ("title = \"x\npriority = \"low\"\n", "line 1"),
        ];
        for (text, want) in cases {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.starts_with(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn only_what_changed_becomes_an_edit() {
        let ticket = Ticket::parse(
            "id = \"0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84\"\ntitle = \"Refund\"\n\
             status = \"open\"\nowner = \"ana\"\npriority = \"normal\"\n\
             tags = [\"billing\", \"misc\"]\ncreated = 2026-11-20T09:14:00Z\n\
             updated = 2026-11-20T09:14:00Z\ndescription = \"Charged twice.\"\n\n\
             [[events]]\nat = 2026-11-20T09:14:00Z\nby = \"ana\"\nkind = \"created\"\nto = \"ana\"\n",
        )
        .unwrap();
        let mut fields = Fields::of(&ticket);
        assert!(fields.clone().changes_from(&ticket).is_empty());
        fields.priority = Priority::Urgent;
        fields.tags = vec!["billing".into(), "vip".into()];
        fields.description = format!("{}\n\n", ticket.description);
        let edit = fields.changes_from(&ticket);
        assert_eq!(edit.priority, Some(Priority::Urgent));
        assert_eq!(edit.title, None);
        assert_eq!(edit.description, None, "trailing blank lines are no change");
        assert_eq!(edit.add_tags, ["vip"]);
        assert_eq!(edit.remove_tags, ["misc"]);
    }

    #[test]
    fn blank_lines_around_a_description_go_but_indentation_stays() {
        assert_eq!(
            trim_blank_lines("\n  \n  indented\nnext\n\n"),
            "  indented\nnext"
        );
        assert_eq!(trim_blank_lines("plain"), "plain");
        assert_eq!(trim_blank_lines(" \n \n"), "");
    }

    #[test]
    fn comments_and_blanks_alone_are_blank() {
        assert!(is_blank("# just\n\n  # comments\n"));
        assert!(is_blank(""));
        assert!(!is_blank("# x\ntitle = \"\"\n"));
    }
}
