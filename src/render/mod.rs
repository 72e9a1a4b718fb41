//! The only output: tables, timelines, messages and JSON. Nothing outside this
//! module writes to stdout or stderr (but `main`, for the final error).
//! Commands hand it plain values and it shapes them, one module per kind of
//! output; every JSON document is in [`json`]. Reading what a person types
//! (questions, their editor) is [`crate::term`].

pub mod ask;
pub mod attachment;
pub mod commit;
pub mod completion;
pub mod doctor;
pub mod filed;
pub mod html;
pub mod json;
pub mod man;
pub mod outbox;
pub mod outcome;
pub mod pager;
pub mod report;
pub mod similar;
pub mod sweep;
pub mod sync;
pub mod table;
pub mod text;
pub mod ticket;

use std::io::{self, Write};

use crate::ctx::LocalZone;
use crate::error::{Error, Result};

/// Where output goes and what the terminal allows.
pub struct Output {
    /// One JSON document on stdout; human text goes to stderr.
    pub json: bool,
    /// Colour on stdout.
    pub color: bool,
    /// Colour on stderr (its own terminal test: `baton list > file` still
    /// colours a warning on the screen).
    pub err_color: bool,
    /// Stdout is a terminal: tables fit its width.
    pub stdout_tty: bool,
    /// The terminal's width: `COLUMNS`, else what the terminal reports.
    pub width: Option<u16>,
    /// The reader's time zone, for the times shown (UTC until set).
    pub zone: LocalZone,
    /// `--jsonl`: documents on one line, arrays as one item a line.
    pub jsonl: bool,
    /// The pager for text longer than the screen (`None`: written as it is).
    pub pager: Option<pager::Pager>,
}

/// The error that stands for a closed pipe: quiet, and success (see `main`).
fn broken_pipe() -> Error {
    Error {
        code: 0,
        ..Error::new("")
    }
}

fn write_out(text: &str) -> Result<()> {
    write_bytes(text.as_bytes())
}

fn write_bytes(bytes: &[u8]) -> Result<()> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|e| match e.kind() {
            io::ErrorKind::BrokenPipe => broken_pipe(),
            _ => Error::new(format!("cannot write to standard output: {e}")),
        })
}

/// Writes `items` as `serde_json::to_string_pretty` writes an array of
/// them, handing `write` the text a slice at a time.
fn pretty_array(
    items: impl Iterator<Item = serde_json::Value>,
    mut write: impl FnMut(&str) -> Result<()>,
) -> Result<()> {
    let mut text = String::from("[");
    let mut empty = true;
    for item in items {
        text.push_str(if empty { "\n  " } else { ",\n  " });
        empty = false;
        // JSON strings hold no raw newlines, so this indents lines only
        let item = serde_json::to_string_pretty(&item).unwrap_or_default();
        text.push_str(&item.replace('\n', "\n  "));
        if text.len() > 1 << 16 {
            write(&text)?;
            text.clear();
        }
    }
    text.push_str(if empty { "]\n" } else { "\n]\n" });
    write(&text)
}

/// JSON text with every character [`text::is_unsafe`] names escaped as
/// `\uXXXX`. Such characters can only stand inside JSON strings, where the
/// escape means the same character, so the document reads the same.
fn terminal_safe_json(text: &str) -> std::borrow::Cow<'_, str> {
    // The pretty printer's own line breaks stay.
    let escaped = |c: char| text::is_unsafe(c) && c != '\n';
    if !text.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escaped(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{:04x}", u));
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl Output {
    pub fn new(json: bool, color: bool, stdout_tty: bool, width: Option<u16>) -> Self {
        Output {
            json,
            color,
            err_color: false,
            stdout_tty,
            width,
            zone: LocalZone::utc(),
            jsonl: false,
            pager: None,
        }
    }

    /// Sets the pager for long text.
    pub fn pager(mut self, pager: Option<pager::Pager>) -> Self {
        self.pager = pager;
        self
    }

    /// Sets JSON to one object a line (`--jsonl`).
    pub fn lines(mut self, on: bool) -> Self {
        self.jsonl = on;
        self
    }

    /// Sets the time zone times are shown in.
    pub fn zone(mut self, zone: LocalZone) -> Self {
        self.zone = zone;
        self
    }

    /// Sets whether stderr is coloured.
    pub fn err_color(mut self, on: bool) -> Self {
        self.err_color = on;
        self
    }

    /// Human text for stdout (stderr under `--json`, which owns stdout).
    pub fn print(&self, text: &str) -> Result<()> {
        let mut text = text.to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        if self.json {
            eprint!("{text}");
            return Ok(());
        }
        if let Some(pager) = self.pager.as_ref().filter(|p| p.wanted_for(&text)) {
            // A pager that cannot start leaves the text to be written here.
            if pager.show(&text).is_ok() {
                return Ok(());
            }
        }
        write_out(&text)
    }

    /// A document that is the command's result whatever `--json` says (a
    /// shell script, a manual page), on stdout exactly as given.
    pub fn raw(&self, bytes: &[u8]) -> Result<()> {
        write_bytes(bytes)
    }

    /// The JSON document of this command (only under `--json`).
    pub fn json(&self, value: &serde_json::Value) -> Result<()> {
        let mut text = if self.jsonl {
            value.to_string()
        } else {
            serde_json::to_string_pretty(value).unwrap_or_default()
        };
        text.push('\n');
        self.write_json(&text)
    }

    /// The JSON document of a command whose result is a long array, written
    /// as it is made so that 100,000 tickets never sit in memory at once.
    /// The text is the same as [`Output::json`] gives for the whole array.
    pub fn json_array(&self, items: impl Iterator<Item = serde_json::Value>) -> Result<()> {
        if self.jsonl {
            return self.json_lines(items);
        }
        pretty_array(items, |text| self.write_json(text))
    }

    /// One compact JSON object a line, written as they come (`--jsonl`).
    pub fn json_lines(&self, items: impl Iterator<Item = serde_json::Value>) -> Result<()> {
        let mut text = String::new();
        for item in items {
            text.push_str(&item.to_string());
            text.push('\n');
            if text.len() > 1 << 16 {
                self.write_json(&text)?;
                text.clear();
            }
        }
        if text.is_empty() {
            return Ok(());
        }
        self.write_json(&text)
    }

    /// Ticket ids, one a line, for shell loops (`--format id`).
    pub fn ids(&self, ids: impl Iterator<Item = uuid::Uuid>) -> Result<()> {
        let mut text = String::new();
        for id in ids {
            text.push_str(&id.to_string());
            text.push('\n');
        }
        if text.is_empty() {
            return Ok(());
        }
        write_out(&text)
    }

    /// JSON text to stdout. On a terminal, characters a terminal would act
    /// on are written as `\uXXXX` escapes (the same document to a JSON
    /// reader); to a pipe or a file the text stays byte for byte as made.
    fn write_json(&self, text: &str) -> Result<()> {
        if self.stdout_tty {
            write_out(&terminal_safe_json(text))
        } else {
            write_out(text)
        }
    }

    /// A human message to stdout, or the JSON document under `--json`.
    pub fn result(&self, human: &str, json: impl FnOnce() -> serde_json::Value) -> Result<()> {
        if self.json {
            self.json(&json())
        } else {
            self.print(human)
        }
    }

    /// A remark on stderr that is not the command's result.
    pub fn info(&self, text: &str) {
        eprintln!("{text}");
    }

    /// A problem that did not stop the command.
    pub fn warn(&self, err: &Error) {
        eprintln!("{}", text::problem(err, "warning", self.err_color));
    }

    /// Wraps text in an ANSI colour when colour is on.
    pub fn paint(&self, text: &str, color: text::Color) -> String {
        if self.color {
            color.paint(text)
        } else {
            text.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn json_for_a_terminal_escapes_what_a_terminal_would_obey_and_reads_the_same() {
        let value = json!({"title": "a\u{1b}[31m\u{9b}\u{202e}\u{061c}b", "n": [1, "\n"]});
        let text = serde_json::to_string_pretty(&value).unwrap() + "\n";
        let safe = super::terminal_safe_json(&text);
        assert!(
            !safe.chars().any(|c| super::text::is_unsafe(c) && c != '\n'),
            "{safe}"
        );
        assert!(safe.contains("\\u202e"), "{safe}");
        let again: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(again, value);
        let plain = "{\"a\": \"Müller\"}\n";
        assert!(matches!(
            super::terminal_safe_json(plain),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_streamed_array_reads_like_the_whole_array() {
        let many: Vec<_> = (0..3000)
            .map(
                |n| json!({"id": n, "tags": ["a", "b"], "nested": {"x": [], "y": {}}, "s": "a\nb"}),
            )
            .collect();
        for items in [vec![], many[..1].to_vec(), many] {
            let mut out = String::new();
            super::pretty_array(items.clone().into_iter(), |t| {
                out.push_str(t);
                Ok(())
            })
            .unwrap();
            let whole =
                serde_json::to_string_pretty(&serde_json::Value::Array(items)).unwrap() + "\n";
            assert_eq!(out, whole);
        }
    }
}
